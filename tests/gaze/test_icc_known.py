"""ICC known answers (docs/gaze_reference.md §1.5) and parity with pingouin 0.7.0 on random tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gazex_bench.gaze import ICC_TYPES, icc, icc_batch, icc_grouped, icc_table

# (a) Shrout & Fleiss (1979) Table 1, 6 targets x 4 judges (also R psych / pingouin tests):
# J1=[9,6,8,7,10,6], J2=[2,1,4,1,5,2], J3=[5,3,6,2,6,4], J4=[8,2,8,6,9,7].
SF = np.array([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], float)
# Exact values from pingouin 0.7.0 (docs/gaze_reference.md §1.5a). By hand from the mean squares
# MSB=11.2417, MSJ=32.4861, MSE=1.0194, MSW=6.2639 (n=6, k=4):
# ICC(C,1) = (11.2417-1.0194)/(11.2417+3*1.0194) = 10.2223/14.2999 = 0.7148.
SF_ICC = [0.165742, 0.289764, 0.714841, 0.442797, 0.620051, 0.909316]
SF_LO = [-0.13, 0.02, 0.34, -0.88, 0.07, 0.68]
SF_HI = [0.72, 0.76, 0.95, 0.91, 0.93, 0.99]

# (b) real-statistics.com wine data = pingouin ``read_dataset("icc")``, 8 wines x 4 judges.
WINE = np.array(
    [[1, 1, 3, 6, 6, 7, 8, 9], [2, 3, 8, 4, 5, 5, 7, 9], [0, 3, 1, 3, 5, 6, 7, 9], [1, 2, 4, 3, 6, 2, 9, 8]],
    float,
).T
WINE_ICC = [0.727521, 0.727689, 0.729487, 0.914384, 0.914450, 0.915159]


def test_shrout_fleiss_all_six_forms() -> None:
    out = icc(SF)
    assert list(out) == list(ICC_TYPES)
    np.testing.assert_allclose([out[t] for t in ICC_TYPES], SF_ICC, atol=1e-6)


def test_shrout_fleiss_f_tests_and_cis() -> None:
    t = icc_table(SF)
    # F(1) = MSB/MSW = 11.2417/6.2639 = 1.7947, df (5, 18); F(A)=F(C) = MSB/MSE = 11.0272, df (5, 15).
    np.testing.assert_allclose(
        t["F"], [1.794678, 11.027248, 11.027248, 1.794678, 11.027248, 11.027248], atol=1e-6
    )
    assert list(t["df1"]) == [5] * 6 and list(t["df2"]) == [18, 15, 15, 18, 15, 15]
    np.testing.assert_allclose(t["pval"].iloc[:2], [0.16477, 0.000135], atol=5e-6)
    np.testing.assert_allclose(t["ci_low"].round(2), SF_LO, atol=1e-9)
    np.testing.assert_allclose(t["ci_high"].round(2), SF_HI, atol=1e-9)


def test_wine_all_six_forms_and_cis() -> None:
    t = icc_table(WINE)
    np.testing.assert_allclose(t["ICC"], WINE_ICC, atol=1e-6)
    np.testing.assert_allclose(t["F"].iloc[:2], [11.680026, 11.786693], atol=1e-6)
    assert list(t["df2"]) == [24, 21, 21, 24, 21, 21]
    np.testing.assert_allclose(t["ci_low"].round(2), [0.43] * 3 + [0.75] * 3, atol=1e-9)
    np.testing.assert_allclose(t["ci_high"].round(2), [0.93] * 3 + [0.98] * 3, atol=1e-9)


def test_toy_offset_rater() -> None:
    # docs/gaze_reference.md §1.4: ratings x and x+1 -> ICC(C,1)=1, ICC(A,1)=0.833, ICC(1,1)=0.818 with x = 1..5:
    # var(x)=2.5 -> MSB=5, MSJ=n*0.5/1=2.5, MSE=0, MSW=2.5/5=0.5;
    # ICC(A,1) = 5/(5 + 2*2.5/5) = 5/6; ICC(1,1) = (5-0.5)/(5+0.5) = 9/11.
    x = np.arange(1.0, 6.0)
    out = icc(np.stack([x, x + 1], axis=1))
    assert out["ICC(C,1)"] == pytest.approx(1.0)
    assert out["ICC(A,1)"] == pytest.approx(5 / 6)
    assert out["ICC(1,1)"] == pytest.approx(9 / 11)


def test_batch_and_grouped_equal_single() -> None:
    rng = np.random.default_rng(3)
    tabs = rng.normal(size=(5, 7, 2)) + rng.normal(size=(5, 7, 1)) * 2
    b = icc_batch(tabs)
    g = icc_grouped(tabs.reshape(-1, 2), np.repeat(np.arange(5), 7))
    for i in range(5):
        single = icc_table(tabs[i])
        np.testing.assert_allclose(b[b.table == i]["ICC"], single["ICC"], rtol=1e-10)
        np.testing.assert_allclose(g[g.group == i]["ci_low"], single["ci_low"], rtol=1e-9)
    # A ragged set: groups of 3 and 9 rows, plus a 1-row group (-> NaN, not an error).
    x = rng.normal(size=(13, 2)) + 100.0
    gid = np.array([0] * 3 + [1] * 9 + [2])
    g = icc_grouped(x, gid)
    np.testing.assert_allclose(g[g.group == 1]["ICC"], icc_table(x[3:12])["ICC"], rtol=1e-9)
    assert g[g.group == 2]["ICC"].isna().all()


@pytest.fixture(scope="module")
def pingouin():  # noqa: ANN201 - the module object
    return pytest.importorskip("pingouin")  # slow import (~16 s): once per module


def _pg(pg, table: np.ndarray) -> pd.DataFrame:
    n, k = table.shape
    long = pd.DataFrame({"t": np.repeat(np.arange(n), k), "r": np.tile(np.arange(k), n), "v": table.ravel()})
    return pg.intraclass_corr(long, targets="t", raters="r", ratings="v")


def test_against_pingouin_random_tables(pingouin) -> None:  # noqa: ANN001
    rng = np.random.default_rng(7)
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


def test_package_import_is_light() -> None:
    # gazex_bench.gaze must never import torch; pandas/scipy are loaded lazily.
    import subprocess
    import sys

    code = (
        "import sys, gazex_bench.gaze as g; g.icc([[1, 2], [2, 3], [4, 4]]);"
        "print('torch' in sys.modules, 'pandas' in sys.modules, callable(g.icc))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "False", "True"]
