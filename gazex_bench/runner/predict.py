"""Stage 1 — predict: call the model on every not-yet-predicted sample, append as you go.

Resume rule: a sample whose id already has a line in the predictions file is not
recomputed (errors included: they are deterministic failures, recorded as such).
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

from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.io import atomic_write_json, atomic_write_text, dumps_jsonl_line
from gazex_bench.models.protocols import Example, LearnsFromTraining, ReadsReferences, call, require
from gazex_bench.runner.records import (
    PREDICTIONS,
    PredictionRecord,
    PredictionWriter,
    load_predictions,
    prompt_sha256,
    sha256_text,
)
from gazex_bench.runner.spec import MODEL
from gazex_bench.tasks.base import Task, TaskData, TaskSample
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


def predict(
    task: Task,
    data: TaskData,
    make_adapter: Callable[[], Any],
    run_dir: Path,
    *,
    shard: Shard | None = None,
    quiet: bool = False,
) -> PredictStats:
    """Predict every sample of ``data`` (of this shard) not yet in the predictions file."""
    samples = [s for s in data.samples if shard is None or shard.keeps(s.sample_id)]
    path = run_dir / (shard.filename() if shard else PREDICTIONS)
    done = load_predictions(path, task.capability, repair=True)
    todo = [s for s in samples if s.sample_id not in done]
    if not todo:
        return PredictStats(len(samples), len(done), 0, 0)
    adapter = make_adapter()
    require(adapter, task.capability)
    identity = adapter.identity()
    _record_model(run_dir, identity)
    _prepare(adapter, task, data)
    gen_sha = sha256_text(json.dumps(identity, sort_keys=True, default=str))
    batch = max(1, int(getattr(adapter, "batch_size", 8) or 8))
    n_err = 0
    with PredictionWriter(path) as writer:
        batches = [todo[i : i + batch] for i in range(0, len(todo), batch)]
        for chunk in progress(batches, total=len(batches), desc=f"predict {task.name}", quiet=quiet):
            records = _run_batch(adapter, task, chunk, gen_sha)
            n_err += sum(r.response.error is not None for r in records)
            writer.write(records)
    return PredictStats(len(samples), len(done), len(todo), n_err)


def _prepare(adapter: Any, task: Task, data: TaskData) -> None:
    if isinstance(adapter, LearnsFromTraining) and hasattr(adapter, "fit"):
        adapter.fit([Example(s.request, s.reference) for s in data.train])
    if isinstance(adapter, ReadsReferences) and hasattr(adapter, "set_references"):
        adapter.set_references([Example(s.request, s.reference) for s in data.samples])


def _run_batch(
    adapter: Any, task: Task, chunk: Sequence[TaskSample], gen_sha: str
) -> list[PredictionRecord]:
    t0 = time.perf_counter()
    responses = call(adapter, task.capability, [s.request for s in chunk])
    per = (time.perf_counter() - t0) / len(chunk)
    out: list[PredictionRecord] = []
    for sample, resp in zip(chunk, responses):
        if resp.sample_id != sample.sample_id:
            raise RuntimeError(
                f"adapter answered '{resp.sample_id}' for request '{sample.sample_id}'"
            )
        out.append(PredictionRecord(sample.sample_id, resp, prompt_sha256(sample.request, resp), gen_sha, round(per, 6)))
    return out


def _record_model(run_dir: Path, identity: dict[str, Any]) -> None:
    path = run_dir / MODEL
    if not path.is_file():
        atomic_write_json(path, identity)


def merge_shards(run_dir: Path, task: Task) -> Path:
    """Join ``predictions.shard-*-of-N.jsonl`` into predictions.jsonl (by sample id).

    Returns:
        The merged predictions path (unchanged when there are no shard files).

    Raises:
        DataFormatError: a sample id present in two shards, or shard files with different N.
    """
    shard_files = sorted(run_dir.glob("predictions.shard-*-of-*.jsonl"))
    target = run_dir / PREDICTIONS
    if not shard_files:
        return target
    counts = {p.name.rsplit("-of-", 1)[1].split(".")[0] for p in shard_files}
    if len(counts) > 1:
        raise DataFormatError(run_dir, f"shard files with different shard counts: {sorted(counts)}")
    merged: dict[str, PredictionRecord] = dict(load_predictions(target, task.capability, repair=True))
    for path in shard_files:
        for sid, rec in load_predictions(path, task.capability, repair=True).items():
            if sid in merged and merged[sid].to_json() != rec.to_json():
                raise DataFormatError(path, f"sample '{sid}' predicted differently in two files")
            merged[sid] = rec
    text = "".join(dumps_jsonl_line(merged[k].to_json()) for k in sorted(merged))
    atomic_write_text(target, text)
    return target
