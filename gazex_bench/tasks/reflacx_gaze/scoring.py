"""Scoring of ``reflacx-gaze`` (conventions in :class:`~gazex_bench.tasks.reflacx_gaze.task.ReflacxGazeTask`).

Per finding sample (quarter-scale frame, normalised by the frame diagonal ``D``):

* ``centroid_error`` = ‖mean(predicted centroids) − mean(reference centroids)‖ / D;
* ``dtw_error`` = DTW distance (:func:`gazex_bench.gaze.dtw.dtw_distance`, tslearn
  convention) between the centroid sequences / D. A failed or empty answer is NaN for
  both (excluded from their ``n``) and counted in ``missing_answer_rate``.

Per trajectory sample: ``trajectory_r_x`` / ``trajectory_r_y`` = Pearson r between the
predicted trajectory (equal dwell per point, resampled to N points) and the reference.

Dataset level: :func:`gazex_bench.gaze.alignment.run_gaze_alignment` with the readers of
the evaluated images and the model's setting-2 answers (``given``), setting-1 findings
(``generated``, :mod:`gazex_bench.tasks.reflacx_gaze.setting1`) and trajectories. Metrics and
reference rows from its tables: :mod:`gazex_bench.tasks.reflacx_gaze.metrics`; figure-input tables:
:mod:`gazex_bench.tasks.reflacx_gaze.tables`. All alignment tables are returned for ``runs/<id>/tables/``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from gazex_bench.gaze.alignment import AlignmentConfig, run_gaze_alignment
from gazex_bench.gaze.inputs import ModelFinding, ModelImage
from gazex_bench.models.types import Response
from gazex_bench.tasks.aggregate import mean_with_ci
from gazex_bench.tasks.base import MetricValue, ScoreOptions, ScoreResult, TaskData
from gazex_bench.tasks.reflacx_gaze.context import GazeContext
from gazex_bench.tasks.reflacx_gaze.labels import LABELER
from gazex_bench.tasks.reflacx_gaze.metrics import analysis_metrics, trajectory_reference_rows
from gazex_bench.tasks.reflacx_gaze.setting1 import collect_setting1
from gazex_bench.tasks.reflacx_gaze.tables import figure_tables
from gazex_bench.tasks.reflacx_gaze.values import answer, finding_values, six_tuples, trajectory_values

MODEL_NAME = "model"


def score_gaze_task(data: TaskData, responses: Mapping[str, Response], options: ScoreOptions) -> ScoreResult:
    """Per-sample values, their means with CIs, the alignment analyses, reference rows and figure tables."""
    per: dict[str, dict[str, float]] = {}
    for s in data.samples:
        pred = answer(responses[s.sample_id])
        fn = finding_values if s.meta.get("kind") == "finding" else trajectory_values
        per[s.sample_id] = fn(s, pred)
    metrics: dict[str, MetricValue] = {}
    groups = [s.group or s.sample_id for s in data.samples]
    for name in ("centroid_error", "dtw_error", "trajectory_r_x", "trajectory_r_y"):
        vals = [per[s.sample_id].get(name, math.nan) for s in data.samples]
        if any(math.isfinite(v) for v in vals):
            metrics[name] = mean_with_ci(vals, options, groups)
    metrics["missing_answer_rate"] = mean_with_ci(
        [per[s.sample_id]["missing_answer"] for s in data.samples], options
    )
    s1 = collect_setting1(data)
    images = _model_images(data, responses, s1)
    readers = _readers(data, images)
    status = {} if s1.status is None else {"setting1": f"{s1.status} ({len(_image_groups(data))} images)"}
    status["categories_labeler"] = str(_context(data).labeler_name or LABELER)  # finding/report categories
    if _context(data).image_subset:  # the ``images`` option (never a silent drop)
        status["image_subset"] = str(_context(data).image_subset)
    if not readers:
        return ScoreResult(per, metrics, {}, {}, status)
    res = _run_alignment(readers, images, options)
    found, rows = analysis_metrics(res.tables, options, f"model:{MODEL_NAME}")
    metrics.update(found)
    for row, vals in trajectory_reference_rows(data, responses, readers, options).items():
        rows.setdefault(row, {}).update(vals)
    status.update({u.analysis: u.reason for u in res.status})
    if s1.status is None:
        status["setting1_counts"] = ", ".join(f"{k}={v}" for k, v in sorted(s1.counts.items()))
    tables = dict(res.tables)
    tables.update(figure_tables(res.tables, readers, images, options, status, _context(data).identities))
    return ScoreResult(per, metrics, tables, rows, status)


def _image_groups(data: TaskData) -> list[str]:
    return sorted({s.group or s.sample_id for s in data.samples})


def _model_images(data: TaskData, responses: Mapping[str, Response], s1: Any) -> list[Any]:
    given: dict[str, list[Any]] = {g: [] for g in _image_groups(data)}
    trajectories: dict[str, np.ndarray] = {}
    for s in data.samples:
        pred = answer(responses[s.sample_id])
        group = s.group or s.sample_id
        if pred is None:
            continue
        if s.meta.get("kind") == "finding" and pred.clusters:
            ref = (str(s.meta["reading_id"]), int(s.meta["sentence_index"]))
            given[group].append(ModelFinding(clusters=six_tuples(pred), reference=ref))
        elif s.meta.get("kind") == "trajectory" and pred.points:
            trajectories[group] = np.array(pred.points, float)
    return [
        ModelImage(
            model=MODEL_NAME,
            image_group=g,
            given=tuple(fs),
            generated=s1.generated.get(g, ()),
            trajectory=trajectories.get(g),
            labels=s1.labels.get(g),
        )
        for g, fs in sorted(given.items())
    ]


def _readers(data: TaskData, images: list[Any]) -> list[Any]:
    wanted = {m.image_group for m in images}
    return [r for r in _context(data).readers if r.image_group in wanted]


def _run_alignment(readers: list[Any], images: list[Any], options: ScoreOptions) -> Any:
    cfg = AlignmentConfig(
        seed=options.seed, run_saliency=True, n_boot=options.n_boot, ci_level=options.ci_level
    )
    return run_gaze_alignment(readers, images, config=cfg)


def _context(data: TaskData) -> GazeContext:
    """The reflacx-gaze state of ``data`` (an empty one for data built elsewhere, e.g. tests)."""
    return data.context if isinstance(data.context, GazeContext) else GazeContext()
