"""Stage 1 — predict: call the model on every not-yet-predicted sample, append as you go.

Resume rule: a sample whose id already has a line in the predictions file is not
recomputed, except generation failures (lines with ``failure``: the model produced no
answer), which are removed and retried. Unparsable answers are answers: kept and scored.
:func:`check_failures` stops a run whose failures exceed ``--max-failures`` (default: all
samples failed) with the first failure's message.
The adapter is only constructed when there is something left to predict.

Sharding: ``Shard(index, count)`` keeps the samples with
``int(sha256(sample_id)[:8], 16) % count == index`` and writes
``predictions.shard-<index>-of-<count>.jsonl``; :func:`merge_shards` joins them by id.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gazex_bench.errors import DataFormatError, GazexError, UsageError
from gazex_bench.io import atomic_write_json, atomic_write_text, dumps_jsonl_line
from gazex_bench.models.protocols import (
    Example,
    ExplainsStages,
    LearnsFromTraining,
    ReadsReferences,
    adapter_hints,
    call,
    require,
)
from gazex_bench.models.types import Capability, Request
from gazex_bench.runner.records import (
    PREDICTIONS,
    PredictionRecord,
    PredictionWriter,
    drop_failures,
    failures,
    load_predictions,
    prompt_sha256,
    sha256_text,
)
from gazex_bench.runner.spec import MODEL
from gazex_bench.tasks.base import AuxStage, Task, TaskData
from gazex_bench.tasks.common import progress

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Shard:
    """One of ``count`` disjoint slices of the samples (by sample-id hash)."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if self.count < 1 or not 0 <= self.index < self.count:
            raise UsageError(f"--shard-index must be in [0, {self.count}), got {self.index}")

    def keeps(self, sample_id: str) -> bool:
        """Whether ``sample_id`` belongs to this shard."""
        return int(sha256_text(sample_id)[:8], 16) % self.count == self.index

    def filename(self) -> str:
        """``predictions.shard-<i>-of-<n>.jsonl``."""
        return f"predictions.shard-{self.index}-of-{self.count}.jsonl"


@dataclass(frozen=True)
class PredictStats:
    """What the predict stage did."""

    n_total: int
    n_done_before: int
    n_predicted: int
    n_errors: int
    n_failed: int = 0
    """Generation failures among ``n_errors`` (retried on the next run)."""


def predict(
    task: Task,
    data: TaskData,
    make_adapter: Callable[[], Any],
    run_dir: Path,
    *,
    shard: Shard | None = None,
    quiet: bool = False,
) -> PredictStats:
    """Predict every sample of ``data`` (of this shard) not yet in the predictions file, then the aux stages."""
    samples = [s for s in data.samples if shard is None or shard.keeps(s.sample_id)]
    path = run_dir / (shard.filename() if shard else PREDICTIONS)
    done = drop_failures(path, task.capability)
    todo = [s for s in samples if s.sample_id not in done]
    lazy = _LazyAdapter(make_adapter, task, data, run_dir)
    n_err = _predict_requests(
        lazy, task.capability, [s.request for s in todo], path, f"predict {task.name}", quiet
    )
    for stage_err in _predict_aux(lazy, task, data, run_dir, shard, quiet):
        n_err += stage_err
    n_failed = len(failures(load_predictions(path, task.capability)))
    return PredictStats(len(samples), len(done), len(todo), n_err, n_failed)


class GenerationFailed(GazexError):
    """More samples failed to generate than ``--max-failures`` allows (CLI: one line, exit 2)."""


def allowed_failures(spec: str | int | None, n: int) -> int:
    """How many of ``n`` samples may fail: ``all`` (default: all but one, so a run fails only when
    every sample failed), an integer count, or a percentage ``P%`` of ``n`` (rounded down).

    Raises:
        UsageError: any other value.
    """
    text = "all" if spec is None else str(spec).strip()
    try:
        if text == "all":
            return max(n - 1, 0)
        if text.endswith("%"):
            pct = float(text[:-1])
            if not 0 <= pct <= 100:
                raise ValueError
            return int(n * pct / 100)
        count = int(text)
        if count < 0:
            raise ValueError
        return count
    except ValueError:
        raise UsageError(
            f"--max-failures must be 'all', a count >= 0 or a percentage like 10%, got '{text}'"
        ) from None


def check_failures(records: dict[str, PredictionRecord], n: int, spec: str | int | None, where: Path) -> None:
    """Raise :class:`GenerationFailed` when more generation failures than allowed are in ``records``."""
    failed = failures(records)
    allowed = allowed_failures(spec, n)
    if len(failed) > allowed:
        sid, rec = next(iter(failed.items()))
        raise GenerationFailed(
            f"{where}: {len(failed)} of {n} samples failed to generate (allowed {allowed}, --max-failures "
            f"{spec or 'all'}); first: sample '{sid}': {rec.response.error} (nothing scored; run again to retry them)"
        )


class _LazyAdapter:
    """Builds (and prepares) the adapter on first use only, so a finished run never loads the model."""

    def __init__(self, make: Callable[[], Any], task: Task, data: TaskData, run_dir: Path) -> None:
        self._make, self._task, self._data, self._run_dir = make, task, data, run_dir
        self._adapter: Any = None

    def get(self) -> Any:
        if self._adapter is None:
            adapter = self._make()
            require(adapter, self._task.capability)
            identity = adapter.identity()
            _record_model(self._run_dir, identity)
            _prepare(adapter, self._task, self._data)
            self.gen_sha = sha256_text(json.dumps(identity, sort_keys=True, default=str))
            self._adapter = adapter
        return self._adapter


def _predict_requests(
    lazy: _LazyAdapter, capability: Capability, todo: Sequence[Request], path: Path, desc: str, quiet: bool
) -> int:
    """Predict ``todo`` into ``path`` (appending); returns the number of errors."""
    if not todo:
        return 0
    adapter = lazy.get()
    batch = adapter_hints(adapter).batch_size
    n_err = 0
    with PredictionWriter(path) as writer:
        batches = [todo[i : i + batch] for i in range(0, len(todo), batch)]
        for chunk in progress(batches, total=len(batches), desc=desc, quiet=quiet):
            records = _run_batch(adapter, capability, chunk, lazy.gen_sha)
            n_err += sum(r.response.error is not None for r in records)
            writer.write(records)
    return n_err


def _predict_aux(
    lazy: _LazyAdapter, task: Task, data: TaskData, run_dir: Path, shard: Shard | None, quiet: bool
) -> list[int]:
    """Run the task's aux stages in order; a stage the adapter cannot do is marked unavailable."""
    prior: dict[str, dict[str, Any]] = {}
    errors = []
    for i, stage in enumerate(task.aux_stages(data)):
        base = run_dir / f"predictions.{stage.name}.jsonl"
        path = (
            base
            if shard is None
            else run_dir / f"predictions.{stage.name}.{shard.filename()[len('predictions.') :]}"
        )
        marker = base.with_suffix(".unavailable")
        prior[stage.name] = {}
        if marker.is_file():
            continue
        reqs = stage.requests(prior)
        if i == 0 and shard is not None:
            reqs = [r for r in reqs if shard.keeps(r.sample_id)]
        done = drop_failures(path, stage.capability)
        todo = [r for r in reqs if r.sample_id not in done]
        why = _cannot(lazy.get(), stage) if todo else None
        if why:
            atomic_write_text(marker, f"unavailable: {why}\n")
            continue
        errors.append(_predict_requests(lazy, stage.capability, todo, path, f"predict {stage.name}", quiet))
        prior[stage.name] = {k: r.response for k, r in load_predictions(path, stage.capability).items()}
    return errors


def _cannot(adapter: Any, stage: AuxStage) -> str | None:
    """Why ``adapter`` cannot run aux ``stage`` (None = it can).

    Adapters that answer only the task's own samples set ``aux_stages = False``; adapters that
    replay stages from a file say per stage (``stage_unavailable(name)``).
    """
    if not adapter_hints(adapter).aux_stages:
        return "the adapter answers only the task's own samples (aux_stages = False)"
    if not _can(adapter, stage.capability):
        caps = ", ".join(sorted(c.value for c in getattr(adapter, "capabilities", ()))) or "none"
        return f"adapter has no '{stage.capability.value}' capability ({caps})"
    if isinstance(adapter, ExplainsStages):
        return adapter.stage_unavailable(stage.name)
    return None


def _can(adapter: Any, capability: Capability) -> bool:
    try:
        require(adapter, capability)
    except UsageError:
        return False
    return True


def _prepare(adapter: Any, task: Task, data: TaskData) -> None:
    stages = task.aux_stages(data)
    if isinstance(adapter, LearnsFromTraining):
        train = [Example(s.request, s.reference) for s in data.train]
        train += [Example(q, r) for st in stages if _can(adapter, st.capability) for q, r in st.train]
        adapter.fit(train)
    if isinstance(adapter, ReadsReferences):
        refs = [Example(s.request, s.reference) for s in data.samples]
        hints = adapter_hints(adapter)
        if hints.replays_stages:  # e.g. ``predictions``: stage rows come from its file
            adapter.set_references(refs, stages=stages)
            return
        if hints.aux_stages:
            refs += [Example(q, r) for st in stages for q, r in st.references]
        adapter.set_references(refs)


def _run_batch(
    adapter: Any, capability: Capability, chunk: Sequence[Request], gen_sha: str
) -> list[PredictionRecord]:
    t0 = time.perf_counter()
    responses = call(adapter, capability, list(chunk))
    per = (time.perf_counter() - t0) / len(chunk)
    out: list[PredictionRecord] = []
    for request, resp in zip(chunk, responses):
        if resp.sample_id != request.sample_id:
            raise RuntimeError(f"adapter answered '{resp.sample_id}' for request '{request.sample_id}'")
        out.append(
            PredictionRecord(request.sample_id, resp, prompt_sha256(request, resp), gen_sha, round(per, 6))
        )
    return out


def _record_model(run_dir: Path, identity: dict[str, Any]) -> None:
    path = run_dir / MODEL
    if not path.is_file():
        atomic_write_json(path, identity)


def merge_shards(run_dir: Path, task: Task) -> Path:
    """Join ``predictions[.<stage>].shard-*-of-N.jsonl`` into ``predictions[.<stage>].jsonl`` (by sample id).

    Returns:
        The merged main predictions path (unchanged when there are no shard files).

    Raises:
        DataFormatError: a sample id present in two shards, or shard files with different N.
    """
    _merge(run_dir, "predictions", task.capability)
    for stage, cap in task.aux_capabilities.items():
        _merge(run_dir, f"predictions.{stage}", cap)
    return run_dir / PREDICTIONS


def _merge(run_dir: Path, stem: str, capability: Capability) -> None:
    shard_files = sorted(run_dir.glob(f"{stem}.shard-*-of-*.jsonl"))
    if not shard_files:
        return
    target = run_dir / f"{stem}.jsonl"
    counts = {p.name.rsplit("-of-", 1)[1].split(".")[0] for p in shard_files}
    if len(counts) > 1:
        raise DataFormatError(run_dir, f"shard files with different shard counts: {sorted(counts)}")
    merged: dict[str, PredictionRecord] = dict(load_predictions(target, capability, repair=True))
    for path in shard_files:
        for sid, rec in load_predictions(path, capability, repair=True).items():
            if sid in merged and merged[sid].to_json() != rec.to_json():
                raise DataFormatError(path, f"sample '{sid}' predicted differently in two files")
            merged[sid] = rec
    text = "".join(dumps_jsonl_line(merged[k].to_json()) for k in sorted(merged))
    atomic_write_text(target, text)
