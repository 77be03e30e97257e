"""DTW band mask and input checks (tslearn semantics).

The tslearn docstring examples and the random parity run in tests/metrics/harness_gaze.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from gazex_bench.gaze import dtw_path
from gazex_bench.gaze.dtw import sakoe_chiba_mask


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
