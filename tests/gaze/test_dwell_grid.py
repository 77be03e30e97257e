"""Grid dwell time: hand-made fixations incl. x = W exactly and off-image points."""

from __future__ import annotations

import numpy as np
import pytest

from gazex_bench.gaze.dwell import (
    dispersion_over_time,
    dwell_grid,
    dwell_summary,
    dwell_table,
    grid_cells,
    inter_reader_dwell_correlation,
)
from gazex_bench.gaze.inputs import ReaderGaze

W, H = 100.0, 80.0
#       x      y     -> 4x4 cell (col = min(floor(x*4/W), 3), row = min(floor(y*4/H), 3), 1-based row-major)
X = [0.0, 100.0, 49.9, 50.0, -1.0, 101.0, 10.0]
Y = [0.0, 80.0, 20.0, 40.0, 10.0, 10.0, np.nan]
# (0,0) -> col 0,row 0 -> cell 1; (100,80) = (W,H) -> col min(4,3)=3, row 3 -> cell 16;
# (49.9,20) -> col floor(1.996)=1, row floor(1.0)=1 -> cell 6; (50,40) -> col 2, row 2 -> cell 11;
# x=-1, x=101 (> W) and y=NaN are off-image.
DUR = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])


def test_cell_arithmetic() -> None:
    col, row, on = grid_cells(np.array(X), np.array(Y), W, H, 4)
    assert list(on) == [True] * 4 + [False] * 3
    assert list(row[:4] * 4 + col[:4] + 1) == [1, 16, 6, 11]


def test_dwell_grid_sums_and_off_image_count() -> None:
    g, n_off = dwell_grid(np.array(X), np.array(Y), DUR, W, H, 4)
    assert n_off == 3
    flat = g.ravel()
    assert (flat[0], flat[15], flat[5], flat[10]) == (1.0, 2.0, 3.0, 4.0) and flat.sum() == 10.0


def _reader(rid: str, x: list[float], y: list[float], dur: list[float], labels=frozenset()) -> ReaderGaze:
    t0 = np.cumsum(np.r_[0.0, dur[:-1]])
    return ReaderGaze(rid, rid[:4], None, W, H, t0, t0 + np.array(dur), np.array(x), np.array(y), labels)


def test_dwell_table_fraction_and_correlation() -> None:
    a = _reader("P101R000001", X, Y, list(DUR), frozenset({"Edema"}))
    b = _reader("P101R000002", [10.0, 90.0], [10.0, 70.0], [1.0, 2.0])
    t = dwell_table([a, b], (4,))
    fa = t[t.reading_id == a.reading_id].set_index("cell")["dwell_frac"]
    assert (
        fa[1] == 0.1 and fa[16] == 0.2 and fa[6] == 0.3 and fa[11] == 0.4 and fa.sum() == pytest.approx(1.0)
    )
    assert t[t.reading_id == a.reading_id]["n_off_image"].iloc[0] == 3
    pairs, summ = inter_reader_dwell_correlation(t)
    ga = fa.sort_index().to_numpy()
    gb = t[t.reading_id == b.reading_id].sort_values("cell")["dwell_frac"].to_numpy()
    assert pairs["r"].iloc[0] == pytest.approx(np.corrcoef(ga, gb)[0, 1])
    assert summ["n"].iloc[0] == 1
    cat = dwell_summary(t, "category", [a, b])
    assert set(cat["category"]) == {"Edema"} and (cat["n"] == 1).all()


def test_dispersion_bins() -> None:
    # Two fixations, each filling one of 2 time bins -> spatial std 0 per bin.
    r = _reader("P101R000003", [10.0, 90.0], [10.0, 70.0], [1.0, 1.0])
    per, summ = dispersion_over_time([r], n_bins=2)
    assert list(per["spatial_std"]) == [0.0, 0.0]
    assert list(per["mean_x"]) == [0.1, 0.9]
    assert set(summ["metric"]) == {"spatial_std", "between_reader_spread"}
