"""Aggregation helpers shared by tasks: means and corpus statistics with bootstrap CIs.

CI method (all tasks): seeded percentile bootstrap over samples — or over clusters
(``groups``, e.g. studies with several questions) when given — with ``n_boot``
resamples at level ``ci_level``. The recorded ``ci_method`` string names all of it,
e.g. ``percentile-bootstrap(unit=sample,n_boot=1000,seed=0,level=0.95)``.
NaN per-sample values are excluded from a metric (and from its ``n``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from gazex_bench.tasks.base import MetricValue, ScoreOptions


def _resamples(n: int, options: ScoreOptions, groups: Sequence[str] | None) -> list[np.ndarray]:
    """Index arrays of the resamples drawn by :func:`gazex_bench.metrics.stats.resample_weights`.

    Using the metrics module's weights keeps every CI of a run (NLG, CE, means) on the
    same resamples for the same seed.
    """
    from gazex_bench.metrics.stats import resample_weights

    w = resample_weights(n, options.n_boot, options.seed, list(groups) if groups is not None else None)
    rows = np.arange(n)
    return [np.repeat(rows, w[:, b].astype(int)) for b in range(w.shape[1])]


def ci_method(options: ScoreOptions, groups: Sequence[str] | None) -> str:
    """The ``ci_method`` string for these options."""
    unit = "sample" if groups is None else "cluster"
    return (f"percentile-bootstrap(unit={unit},n_boot={options.n_boot},"
            f"seed={options.seed},level={options.ci_level})")


def bootstrap_statistic(
    statistic: Callable[[np.ndarray], float],
    n: int,
    options: ScoreOptions,
    groups: Sequence[str] | None = None,
) -> MetricValue:
    """Value and percentile-bootstrap CI of ``statistic(indices)`` over ``n`` samples.

    Args:
        statistic: Maps an index array (a resample of ``range(n)``) to a number.
        n: Number of samples.
        options: Seed, resamples and level.
        groups: Optional cluster label per sample (cluster bootstrap).
    """
    if n == 0:
        return MetricValue(float("nan"), 0)
    value = float(statistic(np.arange(n)))
    if options.n_boot <= 0 or n < 2:
        return MetricValue(value, n)
    stats = np.array([statistic(idx) for idx in _resamples(n, options, groups) if idx.size])
    stats = stats[np.isfinite(stats)]
    if stats.size == 0:
        return MetricValue(value, n, ci_method=ci_method(options, groups))
    alpha = (1.0 - options.ci_level) / 2.0
    low, high = np.quantile(stats, [alpha, 1.0 - alpha])
    return MetricValue(value, n, float(low), float(high), ci_method(options, groups))


def mean_with_ci(
    values: Sequence[float], options: ScoreOptions, groups: Sequence[str] | None = None
) -> MetricValue:
    """Mean of the finite ``values`` with a bootstrap CI (NaNs excluded)."""
    arr = np.asarray(values, dtype=float)
    keep = np.isfinite(arr)
    arr = arr[keep]
    grp = None if groups is None else [g for g, k in zip(groups, keep) if k]
    return bootstrap_statistic(lambda idx: float(arr[idx].mean()), arr.size, options, grp)
