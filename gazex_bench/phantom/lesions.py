"""Drawing each finding kind onto a frontal :class:`~gazex_bench.phantom.render.Canvas`.

Every kind has a distinct intensity signature so a small model can learn it:
effusion = bright lung base with a lateral meniscus; pneumothorax = black rim without
vessel markings and a thin pleural line; nodule/mass = sharp bright disc; consolidation
= dense textured patch with dark air bronchograms; lung opacity = faint smooth haze;
atelectasis = thin oblique band; edema = bilateral perihilar haze; devices = bright lines.
Positions and sizes come from :class:`~gazex_bench.phantom.findings.FindingSpec` params
(original-image pixels). Each finding is drawn on a crop of its truth box only and faded
to zero at the box edges (diffuse kinds over the outer quarter, sharp kinds over 3 px),
so the truth box always encloses what is rendered.
"""

from __future__ import annotations

import numpy as np

from gazex_bench.phantom.findings import FindingSpec
from gazex_bench.phantom.render import Canvas, sig


def _blob(c: Canvas, f: FindingSpec) -> None:
    p = f.params
    d2 = ((c.x - p["cx"]) / p["rx"]) ** 2 + ((c.y - p["cy"]) / p["ry"]) ** 2
    lung = c.lungs[f.side]
    if f.kind == "lung_opacity":
        c.img += p["amp"] * np.exp(-1.3 * d2) * (0.85 + 0.15 * c.noise(8.0)) * lung
        return
    tex = np.clip(0.8 + 0.25 * c.noise(5.0), 0.4, 1.2)
    bronch = np.clip(np.abs(c.noise(2.0)) / 0.25, 0.45, 1.0)
    b = np.exp(-(d2**2)) * tex * bronch
    c.img += p["amp"] * 1.35 * b * lung
    c.marks *= 1 - 0.6 * np.clip(b, 0, 1) * lung


def _disc(c: Canvas, f: FindingSpec) -> None:
    p = f.params
    dx, dy = c.x - p["cx"], c.y - p["cy"]
    r = p["r"]
    if f.kind == "mass":
        theta = np.arctan2(dy, dx)
        r = r * (
            1
            + 0.12 * np.cos(3 * theta + p["cx"])
            + (0.06 * np.cos(9 * theta) if f.descriptor == "spiculated" else 0)
        )
    amp = 0.3 if f.descriptor == "calcified" else 0.22
    c.img += amp * sig(r - np.sqrt(dx * dx + dy * dy), 0.8) * (0.9 + 0.1 * c.noise(3.0))


def _band(c: Canvas, f: FindingSpec) -> None:
    p = f.params
    dx, dy = c.x - p["cx"], c.y - p["cy"]
    ca, sa = np.cos(p["angle"]), np.sin(p["angle"])
    u = dx * ca + dy * sa
    v = -dx * sa + dy * ca
    band = np.exp(-((v / p["thick"]) ** 2)) * sig(p["length"] / 2 - np.abs(u), 3.0)
    c.img += 0.22 * band * np.clip(c.lungs[f.side] * 1.5, 0, 1)


def _effusion(c: Canvas, f: FindingSpec) -> None:
    p = f.params
    t = np.clip((c.x - p["x_med"]) / (p["x_lat"] - p["x_med"]), 0.0, 1.2)
    meniscus = p["level"] - p["rise"] * t**2
    fluid = sig(c.y - meniscus, 3.0) * np.clip(c.lungs[f.side] * 1.3, 0, 1)
    depth = np.clip((c.y - meniscus) / (c.an.height * 0.08), 0, 1)
    c.img += fluid * (0.62 - c.img) * (0.55 + 0.4 * depth)
    c.marks *= 1 - fluid


def _pneumothorax(c: Canvas, f: FindingSpec) -> None:
    p, an = f.params, c.an
    lung = c.lungs[f.side]
    sgn = p["dir"]
    t = np.clip((c.y - an.apex_y) / (an.dome_y(f.side) - an.apex_y), 0.0, 1.0)
    x_lat = an.cx - sgn * an.half_thorax * (0.62 + 0.38 * np.sqrt(t))
    d_lat = sgn * (c.x - x_lat)
    d_top = c.y - an.apex_y
    d_edge = np.minimum(d_lat, d_top * 1.3)
    taper = np.sqrt(np.clip((p["y_end"] - c.y) / (p["y_end"] - an.apex_y), 0.0, 1.0))
    gap = p["gap"] * taper
    region = sig(gap - d_edge, 1.2) * lung * (taper > 0)
    c.marks *= 1 - region
    c.img -= 0.07 * region
    line = np.exp(-(((d_edge - gap) / 1.1) ** 2)) * lung * sig(gap - 2.0, 1.0)
    c.img += 0.12 * line


def _edema(c: Canvas, f: FindingSpec) -> None:
    an, p = c.an, f.params
    haze = np.zeros_like(c.img)
    for side in ("right", "left"):
        x0, x1 = an.lung_x_range(side)
        hx = x1 if side == "right" else x0
        hy = an.carina_y + (an.dome_y(side) - an.carina_y) * 0.35
        d2 = ((c.x - hx) / (abs(x1 - x0) * p["spread"])) ** 2 + (
            (c.y - hy) / ((an.dome_y(side) - an.apex_y) * 0.45)
        ) ** 2
        haze += np.exp(-d2) * c.lungs[side]
    c.img += p["amp"] * haze * np.clip(0.85 + 0.2 * c.noise(4.0), 0.5, 1.3)
    c.marks *= 1 + 0.6 * haze


def _polyline(c: Canvas, pts: list[tuple[float, float]], width: float, amp: float) -> None:
    """Add a bright tube of ``width`` px along the polyline ``pts``."""
    dist = np.full(c.img.shape, np.inf, np.float32)
    for (ax, ay), (bx, by) in zip(pts[:-1], pts[1:]):
        vx, vy = bx - ax, by - ay
        L2 = max(vx * vx + vy * vy, 1e-6)
        t = np.clip(((c.x - ax) * vx + (c.y - ay) * vy) / L2, 0.0, 1.0)
        d = np.hypot(c.x - (ax + t * vx), c.y - (ay + t * vy))
        np.minimum(dist, d, out=dist)
    c.img += amp * sig(width / 2 - dist, 0.5)


def _curve(
    p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float], n: int = 12
) -> list[tuple[float, float]]:
    """Quadratic Bezier through control point ``p1``, sampled at ``n`` points."""
    t = np.linspace(0, 1, n)
    xs = (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t**2 * p2[0]
    ys = (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t**2 * p2[1]
    return list(zip(xs.tolist(), ys.tolist()))


def _device(c: Canvas, f: FindingSpec) -> None:
    an, p = c.an, f.params
    w = an.width
    if f.descriptor == "endotracheal tube":
        _polyline(c, [(an.cx + 2, 0.0), (an.cx, p["tip"])], w * 0.014, 0.16)
        _polyline(c, [(an.cx + 2 - w * 0.006, 0.0), (an.cx - w * 0.006, p["tip"])], w * 0.003, 0.25)
    elif f.descriptor == "nasogastric tube":
        pts = _curve(
            (an.cx - w * 0.01, 0.0),
            (an.cx + w * 0.01, an.dome_left_y * 0.9),
            (an.cx + w * 0.03, an.dome_left_y),
        )
        pts += _curve(
            pts[-1], (p["tip_x"] - w * 0.02, an.dome_left_y + an.height * 0.08), (p["tip_x"], p["tip_y"])
        )[1:]
        _polyline(c, pts, w * 0.006, 0.3)
    elif f.descriptor == "central venous catheter":
        pts = _curve(
            (p["entry_x"], 0.0),
            (p["entry_x"], an.apex_y + an.height * 0.06),
            ((p["entry_x"] + p["tip_x"]) / 2, an.carina_y - an.height * 0.05),
        )
        pts += _curve(pts[-1], (p["tip_x"], an.carina_y - an.height * 0.02), (p["tip_x"], p["tip_y"]))[1:]
        _polyline(c, pts, w * 0.005, 0.3)
    else:
        dx, dy = np.abs(c.x - p["gx"]) / (p["gw"] / 2), np.abs(c.y - p["gy"]) / (p["gh"] / 2)
        c.img += 0.55 * sig((1 - np.maximum(dx, dy) ** 4) * 8, 1.0)
        tip = (an.heart_cx - an.heart_rx * 0.1, an.heart_cy + an.heart_ry * 0.45)
        pts = _curve((p["gx"], p["gy"]), (an.heart_cx - an.heart_rx * 0.5, an.carina_y), tip)
        _polyline(c, pts, w * 0.005, 0.35)


_DIFFUSE = frozenset({"consolidation", "pneumonia", "lung_opacity", "edema"})


def _window(c: Canvas, boxes: tuple[tuple[int, int, int, int], ...], diffuse: bool) -> np.ndarray:
    """1 inside the boxes, fading (smoothstep) to 0 at their edges; max over boxes (crop grid)."""
    win = np.zeros(c.img.shape, np.float32)
    for b in boxes:
        tx = max(3.0, 0.25 * (b[2] - b[0])) if diffuse else 3.0
        ty = max(3.0, 0.25 * (b[3] - b[1])) if diffuse else 3.0
        wx = np.clip(np.minimum(c.x - b[0], b[2] + 1 - c.x) / tx, 0.0, 1.0)
        wy = np.clip(np.minimum(c.y - b[1], b[3] + 1 - c.y) / ty, 0.0, 1.0)
        w = (wx * wx * (3 - 2 * wx)) * (wy * wy * (3 - 2 * wy))
        np.maximum(win, w, out=win)
    return win


def draw_finding(c: Canvas, f: FindingSpec) -> None:
    """Draw one finding inside its truth box (cardiomegaly is in the anatomy already)."""
    if f.kind == "cardiomegaly":
        return
    sub = c.crop(f.box)
    img0, marks0 = sub.img.copy(), sub.marks.copy()
    if f.kind in ("consolidation", "pneumonia", "lung_opacity"):
        _blob(sub, f)
    elif f.kind in ("nodule", "mass"):
        _disc(sub, f)
    elif f.kind == "atelectasis":
        _band(sub, f)
    elif f.kind == "pleural_effusion":
        _effusion(sub, f)
    elif f.kind == "pneumothorax":
        _pneumothorax(sub, f)
    elif f.kind == "edema":
        _edema(sub, f)
    elif f.kind == "support_device":
        _device(sub, f)
    win = _window(sub, f.extra_boxes or (f.box,), f.kind in _DIFFUSE)
    sub.img[...] = img0 + (sub.img - img0) * win
    sub.marks[...] = marks0 + (sub.marks - marks0) * win
