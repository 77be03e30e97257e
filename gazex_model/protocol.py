"""Train a list of runs (a protocol plan): ``python -m gazex_model.protocol --plan plan.json [--workers N]``.

The plan is a JSON list of jobs (a stage-2 job names its stage-1 run in ``model.init_from``
through ``set``)::

    [{"config": "configs/tiny.yaml", "out": "runs/s1", "set": ["max_steps=200"]},
     {"config": "configs/tiny-downstream-vqa.yaml", "out": "runs/s1-vqa",
      "set": ["model.init_from=runs/s1"]}]

Every job runs :func:`gazex_model.cli.train_config` on ``--data-root``. A finished job writes
``<out>/DONE`` holding the job (config text SHA-256 + overrides + data root); a job whose
``DONE`` matches is skipped, any other output folder is replaced.

``--workers 1`` (default) trains the jobs in plan order in this process. ``--workers N`` trains
them in N worker processes (``spawn``): a job starts, in plan order, once the job whose ``out``
its ``model.init_from`` names has finished. Every job seeds itself from its own config and
builds its own model, so the trained weights and losses do not depend on the number of workers
(tested); give each job ``num_threads`` so that workers x threads fits the cores.

Prints one JSON line per job as it finishes (``run_dir``, ``steps``, ``seconds``,
``cpu_seconds``, ``started``/``finished`` (Unix time), ``skipped``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Sequence
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


def _check_jobs(jobs: Sequence[Any]) -> None:
    for i, job in enumerate(jobs):
        if not isinstance(job, dict) or "config" not in job or "out" not in job:
            raise UsageError(f"plan job {i}: needs 'config' and 'out' (and optional 'set' list)")


def run_job(job: dict[str, Any], root: str) -> dict[str, Any]:
    """Train one job (or skip it when its ``DONE`` matches); returns its summary row."""
    from gazex_model.cli import train_config
    from gazex_model.config import load_config

    t0, cpu0, started = time.perf_counter(), time.process_time(), time.time()
    out, key = Path(job["out"]), _job_key(job, root)
    done = out / "DONE"
    if done.is_file() and json.loads(done.read_text()).get("key") == key:
        return {"run_dir": str(out), "skipped": True, **json.loads(done.read_text())["result"]}
    shutil.rmtree(out, ignore_errors=True)
    cfg = load_config(job["config"], [*job.get("set", []), f"data.root={root}"])
    res = train_config(cfg, root, out)
    result = {
        "steps": res.steps,
        "seconds": round(time.perf_counter() - t0, 2),
        "cpu_seconds": round(time.process_time() - cpu0, 2),  # this process, all its threads
        "started": round(started, 3),
        "finished": round(time.time(), 3),
    }
    done.write_text(json.dumps({"key": key, "result": result}))
    return {"run_dir": str(out), "skipped": False, **result}


def _worker_job(job: dict[str, Any], root: str) -> dict[str, Any]:
    """:func:`run_job` in a worker process; a GazexError comes back as ``{"error": line}`` (picklable)."""
    try:
        return run_job(job, root)
    except GazexError as exc:
        return {"run_dir": job["out"], "error": str(exc)}


def _quiet_libraries(verbose: bool = False) -> None:
    """Logging of this process (and of every worker): our warnings, no 🤗 progress bars or info lines."""
    from transformers.utils import logging as hf_logging

    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def dependencies(jobs: Sequence[dict[str, Any]]) -> list[int | None]:
    """Per job, the index of the plan job whose ``out`` its ``model.init_from`` names (None: no such job)."""
    outs = {str(Path(j["out"]).resolve()): i for i, j in enumerate(jobs)}
    deps: list[int | None] = []
    for job in jobs:
        init = [s.split("=", 1)[1] for s in job.get("set", []) if s.startswith("model.init_from=")]
        deps.append(outs.get(str(Path(init[-1]).resolve())) if init and init[-1] != "null" else None)
    return deps


def _emit(row: dict[str, Any]) -> None:
    print(json.dumps(row), flush=True)


def run_plan(
    jobs: list[dict[str, Any]], root: str, workers: int = 1, verbose: bool = False
) -> list[dict[str, Any]]:
    """Train every job of the plan (skipping finished ones); returns one summary per job, in plan order.

    Raises:
        UsageError: a malformed job, or (with workers) the first job that failed, by its output folder.
    """
    _check_jobs(jobs)
    if workers <= 1:
        rows = []
        for job in jobs:
            rows.append(run_job(job, root))
            _emit(rows[-1])
        return rows
    return _run_parallel(jobs, root, workers, verbose)


def _run_parallel(jobs: list[dict[str, Any]], root: str, workers: int, verbose: bool) -> list[dict[str, Any]]:
    """Dependency-ordered scheduling over ``workers`` spawned processes (module doc)."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    deps = dependencies(jobs)
    rows: list[dict[str, Any] | None] = [None] * len(jobs)
    pending = list(range(len(jobs)))
    running: dict[Future[dict[str, Any]], int] = {}
    ctx = multiprocessing.get_context("spawn")  # no fork of a process holding torch thread pools
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_quiet_libraries, initargs=(verbose,)
    ) as pool:
        while pending or running:
            ready = [i for i in pending if deps[i] is None or rows[deps[i]] is not None]
            for i in ready[: workers - len(running)]:
                pending.remove(i)
                running[pool.submit(_worker_job, jobs[i], root)] = i
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                i = running.pop(fut)
                row = fut.result()
                if "error" in row:
                    for other in running:
                        other.cancel()
                    raise UsageError(f"plan job {i} ({jobs[i]['out']}): {row['error']}")
                rows[i] = row
                _emit(row)
    return [r for r in rows if r is not None]


def main(argv: list[str] | None = None) -> int:
    """Entry point; a GazexError is one line on stderr and exit code 2."""
    p = argparse.ArgumentParser(prog="python -m gazex_model.protocol", description=__doc__.splitlines()[0])
    p.add_argument("--plan", required=True, help="JSON list of jobs {config, out, set}")
    p.add_argument(
        "--data-root", required=True, help="data root (REFLACX + downstream datasets, or a phantom)"
    )
    p.add_argument(
        "--workers", type=int, default=1, help="training processes (default 1: in plan order here)"
    )
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # inherited by the workers
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        _quiet_libraries(args.verbose)
        if args.workers < 1:
            raise UsageError(f"--workers must be >= 1, got {args.workers}")
        try:
            jobs = json.loads(Path(args.plan).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"{args.plan}: not a readable JSON plan ({exc})") from None
        if not isinstance(jobs, list):
            raise UsageError(f"{args.plan}: the plan must be a JSON list of jobs")
        run_plan(jobs, args.data_root, args.workers, args.verbose)
    except GazexError as exc:
        print(f"gazex_model.protocol: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
