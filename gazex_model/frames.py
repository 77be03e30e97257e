"""Image sizing and attention-video frames for training, rendered from gaze clusters.

Frames follow GazeX's look (``gray x (0.15 + 0.85 * heatmap)``, RGB) but are rendered
directly at the small training size from :class:`~gazex_bench.gaze.types.GazeCluster`
centroids and boxes: each cluster is an anisotropic Gaussian centred on its centroid with
sigma = a quarter of its box side (the box spans about +-2 sigma). The holistic frame of
a finding is the pixel-wise max over its clusters (or the holistic cluster when the
finding has none). This is a documented approximation of the heatmap videos written by
``gazex_bench.gaze.video`` (which the GPU recipe can use instead, see docs/training.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image

from gazex_bench.gaze.types import GazeCluster

DARKNESS = 0.15
"""GazeX ``darkness_strength``: brightness of pixels outside any gaze."""


def fit_side(h: int, w: int, side: int, factor: int = 28) -> tuple[int, int]:
    """``(h', w')``, multiples of ``factor``, aspect kept, area about ``side**2``."""
    scale = side / float(np.sqrt(h * w))
    hh = max(factor, int(round(h * scale / factor)) * factor)
    ww = max(factor, int(round(w * scale / factor)) * factor)
    return hh, ww


def resize_gray(img: np.ndarray, hw: tuple[int, int]) -> np.ndarray:
    """Resize a ``(H, W)`` uint8 image to ``hw`` = (h, w) with area averaging (PIL BOX)."""
    if img.shape[:2] == hw:
        return img
    return np.asarray(Image.fromarray(img).resize((hw[1], hw[0]), Image.BOX))


def to_gray(img: np.ndarray) -> np.ndarray:
    """uint8 ``(H, W)`` from gray or RGB input."""
    if img.ndim == 3:
        return np.asarray(Image.fromarray(img.astype(np.uint8)).convert("L"))
    return img.astype(np.uint8)


def cluster_heat(cluster: GazeCluster, hw: tuple[int, int], quarter_hw: tuple[int, int]) -> np.ndarray:
    """Heatmap in [0, 1] at size ``hw`` for one cluster given in the quarter frame ``quarter_hw``."""
    sy, sx = hw[0] / quarter_hw[0], hw[1] / quarter_hw[1]
    cx, cy = cluster.centroid[0] * sx, cluster.centroid[1] * sy
    x0, y0, x1, y1 = cluster.box
    sig_x = max((x1 - x0) * sx / 4.0, 1.0)
    sig_y = max((y1 - y0) * sy / 4.0, 1.0)
    yy, xx = np.mgrid[0 : hw[0], 0 : hw[1]].astype(np.float32)
    return np.exp(-(((xx + 0.5 - cx) / sig_x) ** 2 + ((yy + 0.5 - cy) / sig_y) ** 2) / 2.0)


def overlay(gray: np.ndarray, heat: np.ndarray) -> np.ndarray:
    """GazeX frame: ``gray * (0.15 + 0.85 * heat)`` as RGB uint8."""
    out = gray.astype(np.float32) * (DARKNESS + (1.0 - DARKNESS) * np.clip(heat, 0.0, 1.0))
    out = np.clip(out, 0, 255).astype(np.uint8)
    return np.repeat(out[..., None], 3, axis=-1)


def finding_frames(
    gray_small: np.ndarray,
    clusters: Sequence[GazeCluster],
    holistic: GazeCluster | None,
    quarter_hw: tuple[int, int],
) -> tuple[list[np.ndarray], np.ndarray | None]:
    """Cluster frames (only when > 1 cluster, as GazeX) and the holistic frame of one finding.

    Args:
        gray_small: Image already resized to the frame size, uint8 ``(h, w)``.
        clusters: The finding's clusters in temporal order (quarter-scale frame).
        holistic: The finding's holistic summary (None -> no holistic frame).
        quarter_hw: ``(H/4, W/4)`` of the original image (the clusters' frame).

    Returns:
        ``(cluster_frames, holistic_frame)``; RGB uint8 arrays.
    """
    hw = gray_small.shape[:2]
    heats = [cluster_heat(c, hw, quarter_hw) for c in clusters]
    frames = [overlay(gray_small, h) for h in heats] if len(heats) > 1 else []
    if heats:
        hol = overlay(gray_small, np.max(np.stack(heats), axis=0))
    elif holistic is not None:
        hol = overlay(gray_small, cluster_heat(holistic, hw, quarter_hw))
    else:
        hol = None
    return frames, hol


def subsample(frames: Sequence[np.ndarray], max_frames: int) -> list[np.ndarray]:
    """Keep at most ``max_frames`` frames, evenly spaced, order preserved (first and last kept)."""
    n = len(frames)
    if n <= max_frames:
        return list(frames)
    idx = np.unique(np.round(np.linspace(0, n - 1, max_frames)).astype(int))
    return [frames[i] for i in idx]
