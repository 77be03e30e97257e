"""Vectorised n-gram counting shared by BLEU and CIDEr-D.

Every text is whitespace-``split()`` (as pycocoevalcap's ``precook``), tokens are
mapped to integers once, and n-grams of order k get dense ids by hashing the pair
(id of the (k-1)-gram prefix, last token) with ``np.unique``; no Python loop per
n-gram. Counts per (text, n-gram) come from one ``np.unique`` over
``text * G + gid`` keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

N_ORDER = 4


@dataclass(frozen=True)
class NGramIndex:
    """Sparse (text, n-gram, count) table over hypotheses and references.

    Texts are numbered: hypotheses ``0..N-1`` then references ``N..N+M-1`` in
    sample order. Entry arrays are sorted by ``(text, gid)``.

    Attributes:
        n_samples: N.
        n_grams: G, number of distinct n-grams (all orders).
        order: (G,) n-gram order minus one (0..3) per gid.
        lengths: (N+M,) token counts per text.
        ref_sample: (M,) sample index of each reference text.
        text: (E,) text index per entry.
        gid: (E,) n-gram id per entry.
        count: (E,) term frequency per entry.
    """

    n_samples: int
    n_grams: int
    order: np.ndarray
    lengths: np.ndarray
    ref_sample: np.ndarray
    text: np.ndarray
    gid: np.ndarray
    count: np.ndarray

    def split(self) -> tuple[np.ndarray, np.ndarray]:
        """Boolean masks (hypothesis entries, reference entries)."""
        hyp = self.text < self.n_samples
        return hyp, ~hyp


def _token_ids(texts: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, int]:
    vocab: dict[str, int] = {}
    flat: list[int] = []
    setdefault = vocab.setdefault
    for words in texts:
        flat.extend([setdefault(w, len(vocab)) for w in words])
    lengths = np.fromiter((len(w) for w in texts), dtype=np.int64, count=len(texts))
    return np.asarray(flat, dtype=np.int64), lengths, len(vocab)


def build_index(
    hyp_tokens: Sequence[Sequence[str]], ref_tokens: Sequence[Sequence[Sequence[str]]]
) -> NGramIndex:
    """Index all 1..4-grams of hypotheses and references.

    Args:
        hyp_tokens: N token lists.
        ref_tokens: N lists of reference token lists.

    Returns:
        The :class:`NGramIndex`.
    """
    n = len(hyp_tokens)
    texts = list(hyp_tokens) + [r for rs in ref_tokens for r in rs]
    ref_sample = np.repeat(np.arange(n), [len(rs) for rs in ref_tokens]).astype(np.int64)
    tok, lengths, vocab_size = _token_ids(texts)
    text_of = np.repeat(np.arange(len(texts)), lengths)
    remaining = np.repeat(lengths, lengths) - (
        np.arange(len(tok)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    )
    codes, cur, base = [], tok, 0
    orders, texts_e, gids_e = [], [], []
    size = vocab_size
    for k in range(N_ORDER):
        if k > 0:
            valid = remaining[: len(tok) - k] > k
            pos = np.nonzero(valid)[0]
            combined = cur[pos] * (vocab_size + 1) + tok[pos + k]
            uniq, inv = np.unique(combined, return_inverse=True)
            cur = np.full(len(tok), -1, dtype=np.int64)
            cur[pos] = inv
            size = len(uniq)
            positions = pos
        else:
            positions = np.arange(len(tok))
        codes.append(cur)
        texts_e.append(text_of[positions])
        gids_e.append(cur[positions] + base)
        orders.append(np.full(size, k, dtype=np.int8))
        base += size
    g_total = max(base, 1)
    keys = np.concatenate(texts_e) * g_total + np.concatenate(gids_e)
    ukeys, counts = np.unique(keys, return_counts=True)
    return NGramIndex(
        n_samples=n,
        n_grams=g_total,
        order=np.concatenate(orders) if orders else np.zeros(0, np.int8),
        lengths=lengths,
        ref_sample=ref_sample,
        text=ukeys // g_total,
        gid=ukeys % g_total,
        count=counts.astype(np.int64),
    )


def sample_key(index: NGramIndex, text: np.ndarray, gid: np.ndarray) -> np.ndarray:
    """``sample * G + gid`` for entries of hypothesis or reference texts."""
    sample = np.where(text < index.n_samples, text, index.ref_sample[np.maximum(text - index.n_samples, 0)])
    return cast("np.ndarray", sample * index.n_grams + gid)


def max_ref_counts(index: NGramIndex) -> tuple[np.ndarray, np.ndarray]:
    """Per (sample, n-gram) maximum reference count: (sorted keys, max counts)."""
    _, ref = index.split()
    keys = sample_key(index, index.text[ref], index.gid[ref])
    order = np.argsort(keys, kind="stable")
    keys, counts = keys[order], index.count[ref][order]
    if len(keys) == 0:
        return keys, counts
    starts = np.concatenate([[0], np.nonzero(np.diff(keys))[0] + 1])
    return keys[starts], np.maximum.reduceat(counts, starts)


def lookup(sorted_keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """``values[k]`` for each query key present in ``sorted_keys``, else 0."""
    if len(sorted_keys) == 0:
        return np.zeros(len(query), dtype=values.dtype)
    pos = np.minimum(np.searchsorted(sorted_keys, query), len(sorted_keys) - 1)
    return np.where(sorted_keys[pos] == query, values[pos], 0)
