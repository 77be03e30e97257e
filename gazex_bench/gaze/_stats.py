"""Small statistics helpers shared by the gaze analyses (numpy only).

A local, seeded percentile bootstrap so the analyses do not depend on the metrics
package being present; the convention matches a plain percentile bootstrap of the mean.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DEFAULT_N_BOOT = 2000
"""Bootstrap resamples used by every analysis unless the caller overrides it."""
DEFAULT_SEED = 0
"""Seed of the bootstrap generator (results are reproducible run to run)."""


def bootstrap_mean_ci(
    values: Sequence[float] | np.ndarray,
    *,
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> tuple[float, float, float, int]:
    """Mean of the finite values with a seeded percentile-bootstrap CI.

    Args:
        values: Sample; NaN / inf entries are ignored (the caller counts them).
        n_boot: Number of resamples (with replacement, same size as the sample).
        seed: Seed of ``numpy.random.default_rng``.
        level: Coverage of the two-sided interval (0.95 → 2.5th / 97.5th percentiles).

    Returns:
        ``(mean, ci_low, ci_high, n)`` with ``n`` the number of finite values; the CI is
        NaN when ``n < 2`` and the mean is NaN when ``n == 0``.
    """
    x = np.asarray(values, dtype=float).ravel()
    x = x[np.isfinite(x)]
    n = int(x.size)
    if n == 0:
        return float("nan"), float("nan"), float("nan"), 0
    mean = float(x.mean())
    if n < 2:
        return mean, float("nan"), float("nan"), n
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    boots = x[idx].mean(axis=1)
    tail = (1.0 - level) / 2.0 * 100.0
    lo, hi = np.percentile(boots, [tail, 100.0 - tail])
    return mean, float(lo), float(hi), n


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two equal-length vectors; NaN if either is constant or n < 2."""
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    if a.size != b.size:
        raise ValueError(f"pearson: lengths differ ({a.size} vs {b.size})")
    if a.size < 2:
        return float("nan")
    da = a - a.mean()
    db = b - b.mean()
    den = np.sqrt((da * da).sum() * (db * db).sum())
    if not np.isfinite(den) or den <= 0.0:
        return float("nan")
    return float(np.clip((da * db).sum() / den, -1.0, 1.0))


def summary_row(values: Sequence[float] | np.ndarray, **labels: object) -> dict[str, object]:
    """One tidy summary row: labels + mean, bootstrap CI, n (finite) and n_nan."""
    arr = np.asarray(values, dtype=float).ravel()
    mean, lo, hi, n = bootstrap_mean_ci(arr)
    return {**labels, "mean": mean, "ci_low": lo, "ci_high": hi, "n": n, "n_nan": int(arr.size - n)}
