"""Trajectory resampling (step function on normalised time) and x/y Pearson."""

from __future__ import annotations

import numpy as np
import pytest

from gazex_bench.gaze.inputs import ReaderGaze
from gazex_bench.gaze.trajectories import inter_reader_trajectories, resample_trajectory, trajectory_pearson


def test_resample_hand() -> None:
    # starts [0,1,2,3], ends [1,2,3,4]; N=4 -> samples at t = 0.5, 1.5, 2.5, 3.5 -> fixations 0..3.
    out = resample_trajectory([0, 1, 2, 3], [1, 2, 3, 4], [0, 1, 2, 3], [3, 2, 1, 0], n_points=4)
    assert out.tolist() == [[0, 3], [1, 2], [2, 1], [3, 0]]
    # Saccade gap holds the previous fixation: fixations [0,1] and [3,4] -> t=0.5,1.5,2.5 -> first.
    gap = resample_trajectory([3, 0], [4, 1], [10, 0], [0, 0], n_points=4)
    assert gap[:, 0].tolist() == [0, 0, 0, 10]


def _reader(rid: str, x: list[float], y: list[float]) -> ReaderGaze:
    t = np.arange(len(x), dtype=float)
    return ReaderGaze(rid, rid[:4], None, 100.0, 100.0, t, t + 1, np.array(x, float), np.array(y, float))


def test_pearson_hand_and_constant_guard() -> None:
    a = resample_trajectory([0, 1, 2, 3], [1, 2, 3, 4], [0, 1, 2, 3], [3, 2, 1, 0], 4)
    b = resample_trajectory([0, 1, 2, 3], [1, 2, 3, 4], [0, 2, 4, 6], [5, 5, 5, 5], 4)
    rx, ry = trajectory_pearson(a, b)
    assert rx == pytest.approx(1.0) and np.isnan(ry)  # y of b constant -> NaN
    r1 = _reader("P101R000001", [0, 1, 2, 3], [3, 2, 1, 0])
    r2 = _reader("P101R000002", [0, 2, 4, 6], [5, 5, 5, 5])
    r3 = _reader("P101R000003", [3, 2, 1, 0], [0, 1, 2, 3])
    pairs, summ = inter_reader_trajectories([r1, r2, r3], n_points=4)
    assert len(pairs) == 3
    # r_x: (r1,r2)=+1, (r1,r3)=-1, (r2,r3)=-1 -> mean -1/3; r_y: NaN, -1, NaN -> mean -1, n_nan 2.
    sx = summ.set_index("axis").loc["x"]
    sy = summ.set_index("axis").loc["y"]
    assert sx["mean"] == pytest.approx(-1 / 3) and sx["n"] == 3
    assert sy["mean"] == pytest.approx(-1.0) and sy["n_nan"] == 2
