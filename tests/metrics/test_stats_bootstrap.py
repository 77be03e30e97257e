"""Bootstrap, paired bootstrap, Wilcoxon and Holm (gazex_bench.metrics.stats)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gazex_bench.metrics.report import score_reports
from gazex_bench.metrics.stats import (
    bootstrap_ci,
    holm,
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
