"""Bootstrap, paired bootstrap, Wilcoxon and Holm (gazex_bench.metrics.stats)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gazex_bench.metrics.report import score_reports
from gazex_bench.metrics.stats import (
    bootstrap_ci,
    floor_p,
    fmt_p,
    holm,
    holm_floored,
    mean_reducer,
    paired_bootstrap,
    resample_weights,
    wilcoxon_signed_rank,
)
from gazex_bench.metrics.text_prep import prepare_pairs
from gazex_bench.metrics.text_synth import synth_pairs


@pytest.fixture(scope="module")
def scored():  # noqa: ANN201
    preds, refs = synth_pairs(60, seed=4)
    return preds, refs, score_reports(preds, refs, convention="r2gen", meteor="none")


def test_seeded_determinism_and_point_inside(scored) -> None:  # noqa: ANN001
    _, _, s = scored
    a = s.bootstrap(n_resamples=200, seed=3)
    b = s.bootstrap(n_resamples=200, seed=3)
    c = s.bootstrap(n_resamples=200, seed=4)
    assert a == b
    assert a["bleu4"] != c["bleu4"]
    for name, ci in a.items():
        assert ci.value == pytest.approx(s.values[name], abs=1e-12)
        assert ci.low <= ci.value <= ci.high, name
        assert ci.n == 60 and ci.n_resamples == 200


def test_bootstrap_equals_naive_recomputation(scored) -> None:  # noqa: ANN001
    """Reweighted statistics == pycocoevalcap re-run on resampled (renamed duplicate) ids."""
    from pycocoevalcap.bleu.bleu import Bleu
    from pycocoevalcap.cider.cider import Cider
    from pycocoevalcap.rouge.rouge import Rouge

    from gazex_bench.metrics.bleu import bleu_from_matrix
    from gazex_bench.metrics.report import weighted_cider

    preds, refs, s = scored
    ids = s.ids
    hyps, rls = prepare_pairs([preds[i] for i in ids], [refs[i] for i in ids], "r2gen")
    w = resample_weights(len(ids), 6, seed=9)
    ours_bleu = bleu_from_matrix(w.T @ s.bleu.matrix())
    ours_cider = weighted_cider(s.cider, w)
    ours_rouge = mean_reducer(s.rouge.f, w)
    for b in range(w.shape[1]):
        gts, res = {}, {}
        for i, mult in enumerate(w[:, b].astype(int)):
            for j in range(mult):
                gts[f"{i}_{j}"], res[f"{i}_{j}"] = rls[i], [hyps[i]]
        bl, _ = Bleu(4).compute_score(gts, res, verbose=0)
        np.testing.assert_allclose(ours_bleu[b], bl, atol=1e-9)
        assert ours_rouge[b] == pytest.approx(Rouge().compute_score(gts, res)[0], abs=1e-9)
        assert ours_cider[b] == pytest.approx(Cider().compute_score(gts, res)[0], abs=1e-9)


def test_clustered_resampling_keeps_clusters_whole() -> None:
    clusters = ["p1", "p1", "p2", "p3", "p3", "p3"]
    w = resample_weights(6, 50, seed=1, clusters=clusters)
    assert np.all(w[0] == w[1]) and np.all(w[3] == w[4]) and np.all(w[4] == w[5])
    # 3 clusters drawn per resample: total rows = sum of the drawn clusters' sizes.
    drawn = w[[0, 2, 3]]  # one row per cluster = times drawn
    assert np.all(drawn.sum(axis=0) == 3)
    ci = bootstrap_ci(np.arange(6.0), mean_reducer, n_resamples=100, seed=0, clusters=clusters)
    assert ci.method == "percentile-bootstrap-clustered" and ci.low <= ci.value <= ci.high
    assert ci.value == pytest.approx(2.5)


def test_paired_bootstrap() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(0.6, 0.1, 200)
    same = paired_bootstrap(a, a, mean_reducer, n_resamples=200, seed=0)
    assert same.diff.value == 0 and same.p_value == 1.0
    better = paired_bootstrap(a + 0.05, a, mean_reducer, n_resamples=200, seed=0)
    assert better.diff.value == pytest.approx(0.05)
    assert better.diff.low > 0 and better.p_value < 0.01
    with pytest.raises(ValueError):
        paired_bootstrap(a, a[:5], mean_reducer)


def test_empty_policy_is_nan() -> None:
    ci = bootstrap_ci(np.zeros((0, 3)), mean_reducer)
    assert math.isnan(ci.value) and math.isnan(ci.low) and ci.n == 0
    assert math.isnan(paired_bootstrap(np.zeros(0), np.zeros(0), mean_reducer).p_value)
    assert all(math.isnan(v) for v in wilcoxon_signed_rank([], []))


def test_wilcoxon_equals_scipy() -> None:
    from scipy.stats import wilcoxon

    rng = np.random.default_rng(1)
    x, y = rng.random(30), rng.random(30)
    ref = wilcoxon(x, y)
    assert wilcoxon_signed_rank(x, y) == (pytest.approx(ref.statistic), pytest.approx(ref.pvalue))


def test_holm_hand_worked() -> None:
    # p = [.01, .04, .03, .005], m = 4. Ascending: .005*4 = .02, .01*3 = .03, .03*2 = .06,
    # .04*1 = .04 -> running max .06. Input order: [.03, .06, .06, .02]; reject at .05: [T, F, F, T].
    reject, adj = holm([0.01, 0.04, 0.03, 0.005])
    np.testing.assert_allclose(adj, [0.03, 0.06, 0.06, 0.02])
    assert reject.tolist() == [True, False, False, True]
    r2, a2 = holm([0.2, math.nan])
    assert a2[0] == 0.2 and math.isnan(a2[1]) and r2.tolist() == [False, False]


def test_holm_matches_statsmodels() -> None:
    multitest = pytest.importorskip("statsmodels.stats.multitest")
    p = np.random.default_rng(2).random(12) ** 3
    rej, adj, _, _ = multitest.multipletests(p, alpha=0.05, method="holm")
    ours_rej, ours_adj = holm(p)
    np.testing.assert_allclose(ours_adj, adj)
    assert ours_rej.tolist() == rej.tolist()


def test_floor_then_holm_all_resamples_one_sign() -> None:
    # b = a + 1 on every sample: every paired resample of mean(b) - mean(a) is exactly 1, so
    # P(d* <= 0) = 0 and the raw two-sided p = 2 * min(0, 1) = 0 (Koehn 2004 style). With B = 200
    # resamples that only says p < 1/200: floored p = 1/200 = 0.005. Holm over m = 3 such tests
    # (hand derivation, Holm 1979): sorted p = (1/B, 1/B, 1/B), step factors (3, 2, 1) ->
    # (3/B, 2/B, 1/B), running max -> 3/B = 0.015 for all three = min(1, m/B); all are bounds.
    a = np.arange(10.0)
    raw = paired_bootstrap(a + 1.0, a, mean_reducer, n_resamples=200, seed=0).p_value
    assert raw == 0.0 and floor_p(raw, 200) == 1 / 200
    fh = holm_floored([raw, raw, raw], 200)
    assert fh.p.tolist() == [0.005] * 3 and fh.p_is_bound.tolist() == [True] * 3
    np.testing.assert_allclose(fh.p_holm, [3 / 200] * 3)
    assert fh.p_holm_is_bound.tolist() == [True] * 3
    assert [fmt_p(p, 200, bound=True, name="p_Holm") for p in fh.p_holm] == ["p_Holm < 3/200"] * 3
    assert fmt_p(fh.p[0], 200) == "p < 1/200"
    # m/B capped at 1: 300 floored tests with B = 200 -> adjusted 1.0, printed as a value
    big = holm_floored([0.0] * 300, 200)
    assert np.all(big.p_holm == 1.0) and fmt_p(1.0, 200, bound=True) == "p = 1.000"


def test_floor_does_not_bind_on_a_real_crossing() -> None:
    # Noisy differences around +0.02: some resamples cross 0, so the raw p is a count well above 1/B.
    rng = np.random.default_rng(3)
    a = rng.normal(0.5, 0.2, 40)
    b = a + rng.normal(0.02, 0.2, 40)
    res = paired_bootstrap(b, a, mean_reducer, n_resamples=500, seed=1)
    # direct count on the same resample weights (resample_weights is what paired_bootstrap uses)
    w = resample_weights(40, 500, 1)
    d = mean_reducer(b, w) - mean_reducer(a, w)
    direct = min(1.0, 2 * min(np.mean(d <= 0), np.mean(d >= 0)))
    assert res.p_value == direct and direct > 2 / 500
    fh = holm_floored([res.p_value, 0.0, math.nan], 500)
    # the crossing p keeps its value; the zero is floored to 1/500; NaN is no test (m = 2).
    # Holm m = 2: sorted (1/500, direct) -> (2/500, 1*direct), running max -> (0.004, max(0.004, direct)).
    assert fh.p[0] == direct and not fh.p_is_bound[0]
    assert fh.p[1] == 1 / 500 and fh.p_is_bound[1] and math.isnan(fh.p[2])
    assert fh.p_holm[0] == pytest.approx(max(direct, 0.004)) and not fh.p_holm_is_bound[0]
    assert fh.p_holm[1] == pytest.approx(0.004) and fh.p_holm_is_bound[1]
    assert not fh.p_holm_is_bound[2] and math.isnan(fh.p_holm[2])
    assert fmt_p(fh.p[0], 500) == f"p = {direct:.3f}" and fmt_p(None, 500) == "p = n/a"


def test_paired_bootstrap_numerical_ties_are_not_significant() -> None:
    """Two systems whose metric differs only at the 1e-13 level (corpus BLEU-4 of two reports sets
    without any 4-gram match: 6.6e-13 vs 5.7e-13 in the 2026-12-03 demo) keep one sign in every
    resample, so the naive two-sided p is 2 * min(0, 1) = 0 -> floored to 1/B and read as significant.
    Resampled values within np.isclose(rtol=atol=1e-9) are ties: both tail counts are 1, p = 1.
    A 1e-6 difference (above the tolerance) still gives every resample one sign: p = 0."""
    rng = np.random.default_rng(1)
    a = rng.uniform(0.0, 1e-12, 50)
    tiny = paired_bootstrap(a + 1e-13, a, mean_reducer, n_resamples=200, seed=0)
    assert tiny.diff.value == pytest.approx(1e-13) and tiny.p_value == 1.0
    real = paired_bootstrap(a + 1e-6, a, mean_reducer, n_resamples=200, seed=0)
    assert real.p_value == 0.0
