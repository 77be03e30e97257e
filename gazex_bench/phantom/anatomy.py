"""Patient geometry of a phantom frontal chest radiograph and its anatomical regions.

All lengths are original-image pixels; origin top-left, x right, y down. The
patient's right lung is on the image **left** (radiological convention), so
``side="right"`` means small x.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

BoxInt = tuple[int, int, int, int]


@dataclass(frozen=True)
class Anatomy:
    """Continuous geometry of one patient as seen on a frontal view."""

    width: int
    height: int
    cx: float
    """Midline x."""
    half_thorax: float
    """Half of the thoracic width at the costophrenic angles."""
    mediastinum_half: float
    """Half width of the upper mediastinum."""
    apex_y: float
    """y of the lung apices."""
    dome_right_y: float
    """y of the top of the right hemidiaphragm (patient right = image left)."""
    dome_left_y: float
    dome_depth: float
    """How far the costophrenic angles lie below the dome tops."""
    heart_cx: float
    heart_cy: float
    heart_rx: float
    heart_ry: float
    trachea_half: float
    carina_y: float
    body_half: float
    """Half width of the soft-tissue body outline."""
    rib_phase: float
    """Vertical offset of the rib pattern, in rib spacings."""
    exposure: tuple[float, float, float]
    """(contrast, brightness, gamma) of the final intensity transform."""

    def lung_x_range(self, side: str) -> tuple[float, float]:
        """(x_lateral_or_left_edge, x_right_edge) of one lung at its widest, image px."""
        if side == "right":
            return self.cx - self.half_thorax, self.cx - self.mediastinum_half
        return self.cx + self.mediastinum_half, self.cx + self.half_thorax

    def dome_y(self, side: str) -> float:
        """Top of the hemidiaphragm of ``side``."""
        return self.dome_right_y if side == "right" else self.dome_left_y

    def zone_y_range(self, side: str, zone: str) -> tuple[float, float]:
        """Vertical extent of a lung zone (thirds between apex and dome top)."""
        top, bottom = self.apex_y, self.dome_y(side)
        third = (bottom - top) / 3.0
        i = {"upper": 0, "middle": 1, "lower": 2}[zone]
        return top + i * third, top + (i + 1) * third + (self.dome_depth * 0.6 if i == 2 else 0.0)

    def lung_box(self, side: str) -> BoxInt:
        """Box of one lung including its costophrenic angle."""
        x0, x1 = self.lung_x_range(side)
        return _ibox(x0, self.apex_y, x1, self.dome_y(side) + self.dome_depth, self)

    def heart_box(self) -> BoxInt:
        """Box of the cardiac silhouette (:func:`~gazex_bench.phantom.render.heart_mask` lies inside)."""
        return _ibox(
            self.heart_cx - self.heart_rx,
            self.heart_cy - self.heart_ry,
            self.heart_cx + self.heart_rx,
            self.heart_cy + self.heart_ry,
            self,
        )

    def chest_box(self) -> BoxInt:
        """Box around both lungs and the heart (the REFLACX chest bounding box)."""
        r, lf, h = self.lung_box("right"), self.lung_box("left"), self.heart_box()
        return (min(r[0], h[0]), min(r[1], lf[1]), max(lf[2], h[2]), max(r[3], lf[3], h[3]))


def _ibox(x0: float, y0: float, x1: float, y1: float, an: Anatomy) -> BoxInt:
    """Round and clip a box to the image."""
    xa, xb = sorted((x0, x1))
    ya, yb = sorted((y0, y1))
    return (
        int(max(0, round(xa))),
        int(max(0, round(ya))),
        int(min(an.width - 1, round(xb))),
        int(min(an.height - 1, round(yb))),
    )


def clip_box(box: tuple[float, float, float, float], an: Anatomy) -> BoxInt:
    """Public helper: round and clip ``(xmin, ymin, xmax, ymax)`` to the image of ``an``."""
    return _ibox(*box, an)


def sample_size(rng: np.random.Generator) -> tuple[int, int]:
    """Image (width, height) in px: ~512-640 with varied aspect (real: ~2500-3000)."""
    w = int(rng.integers(34, 41)) * 16
    h = int(np.clip(round(w * rng.uniform(0.88, 1.18) / 16), 32, 40)) * 16
    return w, h


def sample_anatomy(rng: np.random.Generator, width: int, height: int, view: str) -> Anatomy:
    """Draw a patient (size, position, exposure) for a frontal image.

    Args:
        rng: The study's generator.
        width: Image width, px.
        height: Image height, px.
        view: ``PA`` or ``AP`` (AP: slightly wider heart, higher domes, lower contrast).
    """
    w, h = float(width), float(height)
    ap = view == "AP"
    cx = w * rng.uniform(0.47, 0.53)
    half_thorax = w * rng.uniform(0.33, 0.38)
    apex = h * rng.uniform(0.10, 0.15)
    dome_r = h * rng.uniform(0.66, 0.72) - (h * 0.03 if ap else 0.0)
    dome_l = dome_r + h * rng.uniform(0.01, 0.035)
    heart_rx = half_thorax * rng.uniform(0.46, 0.52) * (1.06 if ap else 1.0)
    heart_ry = h * rng.uniform(0.115, 0.135)
    return Anatomy(
        width=width,
        height=height,
        cx=cx,
        half_thorax=half_thorax,
        mediastinum_half=w * rng.uniform(0.055, 0.07),
        apex_y=apex,
        dome_right_y=dome_r,
        dome_left_y=dome_l,
        dome_depth=h * rng.uniform(0.07, 0.10),
        heart_cx=cx + heart_rx * rng.uniform(0.28, 0.38),
        heart_cy=dome_l - heart_ry * rng.uniform(0.8, 0.95),
        heart_rx=heart_rx,
        heart_ry=heart_ry,
        trachea_half=w * rng.uniform(0.016, 0.022),
        carina_y=apex + (dome_r - apex) * rng.uniform(0.28, 0.34),
        body_half=half_thorax * rng.uniform(1.12, 1.25),
        rib_phase=float(rng.uniform(0, 1)),
        exposure=(
            float(rng.uniform(0.85, 1.15) * (0.9 if ap else 1.0)),
            float(rng.uniform(-0.05, 0.05)),
            float(rng.uniform(0.85, 1.2)),
        ),
    )


def enlarge_heart(an: Anatomy, factor: float) -> Anatomy:
    """Cardiomegaly: scale the heart's transverse (and a little its vertical) radius."""
    return replace(
        an,
        heart_rx=an.heart_rx * factor,
        heart_ry=an.heart_ry * (1 + (factor - 1) * 0.4),
        heart_cx=an.heart_cx + an.heart_rx * (factor - 1) * 0.35,
    )


def regions(an: Anatomy) -> dict[str, BoxInt]:
    """Anatomical regions (names used as fixation targets) -> boxes, image px."""
    out: dict[str, BoxInt] = {}
    out["trachea"] = _ibox(
        an.cx - 2.5 * an.trachea_half,
        an.apex_y - 0.06 * an.height,
        an.cx + 2.5 * an.trachea_half,
        an.carina_y,
        an,
    )
    out["mediastinum"] = _ibox(
        an.cx - an.mediastinum_half,
        an.carina_y - 0.06 * an.height,
        an.cx + an.mediastinum_half * 1.2,
        an.heart_cy - an.heart_ry * 0.6,
        an,
    )
    for side in ("right", "left"):
        x0, x1 = an.lung_x_range(side)
        for zone in ("upper", "middle", "lower"):
            y0, y1 = an.zone_y_range(side, zone)
            xa = x0 + (x1 - x0) * (0.25 if zone == "upper" and side == "right" else 0.0)
            xb = x1 - (x1 - x0) * (0.25 if zone == "upper" and side == "left" else 0.0)
            out[f"{side}_{zone}_lung"] = _ibox(xa, y0, xb, y1, an)
        hx = x1 if side == "right" else x0
        my0, my1 = an.zone_y_range(side, "middle")
        out[f"{side}_hilum"] = _ibox(hx - 0.06 * an.width, my0, hx + 0.06 * an.width, my1, an)
        lat = x0 if side == "right" else x1
        base = an.dome_y(side) + an.dome_depth
        out[f"{side}_costophrenic_angle"] = _ibox(
            lat - 0.02 * an.width,
            base - 0.08 * an.height,
            lat + 0.09 * an.width * (1 if side == "right" else -1),
            base + 0.01 * an.height,
            an,
        )
        out[f"{side}_hemidiaphragm"] = _ibox(
            x0, an.dome_y(side) - 0.03 * an.height, x1, an.dome_y(side) + 0.05 * an.height, an
        )
        shoulder_x = an.cx + (-1 if side == "right" else 1) * an.body_half * 0.85
        out[f"{side}_shoulder"] = _ibox(
            shoulder_x - 0.08 * an.width,
            0.02 * an.height,
            shoulder_x + 0.08 * an.width,
            an.apex_y + 0.05 * an.height,
            an,
        )
    out["heart"] = an.heart_box()
    out["upper_abdomen"] = _ibox(
        an.cx - an.half_thorax * 0.8,
        max(an.dome_right_y, an.dome_left_y) + 0.05 * an.height,
        an.cx + an.half_thorax * 0.8,
        an.height * 0.97,
        an,
    )
    out["spine"] = _ibox(an.cx - 0.04 * an.width, an.apex_y, an.cx + 0.04 * an.width, an.height * 0.95, an)
    return out
