"""Typed, frozen request/response records exchanged between tasks and model adapters.

A task builds one request per sample; an adapter answers each request with one
:class:`Response`. Requests carry model *inputs* only (image paths, prompt text,
question, phrase, finding sentence); they never name the task or the dataset, so
an adapter cannot branch on them (style.md §4.2).

Coordinate frames:

* Grounding boxes (:class:`ScoredBox`) are ``(xmin, ymin, xmax, ymax)`` in
  **original-image pixels** (the frame of ``GroundingRequest.image_size``), origin
  top-left, x right, y down. A grounding heat map covers the whole image; its
  ``(rows, cols)`` grid is stretched over ``image_size``.
* Gaze outputs (:class:`PredictedCluster`, :class:`Trajectory`) are in the
  **quarter-scale frame** of :mod:`gazex_bench.gaze.types` (original pixels / 4).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np

from gazex_bench.errors import UsageError
from gazex_bench.io import FieldValueError, is_finite_number


class Capability(str, Enum):  # noqa: UP042 - StrEnum changes str() of members, which run records use
    """What an adapter can do; a task asks for exactly one."""

    REPORT = "report"
    """Free-text findings for an image (:class:`ReportRequest` → ``str``)."""
    VQA = "vqa"
    """Answer a question about an image (:class:`VqaRequest` → ``str``)."""
    GROUNDING = "grounding"
    """Localise a phrase (:class:`GroundingRequest` → :class:`Grounding`)."""
    GAZE = "gaze"
    """Gaze clusters for a finding and inspection trajectories (:class:`GazeRequest`)."""


@dataclass(frozen=True)
class GenerationSettings:
    """Decoding settings given to an adapter's constructor (recorded in run.json)."""

    max_new_tokens: int = 128
    """Upper bound on generated tokens per request."""
    temperature: float = 0.0
    """0 means greedy decoding."""
    top_p: float = 1.0
    """Nucleus-sampling mass (ignored when greedy)."""
    batch_size: int = 4
    """Requests per forward batch."""
    seed: int = 0
    """Seed for any sampling inside the adapter."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form for run.json."""
        return asdict(self)


@dataclass(frozen=True)
class ReportRequest:
    """Generate the findings section for the image(s) of one study."""

    sample_id: str
    image_paths: tuple[Path, ...]
    """Absolute image paths (IU X-ray: two views; MIMIC-CXR: one frontal image)."""
    instruction: str | None = None
    """Optional instruction text; the adapter uses its own template when None."""


@dataclass(frozen=True)
class VqaRequest:
    """Answer one question about one image."""

    sample_id: str
    image_paths: tuple[Path, ...]
    question: str


@dataclass(frozen=True)
class GroundingRequest:
    """Localise a phrase (e.g. ``"small left pleural effusion"``) in one image."""

    sample_id: str
    image_paths: tuple[Path, ...]
    phrase: str
    image_size: tuple[int, int]
    """``(width, height)`` of the original image, pixels (the frame of the answer)."""


@dataclass(frozen=True)
class GazeRequest:
    """Predict radiologist gaze on one image.

    With ``finding`` set: ordered gaze clusters for that finding sentence (paper
    setting 2: ground-truth finding as input). With ``finding=None``: the inspection
    trajectory for the whole image.
    """

    sample_id: str
    image_paths: tuple[Path, ...]
    image_size: tuple[int, int]
    """``(width, height)`` of the original image, pixels; answers are in quarter scale."""
    finding: str | None = None


Request = ReportRequest | VqaRequest | GroundingRequest | GazeRequest


@dataclass(frozen=True)
class ScoredBox:
    """A predicted box ``(xmin, ymin, xmax, ymax)`` in original-image pixels with a confidence."""

    box: tuple[float, float, float, float]
    score: float = 1.0


@dataclass(frozen=True)
class Grounding:
    """A phrase-grounding answer: boxes with confidences and/or a heat map."""

    boxes: tuple[ScoredBox, ...] = ()
    heatmap: np.ndarray | None = field(default=None, compare=False)
    """``(rows, cols)`` non-negative map stretched over the whole image, or None."""


@dataclass(frozen=True)
class PredictedCluster:
    """One predicted gaze cluster, quarter-scale pixels, in predicted temporal order."""

    centroid: tuple[float, float]
    box: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class GazePrediction:
    """Ordered clusters for a finding, or an inspection trajectory ``points`` for an image."""

    clusters: tuple[PredictedCluster, ...] = ()
    points: tuple[tuple[float, float], ...] = ()
    """Trajectory ``(x, y)`` points in temporal order, quarter-scale pixels."""


Parsed = str | Grounding | GazePrediction


@dataclass(frozen=True)
class Response:
    """An adapter's answer to one request.

    Failures go to ``error`` (with ``parsed=None``), never into ``raw`` or ``parsed``.
    """

    sample_id: str
    raw: str | None
    """Raw model text (None for adapters that do not produce text)."""
    parsed: Parsed | None
    """Parsed output: ``str`` (report, VQA), :class:`Grounding` or :class:`GazePrediction`."""
    error: str | None = None
    prompt: str | None = None
    """The exact prompt text the model saw (hashed into predictions.jsonl), if any."""
    failure: str | None = None
    """Reason key when the model produced no answer at all (generation raised, out of memory, an
    image the processor rejected): such a response is never scored, is retried on resume and is
    counted by reason in run.json ``predictions.errors_by_reason``. None for answers, including
    unparsable ones (those are scored as empty answers)."""


def generation_failed(sample_id: str, reason: str, message: str, prompt: str | None = None) -> Response:
    """A response for a sample the model produced nothing for (see :attr:`Response.failure`)."""
    return Response(sample_id=sample_id, raw=None, parsed=None, error=message, prompt=prompt, failure=reason)


def failed(sample_id: str, message: str, raw: str | None = None, prompt: str | None = None) -> Response:
    """Build an error response (``parsed=None``)."""
    return Response(sample_id=sample_id, raw=raw, parsed=None, error=message, prompt=prompt)


# --------------------------------------------------------------------------- JSON round trip


def parsed_to_json(parsed: Parsed | None) -> Any:
    """Serialise a parsed output to plain JSON (inverse: :func:`parsed_from_json`)."""
    if parsed is None or isinstance(parsed, str):
        return parsed
    if isinstance(parsed, Grounding):
        heat = None if parsed.heatmap is None else np.asarray(parsed.heatmap, float).round(6).tolist()
        return {"boxes": [{"box": list(b.box), "score": b.score} for b in parsed.boxes], "heatmap": heat}
    if isinstance(parsed, GazePrediction):
        return {
            "clusters": [
                {"centroid": list(c.centroid), "box": None if c.box is None else list(c.box)}
                for c in parsed.clusters
            ],
            "points": [list(p) for p in parsed.points],
        }
    raise TypeError(f"cannot serialise parsed output of type {type(parsed).__name__}")


FieldError = FieldValueError
"""A parsed output that does not fit its capability; ``field`` is the JSON path (``parsed.boxes[0].box``)."""


def parsed_from_json(capability: Capability, obj: Any) -> Parsed | None:
    """Rebuild a parsed output for ``capability`` from JSON, checking every field's type.

    Numbers are checked before any conversion: a bool, a string, an integer beyond the
    float range (e.g. 400 digits) or a non-finite value is rejected, never converted.

    Raises:
        FieldError: (a ``ValueError``) wrong type or shape, naming the field path.
    """
    if obj is None:
        return None
    if capability in (Capability.REPORT, Capability.VQA):
        if not isinstance(obj, str):
            raise FieldError("parsed", f"expected a string, got {_kind(obj)}")
        return obj
    _object(obj, "parsed")
    if capability is Capability.GROUNDING:
        boxes = []
        for j, b in enumerate(_list(obj.get("boxes", []), "parsed.boxes")):
            where = f"parsed.boxes[{j}]"
            _object(b, where, '{"box": [xmin, ymin, xmax, ymax], "score": s}')
            boxes.append(
                ScoredBox(
                    _finite_box(b.get("box"), f"{where}.box"),
                    _finite(b.get("score", 1.0), f"{where}.score"),
                )
            )
        return Grounding(boxes=tuple(boxes), heatmap=_heatmap(obj.get("heatmap")))
    clusters = []
    for j, c in enumerate(_list(obj.get("clusters", []), "parsed.clusters")):
        where = f"parsed.clusters[{j}]"
        _object(c, where, '{"centroid": [x, y], "box": [x0, y0, x1, y1] or null}')
        box = None if c.get("box") is None else _finite_box(c.get("box"), f"{where}.box")
        clusters.append(PredictedCluster(_finite_pair(c.get("centroid"), f"{where}.centroid"), box))
    points = tuple(
        _finite_pair(p, f"parsed.points[{j}]")
        for j, p in enumerate(_list(obj.get("points", []), "parsed.points"))
    )
    return GazePrediction(clusters=tuple(clusters), points=points)


def _kind(value: Any) -> str:
    """JSON type name of ``value`` for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return (
        "a list"
        if isinstance(value, list)
        else ("an object" if isinstance(value, Mapping) else type(value).__name__)
    )


def _object(value: Any, name: str, shape: str = "") -> None:
    if not isinstance(value, Mapping):
        hint = f" {shape}" if shape else ""
        raise FieldError(name, f"'{name}' must be an object{hint}, got {_kind(value)}")


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise FieldError(name, f"'{name}' must be a list, got {_kind(value)}")
    return value


def _finite(value: Any, name: str) -> float:
    if not is_finite_number(value):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise FieldError(name, f"'{name}' must be a finite number, got {_kind(value)} {shown}")
    return float(value)


def _finite_list(value: Any, n: int, name: str) -> list[float]:
    if not isinstance(value, (list, tuple)) or len(value) != n:
        raise FieldError(name, f"'{name}' must be a list of {n} numbers, got {_kind(value)}")
    return [_finite(v, f"{name}[{i}]") for i, v in enumerate(value)]


def _finite_pair(value: Any, name: str) -> tuple[float, float]:
    """``[x, y]`` of finite numbers (one clear error naming ``name`` otherwise)."""
    x, y = _finite_list(value, 2, name)
    return x, y


def _finite_box(value: Any, name: str) -> tuple[float, float, float, float]:
    """``[x0, y0, x1, y1]`` of finite numbers (one clear error naming ``name`` otherwise)."""
    x0, y0, x1, y1 = _finite_list(value, 4, name)
    return x0, y0, x1, y1


def _heatmap(heat: Any) -> np.ndarray | None:
    """A non-empty rectangular list of rows of finite numbers (bools, strings, huge ints rejected)."""
    if heat is None:
        return None
    name = "parsed.heatmap"
    if not isinstance(heat, list) or not heat or not all(isinstance(r, list) and r for r in heat):
        raise FieldError(
            name, f"'{name}' must be a non-empty list of non-empty rows of numbers, got {_kind(heat)}"
        )
    if len({len(r) for r in heat}) != 1:
        raise FieldError(name, f"'{name}' rows differ in length")
    arr = np.array(heat, dtype=object)
    flat = arr.ravel()
    if not all(is_finite_number(v) for v in flat):
        i = next(i for i, v in enumerate(flat) if not is_finite_number(v))
        r, c = divmod(i, arr.shape[1])
        raise FieldError(
            f"{name}[{r}][{c}]", f"'{name}[{r}][{c}]' must be a finite number, got {_kind(flat[i])}"
        )
    return arr.astype(np.float64)


def request_to_json(request: Request) -> dict[str, Any]:
    """Canonical JSON of a request (paths as strings), used for hashing."""
    out: dict[str, Any] = {"kind": type(request).__name__}
    for key, value in asdict(request).items():
        if key == "image_paths":
            value = [str(p) for p in value]
        elif isinstance(value, tuple):
            value = list(value)
        out[key] = value
    return out


def capability_of(request: Request) -> Capability:
    """The capability a request needs."""
    mapping: dict[type, Capability] = {
        ReportRequest: Capability.REPORT,
        VqaRequest: Capability.VQA,
        GroundingRequest: Capability.GROUNDING,
        GazeRequest: Capability.GAZE,
    }
    try:
        return mapping[type(request)]
    except KeyError:
        raise UsageError(f"not a request type: {type(request).__name__}") from None
