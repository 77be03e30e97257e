"""Saliency metrics: invariants and hand-worked 3x3 cases (formulas: docs/gaze_reference.md §3.1-3.2)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from gazex_bench.gaze.saliency import (
    auc_judd,
    auc_judd_mit,
    auc_shuffled,
    cc,
    fixation_density,
    kld,
    nss,
    sim,
)

S = np.arange(9.0).reshape(3, 3)  # [[0,1,2],[3,4,5],[6,7,8]]
FIX = np.array([[2.5, 2.5], [1.2, 0.7]])  # (x, y) -> pixels (col 2,row 2)=8 and (col 1,row 0)=1
G = np.ones((3, 3))
G[2, 2] = 2.0


def test_invariants() -> None:
    rng = np.random.default_rng(0)
    x = rng.random((8, 9))
    fix = np.array([[1.0, 1.0], [5.5, 3.2], [8.9, 7.9]])
    assert auc_judd(np.ones((8, 9)), fix) == 0.5
    assert cc(x, x) == pytest.approx(1.0)
    assert kld(x, x) == pytest.approx(0.0, abs=1e-12)
    assert sim(x, x) == pytest.approx(1.0)
    assert np.isnan(cc(np.ones((3, 3)), x[:3, :3]))


def test_nss_hand() -> None:
    # mean 4, sample var = (16+9+4+1+0+1+4+9+16)/8 = 7.5; z(8) = 4/2.7386 = 1.46059, z(1) = -3/2.7386.
    assert nss(S, FIX) == pytest.approx((4 - 3) / 2 / np.sqrt(7.5), abs=1e-12)  # 0.182574


def test_cc_hand() -> None:
    # cov sum = sum (s-4)(g-10/9) = 4 (only the 8-pixel differs); var_s = 60, var_g = 8/9.
    assert cc(S, G) == pytest.approx(4 / np.sqrt(60 * 8 / 9), abs=1e-12)  # 0.547723


def test_kld_hand() -> None:
    # P uniform 1/9; Q = G/10: 8 x 0.1 and 0.2 -> 0.8 ln(0.9) + 0.2 ln(1.8) = 0.0332689.
    assert kld(np.ones((3, 3)), G) == pytest.approx(0.8 * np.log(0.9) + 0.2 * np.log(1.8), abs=1e-12)


def test_sim_hand() -> None:
    # min-max: S/8 then /4.5 -> S/36; G -> one-hot at (2,2). SIM = min(8/36, 1) = 0.2222.
    assert sim(S, G) == pytest.approx(8 / 36, abs=1e-12)


def test_auc_judd_hand_and_sklearn() -> None:
    # Positives {8, 1} vs negatives = all 9 pixels (ties count 1/2):
    # 8 beats 8 of 9 and ties 1 -> 8.5; 1 beats 1 and ties 1 -> 1.5; AUC = 10/18.
    assert auc_judd(S, FIX) == pytest.approx(10 / 18, abs=1e-12)
    y = np.r_[np.ones(2), np.zeros(9)]
    assert auc_judd(S, FIX) == pytest.approx(roc_auc_score(y, np.r_[8.0, 1.0, S.ravel()]), abs=1e-12)
    rng = np.random.default_rng(5)
    m, f = rng.random((20, 30)), rng.uniform(0, [30, 20], size=(15, 2))
    rows, cols = np.floor(f[:, 1]).astype(int), np.floor(f[:, 0]).astype(int)
    ref = roc_auc_score(np.r_[np.ones(15), np.zeros(600)], np.r_[m[rows, cols], m.ravel()])
    assert auc_judd(m, f) == pytest.approx(ref, abs=1e-12)


def test_auc_judd_mit_hand() -> None:
    # MIT AUC_Judd.m without jitter: S/8; thresholds [1, 0.125]; #above = [1, 8]; Nf=2, Npix=9:
    # tp = [0, .5, 1, 1], fp = [0, 0, 6/7, 1] -> trapz = 6/7 * 0.75 + 1/7 = 0.785714.
    assert auc_judd_mit(S, FIX, seed=None) == pytest.approx(6 / 7 * 0.75 + 1 / 7, abs=1e-12)


def test_shuffled_auc_hand() -> None:
    # Positive 8 vs negatives {0, 4, 8} (other images' fixations): (1 + 1 + 0.5) / 3.
    other = np.array([[0.1, 0.1], [1.5, 1.5], [2.2, 2.9]])
    assert auc_shuffled(S, np.array([[2.5, 2.5]]), other) == pytest.approx(2.5 / 3, abs=1e-12)
    assert auc_shuffled(S, FIX, other, n_negatives=2, seed=1) == auc_shuffled(
        S, FIX, other, n_negatives=2, seed=1
    )


def test_fixation_density_sums_to_one_and_peaks_at_fixation() -> None:
    d = fixation_density(np.array([[10.5, 5.5]]), (12, 20), 2.0)
    assert d.sum() == pytest.approx(1.0) and np.unravel_index(d.argmax(), d.shape) == (5, 10)
