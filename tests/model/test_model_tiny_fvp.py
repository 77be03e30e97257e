"""Known answers for the tiny FVP experiment's scoring (hand-derived; no model needed)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from gazex_model.experiments.fvp_report import summary_section, verdict
from gazex_model.experiments.tiny_fvp import centroid_errors, mean_ci, reference_errors, trailing_mean
from gazex_model.parse import Parsed


def _s(cx: float, cy: float, sentence: str, hw: tuple[int, int] = (100, 200)) -> Any:
    return SimpleNamespace(meta={"holistic_centroid": [cx, cy], "quarter_hw": list(hw), "sentence": sentence})


class _FakeModel:
    """Returns fixed parses in order (stands in for GazeXModel.decode_fvp)."""

    def __init__(self, parsed: list[Parsed]) -> None:
        self.parsed = parsed

    def decode_fvp(self, samples: list[Any], frames: list[tuple[float, float]]) -> list[tuple[None, Parsed]]:
        assert frames == [(200.0, 100.0)] * len(samples)  # (width, height) from quarter_hw = (h, w)
        return [(None, p) for p in self.parsed]


def test_centroid_errors_centre_fallback_and_clipping() -> None:
    test = [_s(10, 20, "a"), _s(100, 50, "b"), _s(190, 90, "c")]
    parsed = [
        Parsed(True, "fvp", "", {"centroid": (13.0, 24.0)}, complete=True),  # 3-4-5 triangle: 5 px
        Parsed(False, "fvp", "garbage"),  # image centre (100, 50): 0 px
        Parsed(True, "fvp", "", {"centroid": (500.0, 90.0)}, complete=False),
    ]  # clipped to x=200: 10 px
    errs, fails, complete = centroid_errors(_FakeModel(parsed), test)
    np.testing.assert_allclose(errs, [5.0, 0.0, 10.0])
    assert (fails, complete) == (1, 1)


def test_reference_errors_by_hand() -> None:
    train = [
        _s(0, 0, "x"),
        _s(20, 0, "x"),
        _s(40, 30, "y"),
    ]  # overall mean (20, 10); "x" mean (10, 0); "y" (40, 30)
    test = [_s(10, 0, "x"), _s(40, 40, "z")]  # "z" unseen -> overall mean
    ref = reference_errors(test, train)
    np.testing.assert_allclose(ref["train-mean-centroid"], [np.hypot(10, 10), np.hypot(20, 30)])
    np.testing.assert_allclose(ref["train-sentence-mean-centroid"], [0.0, np.hypot(20, 30)])
    np.testing.assert_allclose(ref["image-centre"], [np.hypot(90, 50), np.hypot(60, 10)])  # centre (100, 50)


def test_mean_ci_and_verdict() -> None:
    lo, hi = mean_ci(np.full(7, 3.0))
    assert lo == pytest.approx(3.0) and hi == pytest.approx(3.0)  # constant data: every resample mean is 3
    x = np.random.default_rng(5).normal(2.0, 1.0, 400)
    lo, hi = mean_ci(x)
    se = x.std(ddof=1) / np.sqrt(len(x))  # normal approximation: mean +- 1.96 se, within 15 % of its width
    assert (
        abs(lo - (x.mean() - 1.96 * se)) < 0.15 * 1.96 * se
        and abs(hi - (x.mean() + 1.96 * se)) < 0.15 * 1.96 * se
    )
    # two readings of 200 identical sentences each: resampling readings gives only means 0, 1 or 2 -> CI [0, 2]
    y, cl = np.repeat([0.0, 2.0], 200), ["r1"] * 200 + ["r2"] * 200
    assert mean_ci(y, cl) == [0.0, 2.0] and mean_ci(y)[1] - mean_ci(y)[0] < 0.3  # unclustered: far too narrow
    assert verdict([0.5, 3.0]).startswith("GazeX better")
    assert verdict([-3.0, -0.1]).startswith("GazeX worse")
    assert verdict([-1.0, 1.0]).startswith("no measurable")


def test_summary_counts_seeds_by_ci() -> None:
    d = {
        "diff_tiny-no-gaze_minus_tiny": {"mean_px": 4.0, "ci95": [1.0, 7.0]},
        "tiny": {"mean_px": 20.0},
        "tiny-gaze-boxes": {"mean_px": 18.0},
    }
    e = {
        "diff_tiny-no-gaze_minus_tiny": {"mean_px": 0.5, "ci95": [-1.0, 2.0]},
        "tiny": {"mean_px": 22.0},
        "tiny-gaze-boxes": {"mean_px": 17.0},
    }
    text = "\n".join(summary_section({0: d, 1: e}))
    assert "| tiny-no-gaze | +4.0 [+1.0, +7.0] | +0.5 [-1.0, +2.0] | 1 / 0 of 2 |" in text
    assert "tiny 20.0, 22.0; tiny-gaze-boxes 18.0, 17.0" in text


def test_trailing_mean_by_hand() -> None:
    # w = 2: [1], [1, 3], [3, 5], [5, 7] -> 1, 2, 4, 6
    np.testing.assert_allclose(trailing_mean(np.array([1.0, 3.0, 5.0, 7.0]), 2), [1.0, 2.0, 4.0, 6.0])
    np.testing.assert_allclose(trailing_mean(np.array([4.0]), 25), [4.0])
