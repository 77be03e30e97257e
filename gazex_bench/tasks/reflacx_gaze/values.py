"""Per-sample values of ``reflacx-gaze``: answers, finding errors, trajectory correlations.

The bottom layer of the task package: scoring, the dataset-level metrics and setting 1 read it.
Errors are in units of the 1/4-resolution frame diagonal (``_diag``).
"""

from __future__ import annotations

import math

import numpy as np

from gazex_bench.gaze.dtw import dtw_distance
from gazex_bench.gaze.trajectories import resample_trajectory, trajectory_pearson
from gazex_bench.models.types import GazePrediction, GazeRequest, Response
from gazex_bench.tasks.base import TaskSample


def _diag(request: GazeRequest) -> float:
    return math.hypot(request.image_size[0] / 4.0, request.image_size[1] / 4.0)


def answer(resp: Response) -> GazePrediction | None:
    """The parsed gaze answer of a response, or None (failed / not a gaze answer)."""
    return resp.parsed if resp.error is None and isinstance(resp.parsed, GazePrediction) else None


def finding_values(s: TaskSample, pred: GazePrediction | None) -> dict[str, float]:
    """Per-finding centroid / DTW errors (frame diagonal units) and whether the answer is missing."""
    assert isinstance(s.reference, GazePrediction) and isinstance(s.request, GazeRequest)
    ref = np.array([c.centroid for c in s.reference.clusters], float)
    if pred is None or not pred.clusters:
        return {"centroid_error": math.nan, "dtw_error": math.nan, "missing_answer": 1.0}
    got = np.array([c.centroid for c in pred.clusters], float)
    d = _diag(s.request)
    return {
        "centroid_error": float(np.linalg.norm(got.mean(0) - ref.mean(0)) / d),
        "dtw_error": float(dtw_distance(got, ref) / d),
        "missing_answer": 0.0,
    }


def trajectory_values(s: TaskSample, pred: GazePrediction | None) -> dict[str, float]:
    """Pearson r of x and y against the reference trajectory, and whether the answer is missing."""
    assert isinstance(s.reference, GazePrediction)
    ref = np.array(s.reference.points, float)
    if pred is None or not pred.points:
        return {"trajectory_r_x": math.nan, "trajectory_r_y": math.nan, "missing_answer": 1.0}
    p = np.array(pred.points, float)
    t = np.arange(len(p), dtype=float)
    traj = resample_trajectory(t, t + 1.0, p[:, 0], p[:, 1], len(ref))
    rx, ry = trajectory_pearson(traj, ref)
    return {"trajectory_r_x": rx, "trajectory_r_y": ry, "missing_answer": 0.0}


def six_tuples(pred: GazePrediction) -> tuple[tuple[float, ...], ...]:
    """GazeX 6-tuples ``(xmin, ymin, xmax, ymax, cx, cy)`` of predicted clusters (box = centroid if absent)."""
    return tuple((*(c.box or (*c.centroid, *c.centroid)), *c.centroid) for c in pred.clusters)
