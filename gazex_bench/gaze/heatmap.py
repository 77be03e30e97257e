"""Windowed anisotropic Gaussian attention maps (vectorised, separable).

Each point ``k`` contributes ``w_k * gy_k(y) * gx_k(x)`` inside its window, where
``gx_k(x) = exp(-(x - cx_k)^2 / (2 sx_k^2))`` (times ``1 / (2 pi sx sy)`` for the ``pdf``
form). The window is separable too (``rect``: +-truncate*sigma per axis; ``square_max``:
+-``int(truncate * max(sx, sy))`` pixels on both axes, the GazeX rule), so the whole map
is one matrix product ``(Gy * w)^T @ Gx`` over the union bounding box of the windows --
no per-pixel Python loop and no Gaussian evaluated outside its window.

Frames (quarter-scale image pixels, origin top-left, x right, y down):

* ``center="exact"``: continuous coordinates; pixel ``i`` covers ``[i, i+1)`` and is
  evaluated at its centre ``i + 0.5``; a pixel is in the window when its centre is.
* ``center="trunc"``: GazeX's index frame; the centre is ``int(x)`` (truncation), pixel
  ``i`` is evaluated at ``i``; points whose truncated centre is off the grid are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from gazex_bench.gaze.presets import CenterMode, GaussianForm, WindowShape


@dataclass(frozen=True)
class CroppedMap:
    """A map known to be zero outside ``values``' rectangle.

    ``values[r, c]`` is pixel ``(y0 + r, x0 + c)`` of a ``shape`` map.
    """

    values: np.ndarray
    y0: int
    x0: int
    shape: tuple[int, int]

    def full(self) -> np.ndarray:
        """The map at full ``shape`` (zeros outside the crop)."""
        out = np.zeros(self.shape, dtype=self.values.dtype)
        h, w = self.values.shape
        out[self.y0 : self.y0 + h, self.x0 : self.x0 + w] = self.values
        return out

    @property
    def max(self) -> float:
        """Maximum value (0 for an empty crop)."""
        return float(self.values.max()) if self.values.size else 0.0


def _axis_windows(
    c: np.ndarray,
    s_axis: np.ndarray,
    s_max: np.ndarray,
    n: int,
    truncate: float,
    window: WindowShape,
    center: CenterMode,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per point: evaluation centre (pixel-index units) and inclusive window ``[lo, hi]`` clipped to ``[0, n)``."""
    reach = s_axis if window == "rect" else s_max
    if center == "trunc":
        ci = np.trunc(c)
        r = np.trunc(truncate * reach)
        return ci, np.maximum(ci - r, 0), np.minimum(ci + r, n - 1)
    t = truncate * reach
    return c - 0.5, np.maximum(np.ceil(c - t - 0.5), 0), np.minimum(np.floor(c + t - 0.5), n - 1)


def _axis_matrix(
    ce: np.ndarray, sig: np.ndarray, lo: np.ndarray, hi: np.ndarray, a0: int, a1: int
) -> np.ndarray:
    """(K, a1 - a0) matrix of 1-D Gaussians, zero outside each point's window."""
    idx = np.arange(a0, a1, dtype=np.float64)
    d = idx[None, :] - ce[:, None]
    g = np.exp(-(d * d) / (2.0 * sig[:, None] ** 2))
    g[(idx[None, :] < lo[:, None]) | (idx[None, :] > hi[:, None])] = 0.0
    return cast("np.ndarray", g)


def attention_map_crop(
    points: np.ndarray,
    sigmas: np.ndarray,
    shape: tuple[int, int],
    *,
    weights: np.ndarray | None = None,
    truncate: float = 3.0,
    window: WindowShape = "rect",
    center: CenterMode = "exact",
    gaussian: GaussianForm = "peak1",
) -> CroppedMap:
    """Sum of windowed anisotropic Gaussians, returned on the union box of the windows.

    Args:
        points: (n, 2) centres ``(x, y)`` in the map's pixel frame (see module docstring).
        sigmas: (n, 2) ``(sigma_x, sigma_y)`` in pixels (> 0).
        shape: Map shape ``(height, width)`` in pixels.
        weights: (n,) per-point weights (default 1).
        truncate: Window radius in sigmas.
        window: ``rect`` or ``square_max`` (GazeX).
        center: ``exact`` (continuous) or ``trunc`` (GazeX ``int(x)`` index frame).
        gaussian: ``peak1`` (``exp``) or ``pdf`` (unit mass before truncation).

    Returns:
        The map as a :class:`CroppedMap` (an empty crop when no window touches the map).
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    sig = np.asarray(sigmas, dtype=np.float64).reshape(-1, 2)
    w = np.ones(len(pts)) if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    h, wd = int(shape[0]), int(shape[1])
    if center == "trunc":  # GazeX: `if 0 <= int(x) < W and 0 <= int(y) < H`
        tx, ty = np.trunc(pts[:, 0]), np.trunc(pts[:, 1])
        keep = (tx >= 0) & (tx < wd) & (ty >= 0) & (ty < h)
        pts, sig, w = pts[keep], sig[keep], w[keep]
    if gaussian == "pdf":
        w = w / (2.0 * np.pi * sig[:, 0] * sig[:, 1])
    smax = sig.max(axis=1) if len(sig) else np.zeros(0)
    cx, xlo, xhi = _axis_windows(pts[:, 0], sig[:, 0], smax, wd, truncate, window, center)
    cy, ylo, yhi = _axis_windows(pts[:, 1], sig[:, 1], smax, h, truncate, window, center)
    ok = (xlo <= xhi) & (ylo <= yhi) & (w != 0)
    if not ok.any():
        return CroppedMap(np.zeros((0, 0)), 0, 0, (h, wd))
    cx, xlo, xhi, cy, ylo, yhi = (a[ok] for a in (cx, xlo, xhi, cy, ylo, yhi))
    x0, x1 = int(xlo.min()), int(xhi.max()) + 1
    y0, y1 = int(ylo.min()), int(yhi.max()) + 1
    gx = _axis_matrix(cx, sig[ok, 0], xlo, xhi, x0, x1)
    gy = _axis_matrix(cy, sig[ok, 1], ylo, yhi, y0, y1)
    return CroppedMap((gy * w[ok][:, None]).T @ gx, y0, x0, (h, wd))


def attention_map(
    points: np.ndarray,
    sigmas: np.ndarray,
    shape: tuple[int, int],
    *,
    weights: np.ndarray | None = None,
    truncate: float = 3.0,
    window: WindowShape = "rect",
    center: CenterMode = "exact",
    gaussian: GaussianForm = "peak1",
) -> np.ndarray:
    """Full-size ``(height, width)`` float64 attention map; see :func:`attention_map_crop`."""
    return attention_map_crop(
        points,
        sigmas,
        shape,
        weights=weights,
        truncate=truncate,
        window=window,
        center=center,
        gaussian=gaussian,
    ).full()


def group_points(
    points: np.ndarray, sigmas: np.ndarray, weights: np.ndarray | None = None
) -> tuple[np.ndarray, ...]:
    """Merge identical ``(x, y, sx, sy)`` rows, summing weights (same map, fewer Gaussians).

    Returns:
        ``(points, sigmas, weights)`` of the unique rows, in ``np.unique`` order.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    sig = np.asarray(sigmas, dtype=np.float64).reshape(-1, 2)
    w = np.ones(len(pts)) if weights is None else np.asarray(weights, dtype=np.float64)
    rows, inverse = np.unique(np.column_stack([pts, sig]), axis=0, return_inverse=True)
    return rows[:, :2], rows[:, 2:], np.bincount(inverse.reshape(-1), weights=w, minlength=len(rows))
