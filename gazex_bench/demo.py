"""``gazex-bench demo``: the whole mission on the phantom, in minutes, on 2 CPU cores.

Stages (each printed with its elapsed time):

1. write a ``small`` phantom (all five datasets, with truth);
2. train the paper's two-stage protocol at tiny scale (:mod:`gazex_bench.demo_plan`): stage 1
   (gaze pretraining) of GazeX, its three ablations and the gaze-boxes baseline; stage 2 (per-task
   LoRA fine-tune, one budget for all) of every variant on every task it is scored on, the no-gaze
   baseline from the bare backbone. One ``python -m gazex_model.protocol`` subprocess (the harness
   never imports ``gazex_model``);
3. run every task for every trained row (through the ``gazex`` adapter, which ``gazex_model``
   registers via the ``gazex_bench.adapters`` entry point) and for the reference adapters;
4. paired comparisons of full GazeX against each variant on MIMIC reports (fine-tuned against
   fine-tuned at one budget, stage 1 against stage 1);
5. tables (with ``tables/protocol.md``: regime, steps, parseable outputs, FVP-style answers to
   report prompts, and whether each trained row beats its model-free nulls), figures, a
   leaderboard folder and its HTML page, and ``summary.md``.

Layout of ``--out`` (default ``runs/demo``, git-ignored; refresh the committed copy with
``--out reports/demo``): ``tables/``, ``figures/``, ``leaderboards/``, ``runs/<run_id>/{run.json,
tables/}`` (the small run records) and ``summary.md``. Heavy intermediates (data, checkpoints,
predictions) go to ``--work`` (default ``runs/demo/work`` whatever ``--out`` is, so refreshing
``reports/demo`` after a default run reuses its models and predictions). Run ids depend on the
models' content and the data, not on folders, so identical runs keep identical ids.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gazex_bench
from gazex_bench.demo_checks import problems, protocol_rows, write_protocol
from gazex_bench.demo_plan import (
    ABLATION_LABELS,
    BASELINES,
    TASKS,
    VARIANTS,
    EvalJob,
    eval_jobs,
    training_jobs,
)
from gazex_bench.errors import UsageError
from gazex_bench.figures.build import build_figures
from gazex_bench.io import atomic_write_json, atomic_write_text
from gazex_bench.leaderboard.board import add_run
from gazex_bench.leaderboard.board import build as build_board
from gazex_bench.phantom.generate import generate_phantom
from gazex_bench.runner.api import RunRequest
from gazex_bench.runner.api import run as run_request
from gazex_bench.runner.compare import compare_runs
from gazex_bench.runner.data_cache import shared_task_data
from gazex_bench.runner.data_root import is_phantom
from gazex_bench.tables.build import write_tables
from gazex_bench.tables.runs import load_run

log = logging.getLogger(__name__)

DEFAULT_OUT = Path("runs/demo")
DEFAULT_WORK = Path("runs/demo/work")


@dataclass(frozen=True)
class DemoPlan:
    """What the demo does; the defaults fit in < 10 minutes on 2 idle CPU cores."""

    out: Path = DEFAULT_OUT
    work: Path | None = None
    seed: int = 0
    phantom_size: str = "small"
    stage1_steps: int = 150
    """Stage-1 (gaze pretraining) steps of every gaze variant."""
    stage2_steps: int = 60
    """Stage-2 (downstream LoRA) steps of every fine-tune."""
    limit: int | None = 16
    """Samples per task and model (None: the whole test split); ``reflacx-gaze`` evaluates all
    of phase 2 (GazeX's held-out multi-reader phase) instead."""
    threads: int = 2
    """torch threads per training (both cores)."""
    configs: Path | None = None
    quiet: bool = False

    @property
    def work_dir(self) -> Path:
        """Where data, checkpoints and predictions go."""
        return self.work or DEFAULT_WORK


@dataclass
class DemoSummary:
    """What the demo produced."""

    stages: list[tuple[str, float]] = field(default_factory=list)
    cpu_seconds: float = 0.0
    runs: list[Path] = field(default_factory=list)
    figures: list[Path] = field(default_factory=list)
    skipped_figures: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    protocol_rows: list[dict[str, Any]] = field(default_factory=list)


class _Stages:
    """Prints ``[mm:ss] stage ...`` lines to stderr and records durations."""

    def __init__(self, summary: DemoSummary, quiet: bool) -> None:
        self.summary, self.quiet, self.t0 = summary, quiet, time.monotonic()

    def run(self, name: str, fn: Callable[[], Any]) -> Any:
        start = time.monotonic()
        self._say(f"{name} ...")
        result = fn()
        took = time.monotonic() - start
        self.summary.stages.append((name, took))
        self._say(f"{name} done in {took:.0f} s")
        return result

    def _say(self, text: str) -> None:
        if not self.quiet:
            el = time.monotonic() - self.t0
            sys.stderr.write(f"[{int(el // 60):02d}:{int(el % 60):02d}] {text}\n")
            sys.stderr.flush()


def find_configs(explicit: Path | None = None) -> Path:
    """The ``configs/`` folder: explicit, ``./configs``, or the repository of this package."""
    candidates = (
        [explicit]
        if explicit
        else [Path.cwd() / "configs", Path(gazex_bench.__file__).parents[1] / "configs"]
    )
    for c in candidates:
        if c is not None and (c / "tiny.yaml").is_file():
            return c
    raise UsageError("cannot find configs/tiny.yaml; run from the repository root or pass --configs DIR")


def make_phantom(plan: DemoPlan) -> Path:
    """Write (or reuse) the demo phantom under ``work/data``."""
    root = plan.work_dir / "data"
    marker = root / "phantom_truth" / "demo_settings.json"
    settings = {"size": plan.phantom_size, "seed": plan.seed}
    if is_phantom(root) and marker.is_file() and json.loads(marker.read_text()) == settings:
        return root
    shutil.rmtree(root, ignore_errors=True)
    generate_phantom(root, size=plan.phantom_size, seed=plan.seed)
    marker.write_text(json.dumps(settings))
    return root


def train_protocol(plan: DemoPlan, data: Path) -> Path:
    """Train every stage of :mod:`gazex_bench.demo_plan` in one ``gazex_model.protocol`` subprocess.

    Finished runs (``DONE`` matching their job) are kept, so a second demo reuses them.

    Returns:
        The ``models`` folder.

    Raises:
        UsageError: training failed (its last error line).
    """
    models = plan.work_dir / "models"
    jobs = training_jobs(
        find_configs(plan.configs).resolve(),
        models.resolve(),
        plan.stage1_steps,
        plan.stage2_steps,
        plan.seed,
        plan.threads,
    )
    plan_file = atomic_write_json(models / "plan.json", jobs)
    cmd = [
        sys.executable,
        "-m",
        "gazex_model.protocol",
        "--plan",
        str(plan_file),
        "--data-root",
        str(data.resolve()),
    ]
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", str(plan.threads))}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        tail = [ln for ln in (proc.stderr or proc.stdout).strip().splitlines() if ln.strip()][-1:] or [
            "(no output)"
        ]
        raise UsageError(f"training the protocol failed: {tail[0]}")
    return models


def _run(
    plan: DemoPlan,
    data: Path,
    task: str,
    model: str,
    args: dict[str, Any],
    label: str,
    task_args: dict[str, Any],
) -> Path:
    limit = None if task == "reflacx-gaze" else plan.limit
    req = RunRequest(
        task=task,
        model=model,
        model_args={**args, "label": label},
        data_root=data,
        limit=limit,
        out=plan.work_dir / "runs",
        seed=plan.seed,
        quiet=True,
        task_args=task_args,
    )
    return run_request(req).run_dir


def _task_args(task: str, data: Path) -> dict[str, Any]:
    """Gaze: phase 2 only (held out from GazeX training), and the phantom's radiologist mapping
    passed explicitly, as a user of real data passes theirs (the scorer never reads truth itself)."""
    if task == "reflacx-gaze":
        return {"radiologist_map": str(data / "phantom_truth" / "radiologists.csv"), "phases": "2"}
    return {}


def run_all(plan: DemoPlan, data: Path, models: Path, summary: DemoSummary) -> list[tuple[EvalJob, Path]]:
    """Every trained row of :func:`~gazex_bench.demo_plan.eval_jobs` and every reference baseline."""
    try:  # model loading progress bars would drown the stage lines
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - the model extra is not installed
        pass
    scored: list[tuple[EvalJob, Path]] = []
    trained = eval_jobs(models)
    for task in TASKS:
        jobs: list[tuple[str, str, dict[str, Any], EvalJob | None]] = [
            (j.label, "gazex", {"path": str(j.model_dir)}, j) for j in trained if j.task == task
        ]
        jobs += [(b, b, {}, None) for b in BASELINES[task]]
        for label, adapter, args, job in jobs:
            try:
                run_dir = _run(plan, data, task, adapter, args, label, _task_args(task, data))
            except Exception as exc:  # noqa: BLE001 - one failed run must not hide the others
                summary.failures.append(f"{task} x {label}: {exc}")
                log.warning("run failed: %s x %s: %s", task, label, exc)
                continue
            summary.runs.append(run_dir)
            if job is not None:
                scored.append((job, run_dir))
    return scored


def compare_variants(plan: DemoPlan, summary: DemoSummary) -> None:
    """Paired comparisons on mimic-report: full GazeX against every other trained row of the same regime."""
    runs = [load_run(p) for p in summary.runs if (p / "run.json").is_file()]
    runs = [r for r in runs if r.task == "mimic-report" and r.adapter == "gazex"]
    gazex = VARIANTS[0].label
    for ref in (r for r in runs if r.model.startswith(gazex)):
        regime = (ref.raw.get("training") or {}).get("regime")
        for other in runs:
            if other.model.startswith(gazex) or (other.raw.get("training") or {}).get("regime") != regime:
                continue
            try:
                rec = compare_runs(ref.run_dir, other.run_dir)
            except UsageError as exc:  # e.g. different budgets: reported, not forced
                summary.failures.append(f"compare {ref.model} vs {other.model}: {exc}")
                continue
            atomic_write_json(plan.work_dir / "runs" / "compare" / f"{ref.run_id}__{other.run_id}.json", rec)


def publish(plan: DemoPlan, summary: DemoSummary) -> None:
    """Copy run records, then write tables, figures, the leaderboard folder and its page."""
    runs_out = plan.out / "runs"
    shutil.rmtree(runs_out, ignore_errors=True)
    for run_dir in summary.runs:
        if (run_dir / "run.json").is_file():
            dest = runs_out / run_dir.name
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(run_dir / "run.json", dest / "run.json")
            if (run_dir / "tables").is_dir():
                shutil.copytree(run_dir / "tables", dest / "tables")
    runs = [load_run(p) for p in summary.runs if (p / "run.json").is_file()]
    for sub in ("tables", "figures", "leaderboards"):
        shutil.rmtree(plan.out / sub, ignore_errors=True)
    write_tables(runs, plan.out / "tables")
    report = build_figures(runs, plan.out / "figures", ablation_variants=list(ABLATION_LABELS))
    summary.figures, summary.skipped_figures = report.written, report.skipped
    board = plan.out / "leaderboards"
    for run in runs:
        add_run(board, run, force=True)  # demo runs may come from a dirty tree: marked in `source`
    pngs = [p.name for p in report.written if p.suffix == ".png"]
    gaze_figs = [n for n in pngs if n.startswith(("fig3", "fig4", "fig7c", "case"))]
    figs = {t: [f"../figures/{n}" for n in pngs if n.startswith("fig2")] for t in TASKS}
    figs["reflacx-gaze"] += [f"../figures/{n}" for n in gaze_figs]
    figs["mimic-report"] += [f"../figures/{n}" for n in pngs if n.startswith("fig6")]
    build_board(board, figures=figs)


def write_protocol_table(
    plan: DemoPlan, scored: Sequence[tuple[EvalJob, Path]], summary: DemoSummary
) -> None:
    """``tables/protocol.md`` + ``protocol.json``: regime, parseable outputs, FVP answers, nulls, budgets."""
    trained = {p for _, p in scored}
    baselines = [p for p in summary.runs if p not in trained and (p / "run.json").is_file()]
    summary.protocol_rows = protocol_rows(
        [(j, p) for j, p in scored if (p / "run.json").is_file()], baselines
    )
    write_protocol(summary.protocol_rows, plan.out / "tables")
    summary.failures += [f"protocol check: {p}" for p in problems(summary.protocol_rows)]


def write_summary(plan: DemoPlan, summary: DemoSummary) -> Path:
    """``summary.md``: stage times (wall and CPU), the protocol, where everything is, failures."""
    lines = [
        "# GazeX Bench demo",
        "",
        f"Total: {summary.seconds:.0f} s wall, {summary.cpu_seconds:.0f} s CPU (this process and its "
        f"children, user + system) on {os.cpu_count()} CPU cores.",
        "",
        f"Protocol (tiny scale, `gazex_bench/demo_plan.py`): stage 1 = {plan.stage1_steps} steps of gaze "
        f"pretraining for every gaze variant; stage 2 = {plan.stage2_steps} LoRA steps per task for every "
        "variant (the no-gaze baseline from the bare backbone); zero-shot rows = stage-1 checkpoints. "
        "Each row's regime: `tables/protocol.md` and the regime column of every table.",
        "",
        "| stage | seconds |",
        "|---|---|",
    ]
    lines += [f"| {name} | {sec:.0f} |" for name, sec in summary.stages]
    lines += [
        "",
        f"- runs: {len(summary.runs)} (records in `runs/`)",
        "- tables: `tables/tables.md`",
        "- protocol: `tables/protocol.md`",
        "- figures: `figures/`",
        "- leaderboard: `leaderboards/index.html`",
    ]
    for name, why in summary.skipped_figures.items():
        lines.append(f"- figure {name} skipped: {why}")
    for f in summary.failures:
        lines.append(f"- FAILED: {f}")
    return atomic_write_text(plan.out / "summary.md", "\n".join(lines) + "\n")


def _cpu_seconds() -> float:
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run_demo(plan: DemoPlan) -> DemoSummary:
    """Run the whole demo; returns the summary (also written to ``<out>/summary.md``)."""
    summary = DemoSummary()
    stages = _Stages(summary, plan.quiet)
    t0, cpu0 = time.monotonic(), _cpu_seconds()
    data = stages.run("phantom (small)", lambda: make_phantom(plan))
    n1, n2 = sum(v.stage1 is not None for v in VARIANTS), sum(len(v.finetunes) for v in VARIANTS)
    models = stages.run(
        f"train stage 1 ({n1} gaze variants) + stage 2 ({n2} fine-tunes)", lambda: train_protocol(plan, data)
    )
    with shared_task_data():  # each task is loaded once for all its models (same root, split, options)
        scored = stages.run("evaluate every task", lambda: run_all(plan, data, models, summary))
    stages.run("paired comparisons", lambda: compare_variants(plan, summary))
    stages.run("tables, figures, leaderboards", lambda: publish(plan, summary))
    write_protocol_table(plan, scored, summary)
    summary.seconds, summary.cpu_seconds = time.monotonic() - t0, _cpu_seconds() - cpu0
    write_summary(plan, summary)
    return summary
