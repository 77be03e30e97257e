"""CIDEr-D (pycocoevalcap's ``Cider``) from sparse per-sample statistics.

Reference: pycocoevalcap 1.2 ``cider/cider_scorer.py``: n = 1..4, whitespace
``split()``, term frequency x idf with ``idf(g) = log(N) - log(max(1, df(g)))``
where ``df(g)`` counts the *evaluated set's* samples whose references contain
``g`` and ``N`` is the number of samples; clipped cosine
``sum_g min(h_g, r_g) idf_g^2 r_g / (|h idf| |r idf|)`` per order; Gaussian
length penalty ``exp(-(dl)^2 / (2 sigma^2))`` with ``sigma = 6`` where ``dl`` is
the difference of the *bigram* counts (pycocoevalcap counts ``length`` on n-gram
index 1); mean over orders, summed over references, divided by the number of
references, times 10; corpus value = mean over samples.

Because ``idf >= 0`` every term is a fixed count times ``idf^2``, so all sums are
sparse matrix products with the vector ``idf^2``. A bootstrap resample with
sample weights ``w`` has ``df_w = P^T w`` (``P`` = sample x n-gram document
presence), the same ``N``, and per-sample scores recomputed from ``df_w``: this is
**exact** (identical to re-running pycocoevalcap on the resampled set with
duplicated samples renamed), evaluated for many resamples at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import cast

import numpy as np
from scipy import sparse

from gazex_bench.metrics.ngram_index import NGramIndex, lookup

SIGMA = 6.0
N_ORDER = 4


@dataclass(frozen=True)
class CiderStats:
    """Sparse sufficient statistics of CIDEr-D for N samples and M references in total.

    Attributes:
        presence: (N, G) 0/1 - sample i's references contain n-gram g.
        hyp_sq: (4N, G) squared hypothesis term frequencies, row ``4 i + order``.
        ref_sq: (4M, G) squared reference term frequencies, row ``4 m + order``.
        clip: (4M, G) ``min(h_g, r_g) * r_g`` for n-grams shared by hypothesis and reference.
        ref_sample: (M,) sample index of each reference.
        penalty: (M,) Gaussian length penalty of each (hypothesis, reference) pair.
        n_refs: (N,) references per sample.
    """

    presence: sparse.csr_matrix
    hyp_sq: sparse.csr_matrix
    ref_sq: sparse.csr_matrix
    clip: sparse.csr_matrix
    ref_sample: np.ndarray
    penalty: np.ndarray
    n_refs: np.ndarray

    @property
    def n(self) -> int:
        """Number of samples."""
        return int(self.presence.shape[0])

    def sample_scores(self, weights: np.ndarray | None = None) -> np.ndarray:
        """Per-sample CIDEr-D with document frequencies from weighted samples.

        Args:
            weights: (N,) or (N, B) sample multiplicities (bootstrap counts);
                ``None`` = all ones (the plain evaluation).

        Returns:
            (N,) or (N, B) per-sample scores under each weighting.
        """
        w = np.ones(self.n) if weights is None else np.asarray(weights, dtype=np.float64)
        squeeze = w.ndim == 1
        if self.n == 0:  # log(N) is undefined: no sample, no score (callers report NaN with n = 0)
            return np.zeros((0,) if squeeze else (0, w.shape[1]))
        w2 = w[:, None] if squeeze else w
        df = np.asarray(self.presence.T @ w2)
        idf = math.log(float(self.n)) - np.log(np.maximum(1.0, df))
        idf2 = idf * idf
        hn = np.sqrt(np.asarray(self.hyp_sq @ idf2)).reshape(self.n, N_ORDER, -1)
        rn = np.sqrt(np.asarray(self.ref_sq @ idf2)).reshape(-1, N_ORDER, idf2.shape[1])
        dot = np.asarray(self.clip @ idf2).reshape(-1, N_ORDER, idf2.shape[1])
        denom = hn[self.ref_sample] * rn
        sim = np.where(denom != 0, dot / np.where(denom != 0, denom, 1.0), dot)
        per_ref = sim.mean(axis=1) * self.penalty[:, None]
        per_sample = np.zeros((self.n, idf2.shape[1]))
        np.add.at(per_sample, self.ref_sample, per_ref)
        per_sample = per_sample / self.n_refs[:, None] * 10.0
        return cast("np.ndarray", per_sample[:, 0] if squeeze else per_sample)


def _csr(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    return sparse.csr_matrix((vals.astype(np.float64), (rows, cols)), shape=shape)


def compute_cider_stats(index: NGramIndex, sigma: float = SIGMA) -> CiderStats:
    """Build :class:`CiderStats` from an :class:`~gazex_bench.metrics.ngram_index.NGramIndex`."""
    n, g = index.n_samples, index.n_grams
    m = len(index.ref_sample)
    hyp, ref = index.split()
    h_text, h_gid, h_cnt = index.text[hyp], index.gid[hyp], index.count[hyp]
    r_ref = index.text[ref] - n
    r_gid, r_cnt = index.gid[ref], index.count[ref]
    r_sample = index.ref_sample[r_ref]
    pkeys = np.unique(r_sample * g + r_gid)
    presence = _csr(pkeys // g, pkeys % g, np.ones(len(pkeys)), (n, g))
    hyp_sq = _csr(h_text * N_ORDER + index.order[h_gid], h_gid, h_cnt**2, (N_ORDER * n, g))
    r_rows = r_ref * N_ORDER + index.order[r_gid]
    ref_sq = _csr(r_rows, r_gid, r_cnt**2, (N_ORDER * m, g))
    h_match = lookup(h_text * g + h_gid, h_cnt, r_sample * g + r_gid)
    clip = _csr(r_rows, r_gid, np.minimum(h_match, r_cnt) * r_cnt, (N_ORDER * m, g))
    # pycocoevalcap's `length` counts bigram term frequencies: max(0, L - 1).
    bigrams = np.maximum(index.lengths - 1, 0).astype(np.float64)
    delta = bigrams[index.ref_sample] - bigrams[n:]
    penalty = np.e ** (-(delta**2) / (2 * sigma**2))
    return CiderStats(
        presence=presence,
        hyp_sq=hyp_sq,
        ref_sq=ref_sq,
        clip=clip,
        ref_sample=index.ref_sample,
        penalty=penalty,
        n_refs=np.bincount(index.ref_sample, minlength=n).astype(np.float64),
    )


def corpus_cider(stats: CiderStats) -> float:
    """Mean per-sample CIDEr-D (pycocoevalcap ``Cider().compute_score`` value); NaN for no samples."""
    if stats.n == 0:
        return math.nan
    return float(np.mean(stats.sample_scores()))
