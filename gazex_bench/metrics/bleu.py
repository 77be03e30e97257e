"""Corpus BLEU-1..4 with pycocoevalcap's exact arithmetic, from per-sample sufficient statistics.

Reference: pycocoevalcap 1.2 ``bleu/bleu_scorer.py`` (David Chiang's scorer):
whitespace ``split()``, n-gram counts clipped by the per-n-gram maximum over the
references, ``closest`` effective reference length (ties -> the shorter one),
corpus precision ``(sum correct + 1e-15) / (sum guess + 1e-9)`` multiplied up
order by order, brevity penalty ``exp(1 - 1/ratio)`` when
``ratio = (sum hyp_len + 1e-15) / (sum ref_len + 1e-9) < 1``.

Per-sample statistics (rows of :class:`BleuStats`) sum to the corpus statistics,
so a bootstrap resample is a weighted sum of rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gazex_bench.metrics.ngram_index import NGramIndex, lookup, max_ref_counts

N_ORDER = 4
SMALL = 1e-9
TINY = 1e-15


@dataclass(frozen=True)
class BleuStats:
    """Per-sample BLEU sufficient statistics (N samples).

    Attributes:
        correct: (N, 4) clipped n-gram matches per order.
        guess: (N, 4) hypothesis n-grams per order, ``max(0, len - k + 1)``.
        hyp_len: (N,) hypothesis length in tokens.
        ref_len: (N,) closest reference length in tokens.
    """

    correct: np.ndarray
    guess: np.ndarray
    hyp_len: np.ndarray
    ref_len: np.ndarray

    def matrix(self) -> np.ndarray:
        """(N, 10) float matrix ``[correct(4), guess(4), hyp_len, ref_len]`` for reweighting."""
        return np.column_stack([self.correct, self.guess, self.hyp_len, self.ref_len]).astype(np.float64)


def bleu_from_totals(
    correct: Sequence[float], guess: Sequence[float], hyp_len: float, ref_len: float
) -> list[float]:
    """BLEU-1..4 from summed statistics, in pycocoevalcap's operation order."""
    bleus = []
    bleu = 1.0
    for k in range(N_ORDER):
        bleu *= float(correct[k] + TINY) / (guess[k] + SMALL)
        bleus.append(bleu ** (1.0 / (k + 1)))
    ratio = (hyp_len + TINY) / (ref_len + SMALL)
    if ratio < 1:
        bp = math.exp(1 - 1 / ratio)
        bleus = [b * bp for b in bleus]
    return bleus


def bleu_from_matrix(totals: np.ndarray) -> np.ndarray:
    """Vectorised BLEU-1..4 for many weighted totals.

    Args:
        totals: (B, 10) rows of summed ``[correct(4), guess(4), hyp_len, ref_len]``.

    Returns:
        (B, 4) BLEU-1..4.
    """
    totals = np.atleast_2d(totals)
    prec = (totals[:, 0:4] + TINY) / (totals[:, 4:8] + SMALL)
    cum = np.cumprod(prec, axis=1)
    bleus = cum ** (1.0 / np.arange(1, N_ORDER + 1))
    ratio = (totals[:, 8] + TINY) / (totals[:, 9] + SMALL)
    with np.errstate(divide="ignore", over="ignore"):
        bp = np.where(ratio < 1, np.exp(1 - 1 / np.where(ratio > 0, ratio, np.inf)), 1.0)
    bp = np.where((ratio < 1) & (ratio <= 0), 0.0, bp)
    return bleus * bp[:, None]


def closest_ref_lengths(index: NGramIndex) -> np.ndarray:
    """Per sample, the reference length closest to the hypothesis length (ties -> shorter)."""
    n = index.n_samples
    hyp_len = index.lengths[:n]
    ref_len = index.lengths[n:]
    dist = np.abs(ref_len - hyp_len[index.ref_sample])
    order = np.lexsort((ref_len, dist, index.ref_sample))  # by sample, then distance, then length
    first = np.ones(len(order), dtype=bool)
    first[1:] = index.ref_sample[order][1:] != index.ref_sample[order][:-1]
    out = np.zeros(n, dtype=np.int64)
    out[index.ref_sample[order][first]] = ref_len[order][first]
    return out


def compute_bleu_stats(index: NGramIndex) -> BleuStats:
    """Per-sample BLEU statistics from an :class:`~gazex_bench.metrics.ngram_index.NGramIndex`."""
    n = index.n_samples
    hyp, _ = index.split()
    max_keys, max_counts = max_ref_counts(index)
    h_gid = index.gid[hyp]
    h_count = index.count[hyp]
    clipped = np.minimum(h_count, lookup(max_keys, max_counts, index.text[hyp] * index.n_grams + h_gid))
    rows = index.text[hyp] * N_ORDER + index.order[h_gid]
    correct = np.bincount(rows, weights=clipped, minlength=n * N_ORDER).reshape(n, N_ORDER)
    hyp_len = index.lengths[:n]
    guess = np.maximum(0, hyp_len[:, None] - np.arange(N_ORDER)[None, :])
    return BleuStats(
        correct.astype(np.int64), guess.astype(np.int64), hyp_len.copy(), closest_ref_lengths(index)
    )


def corpus_bleu(stats: BleuStats) -> list[float]:
    """Corpus BLEU-1..4 (pycocoevalcap ``Bleu(4).compute_score`` value); NaN for no samples."""
    if len(stats.hyp_len) == 0:
        return [math.nan] * N_ORDER
    return bleu_from_totals(
        [int(x) for x in stats.correct.sum(axis=0)],
        [int(x) for x in stats.guess.sum(axis=0)],
        int(stats.hyp_len.sum()),
        int(stats.ref_len.sum()),
    )
