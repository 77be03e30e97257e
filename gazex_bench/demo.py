"""``gazex-bench demo``: the whole mission on the phantom, in minutes, on 2 CPU cores.

Stages (each printed with its elapsed time):

1. write a ``small`` phantom (all five datasets, with truth);
2. train the tiny GazeX, the no-gaze baseline and the three ablations with
   ``gazex-train`` (run as a subprocess: the harness never imports ``gazex_model``);
3. run every task for every trained model (through the ``gazex`` adapter, which
   ``gazex_model`` registers via the ``gazex_bench.adapters`` entry point) and for the
   reference adapters;
4. paired comparisons of full GazeX against each variant (Fig 6);
5. tables, figures, a leaderboard folder and its HTML page, and ``summary.md``.

Layout of ``--out`` (default ``reports/demo``): ``tables/``, ``figures/``,
``leaderboards/``, ``runs/<run_id>/{run.json,tables/}`` (the small run records, kept
for provenance) and ``summary.md``; heavy intermediates (data, checkpoints,
predictions) go to ``--work`` (default ``<out>/work``, git-ignored).
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
from gazex_bench.errors import UsageError

log = logging.getLogger(__name__)

VARIANTS: tuple[tuple[str, str], ...] = (
    ("GazeX (tiny)", "tiny.yaml"),
    ("No-gaze baseline (tiny)", "tiny-no-gaze.yaml"),
    ("GazeX w/o FVP (tiny)", "tiny-no-fvp.yaml"),
    ("GazeX w/o GTM (tiny)", "tiny-no-gtm.yaml"),
    ("GazeX w/o SDA (tiny)", "tiny-no-sda.yaml"),
)
"""(display label, config file) of every model the demo trains; the first is the reference."""

TASKS: tuple[str, ...] = ("mimic-report", "iu-report", "cxr-vqa", "ms-cxr-grounding", "reflacx-gaze")
BASELINES: dict[str, tuple[str, ...]] = {
    "mimic-report": ("oracle", "random", "nearest-report"),
    "iu-report": ("oracle", "random", "nearest-report"),
    "cxr-vqa": ("oracle", "random", "majority-answer"),
    "ms-cxr-grounding": ("oracle", "random", "chest-box", "center-box"),
    "reflacx-gaze": ("oracle", "random", "center-bias"),
}


@dataclass(frozen=True)
class DemoPlan:
    """What the demo does; the defaults fit in < 10 minutes on 2 idle CPU cores."""

    out: Path = Path("reports/demo")
    work: Path | None = None
    seed: int = 0
    phantom_size: str = "small"
    steps: int = 200
    """Training steps of the full GazeX and of the no-gaze baseline."""
    ablation_steps: int = 100
    """Training steps of each ablated variant (0 skips the ablations)."""
    limit: int | None = 16
    """Samples per task and model (None: the whole test split); ``reflacx-gaze`` evaluates all
    of phase 2 (GazeX's held-out multi-reader phase) instead."""
    ablation_tasks: tuple[str, ...] = ("mimic-report", "reflacx-gaze")
    """Tasks the ablated variants are evaluated on (all tasks for the first two models)."""
    configs: Path | None = None
    quiet: bool = False

    @property
    def work_dir(self) -> Path:
        """Where data, checkpoints and predictions go."""
        return self.work or self.out / "work"


@dataclass
class DemoSummary:
    """What the demo produced."""

    stages: list[tuple[str, float]] = field(default_factory=list)
    runs: list[Path] = field(default_factory=list)
    figures: list[Path] = field(default_factory=list)
    skipped_figures: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0


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
    candidates = [explicit] if explicit else [Path.cwd() / "configs", Path(gazex_bench.__file__).parents[1] / "configs"]
    for c in candidates:
        if c is not None and (c / "tiny.yaml").is_file():
            return c
    raise UsageError("cannot find configs/tiny.yaml; run from the repository root or pass --configs DIR")


def make_phantom(plan: DemoPlan) -> Path:
    """Write (or reuse) the demo phantom under ``work/data``."""
    from gazex_bench.phantom.generate import generate_phantom
    from gazex_bench.runner.data_root import is_phantom

    root = plan.work_dir / "data"
    marker = root / "phantom_truth" / "demo_settings.json"
    settings = {"size": plan.phantom_size, "seed": plan.seed}
    if is_phantom(root) and marker.is_file() and json.loads(marker.read_text()) == settings:
        return root
    shutil.rmtree(root, ignore_errors=True)
    generate_phantom(root, size=plan.phantom_size, seed=plan.seed)
    marker.write_text(json.dumps(settings))
    return root


def train_variant(plan: DemoPlan, data: Path, label: str, config: str, steps: int) -> Path:
    """Train one variant with ``gazex-train`` in a subprocess; returns its run directory."""
    out = plan.work_dir / "models" / Path(config).stem
    if (out / "DONE").is_file() and json.loads((out / "DONE").read_text()).get("steps") == steps:
        return out
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "gazex_model.cli", "--config", str(find_configs(plan.configs) / config),
           "--data-root", str(data), "--out", str(out), "--set", f"max_steps={steps}",
           "--set", f"save_every={steps}", "--set", f"seed={plan.seed}"]
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2")}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["(no output)"]
        raise UsageError(f"training {label} ({config}) failed: {tail[0]}")
    (out / "DONE").write_text(json.dumps({"steps": steps, "label": label}))
    return out


def _run(plan: DemoPlan, data: Path, task: str, model: str, args: dict[str, Any], label: str,
         task_args: dict[str, Any]) -> Path:
    from gazex_bench.runner.api import RunRequest, run

    limit = None if task == "reflacx-gaze" else plan.limit
    req = RunRequest(task=task, model=model, model_args={**args, "label": label}, data_root=data,
                     limit=limit, out=plan.work_dir / "runs", seed=plan.seed, quiet=True,
                     task_args=task_args)
    return run(req).run_dir


def _task_args(task: str, data: Path) -> dict[str, Any]:
    """Gaze: phase 2 only (held out from GazeX training), and the phantom's radiologist mapping
    passed explicitly, as a user of real data passes theirs (the scorer never reads truth itself)."""
    if task == "reflacx-gaze":
        return {"radiologist_map": str(data / "phantom_truth" / "radiologists.csv"), "phases": "2"}
    return {}


def run_all(plan: DemoPlan, data: Path, models: Sequence[tuple[str, Path]], summary: DemoSummary) -> None:
    """Every task for every trained model (ablations on ``plan.ablation_tasks``) and baseline."""
    try:  # model loading progress bars would drown the stage lines
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - the model extra is not installed
        pass

    for task in TASKS:
        jobs = [(label, "gazex", {"path": str(path)}) for i, (label, path) in enumerate(models)
                if i < 2 or task in plan.ablation_tasks]
        jobs += [(b, b, {}) for b in BASELINES[task]]
        for label, adapter, args in jobs:
            try:
                summary.runs.append(_run(plan, data, task, adapter, args, label, _task_args(task, data)))
            except Exception as exc:  # noqa: BLE001 - one failed run must not hide the others
                summary.failures.append(f"{task} x {label}: {exc}")
                log.warning("run failed: %s x %s: %s", task, label, exc)


def compare_variants(plan: DemoPlan, summary: DemoSummary) -> None:
    """Paired comparison of the full GazeX (first variant) with each other variant on mimic-report."""
    from gazex_bench.io import atomic_write_json
    from gazex_bench.runner.compare import compare_runs
    from gazex_bench.tables.runs import load_run

    report_runs = [load_run(p) for p in summary.runs if (p / "run.json").is_file()]
    report_runs = [r for r in report_runs if r.task == "mimic-report" and r.adapter == "gazex"]
    ref = [r for r in report_runs if r.model == VARIANTS[0][0]]
    for other in report_runs:
        if ref and other.model != ref[0].model:
            rec = compare_runs(ref[0].run_dir, other.run_dir)
            atomic_write_json(plan.work_dir / "runs" / "compare" / f"{ref[0].run_id}__{other.run_id}.json", rec)



def publish(plan: DemoPlan, summary: DemoSummary) -> None:
    """Copy run records, then write tables, figures, the leaderboard folder and its page."""
    from gazex_bench.figures.build import build_figures
    from gazex_bench.leaderboard.board import add_run, build
    from gazex_bench.tables.build import write_tables
    from gazex_bench.tables.runs import load_run

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
    report = build_figures(runs, plan.out / "figures", ablation_variants=[v[0] for v in VARIANTS])
    summary.figures, summary.skipped_figures = report.written, report.skipped
    board = plan.out / "leaderboards"
    for run in runs:
        add_run(board, run, force=True)  # demo runs may come from a dirty tree: marked in `source`
    pngs = [p.name for p in report.written if p.suffix == ".png"]
    gaze_figs = [n for n in pngs if n.startswith(("fig3", "fig4", "fig7c", "case"))]
    figs = {t: [f"../figures/{n}" for n in pngs if n.startswith("fig2")] for t in TASKS}
    figs["reflacx-gaze"] += [f"../figures/{n}" for n in gaze_figs]
    figs["mimic-report"] += [f"../figures/{n}" for n in pngs if n.startswith("fig6")]
    build(board, figures=figs)


def write_summary(plan: DemoPlan, summary: DemoSummary) -> Path:
    """``summary.md``: stage times, where everything is, failures."""
    from gazex_bench.io import atomic_write_text

    lines = ["# GazeX Bench demo", "", f"Total: {summary.seconds:.0f} s on {os.cpu_count()} CPU cores.", "",
             "| stage | seconds |", "|---|---|"]
    lines += [f"| {name} | {sec:.0f} |" for name, sec in summary.stages]
    lines += ["", f"- runs: {len(summary.runs)} (records in `runs/`)", "- tables: `tables/tables.md`",
              "- figures: `figures/`", "- leaderboard: `leaderboards/index.html`"]
    for name, why in summary.skipped_figures.items():
        lines.append(f"- figure {name} skipped: {why}")
    for f in summary.failures:
        lines.append(f"- FAILED: {f}")
    return atomic_write_text(plan.out / "summary.md", "\n".join(lines) + "\n")


def run_demo(plan: DemoPlan) -> DemoSummary:
    """Run the whole demo; returns the summary (also written to ``<out>/summary.md``)."""
    summary = DemoSummary()
    stages = _Stages(summary, plan.quiet)
    t0 = time.monotonic()
    data = stages.run("phantom (small)", lambda: make_phantom(plan))
    models: list[tuple[str, Path]] = []
    for i, (label, config) in enumerate(VARIANTS):
        steps = plan.steps if i < 2 else plan.ablation_steps
        if steps > 0:
            models.append((label, stages.run(f"train {label}", lambda: train_variant(plan, data, label, config, steps))))
    stages.run("evaluate every task", lambda: run_all(plan, data, models, summary))
    stages.run("paired comparisons", lambda: compare_variants(plan, summary))
    stages.run("tables, figures, leaderboards", lambda: publish(plan, summary))
    summary.seconds = time.monotonic() - t0
    write_summary(plan, summary)
    return summary
