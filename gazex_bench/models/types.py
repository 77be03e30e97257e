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

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Union

import numpy as np

from gazex_bench.errors import UsageError


class Capability(str, Enum):
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


Request = Union[ReportRequest, VqaRequest, GroundingRequest, GazeRequest]


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


Parsed = Union[str, Grounding, GazePrediction]


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


def parsed_from_json(capability: Capability, obj: Any) -> Parsed | None:
    """Rebuild a parsed output for ``capability`` from JSON.

    Raises:
        ValueError: wrong shape, or a non-finite number in a box, point or score.
    """
    if obj is None:
        return None
    if capability in (Capability.REPORT, Capability.VQA):
        if not isinstance(obj, str):
            raise ValueError(f"expected a string, got {type(obj).__name__}")
        return obj
    if not isinstance(obj, Mapping):
        raise ValueError(f"expected an object, got {type(obj).__name__}")
    if capability is Capability.GROUNDING:
        boxes = tuple(
            ScoredBox(_finite_tuple(b.get("box"), 4, "box"), _finite(b.get("score", 1.0), "score"))
            for b in _list(obj.get("boxes", []), "boxes")
        )
        heat = obj.get("heatmap")
        arr = None if heat is None else np.asarray(heat, dtype=float)
        if arr is not None and (arr.ndim != 2 or not np.isfinite(arr).all()):
            raise ValueError("heatmap must be a finite 2-D array")
        return Grounding(boxes=boxes, heatmap=arr)
    clusters = tuple(
        PredictedCluster(
            _finite_tuple(c.get("centroid"), 2, "centroid"),
            None if c.get("box") is None else _finite_tuple(c.get("box"), 4, "box"),
        )
        for c in _list(obj.get("clusters", []), "clusters")
    )
    points = tuple(_finite_tuple(p, 2, "points") for p in _list(obj.get("points", []), "points"))
    return GazePrediction(clusters=clusters, points=points)  # type: ignore[arg-type]


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"'{name}' must be a list")
    return value


def _finite(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"'{name}' must be a finite number, got {value!r}")
    return float(value)


def _finite_tuple(value: Any, n: int, name: str) -> tuple[float, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != n:
        raise ValueError(f"'{name}' must be a list of {n} numbers, got {value!r}")
    return tuple(_finite(v, name) for v in value)


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
