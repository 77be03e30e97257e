"""The demo's evaluation in 2 worker processes scores exactly what one process scores."""

from __future__ import annotations

import json
from pathlib import Path

from gazex_bench.demo_eval import score_all
from gazex_bench.runner.api import RunRequest
from gazex_bench.tasks.base import ScoreOptions

FAST = ScoreOptions(n_boot=10)

VOLATILE = ("scored_at_utc", "git", "command")


def _requests(root: Path, out: Path) -> list[RunRequest]:
    reqs = [
        RunRequest(
            task="reflacx-gaze",
            model=m,
            data_root=root,
            out=out,
            quiet=True,
            task_args={"images": "2"},
            score=FAST,
        )
        for m in ("oracle", "random", "center-bias")
    ]
    reqs.append(
        RunRequest(task="cxr-vqa", model="random", data_root=root, limit=4, out=out, quiet=True, score=FAST)
    )
    bad = {"images": "0"}  # fails at load: reported in its slot, the others still run
    reqs.insert(1, RunRequest(task="reflacx-gaze", model="oracle", data_root=root, out=out, task_args=bad))
    return reqs


def _record(run_dir: Path) -> dict:
    """run.json without what differs between any two runs (time, timings, folders)."""
    rec = json.loads((run_dir / "run.json").read_text())
    rec["predictions"].pop("latency_s_median")
    rec["dataset"].pop("root")
    return {k: v for k, v in rec.items() if k not in VOLATILE}


def _predictions(run_dir: Path) -> list[dict]:
    rows = [json.loads(ln) for ln in (run_dir / "predictions.jsonl").read_text().splitlines()]
    return [{k: v for k, v in r.items() if k != "latency_s"} for r in rows]


def test_two_workers_score_what_one_process_scores(tiny_phantom: Path, tmp_path: Path) -> None:
    one = score_all(_requests(tiny_phantom, tmp_path / "one"), workers=1)
    two = score_all(_requests(tiny_phantom, tmp_path / "two"), workers=2, threads=1)
    for res in (one, two):
        assert "images must be a positive integer" in (res[1].error or "") and res[1].run_dir is None
        del res[1]
    assert [r.error for r in one + two] == [None] * 8
    assert [r.run_dir.name for r in one] == [r.run_dir.name for r in two]  # type: ignore[union-attr]
    for a, b in zip(one, two):
        assert _record(a.run_dir) == _record(b.run_dir)  # type: ignore[arg-type]
        assert _predictions(a.run_dir) == _predictions(b.run_dir)  # type: ignore[arg-type]
    assert all(r.cpu_seconds >= 0 and r.seconds > 0 for r in two)
