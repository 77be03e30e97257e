"""DBSCAN of heat-map pixels: scikit-learn's result, computed fast on the pixel grid.

GazeX clusters the pixels with normalised heat > 0.1 using
``DBSCAN(eps=0.3, min_samples=10)`` on ``[StandardScaler(x, y), 0.1 * heat]``
(``datasets.md`` §6.1, ``docs/gaze_reference.md`` §4). A sentence's map holds 10^4-10^5 such pixels, each
with hundreds of neighbours, so sklearn needs ~1-4 s per sentence. :func:`dbscan_pixels`
returns **the same labels** (same numbering: sklearn starts clusters in index order, and a
border point joins the earliest-started cluster with a core point within eps) from the grid
structure:

1. With ``sx, sy`` the StandardScaler scales and ``dI`` the weighted heat range, every pair
   of pixels inside a ``(2hx+1) x (2hy+1)`` block is within eps whenever
   ``(hx/sx)^2 + (hy/sy)^2 + dI^2 <= eps^2`` (1e-9 relative margin; hx, hy >= 1 are chosen as
   large as allowed, otherwise sklearn itself is used). A pixel with >= min_samples mask
   pixels in its block is therefore core; the others are counted exactly with a KD-tree
   (sklearn's ``KDTree``, the arithmetic DBSCAN uses).
2. 8-adjacent core pixels are within eps, so 8-connected components of the core mask
   are subsets of clusters; two components merge when any pair of their core pixels is
   within eps. Candidates are limited to pixels within ``eps * s`` (the largest spatial
   reach) of the other component's box, then checked exactly with a KD-tree.
3. Non-core pixels with a core pixel within eps get the label of the earliest-started such
   cluster; others are noise (-1).

Ties at distance exactly eps are the only possible difference (measure zero for these
real-valued features); tests compare label arrays with sklearn on many maps.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from scipy import ndimage
from sklearn.cluster import DBSCAN
from sklearn.neighbors import KDTree

_MARGIN = 1e-9


def standard_scale(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``StandardScaler().fit_transform`` with sklearn's exact arithmetic (1.9 ``partial_fit``).

    Mean ``sum / n``; variance from the centred sum of squares minus the squared centred sum
    over n; constant columns (sklearn's ``_is_constant_feature`` bound) get scale 1.

    Returns:
        ``(scaled (n, d), scale_ (d,))``; a test checks bit-equality with sklearn.
    """
    x = np.asarray(values, dtype=np.float64)
    n = x.shape[0]
    mean = x.sum(axis=0) / n
    temp = x - mean
    correction = temp.sum(axis=0)
    var = ((temp**2).sum(axis=0) - correction**2 / n) / n
    eps = np.finfo(np.float64).eps
    constant = var <= n * eps * var + (n * mean * eps) ** 2
    scale = np.where(constant, 1.0, np.sqrt(var))
    return (x - mean) / scale, scale


def pixel_features(xs: np.ndarray, ys: np.ndarray, heat: np.ndarray, intensity_weight: float) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """GazeX DBSCAN features ``[StandardScaler(x, y), w * heat]`` and the two scales.

    Args:
        xs, ys: Integer pixel indices (row-major order).
        heat: Max-normalised heat at those pixels.
        intensity_weight: ``w`` (GazeX: 0.1).

    Returns:
        ``(features (n, 3), scale_ (2,))``.
    """
    xy, scale = standard_scale(np.column_stack([xs, ys]))
    return np.column_stack([xy, np.asarray(heat, dtype=np.float64) * intensity_weight]), scale


def dbscan_pixels(
    xs: np.ndarray, ys: np.ndarray, heat: np.ndarray, *, eps: float, min_samples: int, intensity_weight: float,
    impl: str = "grid",
) -> np.ndarray:  # fmt: skip
    """Labels (n,) of sklearn ``DBSCAN(eps, min_samples)`` on the GazeX pixel features.

    Args:
        xs, ys: Integer pixel indices of the clustered pixels, in row-major order.
        heat: Their max-normalised heat.
        eps, min_samples, intensity_weight: DBSCAN parameters and heat weight.
        impl: ``grid`` (fast, identical result) or ``sklearn`` (reference).
    """
    xs = np.asarray(xs, dtype=np.int64)
    ys = np.asarray(ys, dtype=np.int64)
    if xs.size == 0:
        return np.zeros(0, dtype=np.int64)
    feats, scale = pixel_features(xs, ys, heat, intensity_weight)
    half = _block_half_sizes(scale, intensity_weight * float(np.ptp(heat)), eps)
    if impl == "sklearn" or half is None:
        return cast(
            "np.ndarray", DBSCAN(eps=eps, min_samples=min_samples).fit_predict(feats).astype(np.int64)
        )
    return _grid_dbscan(xs, ys, feats, scale, eps, min_samples, half)


def _block_half_sizes(scale: np.ndarray, d_heat: float, eps: float) -> tuple[int, int] | None:
    """Half sizes ``(hx, hy)`` of a block whose pixel pairs are all within eps, or None.

    Any two pixels with ``|dx| <= hx`` and ``|dy| <= hy`` are within eps when
    ``(hx/sx)^2 + (hy/sy)^2 + d_heat^2 <= eps^2`` (margin 1e-9); hx = hy = 1 at least is
    needed so that 8-adjacent pixels are neighbours.
    """
    room = eps * eps * (1.0 - _MARGIN) - d_heat**2
    if room <= 0:
        return None
    hx, hy = (int(np.floor(s * np.sqrt(room / 2.0))) for s in scale)
    if hx < 1 or hy < 1:
        hx = hy = 1
    if (hx / scale[0]) ** 2 + (hy / scale[1]) ** 2 > room:
        return None
    return hx, hy


def _block_counts(mask: np.ndarray, gy: np.ndarray, gx: np.ndarray, hx: int, hy: int) -> np.ndarray:
    """Number of True mask pixels in the ``(2hy+1) x (2hx+1)`` block around each point (integral image)."""
    h, w = mask.shape
    s = np.zeros((h + 1, w + 1), dtype=np.int64)
    s[1:, 1:] = mask.cumsum(axis=0, dtype=np.int64).cumsum(axis=1)
    y0, y1 = np.clip(gy - hy, 0, h), np.clip(gy + hy + 1, 0, h)
    x0, x1 = np.clip(gx - hx, 0, w), np.clip(gx + hx + 1, 0, w)
    return cast("np.ndarray", s[y1, x1] - s[y0, x1] - s[y1, x0] + s[y0, x0])


def _near(xs: np.ndarray, ys: np.ndarray, box: tuple[int, int, int, int], rx: int, ry: int) -> np.ndarray:
    """Boolean: points within the box ``(x0, y0, x1, y1)`` grown by ``(rx, ry)`` pixels."""
    x0, y0, x1, y1 = box
    return (xs >= x0 - rx) & (xs <= x1 + rx) & (ys >= y0 - ry) & (ys <= y1 + ry)


def _bbox(xs: np.ndarray, ys: np.ndarray) -> tuple[int, int, int, int]:
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def _exact_core(feats: np.ndarray, xs: np.ndarray, ys: np.ndarray, cand: np.ndarray, eps: float, min_samples: int, reach: tuple[int, int]) -> np.ndarray:  # fmt: skip
    """Exact core test (neighbour count incl. self >= min_samples) for candidate indices."""
    near = np.flatnonzero(_near(xs, ys, _bbox(xs[cand], ys[cand]), *reach))
    counts = KDTree(feats[near]).query_radius(feats[cand], r=eps, count_only=True)
    return cast("np.ndarray", counts >= min_samples)


def _find(parent: list[int], a: int) -> int:
    while parent[a] != a:
        parent[a] = parent[parent[a]]
        a = parent[a]
    return a


def _merge_components(comp: np.ndarray, feats: np.ndarray, xs: np.ndarray, ys: np.ndarray, n_comp: int, eps: float, reach: tuple[int, int]) -> np.ndarray:  # fmt: skip
    """Union components (1..n_comp, 0 = not core) having a core pair within eps; returns roots."""
    parent = list(range(n_comp + 1))
    members = [np.flatnonzero(comp == c) for c in range(n_comp + 1)]
    boxes = [_bbox(xs[m], ys[m]) if m.size else (0, 0, -1, -1) for m in members]
    for a in range(1, n_comp + 1):
        for b in range(a + 1, n_comp + 1):
            if _find(parent, a) == _find(parent, b):
                continue
            p = members[a][_near(xs[members[a]], ys[members[a]], boxes[b], *reach)]
            q = members[b][_near(xs[members[b]], ys[members[b]], boxes[a], *reach)]
            if p.size and q.size and KDTree(feats[q]).query_radius(feats[p], r=eps, count_only=True).any():
                parent[_find(parent, b)] = _find(parent, a)
    return np.array([_find(parent, c) for c in range(n_comp + 1)])


def _grid_dbscan(xs: np.ndarray, ys: np.ndarray, feats: np.ndarray, scale: np.ndarray, eps: float, min_samples: int, half: tuple[int, int]) -> np.ndarray:  # fmt: skip
    """Grid-structured exact DBSCAN (see module docstring)."""
    reach = (int(np.floor(eps * scale[0] * (1 + _MARGIN))), int(np.floor(eps * scale[1] * (1 + _MARGIN))))
    gx, gy = xs - xs.min(), ys - ys.min()
    mask = np.zeros((int(gy.max()) + 1, int(gx.max()) + 1), dtype=bool)
    mask[gy, gx] = True
    core = _block_counts(mask, gy, gx, *half) >= min_samples
    cand = np.flatnonzero(~core)
    if cand.size:
        core[cand] = _exact_core(feats, xs, ys, cand, eps, min_samples, reach)
    labels = np.full(xs.size, -1, dtype=np.int64)
    if not core.any():
        return labels
    core_grid = np.zeros_like(mask)
    core_grid[gy[core], gx[core]] = True
    comp_grid, n_comp = ndimage.label(core_grid, structure=np.ones((3, 3), dtype=bool))
    comp = np.where(core, comp_grid[gy, gx], 0)
    roots = _merge_components(comp, feats, xs, ys, n_comp, eps, reach)[comp]
    core_idx = np.flatnonzero(core)
    uniq, first_pos = np.unique(roots[core_idx], return_index=True)
    rank_of = np.zeros(n_comp + 1, dtype=np.int64)
    rank_of[uniq[np.argsort(core_idx[first_pos])]] = np.arange(uniq.size)  # sklearn: start order
    labels[core_idx] = rank_of[roots[core_idx]]
    _assign_border(labels, core, feats, xs, ys, eps, reach)
    return labels


def _assign_border(labels: np.ndarray, core: np.ndarray, feats: np.ndarray, xs: np.ndarray, ys: np.ndarray, eps: float, reach: tuple[int, int]) -> None:  # fmt: skip
    """Give each non-core point the smallest cluster label among core points within eps."""
    border = np.flatnonzero(~core)
    if border.size == 0:
        return
    near_core = np.flatnonzero(core & _near(xs, ys, _bbox(xs[border], ys[border]), *reach))
    if near_core.size == 0:
        return
    hits = KDTree(feats[near_core]).query_radius(feats[border], r=eps)
    for j, h in zip(border, hits):
        if h.size:
            labels[j] = labels[near_core[h]].min()
