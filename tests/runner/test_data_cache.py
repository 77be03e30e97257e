"""The opt-in task-data cache: a hit on the second identical load, a miss on any changed input."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gazex_bench.runner.data_cache import shared_task_data
from gazex_bench.runner.loading import load_task_data
from gazex_bench.tasks.base import TaskData
from tests.runner.fake_task import FakeVqaTask, write_fake_dataset


class CountingTask(FakeVqaTask):
    """FakeVqaTask counting its loads, with one option (which the cache key must include)."""

    task_options = {"flavour": "any string"}
    loads = 0

    def load(self, data_root: Path, *, split: str | None, limit: int | None) -> TaskData:
        type(self).loads += 1
        return super().load(data_root, split=split, limit=limit)


def _load(root: Path, **args: Any) -> TaskData:
    return load_task_data(CountingTask(**args), root, split="test", limit=None)


def test_second_identical_load_is_a_hit_and_changes_miss(tmp_path: Path) -> None:
    root = write_fake_dataset(tmp_path / "data")
    CountingTask.loads = 0
    with shared_task_data() as cache:
        first = _load(root, flavour="a")
        assert _load(root, flavour="a") is first  # same object, task.load not called again
        assert (CountingTask.loads, cache.hits, cache.misses) == (1, 1, 1)
        _load(root, flavour="b")  # changed option -> miss
        assert (CountingTask.loads, cache.misses) == (2, 2)
        load_task_data(CountingTask(flavour="a"), root, split="test", limit=2)  # changed limit -> miss
        assert CountingTask.loads == 3
        answers = root / "fake" / "answers.txt"
        answers.write_text(answers.read_text() + "q999,new?,yes,test\n")  # changed file -> miss
        again = _load(root, flavour="a")
        assert CountingTask.loads == 4 and len(again.samples) == len(first.samples) + 1
        (root / "fake" / "extra.txt").write_text("x")  # added file -> miss
        _load(root, flavour="a")
        assert CountingTask.loads == 5


def test_option_file_content_is_part_of_the_key(tmp_path: Path) -> None:
    root = write_fake_dataset(tmp_path / "data")
    option_file = tmp_path / "map.csv"
    option_file.write_text("a,1\n")
    CountingTask.loads = 0
    with shared_task_data():
        _load(root, flavour=str(option_file))
        _load(root, flavour=str(option_file))
        assert CountingTask.loads == 1
        option_file.write_text("a,2\nb,3\n")  # same path, new content (size) -> miss
        os.utime(option_file, ns=(1, 1))
        _load(root, flavour=str(option_file))
        assert CountingTask.loads == 2


def test_no_cache_outside_the_context(tmp_path: Path) -> None:
    root = write_fake_dataset(tmp_path / "data")
    CountingTask.loads = 0
    _load(root)
    _load(root)
    assert CountingTask.loads == 2
