"""Adapter Protocols: one small interface per capability.

An adapter is any object with ``name``, ``capabilities`` and ``identity()`` plus the
method of each capability it declares. A task asks only for the capability it needs
(:func:`require`), so a report-only model can still be run on report tasks.

Two optional hooks let reference baselines see data without the task naming itself:

* :class:`LearnsFromTraining` — ``fit(examples)`` receives the training split's
  ``(request, reference)`` pairs (nearest-report, majority-answer, center-bias).
* :class:`ReadsReferences` — ``set_references(examples)`` receives the evaluated
  samples' references (the ``oracle`` upper bound only).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from gazex_bench.errors import UsageError
from gazex_bench.models.types import (
    Capability,
    GazeRequest,
    GroundingRequest,
    Parsed,
    ReportRequest,
    Request,
    Response,
    VqaRequest,
)


@runtime_checkable
class Adapter(Protocol):
    """What every adapter has."""

    name: str
    """Registry name, e.g. ``hf-vlm``."""
    capabilities: frozenset[Capability]

    def identity(self) -> dict[str, Any]:
        """Model identity and settings for run.json (adapter, model path/hash, generation)."""
        ...


@runtime_checkable
class ReportGenerator(Adapter, Protocol):
    """Capability ``report``: one findings text per request."""

    def generate_reports(self, requests: Sequence[ReportRequest]) -> list[Response]:
        """Return one :class:`Response` (``parsed: str``) per request, same order."""
        ...


@runtime_checkable
class VqaAnswerer(Adapter, Protocol):
    """Capability ``vqa``: one short answer per question."""

    def answer_questions(self, requests: Sequence[VqaRequest]) -> list[Response]:
        """Return one :class:`Response` (``parsed: str``) per request, same order."""
        ...


@runtime_checkable
class PhraseGrounder(Adapter, Protocol):
    """Capability ``grounding``: boxes with confidences, or a heat map, per phrase."""

    def ground_phrases(self, requests: Sequence[GroundingRequest]) -> list[Response]:
        """Return one :class:`Response` (``parsed: Grounding``) per request, same order."""
        ...


@runtime_checkable
class GazePredictor(Adapter, Protocol):
    """Capability ``gaze``: clusters for a finding, or an inspection trajectory."""

    def predict_gaze(self, requests: Sequence[GazeRequest]) -> list[Response]:
        """Return one :class:`Response` (``parsed: GazePrediction``) per request, same order.

        ``request.finding`` set → ordered ``clusters``; ``None`` → trajectory ``points``.
        """
        ...


@dataclass(frozen=True)
class Example:
    """A request with its reference answer (for baselines' ``fit`` / ``set_references``)."""

    request: Request
    reference: Parsed
    """Reference in the parsed-output type of the capability."""


@runtime_checkable
class LearnsFromTraining(Protocol):
    """Optional hook: the runner calls ``fit`` with the training split before predicting."""

    def fit(self, examples: Sequence[Example]) -> None:
        """Learn from training examples (requests of one capability)."""
        ...


@runtime_checkable
class ReadsReferences(Protocol):
    """Optional hook for the ``oracle`` upper bound: sees the evaluated references."""

    def set_references(self, examples: Sequence[Example]) -> None:
        """Receive the evaluated samples' references."""
        ...


_METHODS: dict[Capability, tuple[type, str]] = {
    Capability.REPORT: (ReportGenerator, "generate_reports"),
    Capability.VQA: (VqaAnswerer, "answer_questions"),
    Capability.GROUNDING: (PhraseGrounder, "ground_phrases"),
    Capability.GAZE: (GazePredictor, "predict_gaze"),
}


@runtime_checkable
class ExplainsStages(Protocol):
    """An adapter that says per aux stage whether it can answer it (e.g. ``predictions``: rows in its file)."""

    def stage_unavailable(self, stage: str) -> str | None:
        """Why ``stage`` cannot be answered, or None when it can."""
        ...


@runtime_checkable
class KeyedByContent(Protocol):
    """An adapter class whose run id follows its model's content (``run_key(**model_args)``), not its folder."""

    def run_key(self, **model_args: Any) -> Mapping[str, Any]:
        """Content fingerprint of the model the arguments name (part of the run id)."""
        ...


@dataclass(frozen=True)
class AdapterHints:
    """Optional class attributes of the adapter contract, with their defaults.

    Attributes:
        batch_size: Requests per call of a capability method.
        aux_stages: False when the adapter answers only the task's own samples (no follow-up stages).
        replays_stages: True when aux-stage answers come from the adapter's own file
            (``set_references(refs, stages=...)``).
        location_args: Model args that only locate files (left out of the run id, see ``run_key``).
    """

    batch_size: int = 8
    aux_stages: bool = True
    replays_stages: bool = False
    location_args: tuple[str, ...] = ()


def adapter_hints(adapter: Any) -> AdapterHints:
    """The :class:`AdapterHints` an adapter (or adapter class) declares; defaults where it declares none.

    The one place the runner reads optional adapter attributes.
    """
    default = AdapterHints()
    batch = getattr(adapter, "batch_size", None) or default.batch_size
    return AdapterHints(
        batch_size=max(1, int(batch)),
        aux_stages=bool(getattr(adapter, "aux_stages", default.aux_stages)),
        replays_stages=bool(getattr(adapter, "replays_stages", default.replays_stages)),
        location_args=tuple(getattr(adapter, "location_args", default.location_args)),
    )


def require(adapter: Any, capability: Capability) -> None:
    """Check that ``adapter`` declares and implements ``capability``.

    Raises:
        UsageError: the adapter lacks the capability (names what it has).
    """
    caps = frozenset(getattr(adapter, "capabilities", frozenset()))
    _, method = _METHODS[capability]
    if capability not in caps or not callable(getattr(adapter, method, None)):
        have = ", ".join(sorted(c.value for c in caps)) or "none"
        name = getattr(adapter, "name", type(adapter).__name__)
        raise UsageError(f"model '{name}' cannot do '{capability.value}' (its capabilities: {have})")


def call(adapter: Any, capability: Capability, requests: Sequence[Request]) -> list[Response]:
    """Dispatch ``requests`` to the adapter method of ``capability`` and check the answer count.

    Raises:
        UsageError: the adapter lacks the capability.
        RuntimeError: the adapter returned the wrong number of responses.
    """
    require(adapter, capability)
    _, method = _METHODS[capability]
    responses = list(getattr(adapter, method)(list(requests)))
    if len(responses) != len(requests):
        raise RuntimeError(f"adapter returned {len(responses)} responses for {len(requests)} requests")
    return responses
