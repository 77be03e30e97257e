"""The systematic scan of the simulated radiologists, with dictation interleaved.

Every reader walks a similar anatomical route (paper §3.1: readers' gaze trajectories on
one image correlate moderately): airway, then the lungs zone by zone from upper to lower
(patient right then left at each level), the hila, heart and mediastinum, the
hemidiaphragms and costophrenic angles, then the rest (spine, upper abdomen, shoulders).
A statement is dictated at the stop that shows it: a finding at the region covering most
of its box (cardiomegaly at the heart, edema after the second hilum), a normal statement
once the last of its regions has been visited. Readers differ by their persistent personal
route (:attr:`~gazex_bench.phantom.styles.RadStyle.survey_order`); a reading may swap one pair
of neighbouring stops (p = ``SWAP_PROB``) and skip peripheral stops; the ``salience`` style
dictates a severe finding first. Region names are those of
:func:`~gazex_bench.phantom.anatomy.regions`; boxes are original-image pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gazex_bench.phantom.anatomy import BoxInt
from gazex_bench.phantom.findings import FindingSpec
from gazex_bench.phantom.phrases import Statement
from gazex_bench.phantom.styles import RadStyle

PERIPHERAL = frozenset({"spine", "upper_abdomen", "right_shoulder", "left_shoulder"})
"""Stops a reader may skip (thoroughness)."""
SWAP_PROB = 0.05
"""Probability that a reading swaps one pair of neighbouring stops of its route."""
_SWAPPABLE = frozenset(
    {
        "right_upper_lung",
        "left_upper_lung",
        "right_middle_lung",
        "left_middle_lung",
        "right_lower_lung",
        "left_lower_lung",
        "right_hilum",
        "left_hilum",
        "heart",
        "mediastinum",
        "right_hemidiaphragm",
        "right_costophrenic_angle",
        "left_hemidiaphragm",
        "left_costophrenic_angle",
    }
)


@dataclass(frozen=True)
class Stop:
    """One stop of the scan: a region and the statements dictated there (indices, in order)."""

    region: str
    statements: tuple[int, ...] = ()


def reading_order(style: RadStyle, rng: np.random.Generator) -> list[str]:
    """The stops of one reading: the style's route with one neighbour swap (p=``SWAP_PROB``) and skipped periphery.

    Args:
        style: The radiologist.
        rng: The reading's generator.
    """
    order = [r for r in style.survey_order if r not in PERIPHERAL or rng.random() >= style.skip_peripheral]
    if rng.random() < SWAP_PROB:
        i = int(rng.integers(1, len(order) - 1))
        if order[i] in _SWAPPABLE and order[i + 1] in _SWAPPABLE:
            order[i], order[i + 1] = order[i + 1], order[i]
    return order


def _overlap(a: BoxInt, b: BoxInt) -> float:
    """Intersection area / area of ``b``."""
    iw = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    return iw * ih / max(1, (b[2] - b[0]) * (b[3] - b[1]))


def finding_stop(f: FindingSpec, order: list[str], reg: dict[str, BoxInt]) -> int:
    """Index in ``order`` of the stop where finding ``f`` is dictated."""
    if f.kind == "cardiomegaly" and "heart" in order:
        return order.index("heart")
    if f.kind == "edema":
        hila = [order.index(h) for h in ("right_hilum", "left_hilum") if h in order]
        return max(hila) if hila else len(order) - 1
    scores = [_overlap(reg[r], f.box) - 1e-3 * (r in PERIPHERAL) for r in order]
    return int(np.argmax(scores))


def _negative_stop(stmt: Statement, order: list[str]) -> int:
    seen = [order.index(r) for r in stmt.regions if r in order]
    return max(seen) if seen else len(order) - 1


def plan_stops(
    stmts: list[Statement],
    findings: tuple[FindingSpec, ...],
    order: list[str],
    reg: dict[str, BoxInt],
    style: RadStyle,
) -> list[Stop]:
    """Attach every statement to a stop of ``order`` (findings before normal statements at a stop).

    The ``salience`` style dictates its first severe finding (if any) at the
    first stop, before the systematic search; each statement is dictated exactly once.
    """
    at: list[list[tuple[int, int]]] = [[] for _ in order]
    first = None
    if style.dictation_order == "salience":
        ranked = [
            (("mild", "moderate", "severe").index(findings[s.finding_index].severity), -i)
            for i, s in enumerate(stmts)
            if s.finding_index is not None
        ]
        if ranked and max(ranked)[0] == 2:
            first = -max(ranked)[1]
    for i, s in enumerate(stmts):
        if i == first:
            k, prio = 0, -1
        elif s.finding_index is not None:
            k, prio = finding_stop(findings[s.finding_index], order, reg), 0
        else:
            k, prio = _negative_stop(s, order), 1
        at[k].append((prio, i))
    return [Stop(r, tuple(i for _, i in sorted(a))) for r, a in zip(order, at)]
