"""DBSCAN-on-pixels equivalence with scikit-learn, cluster order, fast vs naive pipeline."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import DBSCAN
from sklearn.preprocessing import StandardScaler

from gazex_bench.gaze.clusters import GazePoints, cluster_sentence
from gazex_bench.gaze.dbscan_grid import dbscan_pixels, standard_scale
from gazex_bench.gaze.heatmap import attention_map
from gazex_bench.gaze.naive import naive_cluster_sentence
from gazex_bench.gaze.presets import GAZEX_CODE, PAPER


def _hot_pixels(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    h, w = int(rng.integers(40, 220)), int(rng.integers(40, 220))
    n = int(rng.integers(1, 10))
    sig = rng.uniform(1.2, 14.0)
    pts = np.column_stack([rng.uniform(0, w, n), rng.uniform(0, h, n)])
    m = attention_map(pts, rng.uniform(0.5, 1.5, (n, 2)) * sig, (h, w))
    m /= m.max()
    ys, xs = np.nonzero(m > 0.1)
    return xs, ys, m[ys, xs]


def test_standard_scale_is_bit_identical_to_sklearn() -> None:
    xs, ys, _ = _hot_pixels(0)
    ours, scale = standard_scale(np.column_stack([xs, ys]))
    sk = StandardScaler().fit(np.column_stack([xs, ys]).astype(float))
    assert np.array_equal(ours, sk.transform(np.column_stack([xs, ys]).astype(float)))
    assert np.array_equal(scale, sk.scale_)


@pytest.mark.parametrize("seed", range(12))
def test_grid_dbscan_labels_equal_sklearn(seed: int) -> None:
    # Same labels, same numbering (sklearn starts clusters in row-major index order).
    xs, ys, heat = _hot_pixels(seed)
    ours = dbscan_pixels(xs, ys, heat, eps=0.3, min_samples=10, intensity_weight=0.1)
    feats = np.column_stack([StandardScaler().fit_transform(np.column_stack([xs, ys])), 0.1 * heat])
    assert np.array_equal(ours, DBSCAN(eps=0.3, min_samples=10).fit_predict(feats))


def test_grid_dbscan_border_and_noise_points_match_sklearn() -> None:
    # Sparse, tiny pixel sets force the exact core/border/noise paths.
    rng = np.random.default_rng(7)
    xs = np.concatenate([np.repeat(np.arange(30, 36), 3), rng.integers(0, 200, 15), np.arange(100, 140, 3)])
    ys = np.concatenate([np.tile(np.arange(50, 53), 6), rng.integers(0, 200, 15), np.full(14, 120)])
    order = np.lexsort((xs, ys))
    xs, ys = xs[order], ys[order]
    keep = np.unique(np.column_stack([ys, xs]), axis=0, return_index=True)[1]
    xs, ys = xs[np.sort(keep)], ys[np.sort(keep)]
    heat = rng.uniform(0.1, 1.0, xs.size)
    for eps, ms in ((0.3, 10), (0.05, 4), (0.02, 3)):
        ours = dbscan_pixels(xs, ys, heat, eps=eps, min_samples=ms, intensity_weight=0.1)
        feats = np.column_stack([StandardScaler().fit_transform(np.column_stack([xs, ys])), 0.1 * heat])
        assert np.array_equal(ours, DBSCAN(eps=eps, min_samples=ms).fit_predict(feats))


def _two_groups(first: tuple[float, float], second: tuple[float, float]) -> GazePoints:
    # 5 fixations around each centre (quarter-scale px), the `first` group earlier in time.
    rng = np.random.default_rng(1)
    xy = np.vstack(
        [np.array(first) + rng.normal(0, 1.5, (5, 2)), np.array(second) + rng.normal(0, 1.5, (5, 2))]
    )
    t = np.arange(10, dtype=float) * 0.2
    return GazePoints(xy, np.full((10, 2), 6.0), t, np.ones(10))


def test_two_separated_groups_give_two_clusters_in_time_order() -> None:
    # Group A (t = 0..0.8 s) at (150, 140), group B (t = 1.0..1.8 s) at (40, 30). B comes
    # first in row-major pixel order, so DBSCAN labels it 0; the output must be ordered by
    # time (A first), not by DBSCAN label.
    pts = _two_groups(first=(150.0, 140.0), second=(40.0, 30.0))
    res = cluster_sentence(pts, PAPER, (200, 200))
    assert res.n_dbscan_clusters == 2 and len(res.clusters) == 2
    a, b = res.clusters
    assert (a.cluster_id, b.cluster_id) == (0, 1)
    assert a.t_mean_s == pytest.approx(0.4) and b.t_mean_s == pytest.approx(1.4)
    assert a.centroid == pytest.approx((150, 140), abs=2.0) and b.centroid == pytest.approx((40, 30), abs=2.0)
    assert a.n_points == b.n_points == 5 and res.holistic is not None and res.holistic.n_points == 10


@pytest.mark.parametrize("preset", [PAPER, GAZEX_CODE], ids=["paper", "gazex-code"])
def test_fast_pipeline_equals_naive_reference(preset: object) -> None:
    rng = np.random.default_rng(11)
    n = 400 if preset is GAZEX_CODE else 12
    centres = np.array([[30.0, 40.0], [90.0, 70.0], [60.0, 20.0]])[rng.integers(0, 3, n)]
    xy = centres + rng.normal(0, 2.0, (n, 2))
    pts = GazePoints(xy, np.full((n, 2), 4.0), np.sort(rng.uniform(0, 3, n)), np.ones(n))
    fast = cluster_sentence(pts, preset, (100, 120))  # type: ignore[arg-type]
    slow = naive_cluster_sentence(pts, preset, (100, 120))  # type: ignore[arg-type]
    assert fast.n_dbscan_clusters == slow.n_dbscan_clusters >= 2
    assert len(fast.clusters) == len(slow.clusters)
    for a, b in zip(fast.clusters + (fast.holistic,), slow.clusters + (slow.holistic,)):
        assert (a.cluster_id, a.box, a.n_points) == (b.cluster_id, b.box, b.n_points)
        assert a.centroid == pytest.approx(b.centroid, abs=1e-9) and a.t_mean_s == pytest.approx(b.t_mean_s)
    for fm, sm in zip(fast.cluster_maps + (fast.holistic_map,), slow.cluster_maps + (slow.holistic_map,)):
        np.testing.assert_allclose(fm.full(), sm.full(), rtol=0, atol=1e-9)


def test_gazex_single_cluster_is_not_emitted() -> None:
    # GazeX computes cluster boxes only `if len(clusters_info) > 1` (min_clusters = 2).
    # (eps = 0.3 standard deviations: a hot disc of radius R has std R/2, so eps = 0.15 R px
    # and a pixel has ~pi (0.15 R)^2 neighbours -- >= 10 needs R >~ 12 px; sigma 10 -> R ~ 32.)
    n = 300
    rng = np.random.default_rng(2)
    pts = GazePoints(50 + rng.normal(0, 1.0, (n, 2)), np.full((n, 2), 10.0), np.linspace(0, 1, n), np.ones(n))
    res = cluster_sentence(pts, GAZEX_CODE, (100, 100))
    assert res.n_dbscan_clusters == 1 and res.clusters == () and res.holistic is not None
    assert len(cluster_sentence(pts, PAPER, (100, 100)).clusters) == 1
