"""Figure-input tables of ``reflacx-gaze`` (read by figures/fig3.py, fig4.py, fig7c.py).

Written to ``runs/<id>/tables/<name>.csv`` with exactly these columns:

* ``dwell``: ``grid, row, col, dwell`` — mean fraction of dwell time over readings (0-based row/col);
* ``pearson``: ``axis, rater_a, rater_b, r`` — trajectory Pearson (100 points) between radiologists,
  mean over images read by both (needs identities; otherwise skipped with a status line);
* ``dwell_category``: ``category, cell, dwell`` — 4×4 grid, cell 1..16 row-major;
* ``dispersion``: ``t, rater, dispersion`` — per normalised-time bin centre, the duration-weighted
  spatial std ``sqrt(var_x + var_y)`` of on-image gaze in quarter-scale px, mean over readings
  (rater = radiologist id, or ``radiologists`` without identities);
* ``pairs``: ``setting, axis, model_value, rad_value`` — DTW-aligned centroid pairs (¼-scale px);
* ``icc``: ``setting, axis, form, value, ci_low, ci_high, n, ci_method`` (n = path steps; the CI method
  :func:`gazex_bench.gaze.sequence_icc.dtw_icc` recorded);
* ``cosine``: ``rater_a, rater_b, cosine`` — mean case-level cosine per rater pair (radiologist
  ids, or ``radiologist`` without identities; the model is named by its label);
* ``cosine_category``: ``category, rater, cosine, ci_low, ci_high, n, n_images`` (rater = model label
  or ``inter-radiologist``; CI = cluster bootstrap over images, empty with fewer than 2 images);
* ``majority``: ``source, TP, FN, FP, n_images`` (paper Fig 7c; each radiologist against the majority
  of the OTHER readers of the image, models against the majority of all readers).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from gazex_bench.gaze.dtw import aligned_pairs
from gazex_bench.gaze.inputs import IDENTITY_UNAVAILABLE
from gazex_bench.gaze.sequence_icc import setting1_units, setting2_units
from gazex_bench.tasks.aggregate import mean_with_ci
from gazex_bench.tasks.base import ScoreOptions

MODEL = "model:model"


def _dwell(t: pd.DataFrame) -> pd.DataFrame:
    return t.rename(columns={"mean": "dwell"})[["grid", "row", "col", "dwell"]]


def _pearson(pairs: pd.DataFrame) -> pd.DataFrame:
    p = pairs.dropna(subset=["radiologist_a", "radiologist_b"])
    rows = []
    for axis in ("x", "y"):
        names = [tuple(sorted(ab)) for ab in zip(p["radiologist_a"], p["radiologist_b"])]
        sub = p.assign(a=[n[0] for n in names], b=[n[1] for n in names])
        for (a, b), g in sub.groupby(["a", "b"], sort=True):
            rows.append({"axis": axis, "rater_a": a, "rater_b": b, "r": float(np.nanmean(g[f"r_{axis}"]))})
    return pd.DataFrame(rows, columns=["axis", "rater_a", "rater_b", "r"])


def _dispersion(readers: list[Any], n_bins: int, identities: bool) -> pd.DataFrame:
    rows = []
    for r in readers:
        on = (
            np.isfinite(r.x)
            & np.isfinite(r.y)
            & (r.x >= 0)
            & (r.x <= r.width)
            & (r.y >= 0)
            & (r.y <= r.height)
        )
        if not on.any():
            continue
        s, e, x, y = r.t_start_s[on], r.t_end_s[on], r.x[on], r.y[on]
        edges = np.linspace(s.min(), e.max(), n_bins + 1)
        w = np.clip(
            np.minimum(e[:, None], edges[None, 1:]) - np.maximum(s[:, None], edges[None, :-1]), 0, None
        )
        for b in range(n_bins):
            tot = w[:, b].sum()
            if tot > 0:
                mx, my = (w[:, b] * x).sum() / tot, (w[:, b] * y).sum() / tot
                sd = np.sqrt((w[:, b] * ((x - mx) ** 2 + (y - my) ** 2)).sum() / tot)
                rows.append(
                    {
                        "t": (b + 0.5) / n_bins,
                        "rater": (r.radiologist if identities and r.radiologist else "radiologists"),
                        "dispersion": float(sd),
                    }
                )
    df = pd.DataFrame(rows, columns=["t", "rater", "dispersion"])
    return df.groupby(["t", "rater"], as_index=False)["dispersion"].mean() if len(df) else df


def _pairs(readers: list[Any], images: list[Any]) -> pd.DataFrame:
    per_img = {m.image_group: m for m in images}
    rows = []
    for setting, build in ((1, setting1_units), (2, setting2_units)):
        for u in build(readers, per_img, True):
            a, b, _ = aligned_pairs(u.seq_a, u.seq_b)
            for ax, name in enumerate(("x", "y")):
                rows += [
                    {"setting": setting, "axis": name, "model_value": float(m), "rad_value": float(v)}
                    for m, v in zip(a[:, ax], b[:, ax])
                ]
    return pd.DataFrame(rows, columns=["setting", "axis", "model_value", "rad_value"])


def _icc(icc: pd.DataFrame) -> pd.DataFrame:
    cols = ["setting", "axis", "form", "value", "ci_low", "ci_high", "n", "ci_method"]
    if icc is None or not len(icc):
        return pd.DataFrame(columns=cols)
    t = icc[icc["comparison"] == MODEL]
    return pd.DataFrame(
        {
            "setting": t["setting"].map({"generated": 1, "given": 2}),
            "axis": t["axis"],
            "form": t["Type"],
            "value": t["ICC"],
            "ci_low": t["ci_low"],
            "ci_high": t["ci_high"],
            "n": t["n_targets"].astype(int),
            "ci_method": t["ci_method"] if "ci_method" in t else None,
        }
    )[cols]


def _rater(name: str, label: str, identities: bool) -> str:
    if name == MODEL:
        return label
    return name if identities else "radiologist"


def _cosine(pairs: pd.DataFrame, label: str, identities: bool) -> pd.DataFrame:
    p = pairs[(pairs["category"] == "ALL") & pairs["comparison"].isin(["inter_radiologist", MODEL])]
    a = [_rater(x, label, identities) for x in p["rater_a"]]
    b = [_rater(x, label, identities) for x in p["rater_b"]]
    key = [tuple(sorted(ab)) if label not in ab else ab for ab in zip(a, b)]
    df = pd.DataFrame(
        {"rater_a": [k[0] for k in key], "rater_b": [k[1] for k in key], "cosine": p["cosine"].to_numpy()}
    )
    return df.groupby(["rater_a", "rater_b"], as_index=False, sort=True)["cosine"].mean()


def _cosine_category(pairs: pd.DataFrame, label: str, options: ScoreOptions) -> pd.DataFrame:
    rows = []
    p = pairs[pairs["category"] != "ALL"]
    for comp, rater in ((MODEL, label), ("inter_radiologist", "inter-radiologist")):
        for cat, g in p[p["comparison"] == comp].groupby("category", sort=True):
            images = list(g["image_group"].astype(str))
            mv = mean_with_ci(list(g["cosine"].to_numpy(float)), options, images)
            one = len(set(images)) < 2  # one image: a cluster bootstrap has nothing to resample
            rows.append(
                {
                    "category": cat,
                    "rater": rater,
                    "cosine": mv.value,
                    "ci_low": None if one else mv.ci_low,
                    "ci_high": None if one else mv.ci_high,
                    "n": len(g),
                    "n_images": len(set(images)),
                }
            )
    return pd.DataFrame(rows, columns=["category", "rater", "cosine", "ci_low", "ci_high", "n", "n_images"])


def _majority(summary: pd.DataFrame, label: str) -> pd.DataFrame:
    cols = ["source", "TP", "FN", "FP", "n_images"]
    if summary is None or not len(summary):
        return pd.DataFrame(columns=cols)
    t = summary.rename(columns={"n_cases": "n_images"})
    t = t.assign(source=[label if s == MODEL else s for s in t["source"]])
    return t[cols]


def figure_tables(
    tables: Mapping[str, pd.DataFrame],
    readers: list[Any],
    images: list[Any],
    options: ScoreOptions,
    status: dict[str, str],
    identities: bool,
) -> dict[str, pd.DataFrame]:
    """The figure-input tables (module doc); identity-dependent ones are skipped with a status line."""
    label = options.model_label
    out = {
        "dwell": _dwell(tables["dwell_overall"]),
        "dwell_category": tables["dwell_by_category"].pipe(
            lambda t: (
                t[t["grid"] == 4].rename(columns={"mean": "dwell"})[["category", "cell", "dwell"]]
                if len(t)
                else pd.DataFrame(columns=["category", "cell", "dwell"])
            )
        ),
        "dispersion": _dispersion(readers, 10, identities),
        "pairs": _pairs(readers, images),
        "icc": _icc(tables.get("icc")),
        "cosine": _cosine(tables["cosine_pairs"], label, identities),
        "cosine_category": _cosine_category(tables["cosine_pairs"], label, options),
        "majority": _majority(tables.get("majority_summary"), label),
    }
    if identities:
        out["pearson"] = _pearson(tables["trajectory_pairs"])
    else:
        status["pearson"] = IDENTITY_UNAVAILABLE
        status["identity"] = "radiologist identities not given: rater names pooled ('radiologist')"
    return out
