"""Held-out-radiologist experiment: does GazeX align with a reader it never saw as well as with one it saw?

Usage::

    python -m gazex_model.experiments.held_out_reader [--runs DIR] [--seeds 0] [--reader rad5]
        [--steps N] [--boot B] [--reports reports/model] [--train-only | --score-only]

On the informative small phantom (5 simulated readers with persistent styles), per training seed:

* ``gazex-all-readers``: GazeX stage 1 (``configs/tiny.yaml``) on every reader's training readings
  (the very run ``gaze_effect``'s ``gazex-informative`` arm trains: same job, shared when ``--runs`` is);
* ``gazex-without-<reader>``: the same config, seed and steps (so the same batches and samples seen)
  with ``data.exclude_radiologists=<reader>`` (``data.radiologist_map`` = the phantom's
  ``phantom_truth/radiologists.csv``): that reader's training readings are dropped.

Scored on the held-out reader only: every ``reflacx-gaze`` finding sample (paper setting 2: the
sentence is given, the model answers ordered gaze clusters) of the TEST split whose reading is that
reader's, with the harness's per-sample values (:func:`~gazex_bench.tasks.reflacx_gaze.values.finding_values`:
``centroid_error``, ``dtw_error``, frame-diagonal units, lower is better). References for the same
samples (:mod:`gazex_model.experiments.held_out_refs`): ``center-bias`` (the harness baseline fitted on
the task's training readings), ``shuffled`` (each model's answer scored against the reader's samples on
the other test images: what the answer is worth without its image) and ``inter-radiologist`` (another
reader's gaze for the same finding on the same image, matched by the phantom's finding ids: the ceiling).
Statistics as in :mod:`gazex_model.experiments.effect_stats` (images x seeds, Holm over all comparisons).
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gazex_bench.models.types import GazePrediction, Response
from gazex_bench.tasks.base import TaskSample
from gazex_bench.tasks.reflacx_gaze.values import answer, finding_values
from gazex_bench.tasks.registry import get_task
from gazex_model.experiments.effect_stats import arm_summary, holm_adjust, matrix, two_way_bootstrap
from gazex_model.experiments.entry import run_entry
from gazex_model.experiments.gaze_effect import CONFIGS, make_phantoms, stage1_job
from gazex_model.experiments.held_out_refs import center_bias_values, inter_reader_values, shuffled_values
from gazex_model.experiments.held_out_report import write_report
from gazex_model.protocol import run_plan

logger = logging.getLogger(__name__)
METRICS = ("centroid_error", "dtw_error")
"""Per-sample values compared (lower is better)."""
ALL = "gazex-all-readers"


def without(reader: str) -> str:
    """Arm name of the model trained without ``reader``."""
    return f"gazex-without-{reader}"


def comparisons(reader: str) -> list[tuple[str, str, str]]:
    """(what it measures, A, B): paired differences A minus B of one metric (lower is better)."""
    w = without(reader)
    return [
        ("held-out cost (seen minus unseen reader)", w, ALL),
        ("vs center-bias", ALL, "center-bias"),
        ("vs center-bias", w, "center-bias"),
        ("vs shuffled images", ALL, f"shuffled:{ALL}"),
        ("vs shuffled images", w, f"shuffled:{w}"),
    ]


def plan_seed(runs: Path, root: Path, seed: int, steps: int, reader: str) -> list[dict[str, Any]]:
    """The two stage-1 jobs of one seed; they differ only in the excluded reader."""
    full = stage1_job(runs, "gazex-informative", seed, steps)
    rmap = root / "phantom_truth" / "radiologists.csv"
    held = {
        "config": str(CONFIGS / "tiny.yaml"),
        "out": str(runs / f"seed{seed}" / without(reader) / "stage1"),
        "set": [*full["set"], f"data.radiologist_map={rmap}", f"data.exclude_radiologists={reader}"],
    }
    return [full, held]


def reader_samples(root: Path, reader: str) -> tuple[list[TaskSample], list[TaskSample], list[TaskSample]]:
    """(held-out reader's test finding samples, every test finding sample, training samples) of ``reflacx-gaze``."""
    rmap = root / "phantom_truth" / "radiologists.csv"
    data = get_task("reflacx-gaze", task_args={"radiologist_map": str(rmap)}).load(
        root, split="test", limit=None
    )
    rad = dict(ln.split(",")[:2] for ln in rmap.read_text().splitlines()[1:])
    found = [s for s in data.samples if s.meta.get("kind") == "finding"]
    mine = [s for s in found if rad.get(str(s.meta["reading_id"])) == reader]
    if not mine:
        raise SystemExit(f"{rmap}: {reader} has no test finding sample")
    return mine, found, list(data.train)


def values(
    samples: Sequence[TaskSample], preds: Sequence[GazePrediction | None]
) -> dict[str, dict[str, float]]:
    """``metric -> sample_id -> value`` (NaN for a missing answer, as the harness)."""
    per = [finding_values(s, p) for s, p in zip(samples, preds)]
    return {m: {s.sample_id: v[m] for s, v in zip(samples, per)} for m in (*METRICS, "missing_answer")}


def gazex_predict(run_dir: Path) -> Callable[[Sequence[TaskSample]], list[GazePrediction | None]]:
    """A predictor answering finding samples with the GazeX run in ``run_dir`` (the harness adapter)."""
    from gazex_model.adapter import GazeXAdapter

    adapter = GazeXAdapter(path=str(run_dir), device="cpu")

    def predict(samples: Sequence[TaskSample]) -> list[GazePrediction | None]:
        resp: list[Response] = adapter.predict_gaze([s.request for s in samples])  # type: ignore[arg-type]
        return [answer(r) for r in resp]

    return predict


def score_seed(
    predictors: dict[str, Callable[[Sequence[TaskSample]], list[GazePrediction | None]]],
    mine: Sequence[TaskSample],
) -> dict[str, dict[str, dict[str, float]]]:
    """``arm -> metric -> sample_id -> value`` for each model and its shuffled-images null."""
    out = {}
    for arm, predict in predictors.items():
        preds = predict(mine)
        out[arm] = values(mine, preds)
        out[f"shuffled:{arm}"] = shuffled_values(mine, preds)
    return out


def analyse(
    per_seed: dict[int, dict[str, dict[str, dict[str, float]]]],
    clusters: dict[str, str],
    reader: str,
    n_boot: int,
) -> dict[str, Any]:
    """Arm summaries and comparisons for every metric; Holm over all of them (``per_seed``: seed -> arm -> metric)."""
    seeds = sorted(per_seed)
    ids = sorted(clusters)
    cl = [clusters[i] for i in ids]
    arms = list(per_seed[seeds[0]])
    out: dict[str, Any] = {}
    for metric in (*METRICS, "missing_answer"):
        mats = {a: matrix({s: per_seed[s][a].get(metric, {}) for s in seeds}, seeds, ids) for a in arms}
        res: dict[str, Any] = {"arms": {a: arm_summary(m, cl, seeds, n_boot) for a, m in mats.items()}}
        if metric in METRICS:
            res["comparisons"] = [
                {"measures": what, "a": a, "b": b, **two_way_bootstrap(mats[a], mats[b], cl, n_boot)}
                for what, a, b in comparisons(reader)
            ]
        out[metric] = res
    holm_adjust([c for m in METRICS for c in out[m]["comparisons"]], n_boot)
    return out


def run_experiment(args: argparse.Namespace, command: str) -> dict[str, Any] | None:
    """Training (both arms per seed), scoring against the held-out reader, statistics."""
    t0 = time.perf_counter()
    runs = Path(args.runs)
    root = make_phantoms(runs)["informative"]
    seeds = [int(x) for x in args.seeds.split(",")]
    for seed in seeds:
        jobs = plan_seed(runs, root, seed, args.steps, args.reader)
        if args.score_only:
            missing = [j["out"] for j in jobs if not (Path(j["out"]) / "DONE").is_file()]
            if missing:
                raise SystemExit(f"--score-only: {missing[0]} was not trained")
        else:
            run_plan(jobs, str(root))
    if args.train_only:
        return None
    mine, found, train = reader_samples(root, args.reader)
    fixed = {
        "center-bias": center_bias_values(mine, train),
        "inter-radiologist": inter_reader_values(root, mine, found),
    }
    per_seed = {}
    for seed in seeds:
        jobs = plan_seed(runs, root, seed, args.steps, args.reader)
        predictors = {
            ALL: gazex_predict(Path(jobs[0]["out"])),
            without(args.reader): gazex_predict(Path(jobs[1]["out"])),
        }
        per_seed[seed] = {**score_seed(predictors, mine), **fixed}
    clusters = {s.sample_id: str(s.group) for s in mine}
    meta = {
        "command": command,
        "reader": args.reader,
        "seeds": seeds,
        "steps": args.steps,
        "boot": args.boot,
        "n_samples": len(mine),
        "n_images": len(set(clusters.values())),
        "n_test_finding_samples": len(found),
        "seconds": time.perf_counter() - t0,
    }
    return {
        "meta": meta,
        "results": analyse(per_seed, clusters, args.reader, args.boot),
        "per_seed": per_seed,
    }


def main(argv: list[str] | None = None) -> int:
    """Entry point (see the module docstring)."""
    ap = argparse.ArgumentParser(
        prog="python -m gazex_model.experiments.held_out_reader", description=(__doc__ or "").splitlines()[0]
    )
    ap.add_argument("--runs", default="runs/gaze_effect", help="shared with gaze_effect (its all-reader run)")
    ap.add_argument("--reports", default="reports/model")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--reader", default="rad5", help="the held-out reader (phantom: rad1 .. rad5)")
    ap.add_argument("--steps", type=int, default=100, help="stage-1 steps of both models")
    ap.add_argument("--boot", type=int, default=2000, help="bootstrap resamples B")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--score-only", action="store_true", help="score runs already trained in --runs")
    mode.add_argument("--train-only", action="store_true", help="train, do not score")
    return run_entry("held_out_reader", ap.parse_args(argv), argv, run_experiment, write_report)


if __name__ == "__main__":
    raise SystemExit(main())
