"""Estimate the demo's wall time on idle cores from a demo measured on a busy machine.

Usage::

    .venv/bin/python benchmarks/demo_idle_estimate.py OUT/timing.json WORK/models/plan.json [--workers 2]

Wall time on a shared machine depends on the other jobs; CPU time (user + system) much less. The
estimate replays the demo on idle cores from the CPU seconds it recorded (``timing.json``):

* **training**: the scheduler of ``gazex_model.protocol`` (a job starts, in plan order, on a free
  worker once the run its ``model.init_from`` names has finished) simulated with each job's CPU
  seconds as its duration (one torch thread per job, so CPU ~ wall on an idle core), plus the
  start-up CPU (interpreters, imports) divided over the workers;
* **every other phase** (one process): its CPU seconds. An upper bound when the phase used more
  than one thread on idle cores, a lower bound for time spent waiting on the disk.

Prints one line per phase, then the total, and compares with the measured wall time.
"""

from __future__ import annotations

import argparse
import heapq
import json
from pathlib import Path
from typing import Any

from gazex_model.protocol import dependencies


def simulate(durations: list[float], deps: list[int | None], workers: int) -> float:
    """Makespan of the protocol scheduler with ``durations`` (seconds) per job, in plan order."""
    done_at: list[float | None] = [None] * len(durations)
    free = [0.0] * workers  # time each worker becomes free
    heapq.heapify(free)
    pending = list(range(len(durations)))
    while pending:
        t = heapq.heappop(free)
        ready = [i for i in pending if deps[i] is None or (done_at[deps[i]] or 1e18) <= t]
        if not ready:  # wait for the earliest dependency among the pending jobs to finish
            nxt = min(done_at[deps[i]] or 1e18 for i in pending if deps[i] is not None)
            heapq.heappush(free, max(nxt, t))
            continue
        i = ready[0]
        pending.remove(i)
        done_at[i] = t + durations[i]
        heapq.heappush(free, done_at[i])
    return max(d or 0.0 for d in done_at)


def estimate(timing: dict[str, Any], plan: list[dict[str, Any]], workers: int) -> list[tuple[str, float]]:
    """(phase, idle seconds) rows; training replaces the measured stage 1 / stage 2 / start-up rows."""
    rows_by_dir = {str(Path(r["run_dir"]).resolve()): r for r in timing["training_jobs"]}
    durations = [float(rows_by_dir[str(Path(j["out"]).resolve())]["cpu_seconds"]) for j in plan]
    phases = timing["phases"]
    startup = sum(p["cpu"] for p in phases if p["name"].startswith("training start-up"))
    out = [
        (
            f"training ({len(plan)} runs, {workers} workers, simulated)",
            simulate(durations, dependencies(plan), workers) + startup / workers,
        )
    ]
    out += [
        (p["name"], float(p["cpu"]))
        for p in phases
        if not p["name"].startswith(("train stage", "training start-up"))
    ]
    return out


def main() -> int:
    """Print the estimate; exit code 0."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("timing", type=Path)
    p.add_argument("plan", type=Path)
    p.add_argument("--workers", type=int, default=None, help="default: the workers of the measured demo")
    args = p.parse_args()
    timing = json.loads(args.timing.read_text())
    plan = json.loads(args.plan.read_text())
    workers = args.workers or int(timing["workers"])
    rows = estimate(timing, plan, workers)
    for name, sec in rows:
        print(f"{name:55s} {sec:7.0f} s")
    total = sum(s for _, s in rows)
    print(f"{'estimate on idle cores':55s} {total:7.0f} s ({total / 60:.1f} min)")
    print(
        f"{'measured wall (busy machine)':55s} {timing['wall_seconds']:7.0f} s; CPU {timing['cpu_seconds']:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
