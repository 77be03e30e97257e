"""``gazex-bench demo``: the whole mission on the phantom, in minutes, on 2 CPU cores.

Phases (each printed with its elapsed time, and timed in wall and CPU seconds in ``summary.md``
and ``timing.json``: :mod:`gazex_bench.demo_timing`):

1. write a ``small`` phantom (all five datasets, with truth);
2. train the paper's two-stage protocol at tiny scale (:mod:`gazex_bench.demo_plan`): stage 1
   (gaze pretraining) of GazeX, its three ablations and the gaze-boxes baseline; stage 2 (per-task
   LoRA fine-tune, one budget for all) of every variant on every task it is scored on, the no-gaze
   baseline from the bare backbone. One ``python -m gazex_model.protocol`` subprocess (the harness
   never imports ``gazex_model``) whose ``workers`` processes (``threads`` torch threads each)
   train independent runs side by side; the trained models are the same whatever the number of
   workers;
3. run every task for every trained row (through the ``gazex`` adapter, which ``gazex_model``
   registers via the ``gazex_bench.adapters`` entry point) and for the reference adapters;
4. paired comparisons of full GazeX against each variant on MIMIC reports (fine-tuned against
   fine-tuned at one budget, stage 1 against stage 1);
5. tables (with ``tables/protocol.md``: regime, steps, parseable outputs, FVP-style answers to
   report prompts, and whether each trained row beats its model-free nulls), figures, a
   leaderboard folder and its HTML page, and ``summary.md``. A fine-tuned row under 95 %
   parseable outputs on its task, an FVP answer to a report prompt or two budgets for one task is
   a FAILED line in ``summary.md`` and exit status 1 (:mod:`gazex_bench.demo_checks`).

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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import gazex_bench
from gazex_bench.demo_eval import score_all
from gazex_bench.demo_plan import (
    BASELINES,
    TASKS,
    VARIANTS,
    EvalJob,
    eval_jobs,
    stage1_dir,
    stage2_steps_for,
    training_jobs,
)
from gazex_bench.demo_publish import copy_records, publish_figures, publish_leaderboard, publish_tables
from gazex_bench.demo_timing import Phase, Stages, cpu_seconds, phase_table, training_phases
from gazex_bench.errors import UsageError
from gazex_bench.io import atomic_write_json, atomic_write_text
from gazex_bench.phantom.generate import generate_phantom
from gazex_bench.runner.api import RunRequest
from gazex_bench.runner.compare import compare_runs
from gazex_bench.runner.data_root import is_phantom
from gazex_bench.tables.runs import load_run

log = logging.getLogger(__name__)

DEFAULT_OUT = Path("runs/demo")
DEFAULT_WORK = Path("runs/demo/work")


@dataclass(frozen=True)
class DemoPlan:
    """What the demo does (budget: < 10 minutes on 2 idle CPU cores; measured and estimated in
    reports/perf/demo.md)."""

    out: Path = DEFAULT_OUT
    work: Path | None = None
    seed: int = 0
    phantom_size: str = "small"
    stage1_steps: int = 150
    """Stage-1 (gaze pretraining) steps of every gaze variant."""
    stage2_steps: int = 60
    """Stage-2 (downstream LoRA) steps of every fine-tune."""
    limit: int | None = 16
    """Samples per task and model (None: the whole test split); ``reflacx-gaze`` evaluates phase 2
    (GazeX's held-out multi-reader phase) by image instead (``gaze_images``)."""
    gaze_images: int | None = 12
    """``reflacx-gaze`` images scored (task option ``images``: the first N phase-2 image groups by
    sha256 of their name, every reader of each, so the inter-radiologist, ICC and trajectory
    analyses keep all their readers); None = all 42 of the small phantom. A trained gaze row costs
    ~5 s + ~0.9 s CPU per image (1 thread, batch 64), ~1.3 s once the gaze fine-tunes write
    multi-sentence reports (trajectories and setting 1 then ask FVP for each sentence), and the
    longer gaze fine-tune (reports/perf/gaze_finetune.md) adds ~55 s to training: 12 keeps the
    whole demo under 10 minutes on 2 idle cores (reports/perf/demo.md). The tables and
    ``summary.md`` say "scored on 12 of 42 images"."""
    eval_batch_size: int = 64
    """Generation batch of the trained rows (``gazex`` adapter ``batch_size``): the tiny models'
    CPU generation is dominated by per-step overhead, so 64 needs ~0.55x the CPU of 8 for identical
    greedy outputs (``benchmarks/bench_demo_eval.py``)."""
    threads: int = 1
    """torch threads per training / evaluation process (reports/perf/demo.md: 2 workers x 1 thread vs 1 x 2)."""
    workers: int = 2
    """Processes running independent training jobs, then scored runs, side by side (one per core);
    the trained models and the scores do not depend on it (``gazex_model.protocol``,
    :mod:`gazex_bench.demo_eval`)."""
    configs: Path | None = None
    quiet: bool = False

    @property
    def work_dir(self) -> Path:
        """Where data, checkpoints and predictions go."""
        return self.work or DEFAULT_WORK


@dataclass
class DemoSummary:
    """What the demo produced."""

    phases: list[Phase] = field(default_factory=list)
    cpu_seconds: float = 0.0
    training_jobs: list[dict[str, Any]] = field(default_factory=list)
    """The protocol subprocess's job rows (run dir, steps, seconds, CPU seconds)."""
    eval_runs: list[dict[str, Any]] = field(default_factory=list)
    """Wall and CPU seconds of every scored run (task, model label)."""
    runs: list[Path] = field(default_factory=list)
    figures: list[Path] = field(default_factory=list)
    skipped_figures: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    protocol_rows: list[dict[str, Any]] = field(default_factory=list)


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


def train_protocol(plan: DemoPlan, data: Path, stages: Stages, summary: DemoSummary) -> Path:
    """Train every stage of :mod:`gazex_bench.demo_plan` in one ``gazex_model.protocol`` subprocess
    (``plan.workers`` processes); one progress line per finished run; stage 1 / stage 2 timed from its
    job rows (:func:`~gazex_bench.demo_timing.training_phases`).

    Finished runs (``DONE`` matching their job) are kept, so a second demo reuses them.

    Returns:
        The ``models`` folder.

    Raises:
        UsageError: training failed (its last error line; the whole log is ``models/protocol.log``).
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
    cmd = [sys.executable, "-m", "gazex_model.protocol", "--plan", str(plan_file)]
    cmd += ["--data-root", str(data.resolve()), "--workers", str(plan.workers)]
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", str(plan.threads))}
    start, cpu0 = time.time(), cpu_seconds()
    log_path = models / "protocol.log"
    with log_path.open("w", encoding="utf-8") as log_fh:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log_fh, text=True, env=env)
        assert proc.stdout is not None
        for line in proc.stdout:
            summary.training_jobs.append(row := json.loads(line))
            took = (
                "reused" if row.get("skipped") else f"{row['seconds']:.0f} s, {row['cpu_seconds']:.0f} s CPU"
            )
            stages.say(f"  trained {Path(row['run_dir']).relative_to(models.resolve())} ({took})")
        code = proc.wait()
    if code != 0:
        lines = [ln for ln in log_path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        raise UsageError(f"training the protocol failed: {(lines or ['(no output)'])[-1]} (log: {log_path})")
    s1 = [str(stage1_dir(models.resolve(), v)) for v in VARIANTS if v.stage1 is not None]
    stages.phases += training_phases(
        summary.training_jobs, s1, start, time.time(), cpu_seconds() - cpu0, plan.workers
    )
    return models


def _request(
    plan: DemoPlan, data: Path, task: str, model: str, args: dict[str, Any], label: str
) -> RunRequest:
    """One scored run: ``plan.limit`` samples (``reflacx-gaze``: ``plan.gaze_images`` images of phase 2,
    every reader of each); trained rows generate in batches of ``plan.eval_batch_size``."""
    if model == "gazex":
        args = {**args, "batch_size": plan.eval_batch_size}
    return RunRequest(
        task=task,
        model=model,
        model_args={**args, "label": label},
        data_root=data,
        limit=None if task == "reflacx-gaze" else plan.limit,
        out=plan.work_dir / "runs",
        seed=plan.seed,
        quiet=True,
        task_args=_task_args(plan, task, data),
    )


def _task_args(plan: DemoPlan, task: str, data: Path) -> dict[str, Any]:
    """Gaze: phase 2 only (held out from GazeX training), ``plan.gaze_images`` of its images with all
    their readers (``images``), and the phantom's radiologist mapping passed explicitly, as a user of
    real data passes theirs (the scorer never reads truth itself)."""
    if task == "reflacx-gaze":
        args = {"radiologist_map": str(data / "phantom_truth" / "radiologists.csv"), "phases": "2"}
        return args if plan.gaze_images is None else {**args, "images": str(plan.gaze_images)}
    return {}


def run_all(plan: DemoPlan, data: Path, models: Path, summary: DemoSummary) -> list[tuple[EvalJob, Path]]:
    """Every trained row of :func:`~gazex_bench.demo_plan.eval_jobs` and every reference baseline, in
    ``plan.workers`` processes of ``plan.threads`` torch threads (:mod:`gazex_bench.demo_eval`); the
    ``reflacx-gaze`` rows (the longest) are handed out first, results are kept in task order."""
    trained = eval_jobs(models)
    jobs: list[tuple[str, str, str, dict[str, Any], EvalJob | None]] = []
    for task in TASKS:
        jobs += [(task, j.label, "gazex", {"path": str(j.model_dir)}, j) for j in trained if j.task == task]
        jobs += [(task, b, b, {}, None) for b in BASELINES[task]]
    order = sorted(range(len(jobs)), key=lambda i: jobs[i][0] != "reflacx-gaze")
    requests = [_request(plan, data, jobs[i][0], jobs[i][2], jobs[i][3], jobs[i][1]) for i in order]
    results = dict(zip(order, score_all(requests, plan.workers, plan.threads)))
    scored: list[tuple[EvalJob, Path]] = []
    for i, (task, label, _, _, job) in enumerate(jobs):
        res = results[i]
        summary.eval_runs.append(
            {"task": task, "model": label, "seconds": res.seconds, "cpu_seconds": res.cpu_seconds}
        )
        if res.run_dir is None:
            summary.failures.append(f"{task} x {label}: {res.error}")
            continue
        summary.runs.append(res.run_dir)
        if job is not None:
            scored.append((job, res.run_dir))
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


def _gaze_subset_lines(plan: DemoPlan, summary: DemoSummary) -> list[str]:
    """The ``reflacx-gaze`` image subset as its runs recorded it (``analysis_status.image_subset``)."""
    for run_dir in summary.runs:
        rec = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
        subset = (rec.get("analysis_status") or {}).get("image_subset")
        if (rec.get("task") or {}).get("name") == "reflacx-gaze" and subset:
            return [
                f"reflacx-gaze (phase 2): {subset}, set by `DemoPlan.gaze_images` = {plan.gaze_images} "
                "(`--gaze-images`, 0 = all) to keep the evaluation within the 10-minute budget on 2 cores "
                "(reports/perf/demo.md); every trained and reference row is scored on the same images.",
                "",
            ]
    return []


def write_summary(plan: DemoPlan, summary: DemoSummary) -> Path:
    """``summary.md``: phase times (wall and CPU), the protocol, where everything is, failures;
    ``timing.json``: the phases and every training job's row."""
    lines = [
        "# GazeX Bench demo",
        "",
        f"Total: {summary.seconds:.0f} s wall, {summary.cpu_seconds:.0f} s CPU (this process and its "
        f"children, user + system) on {os.cpu_count()} CPU cores; training in {plan.workers} worker "
        f"process(es) of {plan.threads} torch thread(s).",
        "",
        f"Protocol (tiny scale, `gazex_bench/demo_plan.py`): stage 1 = {plan.stage1_steps} steps of gaze "
        f"pretraining for every gaze variant; stage 2 = {plan.stage2_steps} LoRA steps per task for every "
        f"variant ({stage2_steps_for('gaze', plan.stage2_steps)} for gaze alignment, `STAGE2_STEP_FACTOR`) (the no-gaze baseline from the bare backbone); zero-shot rows = stage-1 checkpoints. "
        "Each row's regime: `tables/protocol.md` and the regime column of every table.",
        "",
        *phase_table(summary.phases),
        "",
        *_gaze_subset_lines(plan, summary),
        f"- runs: {len(summary.runs)} (records in `runs/`)",
        "- tables: `tables/tables.md`",
        "- protocol: `tables/protocol.md`",
        "- figures: `figures/`",
        "- leaderboard: `leaderboards/index.html`",
        "- timing of every phase and training job: `timing.json`",
    ]
    for name, why in summary.skipped_figures.items():
        lines.append(f"- figure {name} skipped: {why}")
    for f in summary.failures:
        lines.append(f"- FAILED: {f}")
    atomic_write_json(
        plan.out / "timing.json",
        {
            "wall_seconds": summary.seconds,
            "cpu_seconds": summary.cpu_seconds,
            "cpu_count": os.cpu_count(),
            "workers": plan.workers,
            "threads": plan.threads,
            "phases": [asdict(p) for p in summary.phases],
            "training_jobs": summary.training_jobs,
            "eval_runs": summary.eval_runs,
        },
    )
    return atomic_write_text(plan.out / "summary.md", "\n".join(lines) + "\n")


def run_demo(plan: DemoPlan) -> DemoSummary:
    """Run the whole demo; returns the summary (also written to ``<out>/summary.md``)."""
    summary = DemoSummary()
    stages = Stages(plan.quiet)
    t0, cpu0 = time.monotonic(), cpu_seconds()
    data = stages.run("phantom (small)", lambda: make_phantom(plan))
    n1, n2 = sum(v.stage1 is not None for v in VARIANTS), sum(len(v.finetunes) for v in VARIANTS)
    stages.say(f"train stage 1 ({n1} gaze variants) + stage 2 ({n2} fine-tunes), {plan.workers} workers ...")
    models = train_protocol(plan, data, stages, summary)
    scored = stages.run(
        f"evaluate every task ({plan.workers} workers)", lambda: run_all(plan, data, models, summary)
    )
    stages.run("paired comparisons", lambda: compare_variants(plan, summary))
    runs = stages.run("copy run records", lambda: copy_records(plan.out, summary.runs))
    summary.protocol_rows, issues = stages.run(
        "tables (+ protocol table)", lambda: publish_tables(plan.out, runs, scored, summary.runs)
    )
    for issue in issues:  # loud at once, and in summary.md + the exit status (cli handler)
        stages.say(f"FAILED protocol check: {issue}")
        summary.failures.append(f"protocol check: {issue}")
    summary.figures, summary.skipped_figures = stages.run("figures", lambda: publish_figures(plan.out, runs))
    stages.run("leaderboard", lambda: publish_leaderboard(plan.out, runs, summary.figures))
    summary.phases = stages.phases
    summary.seconds, summary.cpu_seconds = time.monotonic() - t0, cpu_seconds() - cpu0
    write_summary(plan, summary)
    return summary
