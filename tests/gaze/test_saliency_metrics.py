"""Saliency metrics: invariants, MIT/shuffled AUC and density (formulas: docs/gaze_reference.md §3.1-3.2).

NSS / CC / KLD / SIM / AUC-Judd hand cases and library parity: tests/metrics/harness_gaze.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from gazex_bench.gaze.saliency import (
    auc_judd,
    auc_judd_mit,
    auc_shuffled,
    cc,
    fixation_density,
    kld,
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
