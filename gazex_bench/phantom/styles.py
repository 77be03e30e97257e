"""The five simulated radiologists: persistent personal habits on a shared systematic search.

Shared by all (paper §3.1): a systematic search of airway, lungs zone by zone, hila, heart and
mediastinum, diaphragm and costophrenic angles, then the rest, with each finding dictated when
the search reaches it (:mod:`~gazex_bench.phantom.scan`); dwell concentrated on lungs and heart;
gaze on a finding for ~2.5-3 s before it is dictated (longer for salient findings).

Personal and persistent (the same in every reading of a radiologist):

* **route** -- the order of the stops: ``rad1`` looks at the heart and mediastinum first,
  ``rad2`` and ``rad4`` follow the textbook order (airway, right lung, left lung, hila, heart;
  they differ in small detours and are the most similar pair, like the paper's radiologists
  B and D), ``rad3`` compares the lungs zone by zone (right then left at each level), ``rad5``
  starts with the patient's left lung and the left base (a left-right habit);
* **dwell allocation** (``region_gain``) and **speed** (fixation durations, survey time per region,
  words per second);
* **overview**: seconds of a whole-chest glance before the systematic search;
* **disease-dependent behaviour**: a finding attracts an early look with probability
  ``salience_gain`` x salience and for ``early_look_s`` x salience seconds (salience: severity
  and size, :func:`~gazex_bench.phantom.reading.salience`), longer gaze before it is dictated,
  comparison glances at the mirror-image region of the other lung (``compare_prob``), and a
  revisit of each dictated finding at the end with probability ``revisit_prob``;
* thoroughness (missed findings, skipped periphery), zoom use, salience-first dictation, phrasing.

The values were calibrated so that the suite's own inter-radiologist analyses on the ``small``
phantom's multi-reader phase land in the paper's ranges (reports/phantom/README.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

_LUNGS_RL = (
    "right_upper_lung",
    "right_middle_lung",
    "right_lower_lung",
    "left_upper_lung",
    "left_middle_lung",
    "left_lower_lung",
)
_LUNGS_LR = (
    "left_upper_lung",
    "left_middle_lung",
    "left_lower_lung",
    "right_upper_lung",
    "right_middle_lung",
    "right_lower_lung",
)
_LUNGS_PAIRED = (
    "right_upper_lung",
    "left_upper_lung",
    "right_middle_lung",
    "left_middle_lung",
    "right_lower_lung",
    "left_lower_lung",
)
_BASES = ("right_hemidiaphragm", "right_costophrenic_angle", "left_hemidiaphragm", "left_costophrenic_angle")
_BASES_LR = (
    "left_hemidiaphragm",
    "left_costophrenic_angle",
    "right_hemidiaphragm",
    "right_costophrenic_angle",
)
_REST = ("upper_abdomen", "spine", "right_shoulder", "left_shoulder")
_HILA = ("right_hilum", "left_hilum")

REGION_WEIGHT: dict[str, float] = {
    "trachea": 0.45,
    "mediastinum": 0.6,
    "heart": 1.4,
    "right_upper_lung": 1.1,
    "left_upper_lung": 1.1,
    "right_middle_lung": 1.6,
    "left_middle_lung": 1.6,
    "right_lower_lung": 1.4,
    "left_lower_lung": 1.4,
    "right_hilum": 0.6,
    "left_hilum": 0.6,
    "right_hemidiaphragm": 0.45,
    "left_hemidiaphragm": 0.45,
    "right_costophrenic_angle": 0.6,
    "left_costophrenic_angle": 0.6,
    "upper_abdomen": 0.25,
    "spine": 0.25,
    "right_shoulder": 0.2,
    "left_shoulder": 0.2,
}
"""Relative survey dwell per region (regions not listed 1.0), before a reader's ``region_gain``."""


@dataclass(frozen=True)
class RadStyle:
    """Reading style of one simulated radiologist."""

    name: str
    fix_median_s: float
    """Median fixation duration (lognormal), seconds."""
    fix_sigma: float
    """Lognormal sigma of fixation durations."""
    survey_per_region: float
    """Survey time per lung zone, in units of ``SURVEY_FIXATION_S`` seconds."""
    survey_order: tuple[str, ...]
    """The personal route: stops in order (region names of :func:`~gazex_bench.phantom.anatomy.regions`)."""
    pre_mention_s: float
    """Gaze time on a finding before its dictation starts at salience 0.5, seconds."""
    words_per_s: float
    miss_prob: float
    """Probability of not reporting a mild finding (moderate/severe: a quarter of it)."""
    zoom_prob: float
    """Probability of zooming x2 onto a small finding before dictating it."""
    n_negatives: int
    spread: float
    """Fixation scatter (std) as a fraction of the target box size."""
    phrase_bias: int
    view_distance_cm: float
    dictation_order: str
    """``anatomical`` (each finding when the sweep reaches it) or ``salience`` (a severe finding first,
    then the sweep)."""
    skip_peripheral: float = 0.3
    """Probability of skipping each peripheral stop (spine, abdomen, shoulders)."""
    region_gain: Mapping[str, float] = field(default_factory=dict)
    """Personal multiplier of :data:`REGION_WEIGHT` per region (missing = 1)."""
    overview_s: float = 0.0
    """Seconds of whole-chest overview before the systematic search."""
    salience_gain: float = 0.0
    """Probability of an early look at a finding per unit salience (capped at 1)."""
    early_look_s: float = 0.0
    """Duration of an early look at salience 1, seconds."""
    revisit_prob: float = 0.0
    """Probability of revisiting each dictated finding in the final review."""
    x_sweep: float = 0.0
    """Within-stop horizontal habit: +1 sweeps towards the image right, -1 towards the left, 0 scatters."""
    compare_prob: float = 0.0
    """Share of the fixations on a one-sided finding that are comparison glances at the other lung."""


_TEXTBOOK = ("trachea", *_LUNGS_RL, *_HILA, "heart", "mediastinum", *_BASES)
STYLES: dict[str, RadStyle] = {
    "rad1": RadStyle(
        "rad1",
        0.25,
        0.38,
        2.3,
        ("trachea", *_LUNGS_RL, "heart", "mediastinum", *_HILA, *_BASES, "spine"),
        2.8,
        2.6,
        0.05,
        0.15,
        3,
        0.11,
        0,
        68.0,
        "anatomical",
        0.0,
        region_gain={"heart": 1.4, "mediastinum": 1.3},
        overview_s=0.4,
        salience_gain=0.6,
        early_look_s=1.0,
        revisit_prob=0.3,
        x_sweep=0.0,
        compare_prob=0.15,
    ),
    "rad2": RadStyle(
        "rad2",
        0.22,
        0.35,
        2.1,
        (*_TEXTBOOK, "upper_abdomen", "spine"),
        2.7,
        3.0,
        0.08,
        0.05,
        3,
        0.09,
        1,
        64.0,
        "salience",
        0.0,
        region_gain={},
        overview_s=1.0,
        salience_gain=0.9,
        early_look_s=1.2,
        revisit_prob=0.5,
        x_sweep=1.0,
        compare_prob=0.25,
    ),
    "rad3": RadStyle(
        "rad3",
        0.27,
        0.40,
        2.2,
        (*_TEXTBOOK, "upper_abdomen"),
        2.9,
        2.3,
        0.08,
        0.1,
        3,
        0.1,
        2,
        72.0,
        "anatomical",
        0.0,
        region_gain={
            "right_lower_lung": 1.3,
            "left_lower_lung": 1.3,
            "right_costophrenic_angle": 1.4,
            "left_costophrenic_angle": 1.4,
        },
        overview_s=1.5,
        salience_gain=0.4,
        early_look_s=0.8,
        revisit_prob=0.2,
        x_sweep=-0.5,
        compare_prob=0.3,
    ),
    "rad4": RadStyle(
        "rad4",
        0.24,
        0.37,
        2.1,
        (*_TEXTBOOK, "spine", "upper_abdomen"),
        2.75,
        2.8,
        0.06,
        0.1,
        3,
        0.09,
        3,
        66.0,
        "anatomical",
        0.0,
        region_gain={},
        overview_s=1.0,
        salience_gain=0.9,
        early_look_s=1.2,
        revisit_prob=0.5,
        x_sweep=1.0,
        compare_prob=0.25,
    ),
    "rad5": RadStyle(
        "rad5",
        0.29,
        0.42,
        2.6,
        ("trachea", *_LUNGS_RL, "heart", "left_hilum", "right_hilum", *_BASES, "upper_abdomen", "spine"),
        3.1,
        2.2,
        0.10,
        0.3,
        3,
        0.13,
        4,
        70.0,
        "anatomical",
        0.0,
        region_gain={"right_hilum": 1.4, "left_hilum": 1.4, "upper_abdomen": 1.5},
        overview_s=0.0,
        salience_gain=0.3,
        early_look_s=0.6,
        revisit_prob=0.1,
        x_sweep=0.5,
        compare_prob=0.1,
    ),
}

SCREEN_W, SCREEN_H = 3840, 2160
"""REFLACX display (pixels); the image area starts at x = 660."""
IMAGE_AREA_X0 = 660
PIXEL_PITCH_CM = 0.01845
"""Pixel pitch of a 32-inch 4K monitor (cm); with the viewing distance gives screen px/deg."""
