"""Opt-in in-process cache of loaded task data (the demo scores one task for many models).

Inside :func:`shared_task_data`, :func:`~gazex_bench.runner.loading.load_task_data` reuses the
:class:`~gazex_bench.tasks.base.TaskData` of an earlier load with the same key: task class,
task options, split, limit, resolved data root and a stat fingerprint of every file under the
root (relative path, size in bytes, mtime in ns) and of every task option naming a file. A
changed option, a touched/added/removed file or another root is a miss. Outside the context
nothing is cached (walking a real MIMIC-CXR-JPG root per run would cost more than it saves).

``TaskData`` is a frozen dataclass whose consumers only derive copies
(``dataclasses.replace``), so sharing one instance across runs is safe.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazex_bench.tasks.base import Task, TaskData

log = logging.getLogger(__name__)

MAX_ENTRIES = 4
"""Loads kept at once (least recently used first out)."""


@dataclass
class TaskDataCache:
    """Key → loaded data, with hit/miss counters (read by tests and the demo's log)."""

    entries: OrderedDict[str, TaskData] = field(default_factory=OrderedDict)
    hits: int = 0
    misses: int = 0

    def get_or_load(self, key: str, load: Callable[[], TaskData]) -> TaskData:
        """The cached data of ``key``, or ``load()`` stored under it."""
        if key in self.entries:
            self.hits += 1
            self.entries.move_to_end(key)
            return self.entries[key]
        self.misses += 1
        data = load()
        self.entries[key] = data
        while len(self.entries) > MAX_ENTRIES:
            self.entries.popitem(last=False)
        return data


_ACTIVE: list[TaskDataCache] = []


def active_cache() -> TaskDataCache | None:
    """The innermost open :func:`shared_task_data` cache, or None."""
    return _ACTIVE[-1] if _ACTIVE else None


@contextmanager
def shared_task_data() -> Iterator[TaskDataCache]:
    """Share loaded task data between the runs made inside the ``with`` block."""
    cache = TaskDataCache()
    _ACTIVE.append(cache)
    try:
        yield cache
    finally:
        _ACTIVE.remove(cache)
        log.info("task data cache: %d hits, %d misses", cache.hits, cache.misses)


def _stat(path: Path) -> list[Any]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns]


def root_fingerprint(root: Path) -> str:
    """SHA-256 over (relative path, size, mtime_ns) of every file under ``root``, sorted."""
    h = hashlib.sha256()
    base = Path(root).resolve()
    for folder, dirs, files in os.walk(base):
        dirs.sort()
        for name in sorted(files):
            p = Path(folder) / name
            try:
                item = [str(p.relative_to(base)), *_stat(p)]
            except OSError:  # vanished while walking: part of the key as such
                item = [str(p.relative_to(base)), None, None]
            h.update(json.dumps(item).encode("utf-8"))
    return h.hexdigest()


def cache_key(task: Task, data_root: Path, split: str, limit: int | None) -> str:
    """Key of one load: task class + options (+ stat of option files), split, limit, root + fingerprint."""
    files = {}
    for name, value in sorted(task.task_args.items()):
        p = Path(str(value)).expanduser()
        if isinstance(value, (str, os.PathLike)) and p.is_file():
            files[name] = [str(p.resolve()), *_stat(p)]
    item = {
        "task": f"{type(task).__module__}.{type(task).__qualname__}",
        "name": task.name,
        "args": task.task_args,
        "files": files,
        "split": split,
        "limit": limit,
        "root": str(Path(data_root).resolve()),
        "fingerprint": root_fingerprint(data_root),
    }
    return hashlib.sha256(json.dumps(item, sort_keys=True, default=str).encode("utf-8")).hexdigest()
