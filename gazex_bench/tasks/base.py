"""What a task is: load samples, say which capability it needs, score predictions.

Tasks are plain Python classes (no YAML). Each declares its ``primary_metric``, the
convention id of every metric it reports (``metric_conventions``) and the one
:class:`~gazex_bench.models.types.Capability` it asks of a model.

Empty-input / failed-prediction policy (all tasks): a sample whose prediction has an
``error`` is scored as an empty answer (empty report, no box, no cluster) and counted
in ``n``; it is never dropped. A metric that is undefined for a sample (e.g. IoU with
no reference box) is NaN in ``scores.jsonl`` (written as ``null``) and excluded from
that metric's ``n``.
"""

from __future__ import annotations

import abc
import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError
from gazex_bench.metrics.registry import directions
from gazex_bench.models.types import Capability, Parsed, Request, Response, parsed_to_json, request_to_json


@dataclass(frozen=True)
class TaskSample:
    """One evaluated (or training) item of a task."""

    sample_id: str
    """Dataset-native id (never a row number)."""
    request: Request
    reference: Parsed
    """Reference answer in the capability's parsed type."""
    group: str | None = None
    """Cluster for resampling (e.g. study id: several VQA questions share an image)."""
    meta: Mapping[str, Any] = field(default_factory=dict)
    """Task-specific strata (question type, finding category, reading id...)."""


@dataclass(frozen=True)
class TaskData:
    """A task's view of a dataset after split/limit selection."""

    samples: tuple[TaskSample, ...]
    """Evaluated samples, in dataset order."""
    train: tuple[TaskSample, ...]
    """Training-split samples given to baselines' ``fit`` (may be empty)."""
    dataset: str
    """Dataset name, e.g. ``mimic-cxr``."""
    split: str
    n_source: int
    """Items of the selected split in the source before any task-level drop."""
    dropped: Mapping[str, int]
    """Reason → items not evaluated (reader skips, missing images, ``beyond_limit``)."""
    context: Any = None
    """Task-specific typed state for scoring, set by the task's ``load`` (e.g.
    :class:`~gazex_bench.tasks.reflacx_gaze.context.GazeContext`); None for most tasks."""
    aux_responses: Mapping[str, Mapping[str, Response]] = field(default_factory=dict)
    """Aux stage → sample id → stored response (set by the runner before scoring; see :class:`AuxStage`)."""
    aux_unavailable: Mapping[str, str] = field(default_factory=dict)
    """Aux stage → why the adapter could not run it (``predictions.<stage>.unavailable``)."""
    problem_files: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Drop reason (``no_image``, ``bad_image``) → file → what is wrong (run.json ``dataset.problem_files``)."""

    def ids_sha256(self) -> str:
        """SHA-256 of the evaluated sample ids, one per line, in order."""
        text = "\n".join(s.sample_id for s in self.samples)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def content_sha256(self, root: Path | None = None) -> str:
        """SHA-256 over ids, request inputs and references: the data fingerprint in the run id.

        Image paths under ``root`` enter as paths relative to it, together with each file's
        size in bytes, so moving the data root keeps the fingerprint (and the run id) while a
        replaced or truncated image changes it. Paths outside ``root`` (or with no root) enter
        as given.
        """
        h = hashlib.sha256()
        base = Path(root).resolve() if root is not None else None
        for s in self.samples:
            req = request_to_json(s.request)
            req["image_paths"] = [_portable(Path(p), base) for p in req.get("image_paths", [])]
            item = [s.sample_id, req, parsed_to_json(s.reference)]
            h.update(json.dumps(item, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8"))
            h.update(b"\n")
        return h.hexdigest()


def _portable(path: Path, base: Path | None) -> list[Any]:
    """``[path relative to base (or as given), size in bytes or None]``."""
    try:
        size: int | None = path.stat().st_size
    except OSError:
        size = None
    if base is not None:
        try:
            return [path.resolve().relative_to(base).as_posix(), size]
        except ValueError:
            pass
    return [str(path), size]


@dataclass(frozen=True)
class MetricValue:
    """One aggregated metric with its uncertainty."""

    value: float
    n: int
    """Samples that contributed."""
    ci_low: float | None = None
    ci_high: float | None = None
    ci_method: str | None = None
    """E.g. ``percentile-bootstrap(n=1000,seed=0,level=0.95)``."""

    def to_dict(self) -> dict[str, Any]:
        """JSON form (NaN → None)."""
        return {
            "value": _none_if_nan(self.value),
            "n": self.n,
            "ci_low": _none_if_nan(self.ci_low),
            "ci_high": _none_if_nan(self.ci_high),
            "ci_method": self.ci_method,
        }


def _none_if_nan(x: float | None) -> float | None:
    if x is None or not math.isfinite(float(x)):
        return None
    return float(x)


@dataclass(frozen=True)
class ScoreResult:
    """Per-sample values and aggregates produced by :meth:`Task.score`."""

    per_sample: Mapping[str, Mapping[str, float]]
    """sample_id → metric → value (NaN = undefined for that sample)."""
    metrics: Mapping[str, MetricValue]
    tables: Mapping[str, Any] = field(default_factory=dict)
    """Optional named pandas DataFrames (written to ``runs/<id>/tables/<name>.csv``)."""
    reference_rows: Mapping[str, Mapping[str, MetricValue]] = field(default_factory=dict)
    """Row name (``inter-radiologist``, ``shuffled``, ``center-bias``) → metric → value (run.json)."""
    status: Mapping[str, str] = field(default_factory=dict)
    """Analysis → why it is unavailable or partial (run.json ``analysis_status``)."""


@dataclass(frozen=True)
class ScoreOptions:
    """Settings of the score stage (recorded in run.json)."""

    seed: int = 0
    """Seed of every bootstrap."""
    n_boot: int = 1000
    """Bootstrap resamples for CIs."""
    ci_level: float = 0.95
    chexbert_checkpoint: Path | None = None
    """CheXbert weights for clinical efficacy; rule-based labeler when None."""
    meteor: str = "auto"
    model_label: str = "model"
    """Display name of the scored model (``--model-arg label``, else the adapter); names it in tables."""
    """METEOR implementation (metrics/meteor.py): ``auto`` (jar if Java, else nltk), ``jar``, ``nltk``, ``none``."""


@dataclass(frozen=True)
class AuxStage:
    """A follow-up prediction stage run after the task's own samples (e.g. reflacx-gaze setting 1).

    Its predictions go to ``predictions.<name>.jsonl`` (resumable like the main file). An
    adapter without ``capability`` skips the stage; the runner writes
    ``predictions.<name>.unavailable`` with the reason and the task reports the analysis
    as unavailable.
    """

    name: str
    capability: Capability
    requests: Callable[[Mapping[str, Mapping[str, Response]]], list[Request]]
    """Earlier aux stages' responses (stage → sample id → response) → this stage's requests.
    Under sharding, a stage with no earlier stage is filtered by sample-id hash; later
    stages follow from this shard's earlier responses."""
    references: tuple[tuple[Request, Parsed], ...] = ()
    """(request, reference) pairs for the ``oracle`` (``set_references``)."""
    train: tuple[tuple[Request, Parsed], ...] = ()
    """Training pairs for baselines' ``fit``."""


class Task(abc.ABC):
    """Base class of every task (one module per task).

    Task options (``--task-arg k=v``) are constructor keyword arguments; a task declares the
    ones it accepts in :attr:`task_options` (name → help). They are recorded in spec.json and
    join the run id.
    """

    name: str = ""
    version: str = "1"
    title: str = ""
    """Display title in tables, figures and leaderboards (default: :attr:`name`)."""
    description: str = ""
    capability: Capability = Capability.REPORT
    dataset: str = ""
    """Dataset the task reads (``discover(root)`` field), e.g. ``mimic_cxr``."""
    default_split: str = "test"
    primary_metric: str = ""
    metric_conventions: Mapping[str, str] = {}
    """Metric key → convention id / short definition (shown by ``gazex-bench ls``); keys are
    declared in :mod:`gazex_bench.metrics.registry` (title, direction, unit, CI method)."""
    headline_metrics: tuple[str, ...] = ()
    """Metric keys shown in Markdown/LaTeX tables, figures and leaderboards (CSV files keep every metric)."""
    reference_baselines: tuple[str, ...] = ()
    """Built-in adapters whose runs are reference rows (``baseline`` kind; ``oracle`` is the ceiling)."""
    quiet: bool = False
    """Set by the runner (``--quiet``): no progress bars while loading."""
    task_options: Mapping[str, str] = {}
    """Accepted ``--task-arg`` names → help text."""
    aux_capabilities: Mapping[str, Capability] = {}
    """Aux stage name → capability (see :class:`AuxStage`; used to parse their files)."""

    def __init__(self, **task_args: Any) -> None:
        unknown = sorted(set(task_args) - set(self.task_options))
        if unknown:
            known = ", ".join(sorted(self.task_options)) or "none"
            raise UsageError(f"task '{self.name}' has no option {', '.join(unknown)} (options: {known})")
        self.task_args: dict[str, Any] = dict(task_args)

    @property
    def higher_is_better(self) -> Mapping[str, bool]:
        """Metric key → direction, from the metric registry."""
        return directions(self.metric_conventions)

    def aux_stages(self, data: TaskData) -> tuple[AuxStage, ...]:
        """Follow-up prediction stages for ``data`` (none by default)."""
        return ()

    @abc.abstractmethod
    def load(self, data_root: Path, *, split: str | None, limit: int | None) -> TaskData:
        """Read the dataset under ``data_root`` and build samples.

        Raises:
            UsageError: the data root lacks the dataset this task needs.
            DataFormatError: the dataset files are malformed.
        """

    @abc.abstractmethod
    def score(self, data: TaskData, responses: Mapping[str, Response], options: ScoreOptions) -> ScoreResult:
        """Score one response per evaluated sample (keys = sample ids)."""

    def describe(self) -> dict[str, Any]:
        """Name, version, capability, dataset, metric conventions and directions (run.json ``task``)."""
        return {
            "name": self.name,
            "version": self.version,
            "capability": self.capability.value,
            "dataset": self.dataset,
            "primary_metric": self.primary_metric,
            "metric_conventions": dict(self.metric_conventions),
            "higher_is_better": {k: bool(v) for k, v in self.higher_is_better.items()},
            "reference_baselines": list(self.reference_baselines),
        }


def apply_limit(
    samples: Sequence[TaskSample], limit: int | None, dropped: dict[str, int]
) -> tuple[TaskSample, ...]:
    """Keep the first ``limit`` samples (dataset order), counting the rest as ``beyond_limit``."""
    if limit is None or limit >= len(samples):
        return tuple(samples)
    dropped["beyond_limit"] = dropped.get("beyond_limit", 0) + len(samples) - limit
    return tuple(samples[:limit])
