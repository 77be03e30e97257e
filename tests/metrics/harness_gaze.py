"""Harness entries of the gaze metrics: ICC, Gaussian-map cosine, centroid / DTW error, trajectory r,
saliency (NSS, CC, KLD, SIM, AUC-Judd) and the missing-answer rate.

Known answers: docs/gaze_reference.md (§1.4-1.5 ICC from Shrout & Fleiss 1979 and McGraw & Wong 1996,
§2.1 tslearn docstrings, §3.1-3.2 saliency formulas of the MIT benchmark, §3.5 Gaussian cosine closed
form). References: pingouin intraclass_corr, tslearn dtw_path, scipy.stats (pearsonr, zscore, entropy),
scipy.spatial.distance.cosine, sklearn roc_auc_score.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cosine as cosine_distance
from scipy.stats import entropy, pearsonr, zscore
from sklearn.metrics import roc_auc_score

from gazex_bench.gaze import (
    ICC_TYPES,
    dtw_distance,
    dtw_path,
    gaussian_cosine,
    gaussian_cosine_closed_form,
    icc,
    icc_table,
)
from gazex_bench.gaze.dtw import aligned_pairs
from gazex_bench.gaze.inputs import ReaderGaze
from gazex_bench.gaze.saliency import auc_judd, cc, kld, nss, sim
from gazex_bench.gaze.similarity import gaussian_maps, gaussian_params, map_cosine_matrix
from gazex_bench.gaze.trajectories import inter_reader_trajectories, resample_trajectory, trajectory_pearson
from gazex_bench.models.types import GazePrediction, GazeRequest, PredictedCluster
from gazex_bench.tasks.base import TaskSample
from gazex_bench.tasks.reflacx_gaze.values import finding_values

# (a) Shrout & Fleiss (1979) Table 1, 6 targets x 4 judges (also R psych / pingouin tests):
# J1=[9,6,8,7,10,6], J2=[2,1,4,1,5,2], J3=[5,3,6,2,6,4], J4=[8,2,8,6,9,7].
SF = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], float)
# Exact values from pingouin 0.7.0 (docs/gaze_reference.md §1.5a). By hand from the mean squares
# MSB=11.2417, MSJ=32.4861, MSE=1.0194, MSW=6.2639 (n=6, k=4):
# ICC(C,1) = (11.2417-1.0194)/(11.2417+3*1.0194) = 10.2223/14.2999 = 0.7148.
SF_ICC = [0.165742, 0.289764, 0.714841, 0.442797, 0.620051, 0.909316]

S = np.arange(9.0).reshape(3, 3)  # [[0,1,2],[3,4,5],[6,7,8]]
FIX = np.array([[2.5, 2.5], [1.2, 0.7]])  # (x, y) -> pixels (col 2,row 2)=8 and (col 1,row 0)=1
G = np.ones((3, 3))
G[2, 2] = 2.0


def _icc_shrout_fleiss() -> None:
    out = icc(SF)
    assert list(out) == list(ICC_TYPES)
    np.testing.assert_allclose([out[t] for t in ICC_TYPES], SF_ICC, atol=1e-6)


def _icc_offset_rater() -> None:
    # docs/gaze_reference.md §1.4: ratings x and x+1 -> ICC(C,1)=1, ICC(A,1)=0.833, ICC(1,1)=0.818 with x = 1..5:
    # var(x)=2.5 -> MSB=5, MSJ=n*0.5/1=2.5, MSE=0, MSW=2.5/5=0.5;
    # ICC(A,1) = 5/(5 + 2*2.5/5) = 5/6; ICC(1,1) = (5-0.5)/(5+0.5) = 9/11.
    x = np.arange(1.0, 6.0)
    out = icc(np.stack([x, x + 1], axis=1))
    assert out["ICC(C,1)"] == pytest.approx(1.0)
    assert out["ICC(A,1)"] == pytest.approx(5 / 6)
    assert out["ICC(1,1)"] == pytest.approx(9 / 11)


def _pg(pg, table: np.ndarray) -> pd.DataFrame:
    n, k = table.shape
    long = pd.DataFrame({"t": np.repeat(np.arange(n), k), "r": np.tile(np.arange(k), n), "v": table.ravel()})
    return pg.intraclass_corr(long, targets="t", raters="r", ratings="v")


def reference_icc(seed: int) -> None:
    """pingouin intraclass_corr (all six forms, F, p, 95 % CI) on random tables of three shapes."""
    pingouin = pytest.importorskip("pingouin")  # slow import (~16 s)
    rng = np.random.default_rng(7 + seed)
    for n, k in ((12, 2), (30, 3), (8, 5)):
        table = rng.normal(size=(n, 1)) * 3 + rng.normal(size=(n, k)) + rng.normal(size=(1, k)) + 200.0
        ref, ours = _pg(pingouin, table), icc_table(table)
        assert list(ref["Type"]) == list(ICC_TYPES)
        np.testing.assert_allclose(ours["ICC"], ref["ICC"], rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(ours["F"], ref["F"], rtol=1e-7)
        np.testing.assert_allclose(ours["pval"], ref["pval"], rtol=1e-6, atol=1e-12)
        ci = np.stack(ref["CI95"].to_numpy())
        np.testing.assert_allclose(ours["ci_low"].round(2), ci[:, 0], atol=1e-9)
        np.testing.assert_allclose(ours["ci_high"].round(2), ci[:, 1], atol=1e-9)


def box_of(mu: tuple[float, float], sigma: tuple[float, float], k: float = 4.0) -> tuple[float, ...]:
    """Box whose side is k*sigma, centred at mu (so that sigma = side / k)."""
    return (
        mu[0] - k * sigma[0] / 2,
        mu[1] - k * sigma[1] / 2,
        mu[0] + k * sigma[0] / 2,
        mu[1] + k * sigma[1] / 2,
    )


def known_cosine() -> None:
    # docs/gaze_reference.md §3.5: 800x600 grid, mu (300,250) sigma (40,60) vs mu (340,280) sigma (55,30) -> 0.6639950.
    # x: sqrt(2*40*55/(40^2+55^2)) * exp(-40^2/(2*4625)) = 0.98205 * 0.84105; y: sqrt(2*60*30/4500) * exp(-900/9000).
    cf = gaussian_cosine_closed_form((300, 250), (40, 60), (340, 280), (55, 30))
    assert cf == pytest.approx(0.6639950, abs=5e-8)
    got = gaussian_cosine(box_of((300, 250), (40, 60)), box_of((340, 280), (55, 30)), (600, 800))
    assert got == pytest.approx(0.6639950, abs=5e-8)


def _dtw_docstrings() -> None:
    # tslearn metrics/_dtw.py docstrings (docs/gaze_reference.md §2.1).
    assert dtw_distance([1, 2, 3], [1.0, 2.0, 2.0, 3.0]) == 0.0
    assert dtw_distance([1, 2, 3], [1.0, 2.0, 2.0, 3.0, 4.0]) == 1.0
    assert dtw_path([1, 2, 3], [1.0, 2.0, 2.0, 3.0])[0] == [(0, 0), (1, 1), (1, 2), (2, 3)]


def _dtw_hand_2d() -> None:
    # a = (0,0),(3,4); b = (0,0). Path (0,0),(1,0); cost 0 + 3^2+4^2 = 25 -> sqrt = 5.
    path, d = dtw_path(np.array([[0.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 0.0]]))
    assert path == [(0, 0), (1, 0)] and d == 5.0
    a, b, _ = aligned_pairs(np.array([[0.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 0.0]]))
    assert a.shape == b.shape == (2, 2)


def reference_dtw(seed: int) -> None:
    """tslearn dtw_path: paths and distances on random series (ties, 1-2 dims, Sakoe-Chiba bands)."""
    ts = pytest.importorskip("tslearn.metrics")  # numba JIT start ~15 s
    rng = np.random.default_rng(11 + seed)
    for t in range(120):
        n, m = (int(v) for v in rng.integers(1, 14, size=2))
        d = int(rng.integers(1, 3))
        if t % 2:  # integer grids force many ties -> exercises the tie-breaking
            a, b = rng.integers(0, 4, (n, d)).astype(float), rng.integers(0, 4, (m, d)).astype(float)
        else:
            a, b = rng.normal(size=(n, d)), rng.normal(size=(m, d))
        r = None if t % 3 else int(rng.integers(0, 3))
        ref_path, ref_d = ts.dtw_path(a, b, sakoe_chiba_radius=r) if r is not None else ts.dtw_path(a, b)
        path, dist = dtw_path(a, b, sakoe_chiba_radius=r)
        assert path == [(int(i), int(j)) for i, j in ref_path], (t, n, m, r)
        assert dist == pytest.approx(ref_d, abs=1e-12)


def reader(rid: str, x: list[float], y: list[float]) -> ReaderGaze:
    t = np.arange(len(x), dtype=float)
    return ReaderGaze(rid, rid[:4], None, 100.0, 100.0, t, t + 1, np.array(x, float), np.array(y, float))


def known_trajectory() -> None:
    a = resample_trajectory([0, 1, 2, 3], [1, 2, 3, 4], [0, 1, 2, 3], [3, 2, 1, 0], 4)
    b = resample_trajectory([0, 1, 2, 3], [1, 2, 3, 4], [0, 2, 4, 6], [5, 5, 5, 5], 4)
    rx, ry = trajectory_pearson(a, b)
    assert rx == pytest.approx(1.0) and np.isnan(ry)  # y of b constant -> NaN
    r1 = reader("P101R000001", [0, 1, 2, 3], [3, 2, 1, 0])
    r2 = reader("P101R000002", [0, 2, 4, 6], [5, 5, 5, 5])
    r3 = reader("P101R000003", [3, 2, 1, 0], [0, 1, 2, 3])
    pairs, summ = inter_reader_trajectories([r1, r2, r3], n_points=4)
    assert len(pairs) == 3
    # r_x: (r1,r2)=+1, (r1,r3)=-1, (r2,r3)=-1 -> mean -1/3; r_y: NaN, -1, NaN -> mean -1, n_nan 2.
    sx = summ.set_index("axis").loc["x"]
    sy = summ.set_index("axis").loc["y"]
    assert sx["mean"] == pytest.approx(-1 / 3) and sx["n"] == 3
    assert sy["mean"] == pytest.approx(-1.0) and sy["n_nan"] == 2


def _nss_hand() -> None:
    # mean 4, sample var = (16+9+4+1+0+1+4+9+16)/8 = 7.5; z(8) = 4/2.7386 = 1.46059, z(1) = -3/2.7386.
    assert nss(S, FIX) == pytest.approx((4 - 3) / 2 / np.sqrt(7.5), abs=1e-12)  # 0.182574


def _cc_hand() -> None:
    # cov sum = sum (s-4)(g-10/9) = 4 (only the 8-pixel differs); var_s = 60, var_g = 8/9.
    assert cc(S, G) == pytest.approx(4 / np.sqrt(60 * 8 / 9), abs=1e-12)  # 0.547723


def _kld_hand() -> None:
    # P uniform 1/9; Q = G/10: 8 x 0.1 and 0.2 -> 0.8 ln(0.9) + 0.2 ln(1.8) = 0.0332689.
    assert kld(np.ones((3, 3)), G) == pytest.approx(0.8 * np.log(0.9) + 0.2 * np.log(1.8), abs=1e-12)


def known_sim() -> None:
    # min-max: S/8 then /4.5 -> S/36; G -> one-hot at (2,2). SIM = min(8/36, 1) = 0.2222.
    assert sim(S, G) == pytest.approx(8 / 36, abs=1e-12)


def _auc_judd_hand_and_sklearn() -> None:
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


def known_icc() -> None:
    """ICC(A,1) / ICC(C,1) (and the other four forms) on Shrout & Fleiss Table 1 and an offset rater."""
    _icc_shrout_fleiss()
    _icc_offset_rater()


def known_cosine_matrix() -> None:
    """The closed form of two Gaussians, and a box against itself (cosine 1)."""
    known_cosine()
    b = (100.0, 100.0, 140.0, 180.0)
    assert gaussian_cosine(b, b, (300, 300)) == pytest.approx(1.0)


def reference_cosine(seed: int) -> None:
    """Case-level cosine of summed Gaussian box maps vs scipy.spatial.distance.cosine of the dense maps."""
    rng = np.random.default_rng(300 + seed)
    shape = (60, 80)
    groups = []
    for _ in range(4):
        k = int(rng.integers(1, 4))
        x0, y0 = rng.uniform(0, 60, k), rng.uniform(0, 40, k)
        groups.append(
            [(a, b, a + w, b + h) for a, b, w, h in zip(x0, y0, rng.uniform(2, 20, k), rng.uniform(2, 20, k))]
        )
    ours = map_cosine_matrix(groups, shape)
    dense = [gaussian_maps(gaussian_params(g), shape).sum(axis=0).ravel() for g in groups]
    for i in range(4):
        for j in range(4):
            assert ours[i, j] == pytest.approx(1.0 - cosine_distance(dense[i], dense[j]), abs=1e-10)


def _gaze_sample(ref: list[tuple[float, float]], size: tuple[int, int] = (400, 300)) -> TaskSample:
    request = GazeRequest("s", (Path("img.jpg"),), size, finding="effusion")
    return TaskSample("s", request, GazePrediction(tuple(PredictedCluster(c) for c in ref)))


def known_finding_errors() -> None:
    """DTW (tslearn docstrings, a 2-D hand case) and the per-finding centroid / DTW errors of the task."""
    _dtw_docstrings()
    _dtw_hand_2d()
    # Image 400x300 -> quarter frame 100x75, diagonal sqrt(100^2 + 75^2) = 125.
    # Reference centroids (0,0),(30,40): mean (15,20); prediction (15,20),(45,60): mean (30,40).
    # centroid error = |(15,20)| / 125 = 25 / 125 = 0.2.
    # DTW: path (0,0),(1,1): cost |(15,20)|^2 + |(15,20)|^2 = 625 + 625 = 1250 -> sqrt = 35.355 -> / 125.
    pred = GazePrediction((PredictedCluster((15.0, 20.0)), PredictedCluster((45.0, 60.0))))
    v = finding_values(_gaze_sample([(0.0, 0.0), (30.0, 40.0)]), pred)
    assert v["centroid_error"] == pytest.approx(0.2, abs=1e-12)
    assert v["dtw_error"] == pytest.approx(math.sqrt(1250) / 125, abs=1e-12)
    assert v["missing_answer"] == 0.0


def known_missing_answer() -> None:
    """A failed or cluster-less answer counts as missing (1), and its errors are NaN; the rate is the mean."""
    s = _gaze_sample([(0.0, 0.0)])
    miss = [
        finding_values(s, p)["missing_answer"]
        for p in (None, GazePrediction(), GazePrediction((PredictedCluster((1.0, 1.0)),)))
    ]
    # two of three answers missing -> rate 2/3
    assert miss == [1.0, 1.0, 0.0] and sum(miss) / len(miss) == pytest.approx(2 / 3)
    assert math.isnan(finding_values(s, None)["centroid_error"])


def reference_trajectory(seed: int) -> None:
    """Pearson r of x and y of resampled trajectories vs scipy.stats.pearsonr."""
    rng = np.random.default_rng(400 + seed)
    for _ in range(20):
        a, b = rng.uniform(0, 100, (25, 2)), rng.uniform(0, 100, (25, 2))
        rx, ry = trajectory_pearson(a, b)
        assert rx == pytest.approx(pearsonr(a[:, 0], b[:, 0]).statistic, abs=1e-12)
        assert ry == pytest.approx(pearsonr(a[:, 1], b[:, 1]).statistic, abs=1e-12)


def known_saliency() -> None:
    """NSS, CC, KLD and AUC-Judd on a hand-worked 3x3 map (docs/gaze_reference.md §3.1-3.2)."""
    _nss_hand()
    _cc_hand()
    _kld_hand()
    _auc_judd_hand_and_sklearn()


def reference_saliency(seed: int) -> None:
    """Random maps: NSS vs scipy zscore (ddof 1), CC vs pearsonr, KLD vs scipy entropy, AUC-Judd vs sklearn."""
    rng = np.random.default_rng(500 + seed)
    s, g = rng.random((20, 30)) + 0.01, rng.random((20, 30)) + 0.01
    fix = rng.uniform(0, [30, 20], size=(12, 2))
    rows, cols = np.floor(fix[:, 1]).astype(int), np.floor(fix[:, 0]).astype(int)
    assert nss(s, fix) == pytest.approx(zscore(s, axis=None, ddof=1)[rows, cols].mean(), abs=1e-12)
    assert cc(s, g) == pytest.approx(pearsonr(s.ravel(), g.ravel()).statistic, abs=1e-12)
    # MIT KLD adds eps = 2.2e-16 inside; on strictly positive maps it equals KL(g || s) to ~1e-13.
    assert kld(s, g) == pytest.approx(entropy(g.ravel(), s.ravel()), abs=1e-10)
    want = roc_auc_score(np.r_[np.ones(12), np.zeros(600)], np.r_[s[rows, cols], s.ravel()])
    assert auc_judd(s, fix) == pytest.approx(want, abs=1e-12)


ICC_KEYS = tuple(f"{p}icc_{f}_{a}" for p in ("", "s1_") for f in ("a1", "c1") for a in ("x", "y"))

GAZE_ENTRIES = [
    ("icc", ICC_KEYS, known_icc, reference_icc, "pingouin intraclass_corr", ""),
    ("cosine", ("cosine",), known_cosine_matrix, reference_cosine, "scipy.spatial.distance.cosine", ""),
    (
        "finding_errors",
        ("centroid_error", "dtw_error"),
        known_finding_errors,
        reference_dtw,
        "tslearn dtw_path",
        "",
    ),
    (
        "trajectory",
        ("trajectory_r_x", "trajectory_r_y"),
        known_trajectory,
        reference_trajectory,
        "scipy.stats.pearsonr",
        "",
    ),
    (
        "saliency",
        ("nss", "cc", "kld", "auc_judd"),
        known_saliency,
        reference_saliency,
        "scipy.stats, sklearn roc_auc_score",
        "",
    ),
    (
        "sim",
        ("sim",),
        known_sim,
        None,
        "",
        "histogram intersection (MIT similarity.m) has no Python library implementation",
    ),
    (
        "missing_answer_rate",
        ("missing_answer_rate",),
        known_missing_answer,
        None,
        "",
        "a count of failed answers: no library computes it",
    ),
]
