"""Weighted ICC (bootstrap counts) equals ICC of the repeated table; image-cluster bootstrap CIs.

Known answer: ``icc_weighted`` with weights w must equal :func:`icc` on ``np.repeat(x, w, 0)``
(the definition of a bootstrap resample as counts), which is itself tested against pingouin
(tests/gaze/test_icc_known.py). The cluster bootstrap must be wider than the F-test interval
when path steps of one image are strongly correlated (many repeated steps per image), the
situation the issue describes.
"""

from __future__ import annotations

import numpy as np
import pytest

from gazex_bench.gaze.icc import icc, icc_table, icc_weighted
from gazex_bench.gaze.sequence_icc import image_bootstrap_ci


def test_weighted_icc_equals_icc_of_repeated_rows() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, 2)) + np.linspace(0, 3, 12)[:, None]
    w = rng.integers(0, 4, size=(5, 12))
    w[0] = 1
    got = icc_weighted(x, w)
    for b in range(5):
        ref = icc(np.repeat(x, w[b], axis=0))
        for form in ("ICC(A,1)", "ICC(C,1)", "ICC(1,1)"):
            assert got[form][b] == pytest.approx(ref[form], abs=1e-10), (b, form)


def test_image_bootstrap_is_wider_than_f_test_on_clustered_steps() -> None:
    rng = np.random.default_rng(1)
    # 6 images; each contributes 30 nearly identical steps (DTW repeats points): the F-test treats
    # 180 steps as independent, the cluster bootstrap sees 6 images.
    base = rng.normal(size=(6, 2)) * 10 + rng.normal(size=(6, 1)) * 20
    steps = np.repeat(base, 30, axis=0) + rng.normal(scale=0.5, size=(180, 2))
    images = [f"img{i}" for i in range(6) for _ in range(30)]
    table = icc_table(steps).set_index("Type")
    f_width = table.loc["ICC(A,1)", "ci_high"] - table.loc["ICC(A,1)", "ci_low"]
    lo, hi = image_bootstrap_ci(steps, images, n_boot=400, seed=0, level=0.95)["ICC(A,1)"]
    assert lo <= icc(steps)["ICC(A,1)"] <= hi
    assert hi - lo > 2 * f_width
    assert image_bootstrap_ci(steps, ["one"] * 180, n_boot=50, seed=0, level=0.95) == {}  # one image: no CI
