"""Runner API on an in-memory fake task: artifacts, resume, sharding, rescoring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_task import FakeVqaTask, write_fake_dataset  # type: ignore[import-not-found]

from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.models.registry import build_adapter_registry
from gazex_bench.runner.api import RunRequest, run
from gazex_bench.runner.predict import Shard
from gazex_bench.runner.score import score_run
from gazex_bench.tasks.base import ScoreOptions
from gazex_bench.tasks.registry import build_task_registry

OPTS = ScoreOptions(n_boot=50)


@pytest.fixture()
def setup(tmp_path: Path):
    root = write_fake_dataset(tmp_path / "data")
    return root, build_task_registry({"fake-vqa": FakeVqaTask}), build_adapter_registry(extra=[])


def _req(root: Path, out: Path, model: str = "oracle", **kw) -> RunRequest:
    return RunRequest(task="fake-vqa", model=model, data_root=root, out=out, quiet=True, score=OPTS, **kw)


def test_oracle_run_writes_three_artifacts(setup, tmp_path: Path) -> None:
    root, tasks, adapters = setup
    res = run(_req(root, tmp_path / "runs"), tasks=tasks, adapters=adapters)
    assert res.record["metrics"]["accuracy"]["value"] == 1.0
    files = sorted(p.name for p in res.run_dir.iterdir())
    assert files == ["model.json", "predictions.jsonl", "run.json", "scores.jsonl", "spec.json"]
    lines = [json.loads(x) for x in (res.run_dir / "predictions.jsonl").read_text().splitlines()]
    assert len(lines) == 8 and set(lines[0]) >= {
        "sample_id",
        "prompt_sha256",
        "raw",
        "parsed",
        "error",
        "latency_s",
    }
    rec = res.record
    assert rec["dataset"]["n_source"] == 8 and rec["dataset"]["n_evaluated"] == 8
    assert rec["metrics"]["accuracy"]["ci_method"].startswith("percentile-bootstrap")


def test_same_command_resumes_same_dir(setup, tmp_path: Path) -> None:
    root, tasks, adapters = setup
    a = run(_req(root, tmp_path / "runs", limit=3), tasks=tasks, adapters=adapters)
    b = run(_req(root, tmp_path / "runs", limit=3), tasks=tasks, adapters=adapters)
    assert a.run_dir == b.run_dir and b.stats.n_predicted == 0 and b.stats.n_done_before == 3
    assert a.record["dataset"]["dropped"] == {"beyond_limit": 5}
    c = run(_req(root, tmp_path / "runs", limit=4), tasks=tasks, adapters=adapters)
    assert c.run_dir != a.run_dir


def test_shards_merge_to_the_unsharded_result(setup, tmp_path: Path) -> None:
    root, tasks, adapters = setup
    for i in range(3):
        out = run(
            _req(root, tmp_path / "runs", model="random", shard=Shard(i, 3)), tasks=tasks, adapters=adapters
        )
        assert out.record is None
    merged = score_run(out.run_dir, tasks.get("fake-vqa")(), options=OPTS)
    full = run(_req(root, tmp_path / "full", model="random"), tasks=tasks, adapters=adapters)
    assert merged["metrics"] == full.record["metrics"]


def test_missing_prediction_is_one_error_and_no_run_json(setup, tmp_path: Path) -> None:
    root, tasks, adapters = setup
    res = run(_req(root, tmp_path / "runs"), tasks=tasks, adapters=adapters)
    (res.run_dir / "run.json").unlink()
    p = res.run_dir / "predictions.jsonl"
    p.write_text("".join(p.read_text().splitlines(keepends=True)[1:]))
    with pytest.raises(DataFormatError, match="have no prediction"):
        score_run(res.run_dir, tasks.get("fake-vqa")(), options=OPTS)
    assert not (res.run_dir / "run.json").exists()


def test_unknown_names_suggest(setup, tmp_path: Path) -> None:
    root, tasks, adapters = setup
    with pytest.raises(UsageError, match="did you mean 'oracle'"):
        run(_req(root, tmp_path, model="oracel"), tasks=tasks, adapters=adapters)
    with pytest.raises(UsageError, match="did you mean 'fake-vqa'"):
        run(
            RunRequest(task="fake-vq", model="oracle", data_root=root, out=tmp_path),
            tasks=tasks,
            adapters=adapters,
        )
