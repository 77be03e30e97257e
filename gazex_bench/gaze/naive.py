"""Straightforward reference implementation of the gaze maps and clusters (tests, benchmark).

Every Gaussian is evaluated on the **full image** with a boolean window mask, one point
at a time, and DBSCAN is scikit-learn's; boxes are computed on full-size arrays. It follows
the same preset semantics as :mod:`gazex_bench.gaze.clusters`, so the fast pipeline must
match it (maps to 1e-9, identical clusters). Slow by design: never use it for real data.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree
from sklearn.cluster import DBSCAN
from sklearn.preprocessing import StandardScaler

from gazex_bench.gaze.boxes import box_by_rule, to_frame, weighted_centroid
from gazex_bench.gaze.clusters import GazePoints, SentenceClusters, on_image
from gazex_bench.gaze.heatmap import CroppedMap
from gazex_bench.gaze.presets import CenterMode, GaussianForm, GazePreset, WindowShape
from gazex_bench.gaze.types import GazeCluster


def naive_attention_map(
    points: np.ndarray, sigmas: np.ndarray, shape: tuple[int, int], *, weights: np.ndarray | None = None,
    truncate: float = 3.0, window: WindowShape = "rect", center: CenterMode = "exact", gaussian: GaussianForm = "peak1",
) -> np.ndarray:  # fmt: skip
    """Full-image loop over points; same semantics as :func:`gazex_bench.gaze.heatmap.attention_map`."""
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    out = np.zeros((h, w))
    wts = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    for (x, y), (sx, sy), wt in zip(np.asarray(points, float), np.asarray(sigmas, float), wts):
        if center == "trunc":
            cx, cy = float(np.trunc(x)), float(np.trunc(y))
            if not (0 <= cx < w and 0 <= cy < h):
                continue
            rx = ry = float(np.trunc(truncate * max(sx, sy))) if window == "square_max" else None
            rx = float(np.trunc(truncate * sx)) if rx is None else rx
            ry = float(np.trunc(truncate * sy)) if ry is None else ry
            px, py = xx, yy
        else:
            cx, cy, px, py = x, y, xx + 0.5, yy + 0.5
            rx = truncate * (max(sx, sy) if window == "square_max" else sx)
            ry = truncate * (max(sx, sy) if window == "square_max" else sy)
        g = np.exp(-((px - cx) ** 2 / (2 * sx**2) + (py - cy) ** 2 / (2 * sy**2)))
        g[(np.abs(px - cx) > rx) | (np.abs(py - cy) > ry)] = 0.0
        if gaussian == "pdf":
            g /= 2 * np.pi * sx * sy
        out += wt * g
    return out


def _map(points: GazePoints, preset: GazePreset, scale: float, shape: tuple[int, int], weights: np.ndarray) -> CroppedMap:  # fmt: skip
    m = naive_attention_map(
        points.xy, points.sigma * scale, shape, weights=weights, truncate=preset.truncate,
        window=preset.window_shape, center=preset.center, gaussian=preset.gaussian,
    )  # fmt: skip
    return CroppedMap(m, 0, 0, shape)


def _summary(m: CroppedMap, rule: str, preset: GazePreset, cid: int, t: float, n: int) -> GazeCluster | None:
    box = box_by_rule(m, rule, percent=preset.box_top_percent, log_threshold=preset.box_log_threshold)
    if box is None:
        return None
    fbox, cen = to_frame(box, weighted_centroid(m, box), preset.frame)
    return GazeCluster(cluster_id=cid, centroid=cen, box=fbox, t_mean_s=t, n_points=n)


def _members(points: GazePoints, xs: np.ndarray, ys: np.ndarray, labels: np.ndarray, k: int, preset: GazePreset) -> list[tuple[np.ndarray, float]]:  # fmt: skip
    out = []
    if preset.assignment == "nearest_sample_per_pixel":
        tree = cKDTree(points.xy)
        for c in range(k):
            _, nn = tree.query(np.column_stack([xs[labels == c], ys[labels == c]]))
            out.append((np.bincount(nn, minlength=len(points)).astype(float), float(np.mean(points.t[nn]))))
        return out
    off = 0.5 if preset.center == "exact" else 0.0
    inside = labels >= 0
    for c in range(k):
        member = np.zeros(len(points), dtype=bool)
        for i, (x, y) in enumerate(points.xy):  # brute-force nearest clustered pixel
            d = np.hypot(xs[inside] + off - x, ys[inside] + off - y)
            j = int(np.argmin(d))
            reach = preset.truncate * preset.sigma_scale_cluster * points.sigma[i].max()
            member[i] = d[j] <= reach and labels[inside][j] == c
        out.append((member.astype(float), float(np.mean(points.t[member])) if member.any() else float("nan")))
    return out


def naive_cluster_sentence(
    points: GazePoints, preset: GazePreset, shape: tuple[int, int]
) -> SentenceClusters:
    """Reference for :func:`gazex_bench.gaze.clusters.cluster_sentence` (full images, sklearn DBSCAN)."""
    cmap = _map(points, preset, preset.sigma_scale_cluster, shape, points.weight)
    hmap = _map(points, preset, preset.sigma_scale_map, shape, points.weight)
    n_on = int(on_image(points.xy, shape, preset.center).sum())
    holistic = _summary(hmap, preset.holistic_box, preset, -1, float(np.mean(points.t)), n_on)
    if cmap.max <= 0:
        return SentenceClusters((), holistic, (), hmap if holistic else None, 0)
    norm = cmap.values / cmap.max
    ys, xs = np.where(norm > preset.heat_threshold)
    feats = np.column_stack([StandardScaler().fit_transform(np.column_stack([xs, ys])), preset.intensity_weight * norm[ys, xs]])  # fmt: skip
    labels = DBSCAN(eps=preset.dbscan_eps, min_samples=preset.dbscan_min_samples).fit_predict(feats)
    k = int(labels.max()) + 1
    if k < preset.min_clusters or k == 0:
        return SentenceClusters((), holistic, (), hmap if holistic else None, k)
    found = []
    for weights, t in _members(points, xs, ys, labels, k, preset):
        if weights.any():
            m = _map(points, preset, preset.sigma_scale_map, shape, weights * points.weight)
            s = _summary(m, preset.cluster_box, preset, 0, t, int(np.count_nonzero(weights)))
            if s is not None:
                found.append((t, s, m))
    found.sort(key=lambda item: item[0])
    clusters = tuple(
        GazeCluster(cluster_id=i, centroid=s.centroid, box=s.box, t_mean_s=s.t_mean_s, n_points=s.n_points)
        for i, (_, s, _) in enumerate(found)
    )  # fmt: skip
    return SentenceClusters(clusters, holistic, tuple(m for _, _, m in found), hmap if holistic else None, k)
