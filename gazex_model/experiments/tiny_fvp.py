"""Tiny GazeX on the small phantom: held-out FVP centroid error vs. baselines, seeds pooled.

Usage::

    python -m gazex_model.experiments.tiny_fvp [--data-root DIR] [--runs runs/fvp] [--seeds 0,1,2]
        [--steps N] [--reuse] [--boot B] [--reports reports/model]

Trains, per training seed, ``configs/tiny.yaml`` (GazeX: FVP+GTM+SDA), ``tiny-gaze-boxes.yaml`` (the
paper's baseline: the backbone fine-tuned on gaze-cluster-box FVP targets only) and
``tiny-no-gaze.yaml`` (image -> report only) at one budget, materialises ``tiny-zero-shot.yaml``
(untrained), then asks every model for the FVP string of each held-out (test-split) finding sentence
and scores the predicted observation centroid against the gaze pipeline's holistic centroid
(Euclidean distance, quarter-scale pixels). Unparseable outputs are scored with the image centre
(counted as parse failures); parsed centroids are clipped to the image. Model-free nulls
(:func:`reference_errors`) are scored beside them.

Every per-sample error (model x seed x sentence, with sample, reading and image ids) goes to
``fvp_eval_samples.jsonl``; the statistics (:mod:`gazex_model.experiments.fvp_stats`: image-cluster
bootstrap with the seeds pooled, Holm, p floored at 1/B) and the report
(:mod:`gazex_model.experiments.fvp_report`) are computed from that file alone, so they can be re-run
without training. Writes ``loss_curves.png`` (first seed), ``fvp_eval.md`` / ``.json`` and the JSONL
under ``--reports``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np

from gazex_bench.errors import GazexError, UsageError
from gazex_bench.io import atomic_write_json, atomic_write_text, dumps_jsonl_line
from gazex_bench.runner.data_root import cache_dir
from gazex_model.cli import phantom_root
from gazex_model.config import load_config
from gazex_model.experiments.fvp_report import write_report
from gazex_model.experiments.fvp_stats import analyse
from gazex_model.experiments.fvp_truth import reading_images, sample_keys
from gazex_model.infer import GazeXModel
from gazex_model.pools_cache import cached_pools
from gazex_model.protocol import run_plan

logger = logging.getLogger(__name__)
CONFIGS = Path(__file__).resolve().parents[2] / "configs"
MBR_ALT = 8
"""Samples of the MBR decoding scored as the alternative decoding (``--alt-decoding``)."""
VARIANTS = ("tiny", "tiny-zero-shot", "tiny-no-gaze", "tiny-gaze-boxes")
TRAINED = ("tiny", "tiny-gaze-boxes", "tiny-no-gaze")
"""Variants trained at one budget per seed (``tiny-zero-shot`` is materialised untrained)."""
SAMPLES_FILE = "fvp_eval_samples.jsonl"


def centroid_errors(model: Any, samples: list[Any]) -> tuple[np.ndarray, list[bool], list[bool]]:
    """Per-sample centroid error (quarter px), parsed flag and well-formed flag.

    Decoded with the run's generation settings (:meth:`GazeXModel.decode_fvp`: greedy, or MBR over
    sampled outputs) and converted from the run's ``data.coord_format`` to quarter-scale pixels.
    An unparseable output is scored with the image centre; a parsed centroid is clipped to the image.
    """
    frames = [(float(s.meta["quarter_hw"][1]), float(s.meta["quarter_hw"][0])) for s in samples]
    errs, parsed, complete = [], [], []
    for s, (_, p), (qw, qh) in zip(samples, model.decode_fvp(samples, frames), frames):
        gt = np.array(s.meta["holistic_centroid"], float)
        if p.ok:
            pred = np.clip(np.array(p.value["centroid"], float), 0.0, [qw, qh])  # inside the image
        else:
            pred = np.array([qw / 2.0, qh / 2.0])
        errs.append(float(np.linalg.norm(pred - gt)))
        parsed.append(bool(p.ok))
        complete.append(bool(p.ok and p.complete))
    return np.array(errs), parsed, complete


def reference_errors(test: list[Any], train_fvp: list[Any]) -> dict[str, np.ndarray]:
    """Per-sample errors (quarter px) of three model-free predictors of the held-out holistic centroid.

    ``train-mean-centroid``: the mean training centroid (a centre-bias null); ``train-sentence-mean-centroid``:
    the mean training centroid of the same sentence text, else the overall mean (the sentence-text
    lookup: a text-only model that memorised phrase -> location); ``image-centre``: the image centre
    (also the score of every unparseable output).
    """
    gt = np.array([s.meta["holistic_centroid"] for s in test], float)
    mean_c = np.mean([s.meta["holistic_centroid"] for s in train_fvp], axis=0)
    by_sent: dict[str, list[Any]] = {}
    for s in train_fvp:
        by_sent.setdefault(s.meta["sentence"], []).append(s.meta["holistic_centroid"])
    sent = np.array([np.mean(by_sent.get(s.meta["sentence"], [mean_c]), axis=0) for s in test], float)
    qc = np.array([[s.meta["quarter_hw"][1] / 2.0, s.meta["quarter_hw"][0] / 2.0] for s in test])
    return {
        "train-mean-centroid": np.linalg.norm(gt - mean_c, axis=1),
        "train-sentence-mean-centroid": np.linalg.norm(gt - sent, axis=1),
        "image-centre": np.linalg.norm(gt - qc, axis=1),
    }


def plan_jobs(
    runs: Path,
    seeds: list[int],
    steps: int | None,
    overrides: list[str],
    variants: dict[int, tuple[str, ...]] | None = None,
) -> list[dict[str, Any]]:
    """Protocol plan (:func:`gazex_model.protocol.run_plan`): every variant of every seed in ``runs/seed<k>/<name>``.

    One thread and no checkpoints (the CPU is shared); ``steps`` overrides ``max_steps`` of the trained
    variants alike, so every trained variant gets the same budget. ``variants``: seed -> the variants
    trained for that seed (default: all of :data:`VARIANTS`).
    """
    jobs = []
    for seed in seeds:
        for name in (variants or {}).get(seed, VARIANTS):
            steps_set = [f"max_steps={steps}"] if steps is not None and name in TRAINED else []
            jobs.append(
                {
                    "config": str(CONFIGS / f"{name}.yaml"),
                    "out": str(runs / f"seed{seed}" / name),
                    "set": [*overrides, f"seed={seed}", "num_threads=1", "save_every=0", *steps_set],
                }
            )
    return jobs


def seed_variants(seeds: list[int], only: str, no_gaze_seeds: str | None) -> dict[int, tuple[str, ...]]:
    """Seed -> variants trained and scored (``only``, less ``tiny-no-gaze`` outside ``no_gaze_seeds``)."""
    keep = {int(x) for x in no_gaze_seeds.split(",")} if no_gaze_seeds is not None else set(seeds)
    names = [n for n in VARIANTS if n in only.split(",")]
    return {s: tuple(n for n in names if n != "tiny-no-gaze" or s in keep) for s in seeds}


def run_info(run_dir: Path) -> dict[str, Any]:
    """Budget and timing of a trained run (its ``run_info.json``) and the plan job that trained it (``DONE``)."""
    ri = json.loads((run_dir / "run_info.json").read_text())
    done = json.loads((run_dir / "DONE").read_text()) if (run_dir / "DONE").is_file() else {}
    return {
        "run_dir": str(run_dir),
        "trained_with": done.get("key"),
        "steps": ri.get("steps"),
        "seconds": ri.get("seconds"),
        "step_seconds_median": ri.get("step_seconds_median"),
    }


def validation_pools(pools: Any, folds: int = 5) -> Any:
    """Carve a validation fold from the *training* readings (crc32(reading_id) % folds == 0) as ``test``.

    The real test split is dropped, so configurations can be compared without touching it.
    """
    import dataclasses
    import zlib

    def held(s: Any) -> bool:
        return zlib.crc32(s.sample_id.split("/")[0].encode()) % folds == 0

    train = {k: [s for s in v if not held(s)] for k, v in pools.train.items()}
    val = {k: [s for s in v if held(s)] for k, v in pools.train.items()}
    counts = {
        **pools.counts,
        "train": {k: len(v) for k, v in train.items()},
        "test": {k: len(v) for k, v in val.items()},
        "note": f"validation fold: training readings with crc32(id) % {folds} == 0",
    }
    return dataclasses.replace(pools, train=train, test=val, counts=counts)


def trailing_mean(v: np.ndarray, w: int) -> np.ndarray:
    """``out[i]`` = mean of ``v[max(0, i - w + 1) : i + 1]`` (shorter windows at the start, so curves start at once)."""
    c = np.concatenate([[0.0], np.cumsum(v, dtype=float)])
    i = np.arange(1, len(v) + 1)
    lo = np.maximum(0, i - w)
    return (c[i] - c[lo]) / (i - lo)


def loss_figure(run_dir: Path, out: Path) -> None:
    """Per-objective training loss (points + trailing mean over that objective's last 25 logged steps)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [json.loads(x) for x in (run_dir / "metrics.jsonl").read_text().splitlines() if x.strip()]
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for k, color in zip(("fvp", "gtm", "sda"), ("C0", "C1", "C2")):
        pts = [(r["step"], r["losses"][k]) for r in rows if k in r["losses"]]
        if not pts:
            continue
        s, v = np.array(pts).T
        ax.scatter(s, v, s=4, alpha=0.25, color=color)
        ax.plot(s, trailing_mean(v, 25), color=color, label=k.upper())
    ax.set(
        xlabel="optimiser step",
        ylabel="cross-entropy (target tokens)",
        yscale="log",
        title="tiny GazeX on the small phantom: loss per objective",
    )
    ax.legend()
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=130)
    plt.close(fig)


def decodings(runs: dict[str, Path], alt: bool) -> dict[str, tuple[Path, Any]]:
    """Row name -> (run dir, generation override or None = the run's own settings).

    With ``alt``, ``tiny`` is also scored with the other FVP decoding (``tiny-greedy`` when its config
    uses MBR, ``tiny-mbr8`` when it decodes greedily), so the share of the decoding choice is visible.
    """
    out: dict[str, tuple[Path, Any]] = {name: (d, None) for name, d in runs.items()}
    if alt and "tiny" in runs:
        g = load_config(runs["tiny"] / "resolved_config.yaml").generation
        name, k = ("tiny-greedy", 0) if g.fvp_mbr_samples > 1 else (f"tiny-mbr{MBR_ALT}", MBR_ALT)
        out[name] = (runs["tiny"], replace(g, fvp_mbr_samples=k))
    return out


def scored(run_dir: Path, row: str, generation: Any, test: list[Any]) -> dict[str, Any]:
    """Per-sample errors of one run and decoding on ``test``, cached in ``<run_dir>/fvp_scores-<row>.json``.

    Greedy and seeded-MBR decoding are deterministic per sample, so cached results (keyed by sample id)
    of the same run (``DONE`` contents) and decoding settings are reused, and only missing samples are
    decoded (decoding 1,000 sentences takes minutes on the shared CPU).
    """

    gen = asdict(generation or load_config(run_dir / "resolved_config.yaml").generation)
    key = {
        "generation": gen,
        "done": (run_dir / "DONE").read_text() if (run_dir / "DONE").is_file() else None,
    }
    cache = run_dir / f"fvp_scores-{row}.json"
    old = json.loads(cache.read_text()) if cache.is_file() else {}
    done: dict[str, Any] = old.get("samples", {}) if old.get("key") == key else {}
    todo = [s for s in test if s.sample_id not in done]
    if todo:
        t = time.perf_counter()
        errs, parsed, well = centroid_errors(
            GazeXModel(str(run_dir), device="cpu", generation=generation), todo
        )
        per = (time.perf_counter() - t) / len(todo)
        for s, e, p, w in zip(todo, errs, parsed, well):
            done[s.sample_id] = [round(float(e), 4), p, w, round(per, 4)]
        atomic_write_json(cache, {"key": key, "samples": done})
    got = [done[s.sample_id] for s in test]
    return {
        "errors": [g[0] for g in got],
        "parsed": [g[1] for g in got],
        "well_formed": [g[2] for g in got],
        "generation": gen,
        "eval_seconds": round(sum(g[3] for g in got), 2),
    }


def one_reading_per_image(test: list[Any], images: dict[str, str], k: int) -> list[Any]:
    """The test sentences of the first ``k`` readings (sorted ids) of every image (``k`` <= 0: all)."""
    if k <= 0:
        return test
    by_image: dict[str, set[str]] = {}
    for s in test:
        by_image.setdefault(images[s.meta["reading_id"]], set()).add(s.meta["reading_id"])
    keep = {r for rs in by_image.values() for r in sorted(rs)[:k]}
    return [s for s in test if s.meta["reading_id"] in keep]


def evaluate(
    seed: int,
    runs: dict[str, Path],
    test: list[Any],
    train_fvp: list[Any],
    keys: list[dict[str, Any]],
    alt: bool,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Per-sample rows of one training seed (every model and null) and the per-model run record."""
    errors: dict[str, Any] = {}
    parsed: dict[str, list[bool]] = {}
    well: dict[str, list[bool]] = {}
    record: dict[str, Any] = {}
    for name, (run_dir, generation) in decodings(runs, alt).items():
        sc = scored(run_dir, name, generation, test)
        errors[name], parsed[name], well[name] = sc["errors"], sc["parsed"], sc["well_formed"]
        record[name] = {
            **run_info(run_dir),
            "generation": sc["generation"],
            "eval_seconds": sc["eval_seconds"],
        }
        logger.info("seed %d %s: mean error %.2f px", seed, name, float(np.mean(sc["errors"])))
    errors.update({k: [round(float(x), 4) for x in v] for k, v in reference_errors(test, train_fvp).items()})
    rows = [
        {
            "seed": seed,
            **k,
            "errors": {m: e[i] for m, e in errors.items()},
            "parsed": {m: p[i] for m, p in parsed.items()},
            "well_formed": {m: w[i] for m, w in well.items()},
        }
        for i, k in enumerate(keys)
    ]
    return rows, record


def write_samples(path: Path, rows: list[dict[str, Any]]) -> None:
    """The per-sample JSONL (one line per seed x test sentence), written atomically."""
    atomic_write_text(path, "".join(dumps_jsonl_line(r) for r in rows))


def train_or_reuse(jobs: list[dict[str, Any]], root: str, reuse: bool) -> None:
    """Train the plan (finished jobs with the same key are skipped), or with ``reuse`` require every run."""
    if reuse:
        missing = [j["out"] for j in jobs if not (Path(j["out"]) / "DONE").is_file()]
        if missing:
            raise UsageError(f"--reuse: {missing[0]} was not trained (run without --reuse)")
        return

    run_plan(jobs, root)


def build_parser() -> argparse.ArgumentParser:
    """Command-line options (see the module docstring)."""
    ap = argparse.ArgumentParser(prog="python -m gazex_model.experiments.tiny_fvp")
    ap.add_argument("--data-root", default=None)
    ap.add_argument("--runs", default="runs/fvp")
    ap.add_argument("--reports", default="reports/model")
    ap.add_argument("--steps", type=int, default=None, help="max_steps of every trained variant")
    ap.add_argument("--reuse", action="store_true", help="score the runs already in --runs (no training)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override for every run")
    ap.add_argument("--only", default=",".join(VARIANTS), help="comma-separated variants (tiny first)")
    ap.add_argument("--seeds", default="0,1,2", help="comma-separated training seeds")
    ap.add_argument(
        "--no-gaze-seeds", default=None, help="seeds that also train tiny-no-gaze (default: every seed)"
    )
    ap.add_argument(
        "--readings-per-image",
        type=int,
        default=0,
        help="score the first K readings of each test image (0: all)",
    )
    ap.add_argument("--boot", type=int, default=2000, help="bootstrap resamples B")
    ap.add_argument("--alt-decoding", action="store_true", help="also score tiny with the other decoding")
    ap.add_argument("--val-fold", action="store_true", help="score a fold of the training readings")
    return ap


def main(argv: list[str] | None = None) -> int:
    """Run the experiment (see module docstring)."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    root = args.data_root or str(phantom_root("small"))
    pools = cached_pools(load_config(CONFIGS / "tiny.yaml", args.set), root, cache_dir() / "gazex_model")
    if args.val_fold:
        pools = validation_pools(pools)
    seeds = [int(x) for x in args.seeds.split(",")]
    variants = seed_variants(seeds, args.only, args.no_gaze_seeds)
    jobs = plan_jobs(Path(args.runs), seeds, args.steps, args.set, variants)
    train_or_reuse(jobs, root, args.reuse)
    train_fvp = pools.train["fvp"]
    test = one_reading_per_image(pools.test["fvp"], reading_images(root), args.readings_per_image)
    keys = sample_keys(root, test, train_fvp)
    rows, record = [], {}
    for seed in seeds:
        runs = {n: Path(args.runs) / f"seed{seed}" / n for n in variants[seed]}
        seed_rows, record[str(seed)] = evaluate(seed, runs, test, train_fvp, keys, args.alt_decoding)
        rows += seed_rows
        if seed == seeds[0] and "tiny" in runs:
            loss_figure(runs["tiny"], Path(args.reports) / "loss_curves.png")
    command = "python -m gazex_model.experiments.tiny_fvp" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:])
    )
    write_samples(Path(args.reports) / SAMPLES_FILE, rows)
    rec = {
        "command": command,
        "counts": pools.counts,
        "runs": record,
        "samples_file": SAMPLES_FILE,
        "readings_per_image": args.readings_per_image,
        "test_sentences_all": len(pools.test["fvp"]),
        "config_max_steps": load_config(CONFIGS / "tiny.yaml").max_steps,
        "stats": analyse(rows, args.boot),
    }
    atomic_write_json(Path(args.reports) / "fvp_eval.json", rec)
    write_report(rec, Path(args.reports) / "fvp_eval.md")
    return 0


def cli(argv: list[str] | None = None) -> int:
    """:func:`main` with a project error as one line on stderr and exit code 2."""
    try:
        return main(argv)
    except GazexError as exc:
        print(f"tiny_fvp: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(cli())
