"""Vectorised rendering of phantom chest radiographs (frontal and lateral).

Intensities are attenuation-like in [0, 1] (bright = dense: bone, heart, fluid; dark =
air: lungs, background) and are returned as ``uint8`` grayscale arrays of shape
``(height, width)``. Frames: original-image pixels, origin top-left. No per-pixel
Python loops: every structure is a handful of float32 numpy operations. The smooth
anatomy is evaluated at half resolution (:data:`RENDER_SCALE`, positions still in
original pixels) and upsampled bilinearly; lung markings, findings (each only inside
its box, see :mod:`~gazex_bench.phantom.lesions`, composed in
:mod:`~gazex_bench.phantom.frontal`), quantum noise and detector blur are
full resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter

from gazex_bench.phantom.anatomy import Anatomy

RENDER_SCALE = 0.5
"""Internal resolution of the smooth anatomy (image sizes are multiples of 16, so exact)."""


def sig(d: np.ndarray, soft: float = 2.0) -> np.ndarray:
    """Soft step: 0 for ``d <= -2*soft``, 1 for ``d >= 2*soft``, linear ramp between (px)."""
    return np.clip(d * np.float32(0.25 / soft) + np.float32(0.5), 0.0, 1.0)


def pixel_grid(width: int, height: int, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """``(x (1, W*scale), y (H*scale, 1))`` pixel-centre positions in original-image px (float32)."""
    x = ((np.arange(round(width * scale), dtype=np.float32) + 0.5) / np.float32(scale))[None, :]
    y = ((np.arange(round(height * scale), dtype=np.float32) + 0.5) / np.float32(scale))[:, None]
    return x, y


def upsample2(a: np.ndarray) -> np.ndarray:
    """Bilinear x2 upsampling of the last two axes (pixel-centre aligned, edges clamped), float32."""
    for axis in (-2, -1):
        n = a.shape[axis]
        lo = np.take(a, np.r_[0, np.arange(n - 1)], axis=axis)
        hi = np.take(a, np.r_[np.arange(1, n), n - 1], axis=axis)
        shape = list(a.shape)
        shape[axis] *= 2
        out = np.empty(shape, np.float32)
        idx = [slice(None)] * a.ndim
        idx[axis] = slice(0, None, 2)
        out[tuple(idx)] = 0.75 * a + 0.25 * lo
        idx[axis] = slice(1, None, 2)
        out[tuple(idx)] = 0.75 * a + 0.25 * hi
        a = out
    return a


@dataclass
class Canvas:
    """Working arrays of one frontal render (float32, ``(H, W)``)."""

    an: Anatomy
    x: np.ndarray
    """(1, W) pixel-centre x."""
    y: np.ndarray
    """(H, 1) pixel-centre y."""
    img: np.ndarray
    """Attenuation without lung markings."""
    marks: np.ndarray
    """Lung vessel markings (added at the end, so a pneumothorax can erase them)."""
    lungs: dict[str, np.ndarray]
    """Soft lung masks per patient side (empty on the full-size canvas; filled by :meth:`crop`)."""
    rng: np.random.Generator

    def noise(self, sigma: float) -> np.ndarray:
        """Unit-variance smooth noise field with correlation length ``sigma`` px."""
        n = gaussian_filter(self.rng.standard_normal(self.img.shape, dtype=np.float32), sigma)
        return n / (n.std() + 1e-6)

    def crop(self, box: tuple[int, int, int, int]) -> Canvas:
        """A canvas over the pixels of ``box`` (inclusive, image px) whose arrays are views of this one."""
        cols, rows = slice(box[0], box[2] + 1), slice(box[1], box[3] + 1)
        x, y = self.x[:, cols], self.y[rows, :]
        return Canvas(
            self.an, x, y, self.img[rows, cols], self.marks[rows, cols], lung_masks(self.an, x, y), self.rng
        )


def dome_y_curve(an: Anatomy, x: np.ndarray, side: str) -> np.ndarray:
    """Hemidiaphragm contour y(x) of ``side``: top mid-hemithorax, deep laterally (costophrenic angle)."""
    x0, x1 = an.lung_x_range(side)
    xc, hw = (x0 + x1) / 2, abs(x1 - x0) / 2
    sgn = 1.0 if side == "right" else -1.0
    lateral = sgn * (x - xc) < 0
    return an.dome_y(side) + an.dome_depth * ((x - xc) / hw) ** 2 * np.where(lateral, 1.0, 0.45)


def _lung_mask(an: Anatomy, x: np.ndarray, y: np.ndarray, side: str) -> np.ndarray:
    x0, x1 = an.lung_x_range(side)
    lat, med = (x0, x1) if side == "right" else (x1, x0)
    sgn = 1.0 if side == "right" else -1.0
    hw = abs(x1 - x0)
    dome = an.dome_y(side)
    t = np.clip((y - an.apex_y) / (dome - an.apex_y), 0.0, 1.0)
    x_lat = an.cx - sgn * an.half_thorax * (0.62 + 0.38 * np.sqrt(t))
    x_apex = med - sgn * hw * 0.35
    apex = an.apex_y + 0.5 * an.height * 0.16 * ((x - x_apex) / hw) ** 2
    dome_curve = dome_y_curve(an, x, side)
    return (sig(y - apex) * sig(dome_curve - y) * sig(sgn * (x - x_lat)) * sig(sgn * (med - x))).astype(
        np.float32
    )


def lung_masks(an: Anatomy, x: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
    """Soft lung masks per patient side on the grid ``(x, y)``, with the heart and aortic knob cut out."""
    cut = 1 - sig((np.maximum(heart_mask(an, x, y), _aortic_knob(an, x, y)) - 0.5) * 20, 1.0)
    return {s: _lung_mask(an, x, y, s) * cut for s in ("right", "left")}


def _body(an: Anatomy, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    shoulder = sig(y - an.apex_y * 0.6, soft=an.height * 0.03)
    t = np.clip((y - an.apex_y) / (an.dome_right_y - an.apex_y), 0.0, 1.0)
    cage = an.half_thorax * (0.62 + 0.38 * np.sqrt(t)) + (an.body_half - an.half_thorax)
    half = np.maximum(an.body_half * (0.3 + 0.55 * shoulder) * (1 - 0.25 * t), cage)
    ax = np.abs(x - an.cx)
    body = sig(half - ax, soft=3.0)
    return (0.04 + body * (0.40 + 0.10 * np.clip(1 - (ax / an.body_half) ** 2, 0, 1))).astype(np.float32)


def _ribs(an: Anatomy, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Posterior ribs (arched, brighter) and anterior ribs (faint, sloping down medially).

    Rib k's centre line is ``apex + (k + phase) * spacing + f(x)``; the distance to the
    nearest rib is taken from the fractional rib number, so all ribs cost one pass.
    """
    u = np.abs(x - an.cx) / an.half_thorax
    uu = np.clip(u, 0, 1.1)
    spacing = (an.dome_right_y + an.dome_depth - an.apex_y) / 8.5
    thick = spacing * 0.22
    in_span = sig(u - 0.12, 0.02) * sig(1.08 - u, 0.02)
    out = np.zeros((y.shape[0], x.shape[1]), np.float32)
    for shape, amp, width, span in (
        (-spacing * 1.1 * np.sin(np.pi * uu * 0.75) + spacing * 2.2 * uu**2, 0.05, thick, in_span),
        (spacing * 2.4 - spacing * 2.2 * uu, 0.022, thick * 1.3, sig(u - 0.35, 0.03) * sig(1.0 - u, 0.03)),
    ):
        k = (y - an.apex_y - shape) / spacing - an.rib_phase
        d = (k - np.round(k)) * spacing
        valid = (k > -1.5) & (k < 9.5)
        out += amp * np.exp(-((d / width) ** 2)) * span * valid
    return out


def _clavicles(an: Anatomy, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    u = np.abs(x - an.cx) / an.half_thorax
    line = an.apex_y + an.height * 0.02 - an.height * 0.06 * u
    band = np.exp(-(((y - line) / (an.height * 0.011)) ** 2))
    return (0.12 * band * sig(u - 0.08, 0.02) * sig(0.95 - u, 0.03)).astype(np.float32)


def _mediastinum(c: Canvas) -> None:
    an, x, y = c.an, c.x, c.y
    spine = sig(an.width * 0.035 - np.abs(x - an.cx), 2.0)
    vert = 0.5 + 0.5 * np.cos(2 * np.pi * (y - an.apex_y) / (an.height * 0.045))
    c.img += (0.07 + 0.03 * vert) * spine * sig(y - an.apex_y * 0.3, 3.0)
    trachea = sig(an.trachea_half - np.abs(x - an.cx), 1.5) * sig(an.carina_y - y, 3.0)
    c.img -= 0.13 * trachea
    for sgn in (-1.0, 1.0):
        d = np.abs((y - an.carina_y) - 0.8 * sgn * (x - an.cx))
        c.img -= (
            0.07
            * sig(an.trachea_half * 0.8 - d, 1.0)
            * sig(y - an.carina_y, 1.0)
            * sig(an.carina_y + an.height * 0.05 - y, 2.0)
        )


def heart_mask(an: Anatomy, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Soft cardiac silhouette inside :meth:`Anatomy.heart_box`: right-atrial arc + tilted left-ventricular bulge.

    The right heart border (image left) is a convex arc, the left ventricle a larger lobe
    reaching the box's right edge with its apex low (long axis tilted down to the image
    right); soft union of the two, edges ~4 px soft.
    """
    rx, ry = an.heart_rx, an.heart_ry
    x0 = an.heart_cx - rx
    ra = ((x - (x0 + 0.4 * rx)) / (0.4 * rx)) ** 2 + ((y - (an.heart_cy + 0.05 * ry)) / (0.8 * ry)) ** 2
    u, v = (x - (an.heart_cx + 0.12 * rx)) / (0.86 * rx), (y - (an.heart_cy + 0.06 * ry)) / (0.9 * ry)
    lv = (u * u + v * v - 0.6 * u * v) / 0.7
    e = np.minimum(ra, lv) - 0.15 * np.clip(1 - np.abs(ra - lv), 0, 1)
    return sig((1 - e) * (min(rx, ry) / 2), 2.0)


def _aortic_knob(an: Anatomy, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Vascular pedicle above the heart and the aortic knob bulging left of it (image right)."""
    top = an.carina_y - an.height * 0.06
    ped = sig(an.mediastinum_half * 0.9 - np.abs(x - an.cx - an.mediastinum_half * 0.1), 2.0)
    ped = ped * sig(y - top, 4.0) * sig(an.heart_cy - y, 4.0)
    d = ((x - (an.cx + an.mediastinum_half * 0.85)) / (an.width * 0.035)) ** 2 + (
        (y - (top + an.height * 0.02)) / (an.height * 0.03)
    ) ** 2
    return np.maximum(0.75 * ped, 0.9 * sig((1 - d) * 4, 1.0))


def _heart_and_abdomen(c: Canvas) -> None:
    """Heart, aortic knob and the upper abdomen below the domes (less dense than the heart)."""
    an, x, y = c.an, c.x, c.y
    heart = np.maximum(heart_mask(an, x, y), _aortic_knob(an, x, y))
    c.img += heart * (0.64 - c.img) * 0.92
    dome = np.where(x < an.cx, dome_y_curve(an, x, "right"), dome_y_curve(an, x, "left"))
    below = np.clip((y - dome) / (an.height * 0.25), 0.0, 1.0)
    abd = sig(y - dome, 2.5) * sig(an.body_half * (1 - 0.1 * below) - np.abs(x - an.cx), 3.0)
    c.img += abd * (0.44 - 0.1 * below - c.img) * 0.75
    gas = ((x - (an.cx + an.half_thorax * 0.45)) / (an.width * 0.06)) ** 2 + (
        (y - (an.dome_left_y + an.height * 0.05)) / (an.height * 0.03)
    ) ** 2
    c.img -= 0.1 * sig((1 - gas) * 6, 1.0) * (c.rng.random() < 0.7)


def _markings(c: Canvas) -> None:
    """Lung vessel markings (on the half-resolution canvas): ridges of a smooth noise field, denser near the hila."""
    an = c.an
    vessels = np.clip(1 - np.abs(c.noise(3.0 * RENDER_SCALE)) / 0.35, 0, 1) ** 1.5
    for side in ("right", "left"):
        x0, x1 = an.lung_x_range(side)
        hx = x1 if side == "right" else x0
        hy = an.carina_y + (an.dome_y(side) - an.carina_y) * 0.3
        dist = np.sqrt((c.x - hx) ** 2 + (c.y - hy) ** 2)
        weight = np.exp(-dist / (0.22 * an.width))
        c.marks += c.lungs[side] * (
            (0.02 + 0.12 * weight) * vessels + 0.09 * np.exp(-((dist / (0.045 * an.width)) ** 2))
        )


def new_canvas(an: Anatomy, rng: np.random.Generator) -> Canvas:
    """Render the normal anatomy of ``an``: evaluated at :data:`RENDER_SCALE`, upsampled to full size."""
    x, y = pixel_grid(an.width, an.height, RENDER_SCALE)
    img = _body(an, x, y)
    raw = {s: _lung_mask(an, x, y, s) for s in ("right", "left")}
    c = Canvas(an, x, y, img, np.zeros_like(img), lung_masks(an, x, y), rng)
    c.img -= 0.31 * (raw["right"] + raw["left"])
    _mediastinum(c)
    _heart_and_abdomen(c)
    below = sig(y - (max(an.dome_right_y, an.dome_left_y) + an.dome_depth * 1.2), 6.0)
    c.img += _ribs(an, x, y) * (0.6 + 0.4 * (raw["right"] + raw["left"])) * (1 - 0.8 * below) + _clavicles(
        an, x, y
    )
    _markings(c)
    up = upsample2(np.stack([c.img, c.marks]))
    fx, fy = pixel_grid(an.width, an.height)
    return Canvas(an, fx, fy, up[0], up[1], {}, rng)


def finish(c: Canvas) -> np.ndarray:
    """Apply exposure, quantum noise and detector blur; return ``uint8`` pixels."""
    contrast, bright, gamma = c.an.exposure
    img = c.img + c.marks
    img = np.clip((img - 0.45) * np.float32(contrast) + np.float32(0.45 + bright), 0.0, 1.0) ** np.float32(
        gamma
    )
    img += c.rng.standard_normal(img.shape, dtype=np.float32) * np.float32(0.012)
    img = gaussian_filter(img, 0.6)
    return np.clip(img * 255.0 + 0.5, 0, 255).astype(np.uint8)


def render_lateral(width: int, height: int, kinds: list[str], rng: np.random.Generator) -> np.ndarray:
    """Render a lateral-looking view (anterior on the image left, spine on the right).

    Smooth structures at :data:`RENDER_SCALE`, upsampled; noise and blur at full size.

    Args:
        width: Image width, px.
        height: Image height, px.
        kinds: Finding kinds of the study (effusion, cardiomegaly and opacities show).
        rng: Generator for geometry jitter and noise.
    """
    w, h = float(width), float(height)
    x, y = pixel_grid(width, height, RENDER_SCALE)
    cx, cy = w * rng.uniform(0.48, 0.52), h * rng.uniform(0.5, 0.54)
    body = sig((1 - ((x - cx) / (0.44 * w)) ** 2 - ((y - cy) / (0.62 * h)) ** 2) * 40, 1.0)
    img = 0.04 + 0.42 * body
    lung = sig((1 - ((x - cx * 0.98) / (0.31 * w)) ** 2 - ((y - 0.42 * h) / (0.31 * h)) ** 2) * 30, 1.0)
    img = img - 0.27 * lung
    spine_x = cx + 0.3 * w
    vert = sig(np.cos(2 * np.pi * y / (0.06 * h)) + 0.6, 0.15)
    img = img + 0.16 * sig(0.045 * w - np.abs(x - spine_x), 2.0) * vert * sig(y - 0.12 * h, 3)
    img = img + 0.12 * sig(0.012 * w - np.abs(x - (cx - 0.33 * w + 0.05 * (y / h) * w)), 1.0) * sig(
        y - 0.18 * h, 3
    ) * sig(0.62 * h - y, 3)
    hr = 1.3 if "cardiomegaly" in kinds else 1.0
    heart = sig(
        (1 - ((x - (cx - 0.08 * w)) / (0.16 * w * hr)) ** 2 - ((y - 0.56 * h) / (0.13 * h)) ** 2) * 20, 1.0
    )
    img = img + heart * (0.6 - img) * 0.8
    dome = 0.7 * h + 0.06 * h * ((x - cx) / (0.4 * w)) ** 2
    img = img + sig(y - dome, 2.5) * body * (0.5 - img) * 0.8
    if "pleural_effusion" in kinds:
        img = img + sig(y - (dome - 0.07 * h), 2.5) * sig(x - (cx + 0.12 * w), 4.0) * lung * 0.25
    if any(k in kinds for k in ("consolidation", "pneumonia", "lung_opacity", "edema")):
        img = img + 0.08 * np.exp(-(((x - cx) / (0.12 * w)) ** 2 + ((y - 0.45 * h) / (0.1 * h)) ** 2)) * lung
    n = gaussian_filter(rng.standard_normal(img.shape, dtype=np.float32), 1.6 * RENDER_SCALE)
    img = img + lung * 0.03 * np.clip(1 - np.abs(n / (n.std() + 1e-6)) / 0.45, 0, 1)
    img = np.clip(upsample2(img.astype(np.float32)), 0, 1) ** np.float32(rng.uniform(0.9, 1.15))
    img += rng.standard_normal(img.shape, dtype=np.float32) * np.float32(0.012)
    return np.clip(gaussian_filter(img, 0.6) * 255 + 0.5, 0, 255).astype(np.uint8)
