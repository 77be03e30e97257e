"""Records produced by the gaze preprocessing and consumed by analyses and GazeX training.

Frame: the **quarter-scale image** (original image pixels / 4, the GazeX convention),
origin top-left, x right, y down; times in seconds from REFLACX audio start.
"""

from __future__ import annotations

from dataclasses import dataclass

QUARTER = 0.25
"""Scale factor from original-image pixels to the GazeX working frame."""


@dataclass(frozen=True)
class GazeCluster:
    """One DBSCAN gaze cluster of a finding (or the finding's holistic summary)."""

    cluster_id: int
    """0-based temporal rank among the finding's clusters; -1 for the holistic summary."""
    centroid: tuple[float, float]
    """Intensity-weighted centroid ``(x, y)``, quarter-scale pixels."""
    box: tuple[float, float, float, float]
    """``(xmin, ymin, xmax, ymax)``, quarter-scale pixels."""
    t_mean_s: float
    """Mean timestamp of the gaze points assigned to the cluster (orders clusters in time)."""
    n_points: int
    """Fixations / samples assigned to the cluster."""


@dataclass(frozen=True)
class FindingGaze:
    """Gaze supervision for one dictated finding sentence of one reading."""

    reading_id: str
    sentence_index: int
    sentence: str
    """Sentence text in the GazeX form (tokens joined by spaces, ends with `` .``)."""
    t_start_s: float
    t_end_s: float
    window: tuple[float, float]
    """The time window whose gaze was used (preset-dependent), seconds."""
    clusters: tuple[GazeCluster, ...]
    """Clusters in temporal order (empty when the window held no usable gaze)."""
    holistic: GazeCluster | None
    """Summary over all gaze of the window (None when there was none)."""
    n_points: int
    """Gaze points (fixations or samples) inside the window and on the image."""
    n_off_image: int
    """Points inside the window dropped because they fell outside the image."""
