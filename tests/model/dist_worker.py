"""Worker for ``accelerate launch --num_processes 2`` (gloo, CPU) in test_model_distributed.py.

Usage: ``accelerate launch [...] tests/model/dist_worker.py STAGE OUT [INIT_FROM] [--steps N] [--resume]``.
STAGE 1 trains ``configs/tiny.yaml`` (LoRA) on toy FVP/SDA pools; STAGE 2 trains
``configs/tiny-downstream-report.yaml`` from INIT_FROM. Prints one JSON line (main process only).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from model_testkit import tiny_overrides, toy_corpus, toy_samples  # noqa: E402

from gazex_model.config import load_config  # noqa: E402
from gazex_model.train import TrainData, train  # noqa: E402

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("stage", type=int)
    ap.add_argument("out")
    ap.add_argument("init_from", nargs="?", default=None)
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--resume", action="store_true")
    a = ap.parse_args()
    pools = toy_samples()
    common = [
        *tiny_overrides(),
        "num_threads=1",
        "batch_size=1",
        "save_every=2",
        "keep_checkpoints=2",
        "log_every=1",
        f"max_steps={a.steps}",
        "warmup_steps=1",
    ]
    if a.stage == 1:
        cfg = load_config(CONFIGS / "tiny.yaml", [*common, "method=lora", "objective_start={}"])
        keys = ("fvp", "sda")
    else:
        cfg = load_config(
            CONFIGS / "tiny-downstream-report.yaml", [*common, f"model.init_from={a.init_from}"]
        )
        keys = ("report",)
    res = train(cfg, a.out, TrainData({k: pools[k] for k in keys}, toy_corpus(pools)), resume=a.resume)
    from accelerate import PartialState

    state = PartialState()
    if state.is_main_process:
        print(
            json.dumps(
                {
                    "steps": res.steps,
                    "processes": state.num_processes,
                    "distributed_type": str(state.distributed_type),
                }
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
