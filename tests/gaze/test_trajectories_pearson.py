"""Trajectory resampling (step function on normalised time); x/y Pearson: tests/metrics/harness_gaze.py."""

from __future__ import annotations

from gazex_bench.gaze.trajectories import resample_trajectory


def test_resample_hand() -> None:
    # starts [0,1,2,3], ends [1,2,3,4]; N=4 -> samples at t = 0.5, 1.5, 2.5, 3.5 -> fixations 0..3.
    out = resample_trajectory([0, 1, 2, 3], [1, 2, 3, 4], [0, 1, 2, 3], [3, 2, 1, 0], n_points=4)
    assert out.tolist() == [[0, 3], [1, 2], [2, 1], [3, 0]]
    # Saccade gap holds the previous fixation: fixations [0,1] and [3,4] -> t=0.5,1.5,2.5 -> first.
    gap = resample_trajectory([3, 0], [4, 1], [10, 0], [0, 0], n_points=4)
    assert gap[:, 0].tolist() == [0, 0, 0, 10]
