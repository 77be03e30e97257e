"""Plain input records of the gaze-alignment analyses (radiologist readings, model output).

Frame: every coordinate here is in ONE frame per image — by convention the GazeX
quarter-scale image (original pixels × 0.25, origin top-left, x right, y down);
:func:`reader_from_reflacx` converts REFLACX fixations (original pixels) into it.
Times are seconds (REFLACX: from audio start).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gazex_bench.data.records import ReflacxReading
from gazex_bench.errors import UsageError
from gazex_bench.gaze.types import QUARTER, FindingGaze

Box6 = tuple[float, float, float, float, float, float]
"""GazeX bbox tuple ``(xmin, ymin, xmax, ymax, cx, cy)``."""

IDENTITY_UNAVAILABLE = (
    "unavailable: radiologist identity not in released REFLACX; pass a reading_id,radiologist CSV "
    "(gazex-bench run ... --task-arg radiologist_map=CSV)"
)


@dataclass(frozen=True)
class ReaderGaze:
    """One radiologist reading of one image, everything in one frame (quarter-scale)."""

    reading_id: str
    image_group: str
    """Readings of the same image share it (REFLACX phases 1–2: ``reading_id[:4]``)."""
    radiologist: str | None
    width: float
    """Image width in the frame of ``x`` (quarter-scale px)."""
    height: float
    t_start_s: np.ndarray
    t_end_s: np.ndarray
    x: np.ndarray
    """Fixation x, same frame as ``width``."""
    y: np.ndarray
    labels: frozenset[str] = frozenset()
    """Reading-level finding labels (e.g. CheXpert categories); used for per-category dwell
    and the majority vote."""
    chest_box: tuple[float, float, float, float] | None = None
    findings: tuple[FindingGaze, ...] = ()
    finding_categories: tuple[str | None, ...] = ()
    """Category of each finding sentence (parallel to ``findings``; None = uncategorised)."""


@dataclass(frozen=True)
class ModelFinding:
    """One finding as predicted by a model: ordered visual-clue boxes + observation box."""

    clusters: tuple[Box6, ...]
    """Visual clues in predicted temporal order, GazeX 6-tuples, quarter-scale px."""
    observation: Box6 | None = None
    """Holistic observation area (GazeX ``observation``), appended last to sequences."""
    category: str | None = None
    reference: tuple[str, int] | None = None
    """Setting 2 only: ``(reading_id, sentence_index)`` of the reference finding given."""


@dataclass(frozen=True)
class ModelImage:
    """A model's outputs for one image (one ``image_group``)."""

    model: str
    image_group: str
    generated: tuple[ModelFinding, ...] = ()
    """Setting 1: findings the model generated itself (matched by category)."""
    given: tuple[ModelFinding, ...] = ()
    """Setting 2: one prediction per reference finding (``reference`` set)."""
    trajectory: np.ndarray | None = None
    """``(T, 2)`` inspection points ``(x, y)`` in order (equal dwell each unless times given)."""
    trajectory_times: np.ndarray | None = None
    """Optional ``(T, 2)`` start/end seconds of each trajectory point."""
    saliency: np.ndarray | None = None
    """Optional predicted map ``(H, W)`` over the image frame, any non-negative scale."""
    labels: frozenset[str] | None = None
    """Findings the model reported (majority-vote analysis)."""


@dataclass(frozen=True)
class Unavailable:
    """Status of an analysis that could not run, with the reason (never a guess)."""

    analysis: str
    reason: str
    extra: dict[str, object] = field(default_factory=dict)


def reflacx_labels(reading: ReflacxReading, *, min_certainty: int = 3) -> frozenset[str]:
    """REFLACX reading-level labels: certainty ≥ ``min_certainty`` plus True boolean flags.

    ``min_certainty=3`` = "Possibly" or higher (REFLACX ``interrater.py``). Names are the
    REFLACX label columns, not CheXpert categories; map them before comparing with models.
    """
    out = {k for k, v in reading.certainty.items() if v >= min_certainty}
    out |= {k for k, v in reading.flags.items() if v}
    return frozenset(out)


def reader_from_reflacx(
    reading: ReflacxReading,
    *,
    labels: frozenset[str] | None = None,
    findings: tuple[FindingGaze, ...] = (),
    finding_categories: tuple[str | None, ...] = (),
    scale: float = QUARTER,
) -> ReaderGaze:
    """Build a :class:`ReaderGaze` from a REFLACX reading, scaling pixels by ``scale``.

    Raises:
        ValueError: if the reading has no fixations (discarded eye-tracking data).
    """
    fx = reading.fixations
    if fx is None:
        raise ValueError(f"{reading.reading_id}: no fixations (eye-tracking data discarded)")
    cb = reading.chest_box
    return ReaderGaze(
        reading_id=reading.reading_id,
        image_group=reading.image_group,
        radiologist=reading.radiologist,
        width=reading.image_width * scale,
        height=reading.image_height * scale,
        t_start_s=np.asarray(fx.t_start_s, float),
        t_end_s=np.asarray(fx.t_end_s, float),
        x=np.asarray(fx.x_px, float) * scale,
        y=np.asarray(fx.y_px, float) * scale,
        labels=reflacx_labels(reading) if labels is None else labels,
        chest_box=None
        if cb is None
        else (cb.xmin * scale, cb.ymin * scale, cb.xmax * scale, cb.ymax * scale),
        findings=findings,
        finding_categories=finding_categories or tuple(None for _ in findings),
    )


def require_identities(
    readers: tuple[ReaderGaze, ...] | list[ReaderGaze], analysis: str
) -> Unavailable | None:
    """Return an :class:`Unavailable` status if no reader has a radiologist identity."""
    if all(r.radiologist is None for r in readers):
        return Unavailable(analysis, IDENTITY_UNAVAILABLE)
    return None


def holdout_readers(readers: list[ReaderGaze], holdout: str | None) -> list[ReaderGaze]:
    """Readers without radiologist ``holdout`` (None = all).

    Raises:
        gazex_bench.errors.UsageError: ``holdout`` given but identities are unavailable
            (message :data:`IDENTITY_UNAVAILABLE`) or the radiologist is unknown.
    """
    if holdout is None:
        return list(readers)

    if all(r.radiologist is None for r in readers):
        raise UsageError(IDENTITY_UNAVAILABLE)
    known = {r.radiologist for r in readers}
    if holdout not in known:
        raise UsageError(f"holdout radiologist {holdout!r} not among {sorted(k for k in known if k)}")
    return [r for r in readers if r.radiologist != holdout]
