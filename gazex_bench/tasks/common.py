"""Helpers shared by task modules: locating a dataset and selecting a split."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
import sys
from typing import Any, TypeVar

from gazex_bench.errors import UsageError

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
    from gazex_bench.data.discover import discover, require

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
        raise UsageError(f"{dataset} has no '{split}' split (present: {', '.join(present) or 'none'}; or --split all)")
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
