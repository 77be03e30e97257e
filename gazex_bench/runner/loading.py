"""Loading a task's data for a run: image problems named, and no run on zero samples.

Both ``run`` and ``score`` load through :func:`load_task_data`, so a run whose every
sample was dropped (images not in place yet, a bad split) stops before any model or
metric is called, with one line naming the drop reasons and the folder the images were
expected in, instead of a metric failing on n = 0.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from gazex_bench.errors import UsageError
from gazex_bench.images import ImageProblems, collect_image_problems
from gazex_bench.runner.data_cache import active_cache, cache_key
from gazex_bench.tasks.base import Task, TaskData


def load_task_data(task: Task, data_root: Path, *, split: str, limit: int | None) -> TaskData:
    """``task.load(...)`` with the files behind ``no_image``/``bad_image`` drops recorded.

    Raises:
        UsageError: no sample is left to evaluate (names the drop reasons and the expected folder).

    Inside :func:`~gazex_bench.runner.data_cache.shared_task_data` an identical earlier load is reused.
    """
    cache = active_cache()
    if cache is None:
        return _load(task, data_root, split=split, limit=limit)
    key = cache_key(task, data_root, split, limit)
    return cache.get_or_load(key, lambda: _load(task, data_root, split=split, limit=limit))


def _load(task: Task, data_root: Path, *, split: str, limit: int | None) -> TaskData:
    with collect_image_problems() as problems:
        data = task.load(data_root, split=split, limit=limit)
    data = dataclasses.replace(data, problem_files=problems.to_json())
    if not data.samples:
        raise UsageError(_nothing_left(task, data_root, split, data, problems))
    return data


def _nothing_left(task: Task, root: Path, split: str, data: TaskData, problems: ImageProblems) -> str:
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(data.dropped.items(), key=lambda kv: -kv[1])) or "none"
    msg = (
        f"task {task.name}: no sample to evaluate in split '{split}' under {root} "
        f"({data.n_source} in the split; dropped: {reasons})"
    )
    for reason, what in (("no_image", "not found"), ("bad_image", "do not decode")):
        files = sorted(problems.files.get(reason, {}))
        if files:
            folder = os.path.commonpath(files) if len(files) > 1 else str(Path(files[0]).parent)
            msg += f"; images expected under {folder} ({len(files)} {what}, e.g. {files[0]})"
    return msg
