"""Exact dynamic time warping in numpy, tslearn 0.10.0 convention.

``DTW(X, Y) = sqrt( min_π Σ_{(i,j)∈π} ||X_i − Y_j||² )`` with steps
{(i−1, j), (i, j−1), (i−1, j−1)}, no slope weights (tslearn ``dtw_path``; docs/gaze_reference.md §2.1).
The accumulated cost matrix is filled anti-diagonal by anti-diagonal (vectorised), with
the same per-cell arithmetic as tslearn (``d + min(up, left, diag)``), and the path is
backtracked with tslearn's tie-breaking (``argmin`` over ``[diag, up, left]``, first wins),
so paths equal tslearn's.

Sakoe–Chiba: ``sakoe_chiba_radius=r`` has tslearn's meaning — for ``len(a) <= len(b)`` row
``i`` may use columns ``j ∈ [i − r, i + (len(b) − len(a)) + r]`` (band widened by the length
difference, always feasible); symmetric otherwise. dtaidistance's ``window`` equals ``r + 1``.

Difference from tslearn: NaNs are rejected instead of stripping trailing NaN rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _as_series(s: np.ndarray | list[Any], name: str) -> np.ndarray:
    """``(n,)`` → ``(n, 1)``; ``(n, d)`` kept; rejects empty or non-finite input."""
    x = np.asarray(s, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[0] == 0:
        raise ValueError(f"dtw: {name} must be a non-empty (n,) or (n, d) array, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"dtw: {name} contains NaN/inf")
    return x


def sakoe_chiba_mask(n: int, m: int, radius: int) -> np.ndarray:
    """Boolean ``(n, m)`` admissible-cell mask with tslearn's Sakoe–Chiba semantics."""
    if radius < 0:
        raise ValueError(f"sakoe_chiba_radius must be >= 0, got {radius}")
    i = np.arange(n)[:, None]
    j = np.arange(m)[None, :]
    if n <= m:
        return (j >= i - radius) & (j <= i + (m - n) + radius)
    return (i >= j - radius) & (i <= j + (n - m) + radius)


def accumulated_cost(a: np.ndarray, b: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Accumulated squared-Euclidean cost matrix ``(n, m)`` (inf outside ``mask``).

    Args:
        a: ``(n, d)`` series.
        b: ``(m, d)`` series.
        mask: Optional boolean ``(n, m)`` admissible cells.
    """
    n, m = a.shape[0], b.shape[0]
    diff = a[:, None, :] - b[None, :, :]
    cost = (diff * diff).sum(axis=-1)
    if mask is not None:
        cost = np.where(mask, cost, np.inf)
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for d in range(n + m - 1):
        i = np.arange(max(0, d - m + 1), min(n, d + 1))
        j = d - i
        best = np.minimum(np.minimum(acc[i, j + 1], acc[i + 1, j]), acc[i, j])
        acc[i + 1, j + 1] = cost[i, j] + best
    return acc[1:, 1:]


def _backtrack(acc: np.ndarray) -> list[tuple[int, int]]:
    """tslearn ``_compute_path``: from the end, prefer diag, then up, then left on ties."""
    i, j = acc.shape[0] - 1, acc.shape[1] - 1
    path = [(i, j)]
    while (i, j) != (0, 0):
        if i == 0:
            j -= 1
        elif j == 0:
            i -= 1
        else:
            step = int(np.argmin((acc[i - 1, j - 1], acc[i - 1, j], acc[i, j - 1])))
            if step == 0:
                i, j = i - 1, j - 1
            elif step == 1:
                i -= 1
            else:
                j -= 1
        path.append((i, j))
    return path[::-1]


def dtw_path(
    a: np.ndarray | list[Any], b: np.ndarray | list[Any], *, sakoe_chiba_radius: int | None = None
) -> tuple[list[tuple[int, int]], float]:
    """Optimal DTW alignment path and distance (tslearn ``dtw_path`` convention).

    Args:
        a: Series ``(n,)`` or ``(n, d)`` (e.g. centroid sequence, quarter-scale px).
        b: Series ``(m,)`` or ``(m, d)``; same ``d`` as ``a``.
        sakoe_chiba_radius: Optional band radius (tslearn meaning, see module doc).

    Returns:
        ``(path, distance)``: path = list of ``(i, j)`` index pairs from ``(0, 0)`` to
        ``(n−1, m−1)``; distance = sqrt of the summed squared Euclidean costs on it.

    Example:
        >>> dtw_path([1, 2, 3], [1.0, 2.0, 2.0, 3.0])
        ([(0, 0), (1, 1), (1, 2), (2, 3)], 0.0)
    """
    x, y = _as_series(a, "a"), _as_series(b, "b")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"dtw: feature sizes differ ({x.shape[1]} vs {y.shape[1]})")
    mask = (
        None if sakoe_chiba_radius is None else sakoe_chiba_mask(x.shape[0], y.shape[0], sakoe_chiba_radius)
    )
    acc = accumulated_cost(x, y, mask)
    return _backtrack(acc), float(np.sqrt(acc[-1, -1]))


def dtw_distance(
    a: np.ndarray | list[Any], b: np.ndarray | list[Any], *, sakoe_chiba_radius: int | None = None
) -> float:
    """DTW distance only (see :func:`dtw_path`)."""
    return dtw_path(a, b, sakoe_chiba_radius=sakoe_chiba_radius)[1]


def aligned_pairs(
    a: np.ndarray, b: np.ndarray, *, sakoe_chiba_radius: int | None = None
) -> tuple[np.ndarray, np.ndarray, float]:
    """Points of ``a`` and ``b`` paired along the DTW path.

    Returns:
        ``(a_aligned, b_aligned, distance)``, each aligned array ``(len(path), d)``.
    """
    x, y = _as_series(a, "a"), _as_series(b, "b")
    path, dist = dtw_path(x, y, sakoe_chiba_radius=sakoe_chiba_radius)
    idx = np.asarray(path, dtype=int)
    return x[idx[:, 0]], y[idx[:, 1]], dist
