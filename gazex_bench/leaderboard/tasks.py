"""Bridge between leaderboard submissions and the harness (tasks and the runner).

* :func:`task_expectation` derives what a valid submission must contain from the
  task's test split (ids, image sizes, output field).
* :func:`score_submission` converts a validated submission into the ``predictions``
  adapter's file format, scores it with the normal runner (so a submission is scored
  exactly like any run) and stores it with its leaderboard entry.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.io import atomic_write_text, dumps_jsonl_line
from gazex_bench.leaderboard.board import entry_from_run
from gazex_bench.leaderboard.store import stage_entry
from gazex_bench.leaderboard.submission import Submission, TaskExpectation, safe_slug
from gazex_bench.models.types import Capability
from gazex_bench.runner.api import RunRequest, run
from gazex_bench.runner.data_root import resolve_data_root
from gazex_bench.runner.loading import load_task_data
from gazex_bench.tables.runs import load_run
from gazex_bench.tasks.registry import build_task_registry

OUTPUT_FIELD: dict[Capability, str] = {
    Capability.REPORT: "text",
    Capability.VQA: "answer",
    Capability.GROUNDING: "boxes",
}


def _task(task_name: str) -> Any:
    return build_task_registry().get(task_name)()


def task_expectation(
    task_name: str, data_root: Path | None, *, source: Path | None = None
) -> TaskExpectation:
    """What a submission for ``task_name`` must contain, from the task's test split.

    Raises:
        DataFormatError: (with ``source``, the metadata file) unknown task or one without
            file submissions, naming the file and the ``task`` field; UsageError without it.
    """
    try:
        task = _task(task_name)
        if task.capability not in OUTPUT_FIELD:
            raise UsageError(
                f"task {task_name} does not accept file submissions (capability {task.capability.value})"
            )
    except UsageError as exc:
        if source is None:
            raise
        raise DataFormatError(source, str(exc), field="task") from None
    root = resolve_data_root(data_root)
    data = load_task_data(
        task, root.path, split="test", limit=None
    )  # no test sample: one line, reasons named
    sizes = {
        s.sample_id: tuple(s.request.image_size) for s in data.samples if hasattr(s.request, "image_size")
    }
    return TaskExpectation(
        task=task_name,
        ids=frozenset(s.sample_id for s in data.samples),
        image_sizes=sizes,
        output_field=OUTPUT_FIELD[task.capability],
    )


def _adapter_line(sid: str, pred: dict[str, Any], field: str) -> dict[str, Any]:
    if field == "boxes":
        boxes = [
            {"box": [b[0], b[1], b[0] + b[2], b[1] + b[3]], "score": b[4] if len(b) == 5 else 1.0}
            for b in pred["boxes"]
        ]
        return {"sample_id": sid, "parsed": {"boxes": boxes, "heatmap": None}}
    return {"sample_id": sid, "parsed": pred[field]}


def score_submission(sub: Submission, txn: Any, data_root: Path | None) -> Path:
    """Stage a validated submission in ``txn`` (a leaderboard :class:`~gazex_bench.leaderboard.store.Transaction`),
    score it in the staging folder and stage its entry; returns the entry's final path.

    Nothing reaches the leaderboard folder until the transaction commits; the scoring run
    lives in the staging folder and is removed with it.

    Raises:
        UsageError: a submission of that name exists, or a target path is unsafe.
    """
    task_name = str(sub.metadata["task"])
    try:
        dest = txn.stage(("submissions", safe_slug(task_name), sub.slug), new=True)
    except UsageError as exc:
        if "already exists" not in str(exc):
            raise
        raise UsageError(
            f"a submission named {sub.slug!r} already exists for {task_name}; rename model_name"
        ) from None
    field = OUTPUT_FIELD[_task(task_name).capability]
    lines = "".join(
        dumps_jsonl_line(_adapter_line(sid, p, field)) for sid, p in sorted(sub.predictions.items())
    )
    work = txn.tmp / "work"
    atomic_write_text(work / "predictions.jsonl", lines)
    outcome = run(
        RunRequest(
            task=task_name,
            model="predictions",
            model_args={"path": str(work / "predictions.jsonl"), "label": str(sub.metadata["model_name"])},
            data_root=data_root,
            split="test",
            out=work / "runs",
            quiet=True,
        )
    )
    dest.mkdir(parents=True)
    for name in ("metadata.json", "predictions.jsonl"):
        shutil.copyfile(sub.directory / name, dest / name)
    entry = entry_from_run_summary(load_run(outcome.run_dir), sub)
    return stage_entry(txn, entry, sub.directory / "metadata.json")


def entry_from_run_summary(summary: Any, sub: Submission) -> dict[str, Any]:
    """The leaderboard entry of a scored submission."""
    return entry_from_run(
        summary,
        kind="submission",
        source=f"submission {sub.slug} ({json.dumps(str(sub.metadata['contact']))})",
    )
