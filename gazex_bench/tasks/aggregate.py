"""Aggregation helpers shared by tasks: means and corpus statistics with bootstrap CIs.

CI method (all tasks): seeded percentile bootstrap over samples — or over clusters
(``groups``, e.g. studies with several questions) when given — with ``n_boot``
resamples at level ``ci_level``. The recorded ``ci_method`` string names all of it,
e.g. ``percentile-bootstrap(unit=sample,n_boot=1000,seed=0,level=0.95)``.
NaN per-sample values are excluded from a metric (and from its ``n``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from gazex_bench.metrics.stats import bootstrap_statistic_ci
from gazex_bench.tasks.base import MetricValue, ScoreOptions


def ci_method(options: ScoreOptions, groups: Sequence[str] | None) -> str:
    """The ``ci_method`` string for these options."""
    unit = "sample" if groups is None else "cluster"
    return (
        f"percentile-bootstrap(unit={unit},n_boot={options.n_boot},"
        f"seed={options.seed},level={options.ci_level})"
    )


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
    if options.n_boot <= 0 or n < 2:
        return MetricValue(float(statistic(np.arange(n))), n)
    ci = bootstrap_statistic_ci(
        statistic,
        n,
        options.n_boot,
        options.seed,
        options.ci_level,
        list(groups) if groups is not None else None,
    )
    low, high = (None, None) if math.isnan(ci.low) else (ci.low, ci.high)
    return MetricValue(ci.value, n, low, high, ci_method(options, groups))


def mean_with_ci(
    values: Sequence[float], options: ScoreOptions, groups: Sequence[str] | None = None
) -> MetricValue:
    """Mean of the finite ``values`` with a bootstrap CI (NaNs excluded)."""
    arr = np.asarray(values, dtype=float)
    keep = np.isfinite(arr)
    arr = arr[keep]
    grp = None if groups is None else [g for g, k in zip(groups, keep) if k]
    return bootstrap_statistic(lambda idx: float(arr[idx].mean()), arr.size, options, grp)
