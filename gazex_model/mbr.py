"""Minimum-Bayes-risk (MBR) choice among sampled FVP outputs (ours; GazeX decodes greedily).

The FVP error that matters is the Euclidean distance of the observation centroid. Among ``K``
sampled outputs, MBR keeps the one whose centroid has the smallest summed distance to the other
samples' centroids (the sample medoid, an estimate of the geometric median of the model's
predictive distribution, which minimises expected Euclidean error). The kept output is a real,
complete model string, so its clusters and boxes stay coherent.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def medoid_index(points: Sequence[Sequence[float] | None]) -> int | None:
    """Index of the medoid of ``points`` under Euclidean distance; None entries are skipped.

    Args:
        points: One ``(x, y)`` per candidate (any consistent frame), or None for an unparseable one.

    Returns:
        The index (into ``points``) of the candidate with the smallest summed distance to all other
        valid candidates (first one on ties), or None when no candidate is valid.
    """
    valid = [i for i, p in enumerate(points) if p is not None]
    if not valid:
        return None
    xy = np.array([points[i] for i in valid], dtype=float)
    cost = np.linalg.norm(xy[:, None, :] - xy[None, :, :], axis=2).sum(axis=1)
    return valid[int(np.argmin(cost))]
