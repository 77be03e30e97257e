"""The demo's evaluation phase: every scored run, in one process or in worker processes side by side.

Each scored run (one task x one model) is independent and writes its own run directory, so the
runs can go to ``workers`` processes (spawned, so no torch state is forked; ``threads`` torch
threads each, set through ``OMP_NUM_THREADS`` before any worker imports torch). Every worker keeps
its own :func:`~gazex_bench.runner.data_cache.shared_task_data` cache, so a task's data is loaded
once per worker. Results are collected in job order; a run's scores do not depend on the worker
it ran in nor on the number of workers (``tests/runner/test_demo_eval.py``). With ``workers=1`` the
runs go one after the other in this process, as before (torch then uses its default threads).

On 2 idle cores, 2 workers x 1 thread finish the demo's gaze rows in about half the wall time of
1 process x 2 threads (reports/perf/demo.md).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from gazex_bench.demo_timing import cpu_seconds
from gazex_bench.runner.api import RunRequest
from gazex_bench.runner.api import run as run_request
from gazex_bench.runner.data_cache import shared_task_data

log = logging.getLogger(__name__)

_WORKER_STACK = ExitStack()
"""A worker's open data cache (closed when the worker process exits)."""


@dataclass(frozen=True)
class EvalResult:
    """What one scored run did."""

    run_dir: Path | None
    """None when the run failed (``error``)."""
    error: str | None
    seconds: float
    """Wall seconds of the run (in its worker)."""
    cpu_seconds: float
    """User + system CPU seconds of the worker process (and its children) during the run."""


def _quiet_hf() -> None:
    try:  # model loading progress bars would drown the stage lines
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - the model extra is not installed
        pass


def _init_worker(threads: int) -> None:
    """Worker start: torch threads (before torch is imported), no progress bars, a task-data cache."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)
    _quiet_hf()
    _WORKER_STACK.enter_context(shared_task_data())


def score_one(req: RunRequest) -> EvalResult:
    """Run and score one request; an exception becomes ``error`` (one failed run must not hide others)."""
    t0, cpu0 = time.monotonic(), cpu_seconds()
    try:
        run_dir, error = run_request(req).run_dir, None
    except Exception as exc:  # noqa: BLE001 - reported in the demo summary, the other runs go on
        run_dir, error = None, str(exc)
        log.warning("run failed: %s x %s: %s", req.task, req.model, exc)
    return EvalResult(run_dir, error, round(time.monotonic() - t0, 2), round(cpu_seconds() - cpu0, 2))


def score_all(requests: Sequence[RunRequest], workers: int = 1, threads: int = 1) -> list[EvalResult]:
    """Score every request; results in request order.

    Args:
        requests: The runs (each with its own run directory).
        workers: Processes; 1 runs them here, one after the other.
        threads: torch threads per worker process (ignored with ``workers=1``).
    """
    if workers <= 1 or len(requests) <= 1:
        _quiet_hf()
        with shared_task_data():  # each task is loaded once for all its models
            return [score_one(r) for r in requests]
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(threads,)) as pool:
        return list(pool.map(score_one, requests))
