"""DTW: tslearn 0.10.0 docstring examples and random cases vs tslearn (paths and distances)."""

from __future__ import annotations

import numpy as np
import pytest

from gazex_bench.gaze import dtw_distance, dtw_path
from gazex_bench.gaze.dtw import aligned_pairs, sakoe_chiba_mask


def test_tslearn_docstring_examples() -> None:
    # tslearn metrics/_dtw.py docstrings (docs/gaze_reference.md §2.1).
    assert dtw_distance([1, 2, 3], [1.0, 2.0, 2.0, 3.0]) == 0.0
    assert dtw_distance([1, 2, 3], [1.0, 2.0, 2.0, 3.0, 4.0]) == 1.0
    assert dtw_path([1, 2, 3], [1.0, 2.0, 2.0, 3.0])[0] == [(0, 0), (1, 1), (1, 2), (2, 3)]


def test_hand_2d_case() -> None:
    # a = (0,0),(3,4); b = (0,0). Path (0,0),(1,0); cost 0 + 3^2+4^2 = 25 -> sqrt = 5.
    path, d = dtw_path(np.array([[0.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 0.0]]))
    assert path == [(0, 0), (1, 0)] and d == 5.0
    a, b, _ = aligned_pairs(np.array([[0.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 0.0]]))
    assert a.shape == b.shape == (2, 2)


def test_sakoe_chiba_mask_semantics() -> None:
    # tslearn: sz1 <= sz2 -> row i allows j in [i - r, i + (sz2 - sz1) + r].
    m = sakoe_chiba_mask(3, 5, 0)
    assert [list(np.flatnonzero(row)) for row in m] == [[0, 1, 2], [1, 2, 3], [2, 3, 4]]
    assert (sakoe_chiba_mask(5, 3, 1) == sakoe_chiba_mask(3, 5, 1).T).all()


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        dtw_path([], [1.0])
    with pytest.raises(ValueError):
        dtw_path(np.zeros((2, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError):
        dtw_path([1.0, np.nan], [1.0])


def test_random_cases_match_tslearn() -> None:
    ts = pytest.importorskip("tslearn.metrics")  # numba JIT start ~15 s: only in this module
    rng = np.random.default_rng(11)
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
