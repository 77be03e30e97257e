"""The distributed path for real: ``accelerate launch`` with 2 processes (gloo on CPU, DDP), stage 1 and stage 2.

Checks that saving on the main process neither hangs nor leaves partial files (no ``.tmp`` checkpoint, adapter
loadable), that checkpoints hold only the adapter, and that ``--resume`` reproduces the losses of an
uninterrupted 2-process run. FSDP cannot be exercised on CPU: accelerate 1.16 only enables FSDP on accelerator
devices (``ACCELERATE_USE_CPU`` falls back to MULTI_CPU), which the run now says in a warning (asserted here).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("accelerate")

WORKER = Path(__file__).resolve().parent / "dist_worker.py"
ROOT = Path(__file__).resolve().parents[2]


def _launch(tmp: Path, *args: str, fsdp: bool = False, port: int = 29531) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "ACCELERATE_USE_CPU": "true",
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
    }
    cmd = [
        sys.executable,
        "-m",
        "accelerate.commands.launch",
        "--num_processes",
        "2",
        "--num_machines",
        "1",
        "--mixed_precision",
        "no",
        "--dynamo_backend",
        "no",
        "--main_process_port",
        str(port),
    ]
    cmd += ["--use_fsdp", "--fsdp_version", "2"] if fsdp else ["--multi_gpu"]
    res = subprocess.run(
        [*cmd, str(WORKER), *args], env=env, capture_output=True, text=True, timeout=500, cwd=tmp
    )
    assert res.returncode == 0, res.stderr[-3000:]
    return res


def _losses(run: Path) -> list[dict]:
    return [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]


@pytest.mark.slow
def test_ddp_two_processes_stage1_resume_stage2(tmp_path: Path) -> None:
    import shutil

    from safetensors import safe_open

    s1, s1b, s2 = tmp_path / "s1", tmp_path / "s1b", tmp_path / "s2"
    out = _launch(tmp_path, "1", str(s1), "--steps", "4")
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert info == {"steps": 4, "processes": 2, "distributed_type": "DistributedType.MULTI_CPU"}
    ckpts = sorted((s1 / "checkpoints").iterdir())
    assert [c.name for c in ckpts] == ["step_000002", "step_000004"]  # keep 2, no .tmp left behind
    with safe_open(str(ckpts[0] / "model.safetensors"), "pt") as fh:
        assert all("lora_" in k for k in fh.keys())
    assert {"random_states_0.pkl", "random_states_1.pkl", "optimizer.bin", "scheduler.bin"} <= {
        p.name for p in ckpts[0].iterdir()
    }
    assert (s1 / "adapter" / "adapter_model.safetensors").is_file()
    record = json.loads((s1 / "training_record.json").read_text())
    assert record["lineage"][-1]["budget"]["samples_seen"] == 4 * 1 * 2  # steps x batch x processes
    # a crash after the step-2 checkpoint: keep the run up to step 2, then resume the same 4-step run
    shutil.copytree(s1, s1b)
    shutil.rmtree(s1b / "checkpoints" / "step_000004")
    lines = (s1b / "metrics.jsonl").read_text().splitlines(keepends=True)
    (s1b / "metrics.jsonl").write_text("".join(lines[:2]))
    _launch(tmp_path, "1", str(s1b), "--steps", "4", "--resume", port=29533)
    for x, y in zip(_losses(s1), _losses(s1b), strict=True):
        assert x["step"] == y["step"] and x["lr"] == pytest.approx(y["lr"])
        assert all(abs(x["losses"][k] - y["losses"][k]) < 1e-5 for k in x["losses"]), (x, y)
    _launch(tmp_path, "2", str(s2), str(s1), "--steps", "2", port=29534)
    lineage = json.loads((s2 / "training_record.json").read_text())["lineage"]
    assert [e["stage"] for e in lineage] == [0, 1, 2] and (
        s2 / "adapter" / "adapter_model.safetensors"
    ).is_file()


@pytest.mark.slow
def test_fsdp_on_cpu_says_it_is_not_active(tmp_path: Path) -> None:
    res = _launch(tmp_path, "1", str(tmp_path / "f1"), "--steps", "2", fsdp=True, port=29535)
    assert "FSDP is NOT active" in res.stderr
