"""Resampling statistics for corpus metrics given per-sample sufficient statistics.

A corpus metric is ``reducer(stats, weights)``: ``stats`` is an (N, K) array of
per-sample statistics and ``weights`` an (N, B) array of sample multiplicities
(one column per resample); the reducer returns (B,) values. For additive metrics
(BLEU counts, means) that is ``weights.T @ stats`` followed by a formula, so a
bootstrap never re-tokenises or re-counts anything.

Policies:
    * Empty input (N = 0): value, low and high are NaN (never an exception).
    * Percentile bootstrap: ``low, high`` = the ``(1-level)/2`` and ``(1+level)/2``
      quantiles (``numpy.quantile``, linear interpolation) of the resampled values.
    * Clustered bootstrap: clusters (e.g. study or patient ids) are resampled with
      replacement and all their rows are taken.
    * Paired bootstrap (Koehn 2004 style): both systems are reweighted with the
      same resamples; the p-value is two-sided,
      ``min(1, 2 * min(P(diff* <= 0), P(diff* >= 0)))`` over resamples (raw: 0 when no
      resample crosses 0).
    * Reported bootstrap p-values are floored at 1/B (:func:`floor_p`): with B resamples and
      none crossing 0 the p-value is only known to be below 1/B, never 0. Holm runs on the
      floored values (:func:`holm_floored`) and such values print as bounds (:func:`fmt_p`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

Reducer = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class CI:
    """A point estimate with a bootstrap confidence interval."""

    value: float
    low: float
    high: float
    n: int
    n_resamples: int
    method: str


@dataclass(frozen=True)
class PairedResult:
    """Paired bootstrap comparison of system A minus system B on the same samples."""

    diff: CI
    p_value: float


def _nan_ci(n: int, n_resamples: int, method: str) -> CI:
    return CI(math.nan, math.nan, math.nan, n, n_resamples, method)


def resample_weights(
    n: int, n_resamples: int, seed: int, clusters: Sequence[Hashable] | None = None
) -> np.ndarray:
    """(N, B) multiplicity matrix of B bootstrap resamples of N rows.

    Args:
        n: Number of rows.
        n_resamples: B.
        seed: ``numpy.random.default_rng`` seed.
        clusters: Optional cluster label per row; clusters are drawn with
            replacement (as many as there are clusters) and contribute all their rows.
    """
    rng = np.random.default_rng(seed)
    if clusters is None:
        draws = rng.integers(0, n, size=(n_resamples, n))
        w = np.zeros((n, n_resamples))
        for b in range(n_resamples):
            w[:, b] = np.bincount(draws[b], minlength=n)
        return w
    if len(clusters) != n:
        raise ValueError(f"clusters has {len(clusters)} labels for {n} rows")
    _, cluster_idx = np.unique(np.asarray([str(c) for c in clusters]), return_inverse=True)
    k = int(cluster_idx.max()) + 1 if n else 0
    draws = rng.integers(0, k, size=(n_resamples, k))
    w = np.zeros((n, n_resamples))
    for b in range(n_resamples):
        w[:, b] = np.bincount(draws[b], minlength=k)[cluster_idx]
    return w


def _quantiles(values: np.ndarray, level: float) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return math.nan, math.nan
    lo, hi = np.quantile(finite, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def bootstrap_ci(
    stats: np.ndarray,
    reducer: Reducer,
    n_resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    clusters: Sequence[Hashable] | None = None,
) -> CI:
    """Seeded percentile bootstrap CI of a corpus metric.

    Args:
        stats: (N, K) per-sample statistics (or (N,) for a mean-type metric).
        reducer: ``reducer(stats, weights (N, B)) -> (B,)`` corpus values.
        n_resamples: Number of resamples B.
        seed: RNG seed (same seed, same interval).
        level: Confidence level in (0, 1).
        clusters: Optional cluster label per row (clustered bootstrap).

    Returns:
        :class:`CI`; NaNs when N = 0.
    """
    stats = np.asarray(stats, dtype=np.float64)
    n = int(stats.shape[0])
    method = "percentile-bootstrap" + ("-clustered" if clusters is not None else "")
    if n == 0:
        return _nan_ci(0, n_resamples, method)
    value = float(reducer(stats, np.ones((n, 1)))[0])
    w = resample_weights(n, n_resamples, seed, clusters)
    lo, hi = _quantiles(np.asarray(reducer(stats, w), dtype=np.float64), level)
    return CI(value, lo, hi, n, n_resamples, method)


def paired_bootstrap(
    stats_a: np.ndarray,
    stats_b: np.ndarray,
    reducer: Reducer,
    n_resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    clusters: Sequence[Hashable] | None = None,
) -> PairedResult:
    """Paired bootstrap of ``metric(A) - metric(B)`` over the same samples.

    Args:
        stats_a: (N, K) statistics of system A.
        stats_b: (N, K) statistics of system B (same row order).
        reducer: As in :func:`bootstrap_ci`.
        n_resamples: B.
        seed: RNG seed.
        level: Confidence level.
        clusters: Optional cluster labels.

    Returns:
        :class:`PairedResult` with the difference CI and a two-sided p-value.
    """
    a, b = np.asarray(stats_a, dtype=np.float64), np.asarray(stats_b, dtype=np.float64)
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"systems have {a.shape[0]} and {b.shape[0]} samples; paired needs the same samples")
    n = int(a.shape[0])
    method = "paired-percentile-bootstrap" + ("-clustered" if clusters is not None else "")
    if n == 0:
        return PairedResult(_nan_ci(0, n_resamples, method), math.nan)
    ones = np.ones((n, 1))
    value = float(reducer(a, ones)[0] - reducer(b, ones)[0])
    w = resample_weights(n, n_resamples, seed, clusters)
    ra, rb = np.asarray(reducer(a, w), dtype=np.float64), np.asarray(reducer(b, w), dtype=np.float64)
    diffs = ra - rb
    lo, hi = _quantiles(diffs, level)
    return PairedResult(CI(value, lo, hi, n, n_resamples, method), paired_p(ra, rb))


def paired_p(resampled_a: np.ndarray, resampled_b: np.ndarray) -> float:
    """Two-sided bootstrap p of A - B from the resampled metric values: ``2 min(P(d <= 0), P(d >= 0))``,
    capped at 1, where d is 0 for values within :data:`TIE_ATOL` / :data:`TIE_RTOL` (numerical ties).

    Raw p: 0 when no resample crosses 0 (floor it with :func:`floor_p` before reporting).
    """
    ra, rb = np.asarray(resampled_a, dtype=np.float64), np.asarray(resampled_b, dtype=np.float64)
    signed = np.where(np.isclose(ra, rb, rtol=TIE_RTOL, atol=TIE_ATOL), 0.0, ra - rb)
    return min(1.0, 2.0 * min(float(np.mean(signed <= 0)), float(np.mean(signed >= 0))))


TIE_ATOL = 1e-9
TIE_RTOL = 1e-9
"""Resampled metric values this close (``np.isclose``) count as a tie in the paired p-value.

Two reports without a single 4-gram match both get corpus BLEU-4 ~1e-13 (smoothing constants), and
their 'difference' (~1e-13) kept one sign in every resample: p = 0, floored to 1/B and printed as
significant in the demo's ablation figure. No metric here resolves differences below 1e-9."""


IndexStatistic = Callable[[np.ndarray], float]
"""A statistic of a resample given as row indices (with repeats): ``statistic(indices) -> value``."""


def weight_indices(weights: np.ndarray) -> list[np.ndarray]:
    """Row indices (repeated by multiplicity) of each resample column of an (N, B) weight matrix."""
    rows = np.arange(weights.shape[0])
    return [np.repeat(rows, weights[:, b].astype(int)) for b in range(weights.shape[1])]


def index_reducer(statistic: IndexStatistic) -> Callable[[np.ndarray], np.ndarray]:
    """``weights (N, B) -> (B,)`` from an index statistic (for paired comparisons)."""
    return lambda w: np.array([statistic(idx) for idx in weight_indices(w)], dtype=np.float64)


def bootstrap_statistic_ci(
    statistic: IndexStatistic,
    n: int,
    n_resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    clusters: Sequence[Hashable] | None = None,
) -> CI:
    """Percentile bootstrap CI of a statistic that is not a reducer of per-sample statistics.

    Same resamples (:func:`resample_weights`) and quantiles as :func:`bootstrap_ci`; the
    statistic sees each resample as repeated row indices (e.g. clinical F1 from resampled
    per-report label counts). ``value`` is the statistic of all rows; NaN bounds when no
    resample gives a finite value; everything NaN when ``n == 0``.
    """
    method = "percentile-bootstrap" + ("-clustered" if clusters is not None else "")
    if n == 0:
        return _nan_ci(0, n_resamples, method)
    value = float(statistic(np.arange(n)))
    w = resample_weights(n, n_resamples, seed, clusters)
    lo, hi = _quantiles(index_reducer(statistic)(w), level)
    return CI(value, lo, hi, n, n_resamples, method)


def mean_reducer(stats: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean of a per-sample score column (ROUGE-L, nltk METEOR, CIDEr-D with fixed DF)."""
    col = stats if stats.ndim == 1 else stats[:, 0]
    return cast("np.ndarray", (weights.T @ col) / weights.sum(axis=0))


def wilcoxon_signed_rank(x: Sequence[float], y: Sequence[float], **kwargs: object) -> tuple[float, float]:
    """Wilcoxon signed-rank test of paired per-sample scores (``scipy.stats.wilcoxon``).

    Returns:
        ``(statistic, p_value)``; NaNs for empty input or when all differences are 0.
    """
    from scipy.stats import wilcoxon

    xa, ya = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if len(xa) == 0 or np.all(xa == ya):
        return math.nan, math.nan
    res = wilcoxon(xa, ya, **kwargs)
    return float(res.statistic), float(res.pvalue)


def holm(p_values: Sequence[float], alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Holm-Bonferroni step-down adjustment.

    ``p_adj[(i)] = max_{j <= i} min(1, (m - j + 1) p_(j))`` over ascending p-values
    (Holm 1979). NaN p-values stay NaN and do not count towards m.

    Returns:
        ``(reject, p_adjusted)`` in the input order.
    """
    p = np.asarray(p_values, dtype=np.float64)
    adj = np.full(p.shape, math.nan)
    ok = np.nonzero(np.isfinite(p))[0]
    m = len(ok)
    if m:
        order = ok[np.argsort(p[ok], kind="stable")]
        stepped = np.minimum(1.0, (m - np.arange(m)) * p[order])
        adj[order] = np.maximum.accumulate(stepped)
    reject = np.where(np.isfinite(adj), adj <= alpha, False)
    return reject, adj


def floor_p(p: float, n_resamples: int) -> float:
    """A bootstrap p-value floored at ``1/B``: no resample crossing 0 means ``p < 1/B``, not ``p = 0``.

    NaN stays NaN.
    """
    p = float(p)
    return p if math.isnan(p) else max(p, 1.0 / n_resamples)


@dataclass(frozen=True)
class FlooredHolm:
    """Floored bootstrap p-values, their Holm adjustment, and where each is only an upper bound.

    Attributes:
        p: Raw p floored at ``1/B`` (NaN where the input was NaN).
        p_is_bound: True where the floor applied (raw p below 1/B: the true p is below the value).
        p_holm: Holm adjustment (:func:`holm`) of ``p`` over the finite values.
        p_holm_is_bound: True where ``p_holm`` depends on a floored value, i.e. it changes when the
            floored values are put back to their raw ones (the adjusted p is then below the value).
    """

    p: np.ndarray
    p_is_bound: np.ndarray
    p_holm: np.ndarray
    p_holm_is_bound: np.ndarray


def holm_floored(p_raw: Sequence[float], n_resamples: int | Sequence[int]) -> FlooredHolm:
    """Floor raw bootstrap p-values at ``1/B`` (:func:`floor_p`), then Holm-adjust them.

    Holm is monotone in every p, so the adjusted value computed from floored p-values is an upper
    bound of the adjusted value of any p in ``[0, 1/B)``; with ``m`` tests all floored every
    adjusted p is ``min(1, m/B)``.

    Args:
        p_raw: Raw two-sided bootstrap p-values (NaN = no test; not counted in Holm's m).
        n_resamples: B, for all tests or one per test (e.g. resamples with a finite difference).
    """
    raw = np.asarray(p_raw, dtype=np.float64)
    floor = 1.0 / np.broadcast_to(np.asarray(n_resamples, dtype=np.float64), raw.shape)
    finite = np.isfinite(raw)
    bound = finite & (raw < floor)
    floored = np.where(finite, np.maximum(raw, floor), math.nan)
    _, adj = holm(floored.tolist())
    _, adj_raw = holm(np.where(bound, raw, floored).tolist())
    return FlooredHolm(floored, bound, adj, np.isfinite(adj) & (adj != adj_raw))


def fmt_p(p: float | None, n_resamples: int, *, bound: bool | None = None, name: str = "p") -> str:
    """Text of a (floored) bootstrap p-value: a bound ``p < k/B`` where the floor set it, never ``p = 0``.

    Args:
        p: The floored p-value (raw or Holm-adjusted); None/NaN prints ``n/a``.
        n_resamples: B.
        bound: Whether ``p`` is an upper bound (``p_is_bound`` / ``p_holm_is_bound``); None infers it
            from ``p <= 1/B`` (a floored raw p).
        name: Printed name (``p``, ``p_Holm``).

    Returns:
        ``p < 1/1000`` or ``p_Holm < 11/1000`` for a bound (``k/B`` when ``p*B`` is a whole number,
        else two significant digits), ``p = 0.012`` (``p = 2.0e-04`` below 0.001) otherwise.
    """
    if p is None or not math.isfinite(p):
        return f"{name} = n/a"
    if bound is None:
        bound = p <= 1.0 / n_resamples
    if bound and p < 1.0:
        k = p * n_resamples
        return f"{name} < {round(k)}/{n_resamples}" if abs(k - round(k)) < 1e-6 else f"{name} < {p:.2g}"
    return f"{name} = {p:.3f}" if p >= 0.001 else f"{name} = {p:.1e}"
