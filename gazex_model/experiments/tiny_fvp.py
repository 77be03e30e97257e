"""Tiny GazeX on the small phantom: loss curves + held-out FVP centroid error vs. baselines.

Usage::

    python -m gazex_model.experiments.tiny_fvp [--data-root DIR] [--runs runs] [--reuse] [--steps N]

Trains ``configs/tiny.yaml`` (GazeX: FVP+GTM+SDA), ``tiny-no-gaze.yaml`` (image -> report
only) and ``tiny-gaze-boxes.yaml`` (FVP targets only), materialises ``tiny-zero-shot.yaml``
(the same configuration untrained), then asks every model for the FVP string of each
held-out (test-split) finding and scores the predicted observation centroid against the
gaze pipeline's holistic centroid (Euclidean distance, quarter-scale pixels).
Unparseable outputs are scored with the image centre (counted as parse failures);
parsed centroids are clipped to the image (a runaway digit string is not a location).
Writes ``reports/model/loss_curves.png``, ``reports/model/fvp_eval.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from gazex_bench.io import atomic_write_json, atomic_write_text

logger = logging.getLogger(__name__)
CONFIGS = Path(__file__).resolve().parents[2] / "configs"
VARIANTS = ("tiny", "tiny-zero-shot", "tiny-no-gaze", "tiny-gaze-boxes")


def bootstrap_ci(x: np.ndarray, n: int = 2000, seed: int = 0) -> tuple[float, float]:
    """Percentile 95 % CI of the mean of ``x`` (``n`` resamples, numpy default_rng(seed))."""
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, len(x), size=(n, len(x)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


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


def train_variants(root: str, runs: Path, pools: Any, steps: int | None, reuse: bool,
                   overrides: list[str] | None = None, variants: tuple[str, ...] = VARIANTS) -> dict[str, dict[str, Any]]:
    """Train (or reuse) each variant (``overrides``: ``KEY=VALUE`` for every variant); return timing info."""
    from gazex_model.config import load_config
    from gazex_model.data import corpus_of
    from gazex_model.train import TrainData, train

    info: dict[str, dict[str, Any]] = {}
    corpus = corpus_of(pools.train) + corpus_of(pools.test)
    for name in variants:
        over = [*(overrides or []), *([f"max_steps={steps}"] if steps is not None and name != "tiny-zero-shot" else [])]
        cfg = load_config(CONFIGS / f"{name}.yaml", over)
        out = runs / cfg.name
        if reuse and (out / "run_info.json").is_file() and json.loads((out / "run_info.json").read_text()).get("seconds"):
            logger.info("reusing %s", out)
        else:
            import shutil

            shutil.rmtree(out, ignore_errors=True)
            train(cfg, out, TrainData(pools.train, corpus, {"root": root, "counts": pools.counts}))
        ri = json.loads((out / "run_info.json").read_text())
        info[name] = {"run_dir": str(out), "steps": ri.get("steps"), "seconds": ri.get("seconds"),
                      "step_seconds_median": ri.get("step_seconds_median"), "threads": cfg.num_threads,
                      "generation": cfg.generation}  # decode with the config's settings (also for --reuse)
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
    counts = {**pools.counts, "train": {k: len(v) for k, v in train.items()}, "test": {k: len(v) for k, v in val.items()},
              "note": f"validation fold: training readings with crc32(id) % {folds} == 0"}
    return dataclasses.replace(pools, train=train, test=val, counts=counts)


def loss_figure(run_dir: Path, out: Path) -> None:
    """Per-objective training loss (points + moving average of 25 steps)."""
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
        w = min(25, len(v))
        ax.plot(s[w - 1 :], np.convolve(v, np.ones(w) / w, mode="valid"), color=color, label=k.upper())
    ax.set(xlabel="optimiser step", ylabel="cross-entropy (target tokens)", yscale="log",
           title="tiny GazeX on the small phantom: loss per objective")
    ax.legend()
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=130)
    plt.close(fig)


def evaluate(info: dict[str, dict[str, Any]], test: list[Any], train_fvp: list[Any]) -> dict[str, Any]:
    """Centroid errors of every variant + the train-mean-centroid reference + paired differences."""
    from gazex_model.infer import GazeXModel

    res: dict[str, Any] = {}
    errs: dict[str, np.ndarray] = {}
    for name, ri in info.items():
        t = time.perf_counter()
        model = GazeXModel(ri["run_dir"], device="cpu", generation=ri.get("generation"))
        e, fails, complete = centroid_errors(model, test)
        errs[name] = e
        lo, hi = bootstrap_ci(e)
        res[name] = {"mean_px": float(e.mean()), "ci95": [lo, hi], "parse_failures": fails, "well_formed": complete,
                     "n": len(e), "eval_seconds": time.perf_counter() - t,
                     **{k: v for k, v in ri.items() if k != "generation"}, "generation": asdict(model.generation)}
    mean_c = np.mean([s.meta["holistic_centroid"] for s in train_fvp], axis=0)
    e = np.array([float(np.linalg.norm(mean_c - np.array(s.meta["holistic_centroid"]))) for s in test])
    res["train-mean-centroid"] = {"mean_px": float(e.mean()), "ci95": list(bootstrap_ci(e)), "n": len(e)}
    by_sent: dict[str, list[Any]] = {}
    for s in train_fvp:
        by_sent.setdefault(s.meta["sentence"], []).append(s.meta["holistic_centroid"])
    e = np.array([float(np.linalg.norm(np.mean(by_sent.get(s.meta["sentence"], [mean_c]), axis=0)
                                       - np.array(s.meta["holistic_centroid"]))) for s in test])
    res["train-sentence-mean-centroid"] = {"mean_px": float(e.mean()), "ci95": list(bootstrap_ci(e)), "n": len(e)}
    qc = np.array([[s.meta["quarter_hw"][1] / 2.0, s.meta["quarter_hw"][0] / 2.0] for s in test])
    e = np.linalg.norm(qc - np.array([s.meta["holistic_centroid"] for s in test]), axis=1)
    res["image-centre"] = {"mean_px": float(e.mean()), "ci95": list(bootstrap_ci(e)), "n": len(e)}
    rng = np.random.default_rng(1)
    for mine in [k for k in errs if k == "tiny" or k not in VARIANTS]:
        for other in [k for k in ("tiny-zero-shot", "tiny-no-gaze", "tiny-gaze-boxes") if k in errs]:
            d = errs[other] - errs[mine]
            boots = d[rng.integers(0, len(d), size=(2000, len(d)))].mean(axis=1)
            res[f"diff_{other}_minus_{mine}"] = {"mean_px": float(d.mean()), "ci95": [
                float(np.percentile(boots, 2.5)), float(np.percentile(boots, 97.5))]}
    return res


def write_report(res: dict[str, Any], counts: dict[str, Any], path: Path) -> None:
    """Markdown table of the results."""
    lines = ["# Tiny GazeX: held-out FVP centroid error on the small phantom", "",
             "Generated by `python -m gazex_model.experiments.tiny_fvp` (numbers below are from that run).", "",
             f"Data: small phantom, paper split scaled down; FVP samples train {counts['train']['fvp']}, "
             f"test {counts['test']['fvp']} (test readings = all phase 2 + round(350*n3/2507) phase 3).", "",
             "Error = Euclidean distance between the predicted observation centroid (last tuple of the FVP string) "
             "and the gaze pipeline's holistic centroid, quarter-scale pixels. Unparseable outputs are scored with "
             "the image centre; parsed centroids are clipped to the image. 95 % CI: percentile bootstrap of the mean (2000 resamples). "
             "FVP decoding per model (`generation` in fvp_eval.json): "
             + "; ".join(f"{k}: " + (f"MBR over {v['generation']['fvp_mbr_samples']} samples" if v["generation"]["fvp_mbr_samples"] > 1
                                    else "greedy") for k, v in res.items() if "generation" in v) + ".", "",
             "| model | mean error (px) | 95 % CI | parse failures | well-formed | train steps | train s | median step s |",
             "|---|---|---|---|---|---|---|---|"]
    for k, v in res.items():
        if k.startswith("diff_"):
            continue
        lines.append(f"| {k} | {v['mean_px']:.1f} | [{v['ci95'][0]:.1f}, {v['ci95'][1]:.1f}] | "
                     f"{v.get('parse_failures', '-')}/{v['n']} | {v.get('well_formed', '-')} | {v.get('steps', '-')} | "
                     f"{_fmt(v.get('seconds'))} | {_fmt(v.get('step_seconds_median'), 3)} |")
    lines += ["", "Paired differences (baseline minus trained GazeX, px; > 0 means GazeX is better):", ""]
    for k, v in res.items():
        if k.startswith("diff_"):
            lines.append(f"- {k[5:]}: {v['mean_px']:.1f} px, 95 % CI [{v['ci95'][0]:.1f}, {v['ci95'][1]:.1f}]")
    atomic_write_text(path, "\n".join(lines) + "\n")


def _fmt(v: Any, nd: int = 0) -> str:
    return "-" if v is None else f"{v:.{nd}f}"


def main(argv: list[str] | None = None) -> int:
    """Run the experiment (see module docstring)."""
    ap = argparse.ArgumentParser(prog="tiny_fvp")
    ap.add_argument("--data-root", default=None)
    ap.add_argument("--runs", default="runs")
    ap.add_argument("--reports", default="reports/model")
    ap.add_argument("--steps", type=int, default=None, help="override max_steps of the trained variants")
    ap.add_argument("--reuse", action="store_true", help="reuse finished runs in --runs")
    ap.add_argument("--extra", action="append", default=[], metavar="NAME=RUN_DIR", help="also score this run")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="config override for the pools and every variant (e.g. data.coord_format=fixed3)")
    ap.add_argument("--only", default=",".join(VARIANTS), help="comma-separated variants to train/score (tiny first)")
    ap.add_argument("--val-fold", action="store_true", help="score on a fold of the training readings, not the test split")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from transformers.utils import logging as hf_logging

    from gazex_bench.runner.data_root import cache_dir
    from gazex_model.cli import phantom_root
    from gazex_model.config import load_config
    from gazex_model.sources import cached_pools

    hf_logging.disable_progress_bar()
    root = args.data_root or str(phantom_root("small"))
    pools = cached_pools(load_config(CONFIGS / "tiny.yaml", args.set), root, cache_dir() / "gazex_model")
    if args.val_fold:
        pools = validation_pools(pools)
    info = train_variants(root, Path(args.runs), pools, args.steps, args.reuse, args.set, tuple(args.only.split(",")))
    for item in args.extra:  # already-trained runs to score as well (name=run_dir)
        name, _, path = item.partition("=")
        ri = json.loads((Path(path) / "run_info.json").read_text())
        info[name] = {"run_dir": path, "steps": ri.get("steps"), "seconds": ri.get("seconds"),
                      "step_seconds_median": ri.get("step_seconds_median"), "threads": None}
    loss_figure(Path(info["tiny"]["run_dir"]), Path(args.reports) / "loss_curves.png")
    res = evaluate(info, pools.test["fvp"], pools.train["fvp"])
    atomic_write_json(Path(args.reports) / "fvp_eval.json", {"results": res, "counts": pools.counts})
    write_report(res, pools.counts, Path(args.reports) / "fvp_eval.md")
    print(json.dumps({k: round(v["mean_px"], 2) for k, v in res.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
