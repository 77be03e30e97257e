"""Sampling findings (kind, side, zone, severity, geometry) for one phantom image.

Geometry is analytic, so boxes are identical with and without ``--no-images``.
Boxes are original-image pixels ``(xmin, ymin, xmax, ymax)``; sides are the patient's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gazex_bench.phantom.anatomy import Anatomy, BoxInt, clip_box, enlarge_heart
from gazex_bench.phantom.spec import KIND_WEIGHTS, KINDS, NORMAL_FRACTION
from gazex_bench.phantom.truth import TruthFinding

SEVERITIES = ("mild", "moderate", "severe")
DESCRIPTORS: dict[str, tuple[str, ...]] = {
    "pleural_effusion": ("layering", "loculated"),
    "cardiomegaly": ("globular", "moderate"),
    "consolidation": ("patchy", "lobar", "dense"),
    "pneumonia": ("lobar", "patchy"),
    "lung_opacity": ("hazy", "ground-glass", "ill-defined"),
    "atelectasis": ("linear", "plate-like", "subsegmental"),
    "pneumothorax": ("apical", "apicolateral"),
    "nodule": ("round", "calcified", "well-circumscribed"),
    "mass": ("lobulated", "spiculated"),
    "edema": ("interstitial", "perihilar", "alveolar"),
    "support_device": ("endotracheal tube", "central venous catheter", "nasogastric tube", "pacemaker"),
}
ZONES: dict[str, tuple[str, ...]] = {
    "pleural_effusion": ("lower",),
    "consolidation": ("upper", "middle", "lower"),
    "pneumonia": ("middle", "lower"),
    "lung_opacity": ("upper", "middle", "lower"),
    "atelectasis": ("middle", "lower"),
    "pneumothorax": ("upper",),
    "nodule": ("upper", "middle", "lower"),
    "mass": ("upper", "middle"),
}


@dataclass(frozen=True)
class FindingSpec:
    """A finding with its render parameters (internal; truth keeps the public part)."""

    kind: str
    side: str
    zone: str
    severity: str
    descriptor: str
    hedged: bool
    box: BoxInt
    center: tuple[float, float]
    params: dict[str, float] = field(default_factory=dict)
    extra_boxes: tuple[BoxInt, ...] = ()

    def to_truth(self, finding_id: str) -> TruthFinding:
        """Public truth record of this finding."""
        return TruthFinding(
            finding_id=finding_id,
            kind=self.kind,
            chexpert=KINDS[self.kind].chexpert,
            side=self.side,
            zone=self.zone,
            severity=self.severity,
            descriptor=self.descriptor,
            hedged=self.hedged,
            box=self.box,
            center=(round(self.center[0], 2), round(self.center[1], 2)),
            extra_boxes=self.extra_boxes,
        )


def choose_kinds(rng: np.random.Generator) -> list[str]:
    """Draw the kinds of one image (empty list = normal); at most one of each kind."""
    if rng.random() < NORMAL_FRACTION:
        return []
    names = list(KIND_WEIGHTS)
    p = np.array([KIND_WEIGHTS[k] for k in names])
    n = int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15]))
    picked = rng.choice(len(names), size=n, replace=False, p=p / p.sum())
    kinds = sorted({names[i] for i in picked}, key=names.index)
    if "pneumonia" in kinds and "consolidation" in kinds:
        kinds.remove("consolidation")
    return kinds


def _lung_side_geom(an: Anatomy, side: str, zone: str) -> tuple[float, float, float, float]:
    """(x_lateral_edge, x_medial_edge, y0, y1) of a lung zone in image px."""
    x0, x1 = an.lung_x_range(side)
    y0, y1 = an.zone_y_range(side, zone)
    return x0, x1, y0, y1


def _blob(
    an: Anatomy, rng: np.random.Generator, side: str, zone: str, scale: float
) -> tuple[float, float, float, float]:
    """Centre and radii of a parenchymal blob inside a lung zone."""
    x0, x1, y0, y1 = _lung_side_geom(an, side, zone)
    lw = abs(x1 - x0)
    cx = (x0 + x1) / 2 + rng.uniform(-0.12, 0.12) * lw
    cy = (y0 + y1) / 2 + rng.uniform(-0.15, 0.15) * (y1 - y0)
    rx = lw * rng.uniform(0.22, 0.3) * scale
    ry = (y1 - y0) * rng.uniform(0.4, 0.55) * scale
    return cx, cy, rx, ry


def _lung_clip(an: Anatomy, side: str, box: tuple[float, float, float, float]) -> BoxInt:
    lb = an.lung_box(side)
    return clip_box((max(box[0], lb[0]), max(box[1], lb[1]), min(box[2], lb[2]), min(box[3], lb[3])), an)


def _parenchymal(
    kind: str, an: Anatomy, rng: np.random.Generator, side: str, zone: str, sev: int
) -> tuple[BoxInt, tuple[float, float], dict[str, float]]:
    if kind in ("nodule", "mass"):
        x0, x1, y0, y1 = _lung_side_geom(an, side, zone)
        lw = abs(x1 - x0)
        cx = (x0 + x1) / 2 + rng.uniform(-0.2, 0.2) * lw
        cy = rng.uniform(y0 + 0.25 * (y1 - y0), y1 - 0.25 * (y1 - y0))
        r = (
            an.width
            * (rng.uniform(0.010, 0.016) if kind == "nodule" else rng.uniform(0.035, 0.05))
            * (1 + 0.15 * sev)
        )
        half = r * (1.0 if kind == "nodule" else 1.2) + 2.5  # lobulated mass edge + soft rim
        return (
            clip_box((cx - half, cy - half, cx + half, cy + half), an),
            (cx, cy),
            {"cx": cx, "cy": cy, "r": r},
        )
    if kind == "atelectasis":
        x0, x1, y0, y1 = _lung_side_geom(an, side, zone)
        lw = abs(x1 - x0)
        cx = (x0 + x1) / 2 + rng.uniform(-0.1, 0.1) * lw
        cy = y0 + (y1 - y0) * rng.uniform(0.35, 0.6)
        length = lw * rng.uniform(0.45, 0.65) * (1 + 0.12 * sev)
        thick = an.height * rng.uniform(0.012, 0.02) * (1 + 0.3 * sev)
        ang = rng.uniform(-0.25, 0.25)
        hx = abs(np.cos(ang)) * length / 2 + abs(np.sin(ang)) * 1.5 * thick + 4
        hy = abs(np.sin(ang)) * length / 2 + 1.5 * thick + 2
        p = {"cx": cx, "cy": cy, "length": length, "thick": thick, "angle": ang}
        return _lung_clip(an, side, (cx - hx, cy - hy, cx + hx, cy + hy)), (cx, cy), p
    scale = {"consolidation": 1.0, "pneumonia": 1.05, "lung_opacity": 1.25}[kind] * (0.85 + 0.15 * sev)
    cx, cy, rx, ry = _blob(an, rng, side, zone, scale)
    p = {
        "cx": cx,
        "cy": cy,
        "rx": rx,
        "ry": ry,
        "amp": 0.16 + 0.05 * sev if kind != "lung_opacity" else 0.09 + 0.03 * sev,
    }
    return _lung_clip(an, side, (cx - rx, cy - ry, cx + rx, cy + ry)), (cx, cy), p


def _effusion(
    an: Anatomy, rng: np.random.Generator, side: str, sev: int
) -> tuple[BoxInt, tuple[float, float], dict[str, float]]:
    x0, x1 = an.lung_x_range(side)
    base = an.dome_y(side) + an.dome_depth
    lung_h = base - an.apex_y
    level = base - lung_h * (0.16 + 0.13 * sev) * rng.uniform(0.9, 1.1)
    rise = an.height * rng.uniform(0.03, 0.05)
    p = {
        "level": level,
        "rise": rise,
        "x_med": x1 if side == "right" else x0,
        "x_lat": x0 if side == "right" else x1,
    }
    box = clip_box((min(x0, x1), level - rise, max(x0, x1), base), an)
    return box, ((x0 + x1) / 2, (level + base) / 2 + rise * 0.3), p


def _pneumothorax(
    an: Anatomy, rng: np.random.Generator, side: str, sev: int
) -> tuple[BoxInt, tuple[float, float], dict[str, float]]:
    x0, x1 = an.lung_x_range(side)
    lat = x0 if side == "right" else x1
    gap = an.width * (0.025 + 0.022 * sev) * rng.uniform(0.9, 1.15)
    y_end = an.apex_y + (an.dome_y(side) - an.apex_y) * (0.35 + 0.12 * sev)
    width = abs(x1 - x0) * (0.55 + 0.1 * sev)
    xa, xb = (lat, lat + width) if side == "right" else (lat - width, lat)
    p = {"gap": gap, "y_end": y_end, "lat": lat, "dir": 1.0 if side == "right" else -1.0}
    box = clip_box((xa, an.apex_y - an.height * 0.02, xb, y_end), an)
    return box, ((xa + xb) / 2, (an.apex_y + y_end) / 2), p


def _edema(
    an: Anatomy, rng: np.random.Generator, sev: int
) -> tuple[BoxInt, tuple[float, float], dict[str, float], tuple[BoxInt, ...]]:
    boxes = []
    for side in ("right", "left"):
        x0, x1 = an.lung_x_range(side)
        med = x1 if side == "right" else x0
        lw = abs(x1 - x0)
        ya, _ = an.zone_y_range(side, "upper")
        _, yb = an.zone_y_range(side, "lower")
        y0 = ya + (yb - ya) * 0.22
        y1 = yb - (yb - ya) * 0.12
        xa = med - (0.8 if side == "right" else -0.8) * lw
        boxes.append(clip_box((xa, y0, med, y1), an))
    union = (boxes[0][0], min(boxes[0][1], boxes[1][1]), boxes[1][2], max(boxes[0][3], boxes[1][3]))
    p = {"amp": 0.07 + 0.035 * sev, "spread": 0.5 + 0.12 * sev}
    centre = ((union[0] + union[2]) / 2, (union[1] + union[3]) / 2)
    return union, centre, p, tuple(boxes)


def _device(
    an: Anatomy, rng: np.random.Generator, descriptor: str
) -> tuple[str, BoxInt, tuple[float, float], dict[str, float]]:
    h, w = an.height, an.width
    if descriptor == "endotracheal tube":
        tip = an.carina_y - h * rng.uniform(0.04, 0.08)
        box = clip_box((an.cx - an.trachea_half * 1.3, 0, an.cx + an.trachea_half * 1.3, tip), an)
        return "midline", box, (an.cx, tip / 2), {"tip": tip}
    if descriptor == "nasogastric tube":
        tip_y = an.dome_left_y + h * rng.uniform(0.1, 0.16)
        tip_x = an.cx + an.half_thorax * rng.uniform(0.3, 0.45)
        box = clip_box((an.cx - w * 0.02, 0, tip_x + w * 0.03, tip_y + h * 0.02), an)
        return "midline", box, ((an.cx + tip_x) / 2, tip_y * 0.6), {"tip_x": tip_x, "tip_y": tip_y}
    if descriptor == "central venous catheter":
        side = "right" if rng.random() < 0.75 else "left"
        sgn = -1.0 if side == "right" else 1.0
        entry_x = an.cx + sgn * w * rng.uniform(0.09, 0.13)
        tip = (an.cx - w * 0.02 * (1 if side == "right" else -0.3), an.carina_y + h * rng.uniform(0.02, 0.06))
        box = clip_box((min(entry_x, tip[0]) - 4, 0, max(entry_x, tip[0]) + 4, tip[1] + 4), an)
        return (
            side,
            box,
            ((entry_x + tip[0]) / 2, tip[1] / 2),
            {"entry_x": entry_x, "tip_x": tip[0], "tip_y": tip[1]},
        )
    gx = an.cx + an.body_half * rng.uniform(0.55, 0.7)
    gy = an.apex_y + h * rng.uniform(0.03, 0.07)
    gw, gh = w * rng.uniform(0.06, 0.08), h * rng.uniform(0.04, 0.055)
    box = clip_box(
        (
            an.heart_cx - an.heart_rx * 0.5 - 4,
            gy - gh / 2 - 4,
            gx + gw / 2 + 4,
            an.heart_cy + an.heart_ry * 0.5 + 4,
        ),
        an,
    )
    return "left", box, (gx, gy), {"gx": gx, "gy": gy, "gw": gw, "gh": gh}


def finding_geometry(
    kind: str, an: Anatomy, rng: np.random.Generator, sev: int, desc: str, side: str
) -> tuple[Anatomy, str, str, BoxInt, tuple[float, float], dict[str, float], tuple[BoxInt, ...]]:
    """Where a finding of ``kind`` lies on ``an``: ``(anatomy, side, zone, box, centre, params, extra_boxes)``.

    Cardiomegaly returns an anatomy with an enlarged heart; every other kind returns ``an`` unchanged.
    """
    zone, extra = "", ()
    if kind == "cardiomegaly":
        an = enlarge_heart(an, 1.22 + 0.13 * sev)
        side, zone, box = "midline", "lower", an.heart_box()
        centre, params = (an.heart_cx, an.heart_cy), {}
    elif kind == "edema":
        side, zone = "bilateral", "diffuse"
        box, centre, params, extra = _edema(an, rng, sev)
    elif kind == "support_device":
        zone = "upper"
        side, box, centre, params = _device(an, rng, desc)
    elif kind == "pleural_effusion":
        zone = "lower"
        box, centre, params = _effusion(an, rng, side, sev)
    elif kind == "pneumothorax":
        zone = "upper"
        box, centre, params = _pneumothorax(an, rng, side, sev)
    else:
        zone = str(rng.choice(ZONES[kind]))
        box, centre, params = _parenchymal(kind, an, rng, side, zone, sev)
    return (
        an,
        side,
        zone,
        box,
        (float(centre[0]), float(centre[1])),
        {k: float(v) for k, v in params.items()},
        extra,
    )


def sample_findings(rng: np.random.Generator, an: Anatomy) -> tuple[Anatomy, list[FindingSpec]]:
    """Draw the findings of one image; cardiomegaly enlarges the anatomy's heart.

    Returns:
        The (possibly modified) anatomy and the findings in report order.
    """
    specs: list[FindingSpec] = []
    for kind in choose_kinds(rng):
        sev = int(rng.choice(3, p=[0.45, 0.35, 0.2]))
        desc = str(rng.choice(DESCRIPTORS[kind]))
        hedged = bool(rng.random() < (0.3 if sev == 0 else 0.1)) and kind != "support_device"
        side = str(rng.choice(["right", "left"]))
        an, side, zone, box, centre, params, extra = finding_geometry(kind, an, rng, sev, desc, side)
        specs.append(FindingSpec(kind, side, zone, SEVERITIES[sev], desc, hedged, box, centre, params, extra))
    return an, specs


def decoy_findings(
    findings: tuple[FindingSpec, ...], an: Anatomy, rng: np.random.Generator
) -> tuple[FindingSpec, ...]:
    """One decoy per finding: a finding drawn afresh from the phantom's finding distribution on ``an``.

    The decoy's kind, severity, side and geometry come from the same distribution as real
    findings (:data:`~gazex_bench.phantom.spec.KIND_WEIGHTS`, the same severity and side
    probabilities, the same geometry code), but independently of the image's actual
    findings, so gaze directed at decoys has the statistics of finding-directed gaze and
    carries no information about where (or what) the real findings are. Cardiomegaly
    decoys take the heart box of ``an`` as it is (the anatomy is not modified).

    Args:
        findings: The image's real findings (only their number is used).
        an: The image's anatomy.
        rng: Generator of this image's decoys (one per image: every reader sees the same decoys).

    Returns:
        ``len(findings)`` decoy findings, in the same order.
    """
    names = list(KIND_WEIGHTS)
    p = np.array([KIND_WEIGHTS[k] for k in names])
    out = []
    for _ in findings:
        kind = names[int(rng.choice(len(names), p=p / p.sum()))]
        sev = int(rng.choice(3, p=[0.45, 0.35, 0.2]))
        desc = str(rng.choice(DESCRIPTORS[kind]))
        side = str(rng.choice(["right", "left"]))
        if kind == "cardiomegaly":
            box, centre = an.heart_box(), (an.heart_cx, an.heart_cy)
            side, zone, params, extra = "midline", "lower", {}, ()
        else:
            _, side, zone, box, centre, params, extra = finding_geometry(kind, an, rng, sev, desc, side)
        out.append(
            FindingSpec(
                kind,
                side,
                zone,
                SEVERITIES[sev],
                desc,
                False,
                box,
                (float(centre[0]), float(centre[1])),
                params,
                extra,
            )
        )
    return tuple(out)
