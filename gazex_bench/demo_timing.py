"""Wall and CPU time of every demo phase (``summary.md``, ``timing.json``).

A phase run in this process (phantom, evaluation, tables, figures, leaderboard) is timed by
:class:`Stages`: wall = ``time.monotonic`` span, CPU = user + system seconds of this process and
of its finished children (``getrusage``). Training runs in one ``gazex_model.protocol``
subprocess whose workers train the jobs concurrently; its job rows (one JSON line per job:
``seconds``, ``cpu_seconds``, ``started``/``finished`` Unix times) split it into stage 1 and
stage 2 (:func:`training_phases`).
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Phase:
    """One timed phase of the demo."""

    name: str
    wall: float | None
    """Seconds of wall time (None: overlaps other phases, only CPU is its own)."""
    cpu: float
    """User + system CPU seconds (all threads and processes of the phase)."""
    note: str = ""


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its waited-for children (and theirs)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class Stages:
    """Runs named phases, prints ``[mm:ss] name ...`` lines to stderr, records a :class:`Phase` each."""

    def __init__(self, quiet: bool) -> None:
        self.quiet, self.t0 = quiet, time.monotonic()
        self.phases: list[Phase] = []

    def run(self, name: str, fn: Callable[[], Any]) -> Any:
        """``fn()`` timed as phase ``name``."""
        start, cpu0 = time.monotonic(), cpu_seconds()
        self.say(f"{name} ...")
        result = fn()
        took = time.monotonic() - start
        self.phases.append(Phase(name, took, cpu_seconds() - cpu0))
        self.say(f"{name} done in {took:.0f} s")
        return result

    def say(self, text: str) -> None:
        """One progress line with the elapsed time (nothing when quiet)."""
        if not self.quiet:
            el = time.monotonic() - self.t0
            sys.stderr.write(f"[{int(el // 60):02d}:{int(el % 60):02d}] {text}\n")
            sys.stderr.flush()


def training_phases(
    rows: Sequence[dict[str, Any]],
    stage1_outs: Iterable[str],
    start: float,
    end: float,
    cpu_total: float,
    workers: int,
) -> list[Phase]:
    """Stage 1, stage 2 and start-up phases of one protocol subprocess.

    Args:
        rows: The subprocess's job rows (``run_dir``, ``cpu_seconds``, ``started``, ``finished``).
        stage1_outs: ``run_dir`` of the stage-1 jobs.
        start, end: Unix times around the subprocess.
        cpu_total: CPU seconds of the whole subprocess tree.
        workers: Training processes.

    Returns:
        Stage 1: wall from ``start`` to the end of the last stage-1 job; stage 2: the rest (stage-2
        jobs that need no stage 1 may already run beside the last stage-1 jobs: their CPU counts in
        stage 2). Start-up: CPU outside the jobs (interpreters, library imports of the workers).
    """
    s1 = set(stage1_outs)
    ones = [r for r in rows if r["run_dir"] in s1]
    twos = [r for r in rows if r["run_dir"] not in s1]
    split = max((float(r.get("finished") or start) for r in ones), default=start)
    cpu1 = sum(float(r.get("cpu_seconds") or 0.0) for r in ones)
    cpu2 = sum(float(r.get("cpu_seconds") or 0.0) for r in twos)
    skipped = sum(bool(r.get("skipped")) for r in rows)
    note = f"{workers} worker process(es)" + (f"; {skipped} finished run(s) reused" if skipped else "")
    return [
        Phase(f"train stage 1 ({len(ones)} runs)", split - start, cpu1, note),
        Phase(f"train stage 2 ({len(twos)} runs)", end - split, cpu2, note),
        Phase("training start-up (interpreters, imports)", None, max(cpu_total - cpu1 - cpu2, 0.0)),
    ]


def phase_table(phases: Sequence[Phase]) -> list[str]:
    """Markdown rows ``| phase | wall s | CPU s | note |`` with a total row."""
    lines = ["| phase | wall s | CPU s (user + system) | note |", "|---|---|---|---|"]
    for p in phases:
        wall = "–" if p.wall is None else f"{p.wall:.0f}"
        lines.append(f"| {p.name} | {wall} | {p.cpu:.0f} | {p.note} |")
    wall_total = sum(p.wall or 0.0 for p in phases)
    lines.append(f"| **total** | {wall_total:.0f} | {sum(p.cpu for p in phases):.0f} | |")
    return lines
