"""Stages 2 and 3 — score and aggregate: stored predictions → scores.jsonl → run.json.

Needs no model: the task data is rebuilt from ``spec.json`` and checked against the
recorded data fingerprint. ``run.json`` is written (atomically) only after every
metric has been computed, so an error leaves no partial run record.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError
from gazex_bench.io import (
    atomic_write_json,
    atomic_write_text,
    dumps_jsonl_line,
    formula_safe_cell,
    read_json,
)
from gazex_bench.runner.loading import load_task_data
from gazex_bench.runner.predict import check_failures, merge_shards
from gazex_bench.runner.records import (
    PredictionRecord,
    check_ids,
    errors_by_reason,
    failures,
    load_predictions,
)
from gazex_bench.runner.regime import training_block
from gazex_bench.runner.spec import (
    MODEL,
    RUN,
    SCHEMA_VERSION,
    SCORES,
    RunSpec,
    git_info,
    package_version,
    read_spec,
)
from gazex_bench.tasks.base import ScoreOptions, ScoreResult, Task, TaskData

RUN_SCHEMA_DOC = "docs/harness.md#runjson"


def load_run_data(run_dir: Path, spec: RunSpec, task: Task) -> TaskData:
    """Rebuild the task data of a run and check it is the data that was predicted.

    Raises:
        UsageError: the data under the recorded root changed since the run.
    """
    if not Path(spec.data_root).is_dir():
        raise UsageError(
            f"the data root of run {run_dir.name}, {spec.data_root}, is not a directory; "
            "if the data moved: gazex-bench score --run DIR --data-root NEW_LOCATION"
        )
    data = load_task_data(task, Path(spec.data_root), split=spec.split, limit=spec.limit)
    if spec.data_fingerprint and data.content_sha256(Path(spec.data_root)) != spec.data_fingerprint:
        raise UsageError(
            f"data under {spec.data_root} changed since run {run_dir.name} was predicted "
            "(fingerprint mismatch); re-run prediction into a new run"
        )
    return data


def score_run(
    run_dir: Path,
    task: Task,
    *,
    options: ScoreOptions,
    data: TaskData | None = None,
    command: list[str] | None = None,
    max_failures: str | int | None = None,
) -> dict[str, Any]:
    """Score a run directory's predictions and write scores.jsonl and run.json.

    Generation failures (:attr:`Response.failure`) are not scored: their samples are left out
    and counted in ``dataset.dropped.generation_failed`` and ``predictions.errors_by_reason``;
    more than ``max_failures`` (:func:`allowed_failures`; default: all failed) stops here.

    Returns:
        The run record written to ``run_dir/run.json``.

    Raises:
        DataFormatError: predictions missing, extra, duplicated or malformed.
        UsageError: the data changed since prediction.
        GenerationFailed: too many generation failures (nothing written).
    """
    spec = read_spec(run_dir)
    options = replace(options, model_label=spec.label or spec.model)
    data = data if data is not None else load_run_data(run_dir, spec, task)
    pred_path = merge_shards(run_dir, task)
    preds = load_predictions(pred_path, task.capability)
    check_ids(pred_path, preds.keys(), [s.sample_id for s in data.samples])
    check_failures(preds, len(data.samples), max_failures, pred_path)
    all_preds = preds
    data, preds = _without_failures(data, preds)
    data = with_aux_responses(run_dir, task, data)
    result = task.score(data, {k: r.response for k, r in preds.items()}, options)
    _write_scores(run_dir / SCORES, data, preds, result)
    for name, table in sorted(result.tables.items()):
        atomic_write_text(
            run_dir / "tables" / f"{name}.csv", table.map(formula_safe_cell).to_csv(index=False)
        )
    record = build_run_record(run_dir, spec, task, data, all_preds, result, options, command)
    atomic_write_json(run_dir / RUN, record)
    return record


def _without_failures(
    data: TaskData, preds: dict[str, PredictionRecord]
) -> tuple[TaskData, dict[str, PredictionRecord]]:
    """Leave generation failures out of scoring, counted in ``dropped.generation_failed``."""
    failed = failures(preds)
    if not failed:
        return data, preds
    kept = tuple(s for s in data.samples if s.sample_id not in failed)
    dropped = {**data.dropped, "generation_failed": len(failed)}
    return replace(data, samples=kept, dropped=dropped), {k: v for k, v in preds.items() if k not in failed}


def aux_path(run_dir: Path, stage: str) -> Path:
    """``predictions.<stage>.jsonl`` of an aux stage."""
    return run_dir / f"predictions.{stage}.jsonl"


def with_aux_responses(run_dir: Path, task: Task, data: TaskData) -> TaskData:
    """Attach the aux stages' stored responses to ``data`` (:attr:`TaskData.aux_responses`).

    ``aux_responses``: stage → sample id → response (missing file = empty);
    ``aux_unavailable``: stage → reason, from ``predictions.<stage>.unavailable``.
    """
    if not task.aux_capabilities:
        return data
    responses: dict[str, dict[str, Any]] = {}
    unavailable: dict[str, str] = {}
    for stage, cap in task.aux_capabilities.items():
        path = aux_path(run_dir, stage)
        marker = path.with_suffix(".unavailable")
        if marker.is_file():
            unavailable[stage] = marker.read_text(encoding="utf-8").strip()
        recs = load_predictions(path, cap) if path.is_file() else {}
        responses[stage] = {k: r.response for k, r in recs.items()}
    return replace(data, aux_responses=responses, aux_unavailable=unavailable)


def _clean(value: float) -> float | None:
    return float(value) if value is not None and math.isfinite(float(value)) else None


def _write_scores(
    path: Path, data: TaskData, preds: Mapping[str, PredictionRecord], result: ScoreResult
) -> None:
    lines = []
    for s in data.samples:
        values = {k: _clean(v) for k, v in sorted(result.per_sample.get(s.sample_id, {}).items())}
        err = preds[s.sample_id].response.error
        lines.append(
            dumps_jsonl_line({"sample_id": s.sample_id, "error": err is not None, "metrics": values})
        )
    atomic_write_text(path, "".join(lines))


def build_run_record(
    run_dir: Path,
    spec: RunSpec,
    task: Task,
    data: TaskData,
    preds: Mapping[str, PredictionRecord],
    result: ScoreResult,
    options: ScoreOptions,
    command: list[str] | None,
) -> dict[str, Any]:
    """Assemble run.json (schema in docs/harness.md)."""
    model_path = run_dir / MODEL
    model = read_json(model_path) if model_path.is_file() else {}
    latencies = [r.latency_s for r in preds.values() if r.latency_s is not None]
    return {
        "schema_version": SCHEMA_VERSION,
        "run_id": run_dir.name,
        "gazex_bench_version": package_version(),
        "git": git_info(),
        "scored_at_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": command,
        "task": {**task.describe(), "args": dict(spec.task_args)},
        "dataset": _dataset_block(spec, data),
        "model": _model_block(spec, model),
        "training": training_block(model, spec.task),
        "generation": model.get("generation"),
        "seeds": {"run": spec.seed, "bootstrap": options.seed},
        "scoring": {
            "n_boot": options.n_boot,
            "ci_level": options.ci_level,
            "chexbert_checkpoint": str(options.chexbert_checkpoint) if options.chexbert_checkpoint else None,
            "meteor": options.meteor,
        },
        "predictions": {
            "n": len(preds),
            "n_errors": sum(r.response.error is not None for r in preds.values()),
            "errors_by_reason": errors_by_reason(preds.values()),
            "latency_s_median": statistics.median(latencies) if latencies else None,
        },
        "primary_metric": task.primary_metric,
        "metrics": {k: v.to_dict() for k, v in sorted(result.metrics.items())},
        "reference_rows": {
            row: {k: v.to_dict() for k, v in sorted(ms.items())}
            for row, ms in sorted(result.reference_rows.items())
        },
        "analysis_status": dict(sorted(result.status.items())),
    }


def _model_block(spec: RunSpec, identity: dict[str, Any]) -> dict[str, Any]:
    """run.json ``model``: adapter, display label (also in ``args`` for older readers), args, identity."""
    args = dict(spec.model_args)
    if spec.label is not None:
        args["label"] = spec.label
    return {"adapter": spec.model, "label": spec.label or spec.model, "args": args, "identity": identity}


def _dataset_block(spec: RunSpec, data: TaskData) -> dict[str, Any]:
    return {
        "name": data.dataset,
        "split": data.split,
        "root": spec.data_root,
        "kind": spec.data_kind,
        "phantom": spec.phantom,
        "limit": spec.limit,
        "ids_sha256": data.ids_sha256(),
        "content_sha256": data.content_sha256(Path(spec.data_root)),
        "n_source": data.n_source,
        "n_evaluated": len(data.samples),
        "dropped": dict(sorted(data.dropped.items())),
        **({"problem_files": data.problem_files} if data.problem_files else {}),
    }


def read_run_record(run_dir: Path) -> dict[str, Any]:
    """Load ``run_dir/run.json``.

    Raises:
        UsageError: the run has not been scored.
    """
    path = run_dir / RUN
    if not path.is_file():
        raise UsageError(f"{run_dir} has no {RUN}; score it first: gazex-bench score --run {run_dir}")
    return read_json(path)
