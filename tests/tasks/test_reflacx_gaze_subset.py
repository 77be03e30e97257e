"""``reflacx-gaze --task-arg images=N``: a deterministic image subset that keeps every reader."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import pytest

from gazex_bench.cli import main
from gazex_bench.errors import UsageError
from gazex_bench.runner.api import RunRequest, run
from gazex_bench.runner.loading import load_task_data
from gazex_bench.tasks.reflacx_gaze.subset import DROP_REASON, parse_images, select_images
from gazex_bench.tasks.reflacx_gaze.task import ReflacxGazeTask


def _reading(group: str, rid: str, usable: bool = True) -> SimpleNamespace:
    return SimpleNamespace(image_group=group, reading_id=rid, discarded=not usable, fixations=object())


def test_first_n_groups_by_sha256_keep_every_reading_in_input_order() -> None:
    # sha256 hex digests (hashlib, UTF-8): A 559aead0..., B df7e70e5..., C 6b23c0d5..., D 3f39d5c3...
    # -> rank D < A < C < B; images=2 keeps D and A with all their readings; E has no usable reading.
    readings = [
        _reading("A", "a1"),
        _reading("B", "b1"),
        _reading("A", "a2"),
        _reading("C", "c1"),
        _reading("D", "d1"),
        _reading(
            "D", "d2", usable=False
        ),  # a discarded reading of a kept image stays (dropped later, counted)
        _reading("A", "a3"),
        _reading("E", "e1", usable=False),
    ]
    dropped: dict[str, int] = {}
    kept, subset = select_images(readings, 2, dropped)
    assert [r.reading_id for r in kept] == ["a1", "a2", "d1", "d2", "a3"]
    assert dropped == {DROP_REASON: 3}  # b1, c1, e1
    assert subset is not None and (subset.n_selected, subset.n_images) == (2, 4)
    assert subset.status().startswith("scored on 2 of 4 images")
    shuffled = readings[:]
    random.Random(1).shuffle(shuffled)
    again, _ = select_images(shuffled, 2, {})
    assert sorted(r.reading_id for r in again) == sorted(r.reading_id for r in kept)
    everything, none = select_images(readings, None, dropped)
    assert everything == readings and none is None
    more, big = select_images(readings, 10, {})  # more than there are: all images, nothing dropped
    assert len(more) == len(readings) - 1 and big is not None and big.n_selected == 4


@pytest.mark.parametrize("bad", ["0", "-1", "2.5", "two", 0, " "])
def test_bad_images_values_are_one_usage_error(bad: object) -> None:
    with pytest.raises(UsageError, match="images must be a positive integer"):
        parse_images(bad)


def test_cli_rejects_images_zero_with_one_line(tiny_phantom: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    args = ["run", "--task", "reflacx-gaze", "--model", "oracle", "--data-root", str(tiny_phantom)]
    args += ["--task-arg", "images=0", "--out", str(tmp_path), "--quiet"]
    assert main(args) == 2
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(err) == 1 and "images must be a positive integer, got 0" in err[0]
    assert not any(tmp_path.iterdir())  # nothing half-written


def test_subset_on_the_phantom_keeps_all_readers_and_is_recorded(tiny_phantom: Path, tmp_path: Path) -> None:
    full = load_task_data(ReflacxGazeTask(), tiny_phantom, split="all", limit=None)
    sub = load_task_data(ReflacxGazeTask(images="2"), tiny_phantom, split="all", limit=None)
    again = load_task_data(ReflacxGazeTask(images="2"), tiny_phantom, split="all", limit=None)
    assert [s.sample_id for s in sub.samples] == [s.sample_id for s in again.samples]  # deterministic

    def readings(data: object) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for r in data.context.readers:  # type: ignore[attr-defined]
            out[r.image_group].add(r.reading_id)
        return out

    kept, every = readings(sub), readings(full)
    assert len(kept) == 2 and all(kept[g] == every[g] for g in kept)  # every reader of each kept image
    assert {s.sample_id for s in sub.samples} == {s.sample_id for s in full.samples if s.group in kept}
    assert sub.dropped[DROP_REASON] > 0
    rec = run(
        RunRequest(
            task="reflacx-gaze",
            model="oracle",
            data_root=tiny_phantom,
            out=tmp_path,
            quiet=True,
            task_args={"images": "2"},
        )
    ).record
    assert rec is not None
    assert rec["analysis_status"]["image_subset"].startswith(f"scored on 2 of {len(every)} images")
    assert rec["task"]["args"] == {"images": "2"}
    assert rec["dataset"]["dropped"][DROP_REASON] == sub.dropped[DROP_REASON]
    assert json.dumps(rec["dataset"]["n_evaluated"]) == str(len(sub.samples))
