"""``center-bias`` gaze baseline: where radiologists look on average.

* finding request → one cluster at the mean training centroid position, expressed as
  fractions of the quarter-scale frame and rescaled to the request's image; its box is
  the mean training cluster box (fractions) — with no training data, the image centre
  and the central half box;
* image request → a central trajectory: the mean of the training trajectories after
  resampling each to ``n_points`` by linear interpolation over the point index (fractions of the
  frame); with no training trajectories, a fixed clockwise loop around the centre.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gazex_bench.models.baselines.common import Baseline, quarter_size
from gazex_bench.models.protocols import Example
from gazex_bench.models.types import Capability, GazePrediction, GazeRequest, PredictedCluster, Response


def _resample(points: np.ndarray, n: int) -> np.ndarray:
    if len(points) == 1:
        return np.repeat(points, n, axis=0)
    t = np.linspace(0, 1, len(points))
    tn = np.linspace(0, 1, n)
    return np.stack([np.interp(tn, t, points[:, 0]), np.interp(tn, t, points[:, 1])], axis=1)


class CenterBiasAdapter(Baseline):
    """Mean-position gaze baseline."""

    name = "center-bias"
    capabilities = frozenset({Capability.GAZE})

    def __init__(self, n_points: int = 8) -> None:
        self.n_points = int(n_points)
        self._centroid = np.array([0.5, 0.5])
        self._box = np.array([0.25, 0.25, 0.75, 0.75])
        angles = np.linspace(0, 2 * np.pi, self.n_points, endpoint=False)
        self._traj = np.stack([0.5 + 0.2 * np.cos(angles), 0.5 + 0.2 * np.sin(angles)], axis=1)

    def params(self) -> dict[str, int]:
        return {"n_points": self.n_points}

    def fit(self, examples: Sequence[Example]) -> None:
        """Average training centroids, boxes and trajectories (as frame fractions)."""
        cents, boxes, trajs = [], [], []
        for ex in examples:
            if not isinstance(ex.request, GazeRequest) or not isinstance(ex.reference, GazePrediction):
                continue
            qw, qh = quarter_size(ex.request.image_size)
            for c in ex.reference.clusters:
                cents.append((c.centroid[0] / qw, c.centroid[1] / qh))
                if c.box is not None:
                    boxes.append((c.box[0] / qw, c.box[1] / qh, c.box[2] / qw, c.box[3] / qh))
            if ex.reference.points:
                pts = np.asarray(ex.reference.points, float) / np.array([qw, qh])
                trajs.append(_resample(pts, self.n_points))
        if cents:
            self._centroid = np.mean(cents, axis=0)
        if boxes:
            self._box = np.mean(boxes, axis=0)
        if trajs:
            self._traj = np.mean(trajs, axis=0)

    def predict_gaze(self, requests: Sequence[GazeRequest]) -> list[Response]:
        """The mean cluster (finding) or the mean trajectory (image)."""
        out = []
        for r in requests:
            qw, qh = quarter_size(r.image_size)
            if r.finding is None:
                pts = tuple((float(x * qw), float(y * qh)) for x, y in self._traj)
                out.append(Response(r.sample_id, None, GazePrediction(points=pts)))
                continue
            c = (float(self._centroid[0] * qw), float(self._centroid[1] * qh))
            b = tuple(float(v) for v in self._box * np.array([qw, qh, qw, qh]))
            out.append(Response(r.sample_id, None, GazePrediction(clusters=(PredictedCluster(c, b),))))  # type: ignore[arg-type]
        return out
