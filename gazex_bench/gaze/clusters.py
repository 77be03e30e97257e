"""From the gaze points of one sentence window to DBSCAN clusters, holistic summary and maps.

Frame: quarter-scale pixels (see :mod:`gazex_bench.gaze.presets` for ``continuous`` vs
``index``); times in seconds from audio start.

Steps (``datasets.md`` §6.1-6.2, paper Methods 4.1):

1. Clustering map: Gaussians with sigma x ``sigma_scale_cluster``; normalised by its max;
   pixels > ``heat_threshold`` (row-major) -> DBSCAN labels (:mod:`.dbscan_grid`).
2. Points -> clusters (``preset.assignment``):
   * ``nearest_sample_per_pixel`` (GazeX): every cluster pixel takes its nearest sample
     (``cKDTree``); the cluster map sums, per pixel, that sample's Gaussian (so a sample
     counts as often as it is the nearest one), and the cluster time is the mean of those
     samples' timestamps (with multiplicity).
   * ``nearest_cluster_pixel`` (paper): each fixation joins the cluster of its nearest
     clustered pixel if that pixel lies within ``truncate * max(sigma)``; the cluster map
     sums the Gaussians of its fixations; the cluster time is their mean start time.
3. Per cluster: box by ``preset.cluster_box``; centroid = intensity-weighted centre of the
   raw cluster map inside the box. Clusters are sorted by time (stable) and numbered 0..
   Cluster records are emitted only when DBSCAN found >= ``preset.min_clusters`` clusters.
4. Holistic: all points, sigma x ``sigma_scale_map``, box by ``preset.holistic_box``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from gazex_bench.gaze.boxes import box_by_rule, to_frame, weighted_centroid
from gazex_bench.gaze.dbscan_grid import dbscan_pixels
from gazex_bench.gaze.heatmap import CroppedMap, attention_map_crop, group_points
from gazex_bench.gaze.presets import GazePreset
from gazex_bench.gaze.types import GazeCluster

GROUP_ABOVE = 64
"""Merge identical Gaussians only for larger point sets (raw samples); fixations are few."""


@dataclass(frozen=True)
class GazePoints:
    """Gaze points of one window, already in the quarter-scale frame.

    ``xy`` (n, 2) positions, ``sigma`` (n, 2) 1-degree sigma in pixels (before the preset's
    sigma scales), ``t`` (n,) seconds, ``weight`` (n,) Gaussian weights.
    """

    xy: np.ndarray
    sigma: np.ndarray
    t: np.ndarray
    weight: np.ndarray

    def __len__(self) -> int:
        return int(self.t.shape[0])

    def subset(self, idx: np.ndarray) -> GazePoints:
        """Rows ``idx`` (index array or boolean mask)."""
        return GazePoints(self.xy[idx], self.sigma[idx], self.t[idx], self.weight[idx])


@dataclass(frozen=True)
class SentenceClusters:
    """Result for one sentence: records plus the maps they were measured on (for videos)."""

    clusters: tuple[GazeCluster, ...]
    holistic: GazeCluster | None
    cluster_maps: tuple[CroppedMap, ...]
    """Raw cluster maps, aligned with ``clusters``."""
    holistic_map: CroppedMap | None
    n_dbscan_clusters: int
    """Clusters DBSCAN found (before ``min_clusters`` and empty-map drops)."""


def on_image(xy: np.ndarray, shape: tuple[int, int], center: str) -> np.ndarray:
    """Points whose centre is on the ``shape`` map: ``0 <= x < W`` (``trunc``: ``0 <= int(x) < W``)."""
    x, y = (np.trunc(xy[:, 0]), np.trunc(xy[:, 1])) if center == "trunc" else (xy[:, 0], xy[:, 1])
    return (x >= 0) & (x < shape[1]) & (y >= 0) & (y < shape[0])


def render(points: GazePoints, preset: GazePreset, sigma_scale: float, shape: tuple[int, int], weights: np.ndarray | None = None) -> CroppedMap:  # fmt: skip
    """Attention map of ``points`` under ``preset`` with sigma x ``sigma_scale``.

    Identical ``(centre, sigma)`` rows are merged first (exact: same Gaussian), which makes
    1 kHz raw samples cheap; in ``trunc`` mode the centre is ``int(x)`` so rows are merged on it.
    """
    w = points.weight if weights is None else weights
    xy = np.trunc(points.xy) if preset.center == "trunc" else points.xy
    keep = w != 0
    pts, sig, wg = xy[keep], points.sigma[keep] * sigma_scale, w[keep]
    if len(pts) > GROUP_ABOVE:
        pts, sig, wg = group_points(pts, sig, wg)
    return attention_map_crop(
        pts, sig, shape, weights=wg, truncate=preset.truncate, window=preset.window_shape,
        center=preset.center, gaussian=preset.gaussian,
    )  # fmt: skip


def cluster_labels(cmap: CroppedMap, preset: GazePreset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """DBSCAN over the clustering map's hot pixels: ``(xs, ys, labels)`` (full-map indices, row-major)."""
    peak = cmap.max
    if peak <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    norm = cmap.values / peak
    r, c = np.nonzero(norm > preset.heat_threshold)
    labels = dbscan_pixels(
        c + cmap.x0, r + cmap.y0, norm[r, c], eps=preset.dbscan_eps, min_samples=preset.dbscan_min_samples,
        intensity_weight=preset.intensity_weight, impl=preset.dbscan_impl,
    )  # fmt: skip
    return c + cmap.x0, r + cmap.y0, labels


def _gazex_members(points: GazePoints, xs: np.ndarray, ys: np.ndarray, labels: np.ndarray, k: int) -> list[tuple[np.ndarray, float]]:  # fmt: skip
    """Per cluster: per-sample multiplicity (nearest sample of each cluster pixel) and mean time."""
    tree = cKDTree(points.xy)
    out = []
    for c in range(k):
        sel = labels == c
        _, nn = tree.query(np.column_stack([xs[sel], ys[sel]]))
        out.append((np.bincount(nn, minlength=len(points)).astype(np.float64), float(np.mean(points.t[nn]))))
    return out


def _paper_members(points: GazePoints, xs: np.ndarray, ys: np.ndarray, labels: np.ndarray, k: int, preset: GazePreset, cmap: CroppedMap) -> list[tuple[np.ndarray, float]]:  # fmt: skip
    """Per cluster: 0/1 membership of each fixation (nearest clustered pixel) and mean time.

    A fixation inside a clustered pixel takes that pixel's label (its own pixel centre is
    its nearest pixel centre); the others look up the nearest clustered pixel (cKDTree).
    """
    off = 0.5 if preset.center == "exact" else 0.0
    grid: np.ndarray = np.full(cmap.values.shape, -1, dtype=np.int64)  # (rows, cols) of the crop
    grid[ys - cmap.y0, xs - cmap.x0] = labels
    px = np.floor(points.xy[:, 0] - off + 0.5).astype(np.int64) - cmap.x0
    py = np.floor(points.xy[:, 1] - off + 0.5).astype(np.int64) - cmap.y0
    inside_crop = (px >= 0) & (px < grid.shape[1]) & (py >= 0) & (py < grid.shape[0])
    lab = np.full(len(points), -1, dtype=np.int64)
    lab[inside_crop] = grid[py[inside_crop], px[inside_crop]]
    todo = np.flatnonzero(lab < 0)
    clustered = labels >= 0
    if todo.size and clustered.any():
        tree = cKDTree(np.column_stack([xs[clustered] + off, ys[clustered] + off]))
        dist, nn = tree.query(points.xy[todo])
        reach = preset.truncate * preset.sigma_scale_cluster * points.sigma[todo].max(axis=1)
        lab[todo] = np.where(dist <= reach, labels[clustered][nn], -1)
    out = []
    for c in range(k):
        member = lab == c
        out.append(
            (member.astype(np.float64), float(np.mean(points.t[member])) if member.any() else float("nan"))
        )
    return out


def _summarise(
    m: CroppedMap, rule: str, preset: GazePreset, cid: int, t: float, n: int
) -> GazeCluster | None:
    """Box + centroid of one map as a :class:`GazeCluster` in the preset's frame (None if no box)."""
    box = box_by_rule(m, rule, percent=preset.box_top_percent, log_threshold=preset.box_log_threshold)
    if box is None:
        return None
    fbox, cen = to_frame(box, weighted_centroid(m, box), preset.frame)
    return GazeCluster(cluster_id=cid, centroid=cen, box=fbox, t_mean_s=t, n_points=n)


def cluster_sentence(points: GazePoints, preset: GazePreset, shape: tuple[int, int]) -> SentenceClusters:
    """Clusters, holistic summary and maps of one sentence window (see module docstring)."""
    cmap = render(points, preset, preset.sigma_scale_cluster, shape)
    same = preset.sigma_scale_map == preset.sigma_scale_cluster
    hmap = cmap if same else render(points, preset, preset.sigma_scale_map, shape)
    n_on = int(on_image(points.xy, shape, preset.center).sum())
    holistic = _summarise(hmap, preset.holistic_box, preset, -1, float(np.mean(points.t)), n_on)
    xs, ys, labels = cluster_labels(cmap, preset)
    k = int(labels.max()) + 1 if labels.size else 0
    if k < preset.min_clusters or k == 0:
        return SentenceClusters((), holistic, (), hmap if holistic else None, k)
    if preset.assignment == "nearest_sample_per_pixel":
        members = _gazex_members(points, xs, ys, labels, k)
    else:
        members = _paper_members(points, xs, ys, labels, k, preset, cmap)
    found: list[tuple[float, GazeCluster, CroppedMap]] = []
    for weights, t in members:
        if not np.any(weights):
            continue
        m = render(points, preset, preset.sigma_scale_map, shape, weights=weights * points.weight)
        summary = _summarise(m, preset.cluster_box, preset, 0, t, int(np.count_nonzero(weights)))
        if summary is not None:
            found.append((t, summary, m))
    order = sorted(range(len(found)), key=lambda i: found[i][0])  # stable: ties keep DBSCAN order
    clusters = tuple(_renumber(found[i][1], rank) for rank, i in enumerate(order))
    return SentenceClusters(
        clusters, holistic, tuple(found[i][2] for i in order), hmap if holistic else None, k
    )


def _renumber(c: GazeCluster, rank: int) -> GazeCluster:
    return GazeCluster(
        cluster_id=rank, centroid=c.centroid, box=c.box, t_mean_s=c.t_mean_s, n_points=c.n_points
    )
