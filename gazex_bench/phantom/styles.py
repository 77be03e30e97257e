"""The five simulated radiologists: distinct but overlapping reading styles.

Shared by all: a systematic sweep (airway, lungs zone by zone upper to lower, hila,
heart, diaphragm and costophrenic angles, then the rest) with each finding dictated when
the sweep reaches it (:mod:`~gazex_bench.phantom.scan`), dwell concentrated on lungs and
heart, and gaze on each finding for ~2.5-3 s before it is dictated. They differ in speed,
fixation durations, small detours from the shared route, thoroughness (missed findings,
skipped periphery), zoom use, salience-first dictation and phrasing.
"""

from __future__ import annotations

from dataclasses import dataclass

_LUNGS_RL = ("right_upper_lung", "right_middle_lung", "right_lower_lung", "left_upper_lung", "left_middle_lung", "left_lower_lung")
_LUNGS_PAIRED = ("right_upper_lung", "left_upper_lung", "right_middle_lung", "left_middle_lung", "right_lower_lung", "left_lower_lung")
_BASES = ("right_hemidiaphragm", "right_costophrenic_angle", "left_hemidiaphragm", "left_costophrenic_angle")
_REST = ("upper_abdomen", "spine", "right_shoulder", "left_shoulder")

REGION_WEIGHT: dict[str, float] = {
    "trachea": 0.45, "mediastinum": 0.6, "heart": 1.4, "right_upper_lung": 0.8, "left_upper_lung": 0.8,
    "right_middle_lung": 1.15, "left_middle_lung": 1.15, "right_hilum": 0.6, "left_hilum": 0.6,
    "right_hemidiaphragm": 0.45, "left_hemidiaphragm": 0.45, "right_costophrenic_angle": 0.6,
    "left_costophrenic_angle": 0.6, "upper_abdomen": 0.25, "spine": 0.25, "right_shoulder": 0.2, "left_shoulder": 0.2,
}
"""Relative survey dwell per region (lung zones 1.0)."""


@dataclass(frozen=True)
class RadStyle:
    """Reading style of one simulated radiologist."""

    name: str
    fix_median_s: float
    """Median fixation duration (lognormal), seconds."""
    fix_sigma: float
    """Lognormal sigma of fixation durations."""
    survey_per_region: float
    """Mean survey fixations per lung zone."""
    survey_order: tuple[str, ...]
    pre_mention_s: float
    """Gaze time on a finding before its dictation starts, seconds."""
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
    then the sweep); the order of the route itself is :attr:`survey_order`."""
    skip_peripheral: float = 0.3
    """Probability of skipping each peripheral stop (spine, abdomen, shoulders)."""


_HILA = ("right_hilum", "left_hilum")
STYLES: dict[str, RadStyle] = {
    "rad1": RadStyle("rad1", 0.25, 0.38, 2.3, ("trachea", *_LUNGS_RL, *_HILA, "heart", "mediastinum", *_BASES, *_REST),
                     2.8, 2.6, 0.05, 0.15, 3, 0.22, 0, 68.0, "anatomical", 0.2),
    "rad2": RadStyle("rad2", 0.21, 0.35, 2.0, ("trachea", *_LUNGS_RL, *_HILA, "heart", "mediastinum", *_BASES, *_REST),
                     2.65, 3.2, 0.12, 0.0, 2, 0.26, 1, 62.0, "salience", 0.5),
    "rad3": RadStyle("rad3", 0.27, 0.40, 2.1, ("trachea", "mediastinum", *_LUNGS_RL, "heart", *_HILA, *_BASES, *_REST),
                     2.9, 2.3, 0.08, 0.1, 3, 0.2, 2, 72.0, "anatomical", 0.4),
    "rad4": RadStyle("rad4", 0.29, 0.42, 2.6, ("trachea", "mediastinum", *_LUNGS_RL, *_HILA, "heart", *_BASES, *_REST),
                     3.1, 2.2, 0.03, 0.35, 4, 0.18, 3, 66.0, "anatomical", 0.1),
    "rad5": RadStyle("rad5", 0.24, 0.37, 2.2, ("trachea", *_LUNGS_RL, "heart", "left_hilum", "right_hilum", *_BASES, *_REST),
                     2.75, 2.8, 0.10, 0.05, 2, 0.24, 4, 70.0, "anatomical", 0.5),
}

SCREEN_W, SCREEN_H = 3840, 2160
"""REFLACX display (pixels); the image area starts at x = 660."""
IMAGE_AREA_X0 = 660
PIXEL_PITCH_CM = 0.01845
"""Pixel pitch of a 32-inch 4K monitor (cm); with the viewing distance gives screen px/deg."""
