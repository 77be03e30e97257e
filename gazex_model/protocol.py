"""Train a list of runs (a protocol plan) in one process: ``python -m gazex_model.protocol --plan plan.json``.

The plan is a JSON list of jobs, trained in order (a stage-2 job names its stage-1 run in
``model.init_from`` through ``set``)::

    [{"config": "configs/tiny.yaml", "out": "runs/s1", "set": ["max_steps=200"]},
     {"config": "configs/tiny-downstream-vqa.yaml", "out": "runs/s1-vqa",
      "set": ["model.init_from=runs/s1"]}]

Every job runs :func:`gazex_model.cli.train_config` on ``--data-root``. A finished job writes
``<out>/DONE`` holding the job (config text SHA-256 + overrides + data root); a job whose
``DONE`` matches is skipped, any other output folder is replaced. One process saves the
interpreter and library start-up per run and keeps the training pools in memory.
Prints one JSON line per job (``run_dir``, ``steps``, ``seconds``, ``skipped``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from gazex_bench.errors import GazexError, UsageError


def _job_key(job: dict[str, Any], root: str) -> dict[str, Any]:
    from gazex_model.config import dump_config, load_config

    cfg = load_config(job["config"], [*job.get("set", []), f"data.root={root}"])
    return {
        "config_sha256": hashlib.sha256(dump_config(cfg).encode()).hexdigest(),
        "set": list(job.get("set", [])),
        "root": str(Path(root).resolve()),
    }


def run_plan(jobs: list[dict[str, Any]], root: str) -> list[dict[str, Any]]:
    """Train every job of the plan (skipping finished ones); returns one summary per job."""
    from gazex_model.cli import train_config
    from gazex_model.config import load_config

    out_rows = []
    for i, job in enumerate(jobs):
        if not isinstance(job, dict) or "config" not in job or "out" not in job:
            raise UsageError(f"plan job {i}: needs 'config' and 'out' (and optional 'set' list)")
        out, key = Path(job["out"]), _job_key(job, root)
        done = out / "DONE"
        if done.is_file() and json.loads(done.read_text()).get("key") == key:
            out_rows.append({"run_dir": str(out), "skipped": True, **json.loads(done.read_text())["result"]})
            print(json.dumps(out_rows[-1]), flush=True)
            continue
        shutil.rmtree(out, ignore_errors=True)
        cfg = load_config(job["config"], [*job.get("set", []), f"data.root={root}"])
        res = train_config(cfg, root, out)
        result = {"steps": res.steps, "seconds": round(res.seconds, 2)}
        done.write_text(json.dumps({"key": key, "result": result}))
        out_rows.append({"run_dir": str(out), "skipped": False, **result})
        print(json.dumps(out_rows[-1]), flush=True)
    return out_rows


def main(argv: list[str] | None = None) -> int:
    """Entry point; a GazexError is one line on stderr and exit code 2."""
    p = argparse.ArgumentParser(prog="python -m gazex_model.protocol", description=__doc__.splitlines()[0])
    p.add_argument("--plan", required=True, help="JSON list of jobs {config, out, set}")
    p.add_argument(
        "--data-root", required=True, help="data root (REFLACX + downstream datasets, or a phantom)"
    )
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        try:
            jobs = json.loads(Path(args.plan).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"{args.plan}: not a readable JSON plan ({exc})") from None
        if not isinstance(jobs, list):
            raise UsageError(f"{args.plan}: the plan must be a JSON list of jobs")
        run_plan(jobs, args.data_root)
    except GazexError as exc:
        print(f"gazex_model.protocol: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
