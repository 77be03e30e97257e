"""One simulated REFLACX reading of a phantom study: dictation plan, gaze, labels, ellipses.

All positions are original-image pixels; times seconds from audio start.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from gazex_bench.phantom.anatomy import BoxInt, regions
from gazex_bench.phantom.entities import Study
from gazex_bench.phantom.findings import FindingSpec
from gazex_bench.phantom.gaze_sim import (
    GazeSimulator,
    SimReading,
    SimSentence,
    fixation_columns,
    zoom_box_for,
)
from gazex_bench.phantom.phrases import Statement, finding_statement, negative_statements
from gazex_bench.phantom.scan import plan_stops, reading_order
from gazex_bench.phantom.spec import KINDS, REFLACX_P1_LABELS, REFLACX_P23_LABELS
from gazex_bench.phantom.styles import RadStyle

_OVERVIEW = (
    "right_middle_lung",
    "left_middle_lung",
    "heart",
    "right_lower_lung",
    "left_lower_lung",
    "right_upper_lung",
    "left_upper_lung",
)
"""Regions of the whole-chest overview, cycled in this order."""
NEGATIVE_GAZE_SHARE = 0.45
"""Gaze time before a normal statement, as a share of ``pre_mention_s`` (its regions in turn);
the sweep goes on while it is spoken."""
NEGATIVE_MAX_REGIONS = 2
"""A normal statement about more regions than this is looked at through its mid lung zones (lung-wide
statements) or the spine (bones): gaze sweeping all six lung zones at every dictation point would
break the shared route (calibration run: sweeping every region instead of only the stop's region
lowered the small phantom's trajectory Pearson x from 0.55 to 0.46, other settings equal)."""
_REGION_ORDER = (
    "trachea",
    "right_shoulder",
    "right_upper_lung",
    "right_middle_lung",
    "right_hilum",
    "right_lower_lung",
    "right_hemidiaphragm",
    "right_costophrenic_angle",
    "mediastinum",
    "spine",
    "heart",
    "upper_abdomen",
    "left_shoulder",
    "left_upper_lung",
    "left_middle_lung",
    "left_hilum",
    "left_lower_lung",
    "left_hemidiaphragm",
    "left_costophrenic_angle",
)
"""Order in which a normal statement's regions are looked at: patient right side top to bottom, midline, then left."""
_SEVERITY_WEIGHT = {"mild": 0.35, "moderate": 0.65, "severe": 1.0}
_SMALL = frozenset({"nodule", "pneumothorax", "atelectasis"})
DECOY_PREFIX = "decoy:"
"""Fixation target prefix of gaze on a finding's decoy (``--gaze-signal decoupled``)."""


@dataclass(frozen=True)
class Ellipse:
    """One drawn abnormality ellipse: bounding box (image px), certainty 1-5, kind."""

    box: BoxInt
    certainty: int
    kind: str


@dataclass(frozen=True)
class ReadingSim:
    """Everything a reading writes (gaze is None when discarded)."""

    sim: SimReading | None
    reported: tuple[int, ...]
    """Indices of the study's findings this radiologist reported."""
    certainty: dict[str, int]
    """Phantom kind -> certainty 1-5 for reported findings."""
    ellipses: tuple[Ellipse, ...]
    chest_box: BoxInt


def plan_dictation(
    st: Study, style: RadStyle, rng: np.random.Generator, image_rng: np.random.Generator
) -> tuple[list[Statement], tuple[int, ...]]:
    """Sentences this radiologist dictates (findings, then normal statements), and which findings they report.

    The dictation order is decided by the sweep (:func:`~gazex_bench.phantom.scan.plan_stops`).

    ``image_rng`` is seeded per image (not per reading): all readers of an image choose
    their normal statements from the same ranked list (nested subsets, same order).
    """
    reported = []
    for i, f in enumerate(st.findings):
        p = style.miss_prob * (1.0 if f.severity == "mild" else 0.25)
        if rng.random() >= p:
            reported.append(i)
    stmts = [finding_statement(st.findings[i], i, rng, style.phrase_bias) for i in reported]
    kinds = {f.kind for f in st.findings}
    negs = negative_statements(kinds, image_rng, style.n_negatives, style.phrase_bias)
    return stmts + negs, tuple(reported)


def _jitter_box(box: BoxInt, rng: np.random.Generator, w: int, h: int, amount: float) -> BoxInt:
    bw, bh = box[2] - box[0], box[3] - box[1]
    s = rng.uniform(1 - amount, 1 + 2 * amount)
    cx = (box[0] + box[2]) / 2 + rng.normal(0, amount * bw)
    cy = (box[1] + box[3]) / 2 + rng.normal(0, amount * bh)
    x0, x1 = cx - bw * s / 2, cx + bw * s / 2
    y0, y1 = cy - bh * s / 2, cy + bh * s / 2
    return (
        int(max(0, round(x0))),
        int(max(0, round(y0))),
        int(min(w - 1, round(x1))),
        int(min(h - 1, round(y1))),
    )


def labels_and_ellipses(
    st: Study, reported: tuple[int, ...], rng: np.random.Generator
) -> tuple[dict[str, int], tuple[Ellipse, ...]]:
    """Certainty per kind and the ellipses drawn for the reported findings."""
    w, h = st.anatomy.width, st.anatomy.height
    cert: dict[str, int] = {}
    ells = []
    for i in reported:
        f = st.findings[i]
        c = int(rng.choice([2, 3])) if f.hedged else int(rng.choice([4, 5], p=[0.3, 0.7]))
        cert[f.kind] = max(cert.get(f.kind, 0), c)
        if f.kind == "support_device" and rng.random() < 0.5:
            continue
        boxes = f.extra_boxes or (f.box,)
        for b in boxes:
            ells.append(Ellipse(_jitter_box(b, rng, w, h, 0.08), c, f.kind))
    return cert, tuple(ells)


def salience(f: FindingSpec, st: Study) -> float:
    """How much a finding draws the eye, in (0, 1]: severity weight x size factor.

    Severity weight: mild 0.35, moderate 0.65, severe 1.0. Size factor: the square root of the
    finding box's share of the chest box, divided by 0.3 and clipped to [0.4, 1] (a box of a
    tenth of the chest or more counts fully; a nodule counts 0.4).
    """
    cb = st.anatomy.chest_box()
    chest = max(1, (cb[2] - cb[0]) * (cb[3] - cb[1]))
    area = sum((b[2] - b[0]) * (b[3] - b[1]) for b in (f.extra_boxes or (f.box,)))
    return _SEVERITY_WEIGHT[f.severity] * float(np.clip(np.sqrt(area / chest) / 0.3, 0.4, 1.0))


def _finding_targets(st: Study, i: int, decoy: bool) -> list[tuple[BoxInt, str]]:
    """Box(es) of finding ``i`` of ``st`` named by its id (``decoy:`` prefixed when ``decoy``)."""
    f = st.findings[i]
    fid = (DECOY_PREFIX if decoy else "") + st.finding_ids[i]
    return [(b, fid) for b in (f.extra_boxes or (f.box,))]


def _mirror(f: FindingSpec, st: Study) -> tuple[BoxInt, str] | None:
    """The mirror-image box of a one-sided finding across the midline (comparison glances)."""
    if f.side not in ("left", "right"):
        return None
    x0, y0, x1, y1 = f.box
    cx, w = st.anatomy.cx, st.anatomy.width
    a, b = int(max(0, round(2 * cx - x1))), int(min(w - 1, round(2 * cx - x0)))
    return (
        ((a, y0, b, y1), "compare_right_lung" if f.side == "left" else "compare_left_lung") if b > a else None
    )


def _sentence_targets(
    st: Study, stmt: Statement, reg: dict[str, BoxInt], here: str, decoy: bool
) -> list[tuple[BoxInt, str]]:
    """A finding's box(es) (its decoy's when ``decoy``); for a normal statement the regions it is about."""
    if stmt.finding_index is not None:
        return _finding_targets(st, stmt.finding_index, decoy)
    names = [r for r in stmt.regions if r in reg]
    if len(names) > NEGATIVE_MAX_REGIONS:  # lung-wide: the mid zones; bones: the spine
        names = [r for r in names if "middle" in r] or [r for r in names if r == "spine"] or names[-1:]
    names = sorted(names, key=_REGION_ORDER.index) or [here]
    return [(reg[r], r) for r in names]


def _dictate(
    sim: GazeSimulator,
    st: Study,
    stmt: Statement,
    reg: dict[str, BoxInt],
    here: str,
    speech_end: float,
    decoy: bool = False,
) -> SimSentence:
    """Gaze on the statement's target (at stop ``here``), then speak it (never before ``speech_end``).

    ``st`` is the study as gaze sees it (its findings are decoys when ``decoy``).
    """
    rng, style = sim.rng, sim.style
    targets = _sentence_targets(st, stmt, reg, here, decoy)
    zoom = compare = None
    share = NEGATIVE_GAZE_SHARE
    if stmt.finding_index is not None:
        f = st.findings[stmt.finding_index]
        if f.kind in _SMALL and rng.random() < style.zoom_prob:
            zoom = zoom_box_for(targets[0][0], st.anatomy.width, st.anatomy.height)
        compare = None if zoom else _mirror(f, st)
        share = 0.85 + 0.3 * salience(f, st)
    pre = style.pre_mention_s * float(rng.uniform(0.95, 1.15)) * share
    sim.attend(targets, pre, zoom, compare)
    if sim.tl.t < speech_end + 0.3:
        sim.attend(targets[-1:], speech_end + 0.3 - sim.tl.t, zoom)
    t0 = max(sim.tl.t - float(rng.uniform(0.0, 0.15)), speech_end + 0.2)
    words = sim.speak(stmt.text + ".", t0)
    if stmt.finding_index is not None:
        sim.attend(targets[-1:], max(0.3, (words[-1][2] - sim.tl.t) * 0.6), zoom)
    fid = st.finding_ids[stmt.finding_index] if stmt.finding_index is not None else None
    return SimSentence(stmt.text + ".", fid, words)


def _overview(sim: GazeSimulator, reg: dict[str, BoxInt]) -> None:
    """``style.overview_s`` seconds of whole-chest glances (lungs and heart, broad scatter)."""
    t_stop, k = sim.tl.t + sim.style.overview_s, 0
    while sim.tl.t < t_stop:
        name = _OVERVIEW[k % len(_OVERVIEW)]
        sim.fixate(reg[name], name, spread=0.3)
        k += 1


def _early_looks(sim: GazeSimulator, st: Study, decoy: bool) -> None:
    """Salient findings draw an early look: p = ``salience_gain`` x salience, ``early_look_s`` x salience seconds."""
    style, rng = sim.style, sim.rng
    ranked = sorted(range(len(st.findings)), key=lambda i: -salience(st.findings[i], st))
    for i in ranked:
        sal = salience(st.findings[i], st)
        if rng.random() < min(1.0, style.salience_gain * sal):
            sim.attend(
                _finding_targets(st, i, decoy), style.early_look_s * sal * float(rng.uniform(0.8, 1.2))
            )


def _revisits(sim: GazeSimulator, st: Study, reported: tuple[int, ...], decoy: bool) -> None:
    """In the final review, each dictated finding is revisited with probability ``revisit_prob`` (0.4-0.9 s)."""
    for i in reported:
        if sim.rng.random() < sim.style.revisit_prob:
            sim.attend(_finding_targets(st, i, decoy), float(sim.rng.uniform(0.4, 0.9)))


def simulate_reading(
    st: Study,
    style: RadStyle,
    rng: np.random.Generator,
    image_rng: np.random.Generator,
    discarded: bool,
    decoys: tuple[FindingSpec, ...] | None = None,
) -> ReadingSim:
    """Simulate one reading of ``st`` by ``style`` (gaze omitted when ``discarded``).

    The reader sweeps the regions in :func:`~gazex_bench.phantom.scan.reading_order` and
    dictates each sentence at its stop (:func:`~gazex_bench.phantom.scan.plan_stops`).

    Args:
        st: The study.
        style: The radiologist.
        rng: The reading's generator.
        image_rng: The image's dictation generator (shared by its readers).
        discarded: Eye tracking discarded (no gaze written).
        decoys: ``--gaze-signal decoupled``: one decoy per finding
            (:func:`~gazex_bench.phantom.findings.decoy_findings`); every finding-directed part of
            the gaze (where the sentence is dictated along the route, the gaze before and while it
            is spoken, zoom) goes to the decoy instead. Text, labels and ellipses keep the real findings.
    """
    stmts, reported = plan_dictation(st, style, rng, image_rng)
    cert, ells = labels_and_ellipses(st, reported, rng)
    chest = _jitter_box(st.anatomy.chest_box(), rng, st.anatomy.width, st.anatomy.height, 0.02)
    if discarded:
        return ReadingSim(None, reported, cert, ells, chest)
    reg = regions(st.anatomy)
    gst = st if decoys is None else replace(st, findings=decoys)
    sim = GazeSimulator(style, rng, st.anatomy.width, st.anatomy.height)
    if rng.random() < 0.5:
        sim.glance_off_image()
    order = reading_order(style, rng)
    _overview(sim, reg)
    _early_looks(sim, gst, decoys is not None)
    sentences: list[SimSentence] = []
    speech_end = 0.0
    for stop in plan_stops(stmts, gst.findings, order, reg, style):
        sim.visit(reg[stop.region], stop.region)
        for i in stop.statements:
            sentences.append(_dictate(sim, gst, stmts[i], reg, stop.region, speech_end, decoys is not None))
            speech_end = sentences[-1].words[-1][2]
    sim.attend([(reg[stop.region], stop.region)], speech_end - sim.tl.t)
    _revisits(sim, gst, reported, decoys is not None)
    for name in ("right_middle_lung", "left_middle_lung", "heart"):
        sim.fixate(reg[name], name)
    if rng.random() < 0.3:
        sim.glance_off_image()
    cols = fixation_columns(sim, style.view_distance_cm)
    return ReadingSim(
        SimReading(cols, tuple(sim.tl.target), tuple(sentences), np.asarray(sim.tl.blink_before)),
        reported,
        cert,
        ells,
        chest,
    )


def reflacx_labels(phase: int) -> tuple[str, ...]:
    """Sorted label columns of a phase (phase 1: 18, phases 2-3: 16)."""
    return REFLACX_P1_LABELS if phase == 1 else REFLACX_P23_LABELS


def kind_label(kind: str, phase: int) -> str:
    """REFLACX label column of a phantom kind in a phase."""
    info = KINDS[kind]
    return info.reflacx_p1 if phase == 1 else info.reflacx_p23
