"""Helpers shared by task modules: locating a dataset and selecting a split."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from gazex_bench.data.discover import discover, require
from gazex_bench.errors import UsageError
from gazex_bench.images import image_problem

T = TypeVar("T")

SPLIT_ALIASES: dict[str, tuple[str, ...]] = {
    "val": ("val", "validate", "validation"),
    "validate": ("validate", "val", "validation"),
    "test": ("test",),
    "train": ("train",),
}
"""Split names accepted for each other (R2Gen ``val`` vs MIMIC ``validate``)."""

ALL_SPLITS = "all"
"""``--split all`` evaluates every record regardless of split."""


def dataset_folder(root: Path, name: str) -> Path:
    """Folder of dataset ``name`` (a :class:`~gazex_bench.data.discover.DataPaths` field) under ``root``.

    Raises:
        UsageError: the data root does not contain it.
    """
    return require(discover(root), name)


def select_split(
    records: Sequence[T], split: str, get_split: Callable[[T], str | None], dataset: str
) -> list[T]:
    """Records of ``split`` (aliases accepted; ``all`` keeps everything).

    Raises:
        UsageError: no record has that split (lists the splits present).
    """
    if split == ALL_SPLITS:
        return list(records)
    wanted = SPLIT_ALIASES.get(split, (split,))
    out = [r for r in records if get_split(r) in wanted]
    if not out:
        present = sorted(Counter(str(get_split(r)) for r in records))
        raise UsageError(
            f"{dataset} has no '{split}' split (present: {', '.join(present) or 'none'}; or --split all)"
        )
    return out


def train_records(records: Iterable[T], get_split: Callable[[T], str | None], limit: int = 20000) -> list[T]:
    """The first ``limit`` training-split records (for baselines' ``fit``)."""
    out = []
    for r in records:
        if get_split(r) == "train":
            out.append(r)
            if len(out) >= limit:
                break
    return out


def merge_counts(*counters: dict[str, int] | Counter[str]) -> dict[str, int]:
    """Sum several reason → count maps (zero counts dropped)."""
    total: Counter[str] = Counter()
    for c in counters:
        total.update(dict(c))
    return {k: int(v) for k, v in sorted(total.items()) if v}


def progress(iterable: Any, *, total: int, desc: str, quiet: bool = False) -> Any:
    """A tqdm bar on stderr; disabled with ``quiet`` or when stderr is not a terminal."""
    from tqdm.auto import tqdm

    disable = quiet or not sys.stderr.isatty()
    return tqdm(iterable, total=total, desc=desc, file=sys.stderr, disable=disable, leave=False)


def take_samples(
    chosen: Sequence[T],
    build: Callable[[T], Any],
    reject: Callable[[T], str | None],
    limit: int | None,
    dropped: dict[str, int],
) -> list[Any]:
    """Build samples in dataset order, counting every rejected record by reason.

    Args:
        chosen: Records of the selected split.
        build: Record -> :class:`~gazex_bench.tasks.base.TaskSample`.
        reject: Record -> a drop reason (e.g. ``no_image``) or None to keep it.
        limit: Stop after this many kept samples; the rest count as ``beyond_limit``.
        dropped: Reason -> count, updated in place.
    """
    samples: list[Any] = []
    for i, rec in enumerate(chosen):
        if limit is not None and len(samples) >= limit:
            dropped["beyond_limit"] = dropped.get("beyond_limit", 0) + len(chosen) - i
            break
        reason = reject(rec)
        if reason is not None:
            dropped[reason] = dropped.get(reason, 0) + 1
            continue
        samples.append(build(rec))
    return samples


def missing_image(paths: Iterable[Any] | None) -> str | None:
    """Drop reason of a sample's images: ``no_image`` (missing), ``bad_image`` (does not decode) or None.

    See :func:`gazex_bench.images.image_problem` (the one shared check; problems are noted for the run record).
    """
    return image_problem(paths)
