"""Tiny GazeX on the small phantom: loss curves + held-out FVP centroid error vs. baselines.

Usage::

    python -m gazex_model.experiments.tiny_fvp [--data-root DIR] [--runs runs] [--reuse] [--steps N] [--seeds 0,1,2]

Trains ``configs/tiny.yaml`` (GazeX: FVP+GTM+SDA), ``tiny-no-gaze.yaml`` (image -> report
only) and ``tiny-gaze-boxes.yaml`` (FVP targets only), materialises ``tiny-zero-shot.yaml``
(the same configuration untrained), then asks every model for the FVP string of each
held-out (test-split) finding and scores the predicted observation centroid against the
gaze pipeline's holistic centroid (Euclidean distance, quarter-scale pixels).
Unparseable outputs are scored with the image centre (counted as parse failures);
parsed centroids are clipped to the image (a runaway digit string is not a location).
Every trained variant is trained once per ``--seeds`` entry (runs/seed<k>/<name>); the report
shows each seed's table and the paired differences per seed, so one lucky initialisation cannot
carry a conclusion. Writes ``reports/model/loss_curves.png`` (first seed), ``reports/model/fvp_eval.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from gazex_bench.io import atomic_write_json
from gazex_model.experiments.fvp_report import write_report

logger = logging.getLogger(__name__)
CONFIGS = Path(__file__).resolve().parents[2] / "configs"
MBR_ALT = 8
"""Samples of the MBR decoding scored as the alternative of a greedily-decoding ``tiny``."""
VARIANTS = ("tiny", "tiny-zero-shot", "tiny-no-gaze", "tiny-gaze-boxes")


N_BOOT = 2000


def clusters_of(samples: list[Any]) -> list[str]:
    """Bootstrap cluster per FVP sample: its REFLACX reading (sentences of one reading are not independent)."""
    return [s.sample_id.split("/")[0] for s in samples]


def mean_ci(x: np.ndarray, clusters: list[str] | None = None) -> list[float]:
    """Seeded percentile 95 % CI of the mean of ``x`` (:func:`gazex_bench.metrics.stats.bootstrap_ci`,
    resampling ``clusters`` when given)."""
    from gazex_bench.metrics.stats import bootstrap_ci, mean_reducer

    ci = bootstrap_ci(np.asarray(x, float), mean_reducer, n_resamples=N_BOOT, seed=0, clusters=clusters)
    return [ci.low, ci.high]


def centroid_errors(model: Any, samples: list[Any]) -> tuple[np.ndarray, int, int]:
    """Per-sample centroid error (quarter px), parse failures, well-formed outputs.

    Decoded with the run's generation settings (:meth:`GazeXModel.decode_fvp`: greedy, or MBR over
    sampled outputs) and converted from the run's ``data.coord_format`` to quarter-scale pixels.
    """
    frames = [(float(s.meta["quarter_hw"][1]), float(s.meta["quarter_hw"][0])) for s in samples]
    errs, fails, complete = [], 0, 0
    for s, (_, p), (qw, qh) in zip(samples, model.decode_fvp(samples, frames), frames):
        gt = np.array(s.meta["holistic_centroid"], float)
        if p.ok:
            pred = np.clip(np.array(p.value["centroid"], float), 0.0, [qw, qh])  # inside the image
            complete += int(p.complete)
        else:
            pred, fails = np.array([qw / 2.0, qh / 2.0]), fails + 1
        errs.append(float(np.linalg.norm(pred - gt)))
    return np.array(errs), fails, complete


def train_variants(
    root: str,
    runs: Path,
    pools: Any,
    steps: int | None,
    reuse: bool,
    overrides: list[str] | None = None,
    variants: tuple[str, ...] = VARIANTS,
) -> dict[str, dict[str, Any]]:
    """Train (or reuse) each variant (``overrides``: ``KEY=VALUE`` for every variant); return timing info."""
    from gazex_model.config import load_config
    from gazex_model.data import corpus_of
    from gazex_model.train import TrainData, train

    info: dict[str, dict[str, Any]] = {}
    corpus = corpus_of(pools.train) + corpus_of(pools.test)
    for name in variants:
        over = [
            *(overrides or []),
            *([f"max_steps={steps}"] if steps is not None and name != "tiny-zero-shot" else []),
        ]
        cfg = load_config(CONFIGS / f"{name}.yaml", over)
        out = runs / cfg.name
        if (
            reuse
            and (out / "run_info.json").is_file()
            and json.loads((out / "run_info.json").read_text()).get("seconds")
        ):
            logger.info("reusing %s", out)
        else:
            import shutil

            shutil.rmtree(out, ignore_errors=True)
            train(cfg, out, TrainData(pools.train, corpus, {"root": root, "counts": pools.counts}))
        ri = json.loads((out / "run_info.json").read_text())
        info[name] = {
            "run_dir": str(out),
            "steps": ri.get("steps"),
            "seconds": ri.get("seconds"),
            "step_seconds_median": ri.get("step_seconds_median"),
            "threads": cfg.num_threads,
            "generation": cfg.generation,
        }  # decode with the config's settings (also for --reuse)
    return info


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


def evaluate(info: dict[str, dict[str, Any]], test: list[Any], train_fvp: list[Any]) -> dict[str, Any]:
    """Centroid errors of every variant, reference rows and paired differences.

    ``tiny`` is also scored with the other FVP decoding (``tiny-greedy`` when its config uses MBR,
    ``tiny-mbr8`` when it decodes greedily), so the report shows what the decoding choice is worth.
    """
    from dataclasses import replace

    from gazex_model.infer import GazeXModel

    res: dict[str, Any] = {}
    errs: dict[str, np.ndarray] = {}
    clusters = clusters_of(test)
    runs, alt = dict(info), None
    if (
        "tiny" in info and info["tiny"].get("generation") is not None
    ):  # the other decoding of the same weights
        g = info["tiny"]["generation"]
        alt, k = ("tiny-greedy", 0) if g.fvp_mbr_samples > 1 else (f"tiny-mbr{MBR_ALT}", MBR_ALT)
        runs = {
            "tiny": info["tiny"],
            alt: {**info["tiny"], "generation": replace(g, fvp_mbr_samples=k)},
            **{n: v for n, v in info.items() if n != "tiny"},
        }
    for name, ri in runs.items():
        t = time.perf_counter()
        model = GazeXModel(ri["run_dir"], device="cpu", generation=ri.get("generation"))
        e, fails, complete = centroid_errors(model, test)
        errs[name] = e
        res[name] = {
            "mean_px": float(e.mean()),
            "ci95": mean_ci(e, clusters),
            "parse_failures": fails,
            "well_formed": complete,
            "n": len(e),
            "eval_seconds": time.perf_counter() - t,
            **{k: v for k, v in ri.items() if k != "generation"},
            "generation": asdict(model.generation),
        }
    for name, e in reference_errors(test, train_fvp).items():
        errs[name] = e
        res[name] = {"mean_px": float(e.mean()), "ci95": mean_ci(e, clusters), "n": len(e)}
    from gazex_bench.metrics.stats import mean_reducer, paired_bootstrap

    for mine in [k for k in ("tiny", alt) if k in errs]:
        for other in [k for k in errs if k != mine and not (mine == alt and k == "tiny")]:
            pr = paired_bootstrap(
                errs[other], errs[mine], mean_reducer, n_resamples=N_BOOT, seed=1, clusters=clusters
            )
            res[f"diff_{other}_minus_{mine}"] = {
                "mean_px": pr.diff.value,
                "ci95": [pr.diff.low, pr.diff.high],
                "p": pr.p_value,
                "n": pr.diff.n,
            }
    return res


def reference_errors(test: list[Any], train_fvp: list[Any]) -> dict[str, np.ndarray]:
    """Per-sample errors (quarter px) of three model-free predictors of the held-out holistic centroid.

    ``train-mean-centroid``: the mean training centroid (a centre-bias null); ``train-sentence-mean-centroid``:
    the mean training centroid of the same sentence text, else the overall mean (a memorisation ceiling for
    text-only models); ``image-centre``: the image centre (also the score of every unparseable output).
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


def extra_runs(items: list[str]) -> dict[str, dict[str, Any]]:
    """``NAME=RUN_DIR`` items -> info entries of already-trained runs (decoded with their own settings)."""
    out = {}
    for item in items:
        name, _, path = item.partition("=")
        ri = json.loads((Path(path) / "run_info.json").read_text())
        out[name] = {
            "run_dir": path,
            "steps": ri.get("steps"),
            "seconds": ri.get("seconds"),
            "step_seconds_median": ri.get("step_seconds_median"),
            "threads": None,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the experiment (see module docstring)."""
    ap = argparse.ArgumentParser(prog="tiny_fvp")
    ap.add_argument("--data-root", default=None)
    ap.add_argument("--runs", default="runs")
    ap.add_argument("--reports", default="reports/model")
    ap.add_argument("--steps", type=int, default=None, help="override max_steps of the trained variants")
    ap.add_argument("--reuse", action="store_true", help="reuse finished runs in --runs")
    ap.add_argument(
        "--extra", action="append", default=[], metavar="NAME=RUN_DIR", help="also score this run"
    )
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="config override for the pools and every variant (e.g. data.coord_format=fixed3)",
    )
    ap.add_argument(
        "--only", default=",".join(VARIANTS), help="comma-separated variants to train/score (tiny first)"
    )
    ap.add_argument(
        "--seeds", default="0", help="comma-separated training seeds (each trains every variant again)"
    )
    ap.add_argument(
        "--val-fold", action="store_true", help="score on a fold of the training readings, not the test split"
    )
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from transformers.utils import logging as hf_logging

    from gazex_bench.runner.data_root import cache_dir
    from gazex_model.cli import phantom_root
    from gazex_model.config import load_config
    from gazex_model.pools_cache import cached_pools

    hf_logging.disable_progress_bar()
    root = args.data_root or str(phantom_root("small"))
    pools = cached_pools(load_config(CONFIGS / "tiny.yaml", args.set), root, cache_dir() / "gazex_model")
    if args.val_fold:
        pools = validation_pools(pools)
    seeds = [int(x) for x in args.seeds.split(",")]
    per_seed: dict[int, dict[str, Any]] = {}
    for seed in seeds:  # each seed trains and scores every variant in runs/seed<k>/
        info = train_variants(
            root,
            Path(args.runs) / f"seed{seed}",
            pools,
            args.steps,
            args.reuse,
            [*args.set, f"seed={seed}"],
            tuple(args.only.split(",")),
        )
        if seed == seeds[0]:
            info.update(extra_runs(args.extra))
            loss_figure(Path(info["tiny"]["run_dir"]), Path(args.reports) / "loss_curves.png")
        per_seed[seed] = evaluate(info, pools.test["fvp"], pools.train["fvp"])
        logger.info("seed %d: %s", seed, {k: round(v["mean_px"], 2) for k, v in per_seed[seed].items()})
    command = "python -m gazex_model.experiments.tiny_fvp" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:])
    )
    atomic_write_json(
        Path(args.reports) / "fvp_eval.json",
        {"command": command, "seeds": {str(k): v for k, v in per_seed.items()}, "counts": pools.counts},
    )
    write_report(per_seed, pools.counts, Path(args.reports) / "fvp_eval.md", command)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
