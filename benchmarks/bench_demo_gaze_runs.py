"""Benchmark: the demo's ``reflacx-gaze`` runs for several models in one process, cache off vs on.

Usage::

    .venv/bin/python benchmarks/bench_demo_gaze_runs.py [--root PHANTOM] [--models center-bias,random,oracle]

Without ``--root`` the demo's phantom (``small``, seed 0) is generated into a temporary folder.
Each model is run with the demo's task options (phase 2, the phantom's radiologist map) through
:func:`gazex_bench.runner.api.run`, load and scoring timed separately:

* **reference**: every run loads the task itself (no data cache; the reader-only tables are
  memoised by the library in both passes);
* **cached**: inside :func:`gazex_bench.runner.data_cache.shared_task_data`, as the demo runs.

Each pass runs in a fresh process. Both must give identical run.json metrics and reference rows; the ratio of total seconds is printed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from gazex_bench.runner import api
from gazex_bench.runner.api import RunRequest
from gazex_bench.runner.data_cache import shared_task_data


def _timed(name: str, fn: Callable[..., Any], clock: dict[str, float]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            clock[name] += time.perf_counter() - t0

    return wrapper


def _runs(root: Path, models: list[str], out: Path, cached: bool) -> tuple[list[dict[str, float]], list[Any]]:
    times, records = [], []
    args = {"radiologist_map": str(root / "phantom_truth" / "radiologists.csv"), "phases": "2"}
    load, score = api.load_task_data, api.score_run
    with shared_task_data() if cached else nullcontext():
        for model in models:
            clock = {"load": 0.0, "score": 0.0}
            api.load_task_data, api.score_run = _timed("load", load, clock), _timed("score", score, clock)
            try:
                outcome = api.run(
                    RunRequest(
                        task="reflacx-gaze", model=model, data_root=root, task_args=args, out=out, quiet=True
                    )
                )
            finally:
                api.load_task_data, api.score_run = load, score
            times.append(clock)
            records.append({k: outcome.record[k] for k in ("metrics", "reference_rows")})  # type: ignore[index]
    return times, records


def _pass(root: Path, models: list[str], cached: bool) -> dict[str, Any]:
    """One pass in a fresh process (each pays the process-wide labeler warm-up once, as the demo does)."""
    cmd = [
        sys.executable,
        __file__,
        "--root",
        str(root),
        "--models",
        ",".join(models),
        "--mode",
        "cached" if cached else "reference",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path)
    ap.add_argument("--models", default="center-bias,random,oracle")
    ap.add_argument("--mode", choices=("reference", "cached"), help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    models = a.models.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        if a.mode:
            times, records = _runs(a.root, models, Path(tmp) / "runs", cached=a.mode == "cached")
            print(json.dumps({"times": times, "records": records}))
            return 0
        root = a.root
        if root is None:
            from gazex_bench.phantom.generate import generate_phantom

            root = Path(tmp) / "data"
            generate_phantom(root, size="small", seed=0)
        ref, new = _pass(root, models, cached=False), _pass(root, models, cached=True)
    print("| model | reference load s | reference score s | cached load s | cached score s |")
    print("|---|---|---|---|---|")
    for m, r, n in zip(models, ref["times"], new["times"]):
        print(f"| {m} | {r['load']:.1f} | {r['score']:.1f} | {n['load']:.1f} | {n['score']:.1f} |")
    total_ref = sum(t["load"] + t["score"] for t in ref["times"])
    total_new = sum(t["load"] + t["score"] for t in new["times"])
    same = json.dumps(ref["records"], sort_keys=True) == json.dumps(new["records"], sort_keys=True)
    print(
        f"total: reference {total_ref:.1f} s, cached {total_new:.1f} s, ratio {total_ref / total_new:.2f}x; "
        f"identical metrics and reference rows: {same}"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
