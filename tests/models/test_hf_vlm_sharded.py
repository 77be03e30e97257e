"""Data-parallel hf-vlm: the sharded run's predictions equal the single-process run's.

Compared line by line after sorting by sample id, every field except ``latency_s`` (a wall-clock
measurement). Fast test: the two shards as two in-process runs (``--num-shards 2
--shard-index i``), then ``score`` merges. Slow test: the real launcher,
``accelerate launch --multi_gpu --num_processes 2 -m gazex_bench run ...`` on CPU (torchrun +
gloo barrier; rank 0 merges and scores).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from gazex_bench.cli import main  # noqa: E402


def _canonical(path: Path) -> list[str]:
    rows = [json.loads(x) for x in path.read_text().splitlines()]
    return sorted(json.dumps({k: v for k, v in r.items() if k != "latency_s"}, sort_keys=True) for r in rows)


def _args(ckpt: Path, root: Path, out: Path) -> list[str]:
    return [
        "run",
        "--task",
        "cxr-vqa",
        "--model",
        "hf-vlm",
        "--model-arg",
        f"path={ckpt}",
        "--model-arg",
        "max_new_tokens=4",
        "--model-arg",
        "batch_size=2",
        "--data-root",
        str(root),
        "--split",
        "all",
        "--limit",
        "6",
        "--out",
        str(out),
        "--quiet",
        "--n-boot",
        "5",
        "--num-shards",
        "1",
    ]


def test_two_shards_equal_single_run(
    family_dir: Path, tiny_phantom: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ckpt = family_dir / "qwen2_vl"
    assert main(_args(ckpt, tiny_phantom, tmp_path / "single")) == 0
    base = _args(ckpt, tiny_phantom, tmp_path / "sharded")[:-2]
    for i in (0, 1):
        assert main([*base, "--num-shards", "2", "--shard-index", str(i)]) == 0
    (run_dir,) = (tmp_path / "sharded").iterdir()
    sizes = [len((run_dir / f"predictions.shard-{i}-of-2.jsonl").read_text().splitlines()) for i in (0, 1)]
    assert sum(sizes) == 6 and min(sizes) > 0
    assert main(["score", "--run", str(run_dir), "--n-boot", "5"]) == 0
    (single,) = (tmp_path / "single").iterdir()
    assert _canonical(run_dir / "predictions.jsonl") == _canonical(single / "predictions.jsonl")
    capsys.readouterr()


@pytest.mark.slow
def test_accelerate_launch_two_processes(family_dir: Path, tiny_phantom: Path, tmp_path: Path) -> None:
    accelerate = Path(sys.executable).with_name("accelerate")
    if not accelerate.is_file():
        pytest.skip("accelerate launcher not installed")
    ckpt = family_dir / "qwen2_vl"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop("WORLD_SIZE", None)
    argv = _args(ckpt, tiny_phantom, tmp_path / "acc")[:-2] + ["--num-shards", "auto"]
    cmd = [
        str(accelerate),
        "launch",
        "--multi_gpu",
        "--num_processes",
        "2",
        "--mixed_precision",
        "no",
        "--dynamo_backend",
        "no",
        "--main_process_port",
        "29517",
        "-m",
        "gazex_bench",
        *argv,
    ]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    (run_dir,) = (tmp_path / "acc").iterdir()
    assert (run_dir / "run.json").is_file() and (run_dir / "predictions.shard-1-of-2.jsonl").is_file()
    assert main(_args(ckpt, tiny_phantom, tmp_path / "single")) == 0
    (single,) = (tmp_path / "single").iterdir()
    assert _canonical(run_dir / "predictions.jsonl") == _canonical(single / "predictions.jsonl")
    shutil.rmtree(tmp_path / "acc")
