"""Known-truth experiment: does the CONTENT of the gaze help, when the phantom's gaze is known to carry it?

Usage::

    python -m gazex_model.experiments.gaze_effect [--runs DIR] [--seeds 0,1,2] [--stage1-steps N]
        [--stage2-steps N] [--limit N] [--boot B] [--reports reports/model] [--train-only | --score-only]

Two small phantoms that differ only in the gaze (``generate_phantom(gaze_signal=...)``; images,
reports, MS-CXR boxes and labels are byte-identical): ``informative`` (the gaze before and while a
finding is dictated rests on it) and ``decoupled`` (that gaze goes to per-image decoys drawn from
the finding distribution). Arms, per training seed ``s``:

* ``gazex-informative``: GazeX stage 1 (``configs/tiny.yaml``: FVP + GTM + SDA) on the informative phantom;
* ``gazex-decoupled``: the same on the decoupled phantom (same seed, steps, objectives, target format);
* ``gazex-decoupled-rep``: the same as ``gazex-decoupled`` with training seed ``s + REP_OFFSET``;
* ``no-gaze``: no stage 1 (the protocol's no-gaze baseline: the bare backbone);

then every arm gets the same stage 2 per task (``configs/tiny-downstream-{grounding,report}.yaml``).

Comparisons (:data:`COMPARISONS`), all format-matched except the pretraining rows:

* positive control, ``gazex-informative - gazex-decoupled``: the gaze CONTENT effect (same objectives,
  same target format, same budget; only where the gaze points differs);
* negative control, ``gazex-decoupled - gazex-decoupled-rep``: two exchangeable arms (same data,
  config and budget; only the training seed differs), so the true difference is 0 by construction.
  It calibrates the analysis against run-to-run training variation, the noise every between-arm
  difference carries;
* pretraining rows (not controls): ``gazex-informative - no-gaze`` (format + content) and
  ``gazex-decoupled - no-gaze`` (format: what stage 1 teaches without finding locations).

Scored with the harness (``ms-cxr-grounding`` mIoU, ``mimic-report`` CE F1 ``paper-pos``) on the
first ``--limit`` test samples; statistics in :mod:`gazex_model.experiments.effect_stats` (images x
seeds paired bootstrap, image = cluster, seeds pooled, p floored at 1/B, Holm over all comparisons).
Writes ``gaze_effect.md`` / ``.json`` under ``--reports`` (:mod:`gazex_model.experiments.gaze_effect_report`).
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path
from typing import Any

from gazex_bench.io import read_jsonl
from gazex_bench.models.registry import build_adapter_registry
from gazex_bench.phantom.generate import generate_phantom
from gazex_bench.runner.api import RunRequest
from gazex_bench.runner.api import run as run_task
from gazex_bench.runner.data_root import is_phantom
from gazex_bench.tasks.registry import get_task
from gazex_model.experiments.effect_stats import arm_summary, holm_adjust, matrix, two_way_bootstrap
from gazex_model.experiments.entry import run_entry
from gazex_model.experiments.gaze_effect_report import write_report
from gazex_model.lineage import model_fingerprint
from gazex_model.protocol import run_plan

logger = logging.getLogger(__name__)
CONFIGS = Path(__file__).resolve().parents[2] / "configs"
SIGNALS = ("informative", "decoupled")
TASKS = {
    "grounding": ("ms-cxr-grounding", "miou", "tiny-downstream-grounding.yaml"),
    "report": ("mimic-report", "ce_f1_paper_pos", "tiny-downstream-report.yaml"),
}
"""Downstream task -> (harness task, per-sample metric, stage-2 config)."""
REP_OFFSET = 1000
"""Training-seed offset of the replicate arm of the negative control."""
ARMS: dict[str, tuple[str, str | None, int]] = {
    "gazex-informative": ("informative", "tiny.yaml", 0),
    "gazex-decoupled": ("decoupled", "tiny.yaml", 0),
    "gazex-decoupled-rep": ("decoupled", "tiny.yaml", REP_OFFSET),
    "no-gaze": ("informative", None, 0),
}
"""Arm -> (phantom, stage-1 config or None = no stage 1, training-seed offset)."""
COMPARISONS = (
    ("positive control", "gaze content", "gazex-informative", "gazex-decoupled"),
    ("negative control", "null by construction", "gazex-decoupled", "gazex-decoupled-rep"),
    ("pretraining", "format + content", "gazex-informative", "no-gaze"),
    ("pretraining", "format only", "gazex-decoupled", "no-gaze"),
)
"""(role, what it measures, A, B): the paired difference A minus B."""


def make_phantoms(base: Path) -> dict[str, Path]:
    """The two small phantoms (phantom seed 0), generated once under ``base``."""
    roots = {}
    for sig in SIGNALS:
        root = base / f"phantom-small-{sig}"
        if not is_phantom(root):
            generate_phantom(root, size="small", seed=0, gaze_signal=sig)
        roots[sig] = root
    return roots


def stage1_job(runs: Path, arm: str, seed: int, steps: int) -> dict[str, Any]:
    """The stage-1 job of ``arm`` for training seed ``seed`` (shared with ``held_out_reader``)."""
    _, cfg, offset = ARMS[arm]
    assert cfg is not None
    return {
        "config": str(CONFIGS / cfg),
        "out": str(runs / f"seed{seed}" / arm / "stage1"),
        "set": [f"seed={seed + offset}", "save_every=0", "num_threads=1", f"max_steps={steps}"],
    }


def plan_seed(runs: Path, seed: int, s1: int, s2: int) -> dict[str, list[dict[str, Any]]]:
    """Training jobs of one seed, grouped by the phantom they train on (stage 1 before its stage 2)."""
    jobs: dict[str, list[dict[str, Any]]] = {sig: [] for sig in SIGNALS}
    for arm, (sig, cfg, offset) in ARMS.items():
        start = "null"
        if cfg is not None:
            jobs[sig].append(stage1_job(runs, arm, seed, s1))
            start = jobs[sig][-1]["out"]
        for task, (_, _, cfg2) in TASKS.items():
            jobs[sig].append(
                {
                    "config": str(CONFIGS / cfg2),
                    "out": str(runs / f"seed{seed}" / arm / task),
                    "set": [
                        f"seed={seed + offset}",
                        "save_every=0",
                        "num_threads=1",  # 1 thread: the CPU is shared
                        f"max_steps={s2}",
                        f"model.init_from={start}",
                    ],
                }
            )
    return jobs


def scored_before(out: Path, task: str, run_dir: Path, limit: int) -> Path | None:
    """A finished harness run under ``out`` of this very model (content fingerprint), task and limit, if any.

    Scoring (the report task's NLG metrics above all) costs more than reading the stored ``scores.jsonl``;
    the run's ``spec.json`` records the model's fingerprint, task and limit, so a match is the same run.
    """
    want = model_fingerprint(run_dir)["sha256"]
    for d in sorted(out.glob(f"{task}__gazex__*")):
        try:
            spec = json.loads((d / "spec.json").read_text())
        except (OSError, ValueError):
            continue
        same = spec.get("task") == task and spec.get("limit") == limit
        if (
            same
            and (spec.get("model_key") or {}).get("model_sha256") == want
            and (d / "scores.jsonl").is_file()
        ):
            return d
    return None


def score_run(root: Path, run_dir: Path, task: str, metric: str, limit: int, out: Path) -> dict[str, float]:
    """Per-sample ``metric`` of a trained run on ``task`` (harness run; a failed answer scores as the task scores it)."""
    rd = scored_before(out, task, run_dir, limit)
    if rd is None:
        rd = _harness_run(root, run_dir, task, limit, out)
    vals = {
        str(o["sample_id"]): (o.get("metrics") or {}).get(metric) for _, o in read_jsonl(rd / "scores.jsonl")
    }
    return {k: float(v) if v is not None else 0.0 for k, v in vals.items()}


def _harness_run(root: Path, run_dir: Path, task: str, limit: int, out: Path) -> Path:
    reg = build_adapter_registry([("gazex", "gazex_model.adapter:GazeXAdapter", "gaze_effect")])
    req = RunRequest(
        task=task,
        model="gazex",
        model_args={"path": str(run_dir), "device": "cpu"},
        data_root=root,
        limit=limit,
        out=out,
        quiet=True,
    )
    return run_task(req, adapters=reg).run_dir


def image_of(root: Path, task: str, limit: int) -> dict[str, str]:
    """Sample id -> image (the resampling cluster) of the first ``limit`` test samples of ``task``."""
    data = get_task(task).load(root, split=None, limit=limit)
    return {s.sample_id: "|".join(sorted(Path(p).name for p in s.request.image_paths)) for s in data.samples}


def analyse(
    scores: dict[str, dict[str, dict[int, dict[str, float]]]],
    clusters: dict[str, dict[str, str]],
    seeds: list[int],
    n_boot: int,
) -> dict[str, Any]:
    """Arm summaries and every comparison of every task, Holm-adjusted together.

    Args:
        scores: ``task -> arm -> seed -> sample_id -> value``.
        clusters: ``task -> sample_id -> image``.
        seeds: Training seeds (arm A's seed k is paired with arm B's seed k).
        n_boot: Bootstrap resamples B.
    """
    out: dict[str, Any] = {}
    for task, arms in scores.items():
        ids = sorted(clusters[task])
        cl = [clusters[task][i] for i in ids]
        mats = {arm: matrix(v, seeds, ids) for arm, v in arms.items()}
        comps = []
        for role, what, a, b in COMPARISONS:
            c = two_way_bootstrap(mats[a], mats[b], cl, n_boot, seed=1)
            comps.append({"role": role, "measures": what, "a": a, "b": b, **c})
        out[task] = {
            "arms": {arm: arm_summary(m, cl, seeds, n_boot) for arm, m in mats.items()},
            "comparisons": comps,
        }
    holm_adjust([c for t in out.values() for c in t["comparisons"]], n_boot)
    return out


def train_all(args: argparse.Namespace, runs: Path, roots: dict[str, Path], seeds: list[int]) -> None:
    """Train every job of every seed (finished jobs are skipped by :func:`gazex_model.protocol.run_plan`)."""
    for seed in seeds:
        for sig, jobs in plan_seed(runs, seed, args.stage1_steps, args.stage2_steps).items():
            if args.score_only:  # the runs exist (trained by an earlier invocation with these settings)
                missing = [j["out"] for j in jobs if not (Path(j["out"]) / "DONE").is_file()]
                if missing:
                    raise SystemExit(f"--score-only: {missing[0]} was not trained")
                continue
            run_plan(jobs, str(roots[sig]))


def run_experiment(args: argparse.Namespace, command: str) -> dict[str, Any] | None:
    """Phantoms, training, scoring, statistics; returns the JSON record (None with ``--train-only``)."""
    t0 = time.perf_counter()
    runs = Path(args.runs)
    roots = make_phantoms(runs)
    seeds = [int(x) for x in args.seeds.split(",")]
    train_all(args, runs, roots, seeds)
    if args.train_only:
        return None
    t1 = time.perf_counter()
    scores: dict[str, Any] = {}
    clusters: dict[str, dict[str, str]] = {}
    for task, (htask, metric, _) in TASKS.items():
        clusters[task] = image_of(roots["informative"], htask, args.limit)
        scores[task] = {
            arm: {
                s: score_run(
                    roots["informative"],
                    runs / f"seed{s}" / arm / task,
                    htask,
                    metric,
                    args.limit,
                    runs / "scored",
                )
                for s in seeds
            }
            for arm in ARMS
        }
    results = analyse(scores, clusters, seeds, args.boot)
    meta = {
        "command": command,
        "seeds": seeds,
        "rep_offset": REP_OFFSET,
        "stage1_steps": args.stage1_steps,
        "stage2_steps": args.stage2_steps,
        "limit": args.limit,
        "boot": args.boot,
        "seconds_scoring": time.perf_counter() - t1,
        "seconds": time.perf_counter() - t0,
        "training_seconds": training_seconds(runs, seeds),
    }
    return {"meta": meta, "results": results, "scores": scores}


def training_seconds(runs: Path, seeds: list[int]) -> dict[str, float]:
    """Wall seconds of every training run of the arms (from its ``DONE`` record), keyed ``seed<s>/<arm>/<stage>``."""
    out = {}
    for done in sorted(runs.glob("seed*/*/*/DONE")):
        if int(done.parts[-4][4:]) in seeds and done.parts[-3] in ARMS:
            out["/".join(done.parts[-4:-1])] = float(json.loads(done.read_text())["result"]["seconds"])
    return out


def main(argv: list[str] | None = None) -> int:
    """Entry point (see the module docstring)."""
    ap = argparse.ArgumentParser(
        prog="python -m gazex_model.experiments.gaze_effect", description=(__doc__ or "").splitlines()[0]
    )
    ap.add_argument("--runs", default="runs/gaze_effect")
    ap.add_argument("--reports", default="reports/model")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--stage1-steps", type=int, default=100)
    ap.add_argument("--stage2-steps", type=int, default=50)
    ap.add_argument(
        "--limit", type=int, default=64, help="test samples scored per task (64 = all, small phantom)"
    )
    ap.add_argument("--boot", type=int, default=2000, help="bootstrap resamples B")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--score-only", action="store_true", help="score runs already trained in --runs")
    mode.add_argument("--train-only", action="store_true", help="train, do not score")
    return run_entry("gaze_effect", ap.parse_args(argv), argv, run_experiment, write_report)


if __name__ == "__main__":
    raise SystemExit(main())
