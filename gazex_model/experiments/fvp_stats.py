"""Statistics of the FVP evaluation, computed from its per-sample rows alone (no model needed).

A row is one (training seed, held-out sentence) with every model's and null's centroid error
(:mod:`gazex_model.experiments.tiny_fvp` writes them to ``fvp_eval_samples.jsonl``). Method:

* **Resampling unit = the image.** Rows are stacked over seeds and clustered by ``image_id``; a
  bootstrap draw of an image brings its rows of every reading, sentence and seed
  (:func:`gazex_bench.metrics.stats.paired_bootstrap` / ``bootstrap_ci`` with ``clusters``), so the
  seeds are pooled into one estimate; per-seed means are reported beside it.
* Paired differences are ``A - B`` in px (``other - tiny``: > 0 means GazeX is better), percentile
  95 % CI, two-sided bootstrap p floored at 1/B (no resample crossing 0 means ``p < 1/B``, not 0),
  Holm-adjusted over every comparison of the run (:func:`gazex_bench.metrics.stats.holm`).
* Subsets (phantom truth, :mod:`gazex_model.experiments.fvp_truth`): ``atypical`` / ``typical`` =
  finding sentences whose text occurs in training and whose finding lies farther than / at most the
  median distance from the phrase's typical location; ``unseen text`` = sentences whose exact text
  never occurs in training (the lookup falls back to the overall mean).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from gazex_bench.metrics.stats import bootstrap_ci, floor_p, holm, mean_reducer, paired_bootstrap

GAZEX = "tiny"
BOXES = "tiny-gaze-boxes"
LOOKUP = "train-sentence-mean-centroid"
OTHERS = (
    BOXES,
    LOOKUP,
    "train-mean-centroid",
    "image-centre",
    "tiny-zero-shot",
    "tiny-no-gaze",
    "tiny-greedy",
    "tiny-mbr8",
)
"""Rows compared with GazeX (``other - tiny``) on all samples, when present."""
SUBSET_MODELS = (GAZEX, BOXES, LOOKUP)
"""Rows whose mean is also shown on the truth subsets."""
Row = dict[str, Any]


def atypical_threshold(rows: list[Row]) -> float | None:
    """Median ``atypical_px`` over the distinct test samples (None when no sample has one)."""
    by_id = {r["sample_id"]: r.get("atypical_px") for r in rows}
    vals = [v for v in by_id.values() if v is not None]
    return float(np.median(vals)) if vals else None


def subset_filters(threshold: float | None) -> dict[str, Callable[[Row], bool]]:
    """Subset name -> row predicate (``all`` always; the truth subsets only with a threshold)."""
    out: dict[str, Callable[[Row], bool]] = {"all": lambda r: True}
    if threshold is not None:
        out["atypical"] = lambda r: r.get("atypical_px") is not None and r["atypical_px"] > threshold
        out["typical"] = lambda r: r.get("atypical_px") is not None and r["atypical_px"] <= threshold
    out["unseen text"] = lambda r: not r.get("text_seen", True)
    return out


def comparisons(models: set[str], subsets: set[str]) -> list[tuple[str, str, str]]:
    """``(subset, A, B)`` of every comparison (difference A - B) whose rows and subset exist."""
    want = [("all", o, GAZEX) for o in OTHERS] + [
        ("all", LOOKUP, BOXES),
        ("atypical", LOOKUP, GAZEX),
        ("atypical", LOOKUP, BOXES),
        ("typical", LOOKUP, GAZEX),
        ("unseen text", LOOKUP, GAZEX),
    ]
    return [(s, a, b) for s, a, b in want if s in subsets and a in models and b in models]


def pooled_mean(rows: list[Row], model: str, b: int) -> dict[str, Any]:
    """Mean error with its image-cluster 95 % CI (seeds pooled) and the mean of every seed that scored it."""
    rows = [r for r in rows if model in r["errors"]]
    x = np.array([r["errors"][model] for r in rows], float)
    ci = bootstrap_ci(x, mean_reducer, n_resamples=b, seed=0, clusters=[r["image_id"] for r in rows])
    seeds = sorted({r["seed"] for r in rows})
    per_seed = {str(s): float(np.mean([r["errors"][model] for r in rows if r["seed"] == s])) for s in seeds}
    return {
        "mean": ci.value,
        "ci95": [ci.low, ci.high],
        "per_seed": per_seed,
        "n_rows": ci.n,
        "method": ci.method,
    }


def compare(rows: list[Row], a: str, b_model: str, b: int) -> dict[str, Any]:
    """Paired image-cluster bootstrap of ``mean(A) - mean(B)`` over the rows holding both (p floored at 1/B)."""
    rows = [r for r in rows if a in r["errors"] and b_model in r["errors"]]
    xa = np.array([r["errors"][a] for r in rows], float)
    xb = np.array([r["errors"][b_model] for r in rows], float)
    clusters = [r["image_id"] for r in rows]
    pr = paired_bootstrap(xa, xb, mean_reducer, n_resamples=b, seed=1, clusters=clusters)
    seeds = sorted({r["seed"] for r in rows})
    per_seed = {
        str(s): float(np.mean([r["errors"][a] - r["errors"][b_model] for r in rows if r["seed"] == s]))
        for s in seeds
    }
    return {
        "a": a,
        "b": b_model,
        "diff": pr.diff.value,
        "ci95": [pr.diff.low, pr.diff.high],
        "p_raw": floor_p(pr.p_value, b) if math.isfinite(pr.p_value) else math.nan,
        "per_seed": per_seed,
        "n_rows": pr.diff.n,
        "n_images": len(set(clusters)),
        "method": pr.diff.method,
    }


def parse_counts(rows: list[Row]) -> dict[str, dict[str, int]]:
    """Pooled parse and well-formed counts of every model row (nulls have none)."""
    models = sorted({m for r in rows for m in r.get("parsed", {})})
    return {
        m: {
            "parsed": sum(bool(r["parsed"][m]) for r in rows if m in r["parsed"]),
            "well_formed": sum(bool(r["well_formed"][m]) for r in rows if m in r["well_formed"]),
            "n": sum(m in r["parsed"] for r in rows),
        }
        for m in models
    }


def analyse(rows: list[Row], b: int = 2000) -> dict[str, Any]:
    """Means, comparisons (Holm over all of them) and counts of the per-sample rows."""
    if not rows:
        raise ValueError("no per-sample rows to analyse")
    threshold = atypical_threshold(rows)
    filters = subset_filters(threshold)
    parts = {name: [r for r in rows if keep(r)] for name, keep in filters.items()}
    parts = {k: v for k, v in parts.items() if v}
    models = {m for r in rows for m in r["errors"]}
    means = {
        name: {m: pooled_mean(part, m, b) for m in sorted(models) if name == "all" or m in SUBSET_MODELS}
        for name, part in parts.items()
    }
    comps = [{"subset": s, **compare(parts[s], a, bm, b)} for s, a, bm in comparisons(models, set(parts))]
    reject, adj = holm([c["p_raw"] for c in comps])
    for c, r, p in zip(comps, reject, adj):
        c["p_holm"] = floor_p(float(p), b) if math.isfinite(p) else math.nan
        c["reject_holm_0.05"] = bool(r)
    return {
        "boot": b,
        "seeds": sorted({r["seed"] for r in rows}),
        "n_samples": len({r["sample_id"] for r in rows}),
        "n_images": len({r["image_id"] for r in rows}),
        "n_readings": len({r["reading_id"] for r in rows}),
        "atypical_threshold_px": threshold,
        "subset_samples": {k: len({r["sample_id"] for r in v}) for k, v in parts.items()},
        "means": means,
        "comparisons": comps,
        "parse": parse_counts(rows),
    }


def find(stats: dict[str, Any], subset: str, a: str, b_model: str) -> dict[str, Any] | None:
    """The comparison ``(subset, A - B)`` of an :func:`analyse` result, or None."""
    return next(
        (c for c in stats["comparisons"] if (c["subset"], c["a"], c["b"]) == (subset, a, b_model)), None
    )
