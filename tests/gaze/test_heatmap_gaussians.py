"""Known answers for the windowed Gaussian maps, boxes and centroids (docs/gaze_reference.md §3.5)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gazex_bench.gaze.boxes import top_percent_box, top_percent_log_image_box, weighted_centroid
from gazex_bench.gaze.heatmap import CroppedMap, attention_map, attention_map_crop, group_points
from gazex_bench.gaze.naive import naive_attention_map


def test_truncation_mass_3sigma_square_window() -> None:
    # docs/gaze_reference.md §3.5: a +-3 sigma square window keeps erf(3/sqrt 2)^2 = 0.994608 of a 2-D Gaussian.
    # pdf form, sigma = 20 px, centre on a pixel corner so the window is symmetric: the
    # pixel-centre sum approximates the integral to ~1e-5.
    m = attention_map([[100.0, 100.0]], [[20.0, 20.0]], (200, 200), gaussian="pdf", window="rect")
    assert math.erf(3 / math.sqrt(2)) ** 2 == pytest.approx(0.994608, abs=1e-6)
    assert m.sum() == pytest.approx(0.994608, abs=2e-4)


def test_single_gaussian_centroid_and_top20_box() -> None:
    # docs/gaze_reference.md §3.5: top 20 % of a Gaussian on a +-3 sigma square support -> the pixels with
    # r < R where pi R^2 = 0.2 (6 sigma)^2, R = sqrt(7.2/pi) sigma = 1.514 sigma. sigma = 20:
    # half-width 30.3 px. The centroid of the symmetric map is its centre (100.0 in
    # continuous coordinates = pixel index 99.5).
    sigma = 20.0
    m = attention_map_crop([[100.0, 100.0]], [[sigma, sigma]], (200, 200))
    box = top_percent_box(m, 20.0)
    assert box is not None
    half_width = (box[2] + 1 - box[0]) / 2  # pixels xmin..xmax inclusive cover xmax + 1 - xmin
    assert half_width == pytest.approx(math.sqrt(7.2 / math.pi) * sigma, abs=1.0)
    assert math.sqrt(7.2 / math.pi) == pytest.approx(1.514, abs=1e-3)
    cx, cy = weighted_centroid(m, box)
    assert (cx + 0.5, cy + 0.5) == pytest.approx((100.0, 100.0), abs=1e-9)


def test_windowed_map_equals_naive_full_image_loop() -> None:
    # The separable, windowed matrix-product map must equal a per-point full-image loop.
    rng = np.random.default_rng(3)
    pts = np.column_stack([rng.uniform(-10, 130, 25), rng.uniform(-10, 90, 25)])
    sig = rng.uniform(1.0, 9.0, (25, 2))
    w = rng.uniform(0.1, 2.0, 25)
    for window in ("rect", "square_max"):
        for center in ("exact", "trunc"):
            for gaussian in ("peak1", "pdf"):
                kw = dict(weights=w, window=window, center=center, gaussian=gaussian)
                fast = attention_map(pts, sig, (80, 120), **kw)
                slow = naive_attention_map(pts, sig, (80, 120), **kw)
                np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-9)


def test_trunc_mode_skips_off_image_centres_like_gazex() -> None:
    # GazeX draws a sample only if 0 <= int(x) < W and 0 <= int(y) < H; int() truncates,
    # so x = -0.5 is drawn at column 0 while x = -1.5 is skipped.
    on = attention_map([[-0.5, 5.0]], [[2.0, 2.0]], (10, 10), center="trunc", window="square_max")
    off = attention_map([[-1.5, 5.0]], [[2.0, 2.0]], (10, 10), center="trunc", window="square_max")
    assert on[5, 0] == pytest.approx(1.0) and off.sum() == 0.0


def test_group_points_sums_weights_of_identical_rows() -> None:
    pts, sig, w = group_points([[1, 2], [1, 2], [3, 4]], [[1, 1], [1, 1], [1, 1]], None)
    assert pts.tolist() == [[1, 2], [3, 4]] and w.tolist() == [2.0, 1.0]


def test_gazex_holistic_box_is_window_union_for_small_attention() -> None:
    # log1p(h + 1e-6) > 0 everywhere, so GazeX's "non-zero" percentile runs over the whole
    # image; with attention on < 20 % of it the threshold is the background and the box is
    # every pixel with h > 0: here the +-int(3*2)=6 px window around (20, 20) -> 14..26.
    m = attention_map_crop([[20.0, 20.0]], [[2.0, 2.0]], (100, 100), center="trunc", window="square_max")
    assert top_percent_log_image_box(m, 20.0) == (14, 14, 26, 26)
    # Same answer from the literal full-image computation:
    full = np.log1p(m.full() + 1e-6)
    full /= full.max()
    thr = np.percentile(full[full > 0], 80)
    ys, xs = np.where(full > thr)
    assert (xs.min(), ys.min(), xs.max(), ys.max()) == (14, 14, 26, 26)


def test_gazex_holistic_box_matches_literal_rule_when_attention_is_large() -> None:
    rng = np.random.default_rng(5)
    pts = rng.uniform(0, 40, (30, 2))
    m = attention_map_crop(pts, np.full((30, 2), 6.0), (40, 40), center="trunc", window="square_max")
    full = np.log1p(m.full() + 1e-6)
    full /= full.max()
    ys, xs = np.where(full > np.percentile(full[full > 0], 80))
    assert top_percent_log_image_box(m, 20.0) == (xs.min(), ys.min(), xs.max(), ys.max())


def test_weighted_centroid_empty_box_falls_back_to_box_centre() -> None:
    m = CroppedMap(np.zeros((3, 3)), 0, 0, (10, 10))
    assert weighted_centroid(m, (4, 4, 8, 6)) == (6.0, 5.0)


def test_percentile_linear_matches_numpy() -> None:
    from gazex_bench.gaze.boxes import percentile_linear

    rng = np.random.default_rng(0)
    for n in (1, 2, 7, 1000):
        v = rng.random(n)
        for q in (0.0, 5.0, 80.0, 95.0, 100.0):
            assert percentile_linear(v, q) == pytest.approx(np.percentile(v, q), rel=1e-12, abs=1e-15)
