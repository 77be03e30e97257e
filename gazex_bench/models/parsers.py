"""Answer parsers: raw model text → the parsed output of each capability.

Documented rules (tested in tests/models/test_parsers.py):

* **report** — strip; drop a leading ``findings:`` label (any case); collapse runs of
  whitespace to one space.
* **vqa** — the first non-empty line, stripped, without a trailing ``.``; an
  ``answer:`` label is dropped. Matching/normalisation is the metric's job.
* **grounding** — every box written as two adjacent points ``(x0,y0)(x1,y1)`` or
  ``(x0,y0),(x1,y1)`` (Qwen-VL ``<|box_start|>`` form), optionally followed by a
  centroid point that is ignored, or as a 4-number list ``[x0, y0, x1, y1]``.
  Corners are re-ordered so that ``x0 <= x1``, ``y0 <= y1``; confidence 1 for the
  first box, then decreasing by rank (``1/(rank+1)``).
* **gaze, finding request** — boxes with centroids as above, one cluster each, in text
  order; if the text has an ``observation`` part (GazeX format), the clusters are the
  ``visual clues`` before it, or the observation itself when there are none; a box
  without a centroid gets its centre. Bare points ``(x,y)`` become centroid-only clusters.
* **gaze, image request** — every ``(x,y)`` point in order is the trajectory.

Coordinate conventions of the text (``coords``):
``pixel`` = original-image pixels; ``quarter`` = original / 4 (GazeX);
``norm1000`` = integers 0–1000 over width/height (Qwen2-VL grounding). Outputs
are converted to the frame of :mod:`gazex_bench.models.types` (grounding: original
pixels; gaze: quarter scale). A text with nothing parsable gives ``None``.
"""

from __future__ import annotations

import re

from gazex_bench.io import nonfinite_field
from gazex_bench.models.types import (
    Capability,
    GazePrediction,
    GazeRequest,
    Grounding,
    GroundingRequest,
    Parsed,
    PredictedCluster,
    Request,
    ScoredBox,
    parsed_to_json,
)

_N = r"(-?\d+(?:\.\d+)?)"
_PT = rf"\(\s*{_N}\s*,\s*{_N}\s*\)"
_BOX = re.compile(rf"{_PT}\s*,?\s*{_PT}(?:\s*{_PT})?")
_POINT = re.compile(_PT)
_LIST4 = re.compile(rf"\[\s*{_N}\s*,\s*{_N}\s*,\s*{_N}\s*,\s*{_N}\s*\]")
_FINDINGS = re.compile(r"^\s*findings\s*:\s*", re.IGNORECASE)
_ANSWER = re.compile(r"^\s*answer\s*:\s*", re.IGNORECASE)

COORD_SYSTEMS = ("pixel", "quarter", "norm1000")


def parse_report(text: str) -> str:
    """Findings text from a raw generation."""
    return " ".join(_FINDINGS.sub("", text.strip()).split())


def parse_vqa(text: str) -> str:
    """Short answer from a raw generation."""
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    first = _ANSWER.sub("", lines[0]) if lines else ""
    return first.rstrip(".").strip()


def _scale(coords: str, image_size: tuple[int, int], frame: str) -> tuple[float, float]:
    """Multipliers from text coordinates to ``frame`` (``pixel`` or ``quarter``)."""
    w, h = image_size
    to_frame = 1.0 if frame == "pixel" else 0.25
    if coords == "pixel":
        return to_frame, to_frame
    if coords == "quarter":
        return 4.0 * to_frame, 4.0 * to_frame
    if coords == "norm1000":
        return w / 1000.0 * to_frame, h / 1000.0 * to_frame
    raise ValueError(f"coords must be one of {COORD_SYSTEMS}, got '{coords}'")


def _boxes(text: str) -> list[tuple[tuple[float, float, float, float], tuple[float, float] | None]]:
    out = []
    for m in _BOX.finditer(text):
        v = [float(g) if g is not None else None for g in m.groups()]
        box = (min(v[0], v[2]), min(v[1], v[3]), max(v[0], v[2]), max(v[1], v[3]))  # type: ignore[type-var]
        cen = (v[4], v[5]) if v[4] is not None else None
        out.append((box, cen))  # type: ignore[arg-type]
    if not out:
        for m in _LIST4.finditer(text):
            a, b, c, d = (float(g) for g in m.groups())
            out.append(((min(a, c), min(b, d), max(a, c), max(b, d)), None))
    return out


def parse_grounding(text: str, image_size: tuple[int, int], coords: str = "norm1000") -> Grounding | None:
    """Boxes in original-image pixels (see module rules)."""
    sx, sy = _scale(coords, image_size, "pixel")
    found = _boxes(text)
    if not found:
        return None
    boxes = tuple(
        ScoredBox((b[0] * sx, b[1] * sy, b[2] * sx, b[3] * sy), 1.0 / (rank + 1))
        for rank, (b, _) in enumerate(found)
    )
    return Grounding(boxes=boxes)


def parse_gaze(text: str, request: GazeRequest, coords: str = "quarter") -> GazePrediction | None:
    """Clusters (finding request) or trajectory (image request), quarter-scale pixels."""
    sx, sy = _scale(coords, request.image_size, "quarter")
    if request.finding is None:
        pts = tuple((float(x) * sx, float(y) * sy) for x, y in _POINT.findall(text))
        return GazePrediction(points=pts) if pts else None
    clues, _, observation = text.partition("observation")
    found = _boxes(clues) or _boxes(observation)
    clusters = []
    for box, cen in found:
        c = cen if cen is not None else ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        clusters.append(
            PredictedCluster((c[0] * sx, c[1] * sy), (box[0] * sx, box[1] * sy, box[2] * sx, box[3] * sy))
        )
    if not clusters:
        clusters = [PredictedCluster((float(x) * sx, float(y) * sy)) for x, y in _POINT.findall(text)]
    return GazePrediction(clusters=tuple(clusters)) if clusters else None


def parse_output(
    capability: Capability, text: str, request: Request, *, coords: str | None = None
) -> Parsed | None:
    """Dispatch to the parser of ``capability`` (``coords`` None → the capability's default)."""
    if capability is Capability.REPORT:
        return parse_report(text)
    if capability is Capability.VQA:
        return parse_vqa(text)
    if capability is Capability.GROUNDING:
        assert isinstance(request, GroundingRequest)
        parsed: Parsed | None = parse_grounding(text, request.image_size, coords or "norm1000")
    else:
        assert isinstance(request, GazeRequest)
        parsed = parse_gaze(text, request, coords or "quarter")
    # A number the text spells beyond the float range ("1000...0", 400 digits) parses as inf:
    # such an answer is unparsable (scored as empty), never a non-finite box.
    return None if nonfinite_field(parsed_to_json(parsed)) is not None else parsed
