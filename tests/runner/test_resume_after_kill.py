"""SIGKILL a run half-way, run the same command again: it completes, recomputes no finished
sample (model calls counted by the third-party test adapter) and gives the same metrics as an
uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "thirdparty_adapter"


def _cmd(root: Path, out: Path, counter: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gazex_bench",
        "run",
        "--task",
        "cxr-vqa",
        "--model",
        "thirdparty-echo",
        "--model-arg",
        f"counter={counter}",
        "--model-arg",
        "sleep=0.05",
        "--data-root",
        str(root),
        "--split",
        "all",
        "--limit",
        "40",
        "--out",
        str(out),
        "--quiet",
        "--n-boot",
        "50",
    ]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(FIXTURE), os.environ.get("PYTHONPATH", "")])}


def _finished_ids(pred: Path) -> set[str]:
    out = set()
    for line in pred.read_text().splitlines(keepends=True):
        if line.endswith("\n"):
            out.add(json.loads(line)["sample_id"])
    return out


def test_kill_then_resume(tiny_phantom: Path, tmp_path: Path) -> None:
    out, counter = tmp_path / "runs", tmp_path / "calls.txt"
    proc = subprocess.Popen(_cmd(tiny_phantom, out, counter), env=_env(), stderr=subprocess.PIPE)
    deadline = time.time() + 120
    preds: list[Path] = []
    while time.time() < deadline:
        preds = list(out.glob("*/predictions.jsonl"))
        if preds and len(_finished_ids(preds[0])) >= 8:
            break
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    run_dir = preds[0].parent
    assert not (run_dir / "run.json").exists()
    finished = _finished_ids(preds[0])
    n_calls_before = len(counter.read_text().splitlines())
    assert 8 <= len(finished) < 40

    second = subprocess.run(_cmd(tiny_phantom, out, counter), env=_env(), capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    recomputed = counter.read_text().splitlines()[n_calls_before:]
    assert not set(recomputed) & finished  # no finished sample was recomputed
    assert set(recomputed) | finished == _finished_ids(run_dir / "predictions.jsonl")
    assert len(_finished_ids(run_dir / "predictions.jsonl")) == 40
    resumed = json.loads((run_dir / "run.json").read_text())

    clean = subprocess.run(
        _cmd(tiny_phantom, tmp_path / "clean", counter), env=_env(), capture_output=True, text=True
    )
    assert clean.returncode == 0, clean.stderr
    (clean_json,) = (tmp_path / "clean").glob("*/run.json")
    uninterrupted = json.loads(clean_json.read_text())
    assert resumed["metrics"] == uninterrupted["metrics"]
    assert resumed["dataset"] == {**uninterrupted["dataset"]}
    assert resumed["run_id"] == uninterrupted["run_id"]
