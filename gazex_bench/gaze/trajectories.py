"""Pearson correlation of x and y gaze trajectories between readers (paper §3.1, Fig. 3b).

Resampling (suite convention; GazeX's choice is unpublished, docs/gaze_reference.md §6.3):
    * Fixations are sorted by start time; off-image fixations (outside ``[0,W]×[0,H]``) are
      dropped and counted.
    * The trajectory is a step function: at time t the gaze is at the last fixation that
      started at or before t (saccade gaps hold the previous fixation).
    * Time is normalised to [0, 1] from the first fixation start to the last fixation end and
      sampled at the ``n_points`` bin midpoints ``(k + 0.5) / n_points`` (default
      :data:`DEFAULT_N_POINTS` = 100).
    * Pearson per axis between two resampled series; a constant series gives NaN (counted
      in ``n_nan``, excluded from means).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import cast

import numpy as np
import pandas as pd

from gazex_bench.gaze._stats import pearson, summary_row
from gazex_bench.gaze.dwell import grid_cells
from gazex_bench.gaze.inputs import ModelImage, ReaderGaze

DEFAULT_N_POINTS = 100
"""Samples on the normalised time base (named parameter ``n_points``)."""


def resample_trajectory(
    t_start_s: np.ndarray, t_end_s: np.ndarray, x: np.ndarray, y: np.ndarray, n_points: int = DEFAULT_N_POINTS
) -> np.ndarray:
    """Step-function resampling of a fixation sequence on normalised time.

    Args:
        t_start_s: Fixation starts (s); any order.
        t_end_s: Fixation ends (s).
        x: Fixation x (any frame).
        y: Fixation y (same frame).
        n_points: Number of samples at normalised times ``(k + 0.5) / n_points``.

    Returns:
        ``(n_points, 2)`` positions; empty ``(0, 2)`` if there is no fixation.
    """
    s = np.asarray(t_start_s, dtype=float)
    if s.size == 0:
        return np.zeros((0, 2))
    order = np.argsort(s, kind="stable")
    s, e = s[order], np.asarray(t_end_s, dtype=float)[order]
    xy = np.stack([np.asarray(x, float)[order], np.asarray(y, float)[order]], axis=1)
    t0, t1 = s[0], max(float(e.max()), float(s[-1]))
    tau = (np.arange(n_points) + 0.5) / n_points
    t = t0 + tau * (t1 - t0)
    idx = np.clip(np.searchsorted(s, t, side="right") - 1, 0, len(s) - 1)
    return cast("np.ndarray", xy[idx])


def reader_trajectory(r: ReaderGaze, n_points: int = DEFAULT_N_POINTS) -> tuple[np.ndarray, int]:
    """Resampled on-image trajectory of one reading and its off-image fixation count."""
    _, _, on = grid_cells(r.x, r.y, r.width, r.height, 1)
    traj = resample_trajectory(r.t_start_s[on], r.t_end_s[on], r.x[on], r.y[on], n_points)
    return traj, int((~on).sum())


def model_trajectory(m: ModelImage, n_points: int = DEFAULT_N_POINTS) -> np.ndarray:
    """Resampled model trajectory: equal dwell per point unless ``trajectory_times`` is given."""
    if m.trajectory is None or len(m.trajectory) == 0:
        return np.zeros((0, 2))
    p = np.asarray(m.trajectory, dtype=float)
    times = np.asarray(m.trajectory_times, float) if m.trajectory_times is not None else None
    if times is None:
        times = np.stack([np.arange(len(p)), np.arange(len(p)) + 1.0], axis=1)
    return resample_trajectory(times[:, 0], times[:, 1], p[:, 0], p[:, 1], n_points)


def trajectory_pearson(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """``(r_x, r_y)`` between two resampled ``(N, 2)`` trajectories (NaN if constant/empty)."""
    if len(a) == 0 or len(b) == 0:
        return float("nan"), float("nan")
    return pearson(a[:, 0], b[:, 0]), pearson(a[:, 1], b[:, 1])


def inter_reader_trajectories(
    readers: Sequence[ReaderGaze], n_points: int = DEFAULT_N_POINTS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pairwise x/y trajectory Pearson between readers of the same image.

    Returns:
        ``(pairs, summary)``: pairs = one row per unordered reader pair of an image
        (``image_group, reading_a, reading_b, radiologist_a, radiologist_b, r_x, r_y,
        n_off_a, n_off_b``); summary = one row per axis (mean r, bootstrap CI, n, n_nan).
    """
    traj = {r.reading_id: reader_trajectory(r, n_points) for r in readers}
    by_img: dict[str, list[ReaderGaze]] = {}
    for r in readers:
        by_img.setdefault(r.image_group, []).append(r)
    rows = []
    for img in sorted(by_img):
        for ra, rb in combinations(sorted(by_img[img], key=lambda r: r.reading_id), 2):
            rx, ry = trajectory_pearson(traj[ra.reading_id][0], traj[rb.reading_id][0])
            rows.append(
                {
                    "image_group": img,
                    "reading_a": ra.reading_id,
                    "reading_b": rb.reading_id,
                    "radiologist_a": ra.radiologist,
                    "radiologist_b": rb.radiologist,
                    "r_x": rx,
                    "r_y": ry,
                    "n_off_a": traj[ra.reading_id][1],
                    "n_off_b": traj[rb.reading_id][1],
                }
            )
    pairs = pd.DataFrame(
        rows,
        columns=[
            "image_group",
            "reading_a",
            "reading_b",
            "radiologist_a",
            "radiologist_b",
            "r_x",
            "r_y",
            "n_off_a",
            "n_off_b",
        ],
    )
    summary = pd.DataFrame(
        [summary_row(pairs[c].to_numpy(), comparison="inter_radiologist", axis=c[-1]) for c in ("r_x", "r_y")]
    )
    return pairs, summary


def model_vs_readers_trajectories(
    readers: Sequence[ReaderGaze], models: Mapping[str, ModelImage], n_points: int = DEFAULT_N_POINTS
) -> pd.DataFrame:
    """x/y Pearson of each model trajectory with every reader of the same image.

    Args:
        readers: Radiologist readings.
        models: ``image_group → ModelImage`` for one model.

    Returns:
        One row per (image, reading): ``model, image_group, reading_id, radiologist, r_x, r_y``.
    """
    rows = []
    for r in sorted(readers, key=lambda r: r.reading_id):
        m = models.get(r.image_group)
        if m is None or m.trajectory is None:
            continue
        rx, ry = trajectory_pearson(model_trajectory(m, n_points), reader_trajectory(r, n_points)[0])
        rows.append(
            {
                "model": m.model,
                "image_group": r.image_group,
                "reading_id": r.reading_id,
                "radiologist": r.radiologist,
                "r_x": rx,
                "r_y": ry,
            }
        )
    return pd.DataFrame(rows, columns=["model", "image_group", "reading_id", "radiologist", "r_x", "r_y"])


def radiologist_matrix(pairs: pd.DataFrame, column: str) -> pd.DataFrame:
    """Symmetric radiologist × radiologist matrix of the mean of ``column`` over pairs.

    Empty frame if identities are missing (see ``inputs.IDENTITY_UNAVAILABLE``).
    """
    p = pairs.dropna(subset=["radiologist_a", "radiologist_b"])
    if p.empty:
        return pd.DataFrame()
    both = pd.concat(
        [
            p.rename(columns={"radiologist_a": "a", "radiologist_b": "b"}),
            p.rename(columns={"radiologist_a": "b", "radiologist_b": "a"}),
        ]
    )
    return both.groupby(["a", "b"])[column].mean().unstack()
