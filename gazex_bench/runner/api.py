"""The Python API behind ``gazex-bench run``: resolve → predict → score → aggregate."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError
from gazex_bench.models.protocols import KeyedByContent, adapter_hints
from gazex_bench.models.registry import Registry, build_adapter_registry, create_adapter
from gazex_bench.runner import distributed
from gazex_bench.runner.data_root import DataRoot, resolve_data_root
from gazex_bench.runner.loading import load_task_data
from gazex_bench.runner.lock import LOCK, run_lock
from gazex_bench.runner.predict import PredictStats, Shard, allowed_failures, check_failures, predict
from gazex_bench.runner.records import load_predictions
from gazex_bench.runner.score import score_run
from gazex_bench.runner.spec import RunSpec, write_or_check_spec
from gazex_bench.tasks.base import ScoreOptions, Task, TaskData
from gazex_bench.tasks.registry import build_task_registry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunRequest:
    """Arguments of one run (the CLI's ``run`` options)."""

    task: str
    model: str
    model_args: dict[str, Any] = field(default_factory=dict)
    """Adapter constructor args; ``label`` is taken out (display name, see :func:`split_label`)."""
    task_args: dict[str, Any] = field(default_factory=dict)
    """Task options (``--task-arg``)."""
    data_root: Path | None = None
    """None → the cached default phantom."""
    split: str | None = None
    """None → the task's default split."""
    limit: int | None = None
    out: Path = Path("runs")
    run_id: str | None = None
    seed: int = 0
    shard: Shard | None = None
    quiet: bool = False
    score: ScoreOptions = ScoreOptions()
    command: list[str] | None = None
    max_failures: str | int | None = None
    """Generation failures tolerated: ``all`` (None: the run fails only when every sample failed), a count or ``P%``."""
    wait: bool = False
    """Wait for another process holding the run directory's lock instead of failing."""


@dataclass(frozen=True)
class RunOutcome:
    """Where the run lives and what happened."""

    run_dir: Path
    stats: PredictStats
    record: dict[str, Any] | None
    """run.json content; None for a shard of a sharded run (score after merging)."""


def run(
    req: RunRequest,
    *,
    adapters: Registry[Any] | None = None,
    tasks: Registry[Any] | None = None,
) -> RunOutcome:
    """Run (or resume) one task × model and score it.

    Raises:
        UsageError: unknown task/adapter, missing dataset, conflicting run directory.
        DataFormatError: malformed dataset or predictions.
    """
    adapters = adapters if adapters is not None else build_adapter_registry()
    tasks = tasks if tasks is not None else build_task_registry()
    task = tasks.get(req.task)(**req.task_args)
    factory = adapters.get(req.model)  # unknown → did-you-mean error
    model_args, label = split_label(req.model_args)
    task.quiet = req.quiet
    if req.limit is not None and req.limit < 1:
        raise UsageError(f"--limit must be >= 1, got {req.limit}")
    root = resolve_data_root(req.data_root)
    split = req.split or task.default_split
    data = load_task_data(task, root.path, split=split, limit=req.limit)
    spec = _run_spec(req, factory, model_args, label, root, split, data)
    allowed_failures(req.max_failures, 1)  # a bad value fails before any model is loaded
    run_dir = req.out / (req.run_id or spec.run_id())
    sharded = req.shard is not None and req.shard.count > 1
    with run_lock(
        run_dir, name=_lock_name(req.shard, sharded), wait=req.wait
    ):  # one process per run dir (or shard)
        write_or_check_spec(run_dir, spec)
        stats = predict(
            task,
            data,
            lambda: create_adapter(req.model, adapters, **model_args),
            run_dir,
            shard=req.shard,
            quiet=req.quiet,
        )
        if not sharded:
            return RunOutcome(run_dir, stats, _score(req, run_dir, task, data))
    return _finish_shard(req, run_dir, task, data, stats)


def _run_spec(
    req: RunRequest,
    factory: Any,
    model_args: dict[str, Any],
    label: str | None,
    root: DataRoot,
    split: str,
    data: TaskData,
) -> RunSpec:
    """The run's identity (spec.json content) from the request, resolved data root and loaded data."""
    return RunSpec(
        task=req.task,
        model=req.model,
        model_args=model_args,
        split=split,
        limit=req.limit,
        data_root=str(root.path),
        data_kind=root.kind,
        data_fingerprint=data.content_sha256(root.path),
        phantom=root.phantom,
        seed=req.seed,
        model_key=_model_key(factory, model_args),
        task_args=dict(req.task_args),
        label=label,
        location_args=adapter_hints(factory).location_args,
    )


def _lock_name(shard: Shard | None, sharded: bool) -> str:
    """The run directory's lock file name: one per shard of a sharded run, else the run's lock."""
    return f"{LOCK}.{shard.filename()[len('predictions.') : -len('.jsonl')]}" if sharded else LOCK  # type: ignore[union-attr]


def _score(req: RunRequest, run_dir: Path, task: Task, data: TaskData) -> dict[str, Any]:
    """Score the run directory with the request's options (writes scores.jsonl and run.json)."""
    return score_run(
        run_dir,
        task,
        options=req.score,
        data=data,
        command=req.command,
        max_failures=req.max_failures,
    )


def _finish_shard(
    req: RunRequest, run_dir: Path, task: Task, data: TaskData, stats: PredictStats
) -> RunOutcome:
    """After one shard predicted: check its failures; under a launcher, shard 0 scores once all are done."""
    group = distributed.launched(req.shard)
    if group:  # accelerate/torchrun: every shard done before anyone checks or merges
        distributed.barrier()
    shard_file = run_dir / req.shard.filename()  # type: ignore[union-attr]
    check_failures(load_predictions(shard_file, task.capability), stats.n_total, req.max_failures, shard_file)
    if group and req.shard.index == 0:  # type: ignore[union-attr]
        with run_lock(run_dir, wait=True):
            record = _score(req, run_dir, task, data)
        return RunOutcome(run_dir, stats, record)
    return RunOutcome(run_dir, stats, None)


def split_label(model_args: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Remove the display name ``label`` from the adapter args: ``(args without label, label)``."""
    args = dict(model_args)
    label = args.pop("label", None)
    return args, None if label is None else str(label)


def _model_key(factory: Any, model_args: dict[str, Any]) -> dict[str, Any] | None:
    """The adapter's optional ``run_key(**model_args)`` content fingerprint (part of the run id)."""
    if not isinstance(factory, KeyedByContent):
        return None
    hook = factory.run_key
    try:
        return dict(hook(**model_args))
    except TypeError as exc:
        raise UsageError(f"bad --model-arg for adapter: {exc}") from None
