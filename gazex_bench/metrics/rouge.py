"""ROUGE-L as pycocoevalcap computes it, with a bit-parallel LCS.

Reference: pycocoevalcap 1.2 ``rouge/rouge.py``: tokens are ``text.split(" ")``
(so double spaces yield empty tokens and ``""`` is one empty token), per sample
``P = max_r LCS/|c|``, ``R = max_r LCS/|r|`` (maxima taken separately),
``F = (1 + b^2) P R / (R + b^2 P)`` with ``b = 1.2`` (0 if P or R is 0), corpus
value = mean of F over samples.

LCS length uses the bit-parallel algorithm of Allison & Dix (1986) / Hyyrö (2004):
one big-integer step per token instead of a Python-level DP row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BETA = 1.2


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two token sequences."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return 0
    masks: dict[str, int] = {}
    for i, tok in enumerate(b):
        masks[tok] = masks.get(tok, 0) | (1 << i)
    full = (1 << len(b)) - 1
    v = full
    for tok in a:
        m = masks.get(tok)
        if m is None:
            continue
        u = v & m
        v = ((v + u) | (v - u)) & full
    return len(b) - v.bit_count()


@dataclass(frozen=True)
class RougeStats:
    """Per-sample ROUGE-L statistics (N samples): ``precision``, ``recall``, ``f`` (all (N,))."""

    precision: np.ndarray
    recall: np.ndarray
    f: np.ndarray


def rouge_l_sample(hyp: str, refs: Sequence[str], beta: float = BETA) -> tuple[float, float, float]:
    """(P, R, F) for one sample, pycocoevalcap ``Rouge.calc_score`` semantics."""
    token_c = hyp.split(" ")
    prec_max = rec_max = 0.0
    for ref in refs:
        token_r = ref.split(" ")
        lcs = lcs_length(token_r, token_c)
        prec_max = max(prec_max, lcs / float(len(token_c)))
        rec_max = max(rec_max, lcs / float(len(token_r)))
    if prec_max != 0 and rec_max != 0:
        f = ((1 + beta**2) * prec_max * rec_max) / float(rec_max + beta**2 * prec_max)
    else:
        f = 0.0
    return prec_max, rec_max, f


def compute_rouge_stats(hyps: Sequence[str], refs: Sequence[Sequence[str]]) -> RougeStats:
    """Per-sample ROUGE-L statistics for aligned hypotheses and reference lists."""
    rows = [rouge_l_sample(h, r) for h, r in zip(hyps, refs, strict=True)]
    arr = np.asarray(rows, dtype=np.float64).reshape(-1, 3)
    return RougeStats(arr[:, 0], arr[:, 1], arr[:, 2])


def corpus_rouge_l(stats: RougeStats) -> float:
    """Mean per-sample ROUGE-L F (pycocoevalcap value); NaN for no samples."""
    if len(stats.f) == 0:
        return math.nan
    return float(np.mean(stats.f))
