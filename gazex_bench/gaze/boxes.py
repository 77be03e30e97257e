"""Boxes and intensity-weighted centroids of attention maps (GazeX ``Bounding_Box_Centroid_*``).

Boxes here are **inclusive pixel-index** boxes ``(xmin, ymin, xmax, ymax)`` of the full
map; :func:`to_frame` converts them (and centroids, which are in pixel-index units where
pixel ``i``'s centre is ``i``) to the output frame of a preset.

Rules (``datasets.md`` §6.2, ``docs/gaze_reference.md`` §3.5):

* ``top_percent``: threshold = (100 - p)-th percentile of the map's non-zero values;
  pixels strictly above it (by a 1e-9 relative margin, see :data:`TIE_RTOL`).
* ``log_threshold``: GazeX cluster box: ``L = log1p(h + 1e-6) / max``; pixels with L > t.
* ``top_percent_log_image``: GazeX holistic box: percentile of the non-zero values of the
  log-normalised map **over the whole image**. Because ``log1p(1e-6) > 0`` every pixel is
  non-zero, so unless the attention covers more than p % of the image the threshold is the
  background value and the box is the bounding box of all pixels with h > 0 (in practice
  the union of the samples' 3-sigma windows). Reproduced here exactly from a crop.
"""

from __future__ import annotations

import numpy as np

from gazex_bench.gaze.heatmap import CroppedMap

LOG_EPS = 1e-6
"""GazeX's ``np.log1p(heatmap + 1e-6)``."""

TIE_RTOL = 1e-9
"""Pixels must exceed a threshold by this relative margin: values tied with it (common, as
fixations sit on a 1/4-pixel grid and Gaussians are symmetric) are excluded whatever the
last-bit rounding of the map, so equivalent implementations give the same boxes."""

IndexBox = tuple[int, int, int, int]


def _above(values: np.ndarray, thr: float) -> np.ndarray:
    """``values > thr`` up to :data:`TIE_RTOL` (ties count as not above)."""
    return values > thr + TIE_RTOL * abs(thr)


def _mask_box(mask: np.ndarray, y0: int, x0: int) -> IndexBox | None:
    """Inclusive index box of the True pixels (offset by the crop origin), None if none."""
    rows = np.flatnonzero(mask.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(mask.any(axis=0))
    return (x0 + int(cols[0]), y0 + int(rows[0]), x0 + int(cols[-1]), y0 + int(rows[-1]))


def percentile_linear(values: np.ndarray, q: float) -> float:
    """numpy's default (``linear``) percentile of a 1-D array, via ``np.partition`` (faster)."""
    pos = q / 100.0 * (values.size - 1)
    lo = int(np.floor(pos))
    hi = min(lo + 1, values.size - 1)
    part = np.partition(values, [lo, hi])
    a, b = float(part[lo]), float(part[hi])
    return a if a == b else a + (b - a) * (pos - lo)


def top_percent_box(m: CroppedMap, percent: float = 20.0) -> IndexBox | None:
    """Box of the pixels above the (100 - percent)-th percentile of the non-zero values."""
    nz = m.values[m.values > 0]
    if nz.size == 0:
        return None
    return _mask_box(_above(m.values, percentile_linear(nz, 100.0 - percent)), m.y0, m.x0)


def log_threshold_box(m: CroppedMap, threshold: float = 0.1) -> IndexBox | None:
    """GazeX cluster box: pixels with ``log1p(h + 1e-6) / max(...)`` > threshold."""
    if m.max <= 0:
        return None
    lg = np.log1p(m.values + LOG_EPS)
    return _mask_box(_above(lg / lg.max(), threshold), m.y0, m.x0)


def _order_stat(sorted_in: np.ndarray, n_bg: int, bg: float, k: int) -> float:
    """k-th smallest value of ``[bg] * n_bg + sorted_in``."""
    return bg if k < n_bg else float(sorted_in[k - n_bg])


def top_percent_log_image_box(m: CroppedMap, percent: float = 20.0) -> IndexBox | None:
    """GazeX holistic box, computed exactly from the crop (see module docstring).

    The log-normalised map is ``L = log1p(h + 1e-6) / Lmax``; outside the crop h = 0, so
    those pixels hold the background ``bg = log1p(1e-6) / Lmax``. numpy's linear percentile
    of all ``H * W`` values is rebuilt from the crop's sorted values and the background count.
    """
    if m.max <= 0:
        return None
    lg = np.log1p(m.values + LOG_EPS)
    lmax = float(lg.max())
    norm = lg / lmax
    bg = float(np.log1p(LOG_EPS)) / lmax
    n_total = m.shape[0] * m.shape[1]
    n_bg = n_total - norm.size
    pos = (100.0 - percent) / 100.0 * (n_total - 1)
    lo, frac = int(np.floor(pos)), pos - np.floor(pos)
    srt = np.sort(norm, axis=None)
    v_lo = _order_stat(srt, n_bg, bg, lo)
    v_hi = _order_stat(srt, n_bg, bg, min(lo + 1, n_total - 1))
    thr = v_lo if v_hi == v_lo else v_lo + (v_hi - v_lo) * frac
    return _mask_box(_above(norm, thr), m.y0, m.x0)


def weighted_centroid(m: CroppedMap, box: IndexBox) -> tuple[float, float]:
    """Intensity-weighted centre ``(x, y)`` (pixel-index units) of the raw map inside ``box``.

    Falls back to the box centre when the box holds no mass (GazeX ``centriod``).
    """
    xmin, ymin, xmax, ymax = box
    r0, r1 = max(ymin - m.y0, 0), min(ymax - m.y0 + 1, m.values.shape[0])
    c0, c1 = max(xmin - m.x0, 0), min(xmax - m.x0 + 1, m.values.shape[1])
    sub = m.values[r0:r1, c0:c1] if r1 > r0 and c1 > c0 else np.zeros((0, 0))
    total = float(sub.sum())
    if total <= 0:
        return ((xmin + xmax) / 2.0, (ymin + ymax) / 2.0)
    xs = np.arange(c0, c1, dtype=np.float64) + m.x0
    ys = np.arange(r0, r1, dtype=np.float64) + m.y0
    return (float(sub.sum(axis=0) @ xs) / total, float(sub.sum(axis=1) @ ys) / total)


def box_by_rule(
    m: CroppedMap, rule: str, *, percent: float = 20.0, log_threshold: float = 0.1
) -> IndexBox | None:
    """Dispatch on a preset box rule name."""
    if rule == "top_percent":
        return top_percent_box(m, percent)
    if rule == "log_threshold":
        return log_threshold_box(m, log_threshold)
    if rule == "top_percent_log_image":
        return top_percent_log_image_box(m, percent)
    raise ValueError(f"unknown box rule {rule!r}")


def to_frame(
    box: IndexBox, centroid: tuple[float, float], frame: str
) -> tuple[tuple[float, float, float, float], tuple[float, float]]:
    """Convert an index box + centroid to the output frame.

    ``index``: unchanged (GazeX numbers). ``continuous``: the box covering the pixels,
    ``(xmin, ymin, xmax + 1, ymax + 1)``, and the centroid shifted by half a pixel.
    """
    xmin, ymin, xmax, ymax = (float(v) for v in box)
    if frame == "index":
        return (xmin, ymin, xmax, ymax), (float(centroid[0]), float(centroid[1]))
    return (xmin, ymin, xmax + 1.0, ymax + 1.0), (centroid[0] + 0.5, centroid[1] + 0.5)
