"""Small statistics helpers shared by the gaze analyses (numpy only).

A local, seeded percentile bootstrap so the analyses do not depend on the metrics
package being present; the convention matches a plain percentile bootstrap of the mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

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
    boots = x[_resample_index(n, n_boot, seed)].mean(axis=1)
    tail = (1.0 - level) / 2.0 * 100.0
    lo, hi = np.percentile(boots, [tail, 100.0 - tail])
    return mean, float(lo), float(hi), n


@lru_cache(maxsize=16)
def _resample_index(n: int, n_boot: int, seed: int) -> np.ndarray:
    """The ``(n_boot, n)`` resample index drawn by a fresh ``default_rng(seed)`` (read-only, shared).

    Every call with the same ``(n, n_boot, seed)`` draws the same matrix, so caching it changes no result.
    """
    idx = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
    idx.flags.writeable = False
    return idx


MAX_BATCH_CELLS = 4_000_000
"""Elements of one ``(groups, n_boot, n)`` resample block in :func:`bootstrap_mean_ci_many` (32 MB)."""


def bootstrap_mean_ci_many(
    samples: Sequence[np.ndarray],
    *,
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = DEFAULT_SEED,
    level: float = 0.95,
) -> list[tuple[float, float, float, int]]:
    """:func:`bootstrap_mean_ci` of each sample, bit-identical, batched over samples of equal size.

    Each call of :func:`bootstrap_mean_ci` resamples with a fresh ``default_rng(seed)``, so all
    samples with ``n`` finite values share one index matrix; stacking them as rows of ``X``
    gives every bootstrap mean from ``X[:, idx]`` (the same per-row reduction) and
    the percentiles along axis 1, instead of one Python-level call per sample.
    """
    finite = [np.asarray(v, dtype=float).ravel() for v in samples]
    finite = [x[np.isfinite(x)] for x in finite]
    out: list[tuple[float, float, float, int]] = [(float("nan"), float("nan"), float("nan"), 0)] * len(finite)
    by_n: dict[int, list[int]] = {}
    for i, x in enumerate(finite):
        if x.size < 2:
            out[i] = bootstrap_mean_ci(x, n_boot=n_boot, seed=seed, level=level)
        else:
            by_n.setdefault(int(x.size), []).append(i)
    tail = (1.0 - level) / 2.0 * 100.0
    for n, members in by_n.items():
        idx = _resample_index(n, n_boot, seed)
        step = max(1, MAX_BATCH_CELLS // (n_boot * n))
        for start in range(0, len(members), step):
            chunk = members[start : start + step]
            block = np.stack([finite[i] for i in chunk])
            # (G * n_boot, n) rows: the same 2-D last-axis reduction as the single call (a 3-D
            # reduction may sum in another order and differ in the last bit)
            boots = block[:, idx].reshape(-1, n).mean(axis=1).reshape(len(chunk), n_boot)
            lo, hi = np.percentile(boots, [tail, 100.0 - tail], axis=1)
            for j, i in enumerate(chunk):
                out[i] = (float(finite[i].mean()), float(lo[j]), float(hi[j]), n)
    return out


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


def summary_rows(
    samples: Sequence[np.ndarray], labels: Sequence[dict[str, object]]
) -> list[dict[str, object]]:
    """:func:`summary_row` of each ``(sample, labels)`` pair, bootstraps batched (:func:`bootstrap_mean_ci_many`)."""
    arrays = [np.asarray(v, dtype=float).ravel() for v in samples]
    cis = bootstrap_mean_ci_many(arrays)
    return [
        {**lab, "mean": m, "ci_low": lo, "ci_high": hi, "n": n, "n_nan": int(a.size - n)}
        for a, lab, (m, lo, hi, n) in zip(arrays, labels, cis)
    ]
