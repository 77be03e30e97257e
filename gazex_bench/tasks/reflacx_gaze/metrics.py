"""``reflacx-gaze`` run.json metrics and reference rows from the gaze-alignment tables.

Model metrics come from the rows ``comparison == "model:model"``; reference rows (run.json
``reference_rows``) from the rows the analyses define for the same quantity:

* ``inter-radiologist`` — ICC of category-matched reader pairs (``inter_radiologist``: each
  radiologist's own findings matched by category, the setting-1 construction, so it fills the
  ``s1_icc_*`` keys only; setting 2 gives the model the reference finding, which no second
  radiologist was given, so the paper's procedure has no inter-radiologist analogue there and
  the setting-2 ICC keys of this row stay empty — see ``conventions.py``), cosine between
  readings of the same image, saliency of the mean of the other readers' maps, trajectory r
  between readings;
* ``shuffled`` — the model's output for another image (``shuffled:model``, seeded);
* ``center-bias`` — the leave-image-out center-bias map (saliency metrics only).

CIs: ICC — seeded percentile bootstrap over images of the pooled DTW table (the F-test
interval when ``AlignmentConfig.icc_ci == "f-test"``; ``ci_method`` names which); means — seeded
percentile bootstrap over images (:func:`gazex_bench.tasks.aggregate.mean_with_ci`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from gazex_bench.gaze.trajectories import resample_trajectory, trajectory_pearson
from gazex_bench.tasks.aggregate import mean_with_ci
from gazex_bench.tasks.base import MetricValue, ScoreOptions, TaskData
from gazex_bench.tasks.reflacx_gaze.values import answer, trajectory_values

ROW_NAMES = {"inter_radiologist": "inter-radiologist", "center_bias": "center-bias"}
SALIENCY = {"NSS": "nss", "CC": "cc", "AUC_Judd": "auc_judd"}
Rows = dict[str, dict[str, MetricValue]]


def _row_name(comparison: str, model: str) -> str | None:
    if comparison == model:
        return None
    if comparison.startswith("shuffled:"):
        return "shuffled" if comparison == "shuffled:" + model.split(":", 1)[1] else "skip"
    return ROW_NAMES.get(comparison, "skip")


def _icc(icc: pd.DataFrame, model: str, metrics: dict[str, MetricValue], rows: Rows) -> None:
    if icc is None or not len(icc):
        return
    for r in icc.itertuples(index=False):
        form = {"ICC(A,1)": "a1", "ICC(C,1)": "c1"}.get(r.Type)
        if form is None:
            continue
        method = str(getattr(r, "ci_method", "") or "icc-f-test(level=0.95)")
        mv = MetricValue(
            float(r.ICC),
            int(r.n_targets),
            float(r.ci_low),
            float(r.ci_high),
            f"{method};units={int(r.n_units)};images={int(r.n_images)}",
        )
        prefix = "s1_" if r.setting == "generated" else ""
        row = _row_name(r.comparison, model)
        if row is None:
            metrics[f"{prefix}icc_{form}_{r.axis}"] = mv
        elif row != "skip":
            rows.setdefault(row, {})[f"{prefix}icc_{form}_{r.axis}"] = mv


def _means(
    table: pd.DataFrame | None,
    columns: Mapping[str, str],
    model: str,
    options: ScoreOptions,
    metrics: dict[str, MetricValue],
    rows: Rows,
) -> None:
    """Mean of each column per comparison (cluster bootstrap over images)."""
    if table is None or not len(table):
        return
    for comp, sub in table.groupby("comparison", sort=True):
        row = _row_name(str(comp), model)
        if row == "skip":
            continue
        for col, name in columns.items():
            vals = sub[col].to_numpy(float)
            if not np.isfinite(vals).any():
                continue
            mv = mean_with_ci(list(vals), options, list(sub["image_group"].astype(str)))
            (metrics if row is None else rows.setdefault(row, {}))[name] = mv


def analysis_metrics(
    tables: Mapping[str, pd.DataFrame], options: ScoreOptions, model: str
) -> tuple[dict[str, MetricValue], Rows]:
    """ICC (both settings, both forms), cosine and saliency metrics + reference rows."""
    metrics: dict[str, MetricValue] = {}
    rows: Rows = {}
    _icc(tables.get("icc"), model, metrics, rows)
    pairs = tables.get("cosine_pairs")
    if pairs is not None and len(pairs):
        _means(pairs[pairs["category"] == "ALL"], {"cosine": "cosine"}, model, options, metrics, rows)
    _means(tables.get("saliency"), SALIENCY, model, options, metrics, rows)
    return metrics, rows


def trajectory_reference_rows(
    data: TaskData, responses: Mapping[str, Any], readers: list[Any], options: ScoreOptions
) -> Rows:
    """Trajectory r rows under the per-sample convention (16 points, vs the first reading).

    inter-radiologist: every other reading of the image vs the first reading; shuffled:
    the model trajectory of another image (seeded) vs the first reading.
    """
    by_img: dict[str, list[Any]] = {}
    for r in readers:
        by_img.setdefault(r.image_group, []).append(r)
    traj = [s for s in data.samples if s.meta.get("kind") == "trajectory"]
    inter: dict[str, list[float]] = {"x": [], "y": []}
    groups: list[str] = []
    for s in traj:
        ref = np.array(s.reference.points, float)
        for r in by_img.get(s.group or "", []):
            if r.reading_id == s.meta.get("reading_id"):
                continue
            other = resample_trajectory(r.t_start_s, r.t_end_s, r.x, r.y, len(ref))
            rx, ry = trajectory_pearson(other, ref)
            inter["x"].append(rx)
            inter["y"].append(ry)
            groups.append(str(s.group))
    rows: Rows = {}
    if groups:
        rows["inter-radiologist"] = {
            f"trajectory_r_{a}": mean_with_ci(v, options, groups) for a, v in inter.items()
        }
    preds = {s.sample_id: answer(responses[s.sample_id]) for s in traj}
    rng = np.random.default_rng(options.seed)
    shuf: dict[str, list[float]] = {"trajectory_r_x": [], "trajectory_r_y": []}
    for s in traj:
        donors = [t for t in traj if t.group != s.group and preds[t.sample_id] is not None]
        if not donors:
            continue
        vals = trajectory_values(s, preds[donors[int(rng.integers(len(donors)))].sample_id])
        for k in shuf:
            shuf[k].append(vals[k])
    if shuf["trajectory_r_x"]:
        rows["shuffled"] = {k: mean_with_ci(v, options) for k, v in shuf.items()}
    return rows
