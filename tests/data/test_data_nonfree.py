"""Fingerprint tests on the real (credentialed) REFLACX release; run only with GAZEX_DATA_ROOT set.

Expected numbers are from /work/shared/reference/datasets.md section 1.2 (REFLACX
authors' code): phase 1 trials 2..60 (59 images), phase 2 trials 1..50 (50 images),
five radiologists per phase-1/2 image, 525 non-discarded phase-1/2 readings
(asserted in ``get_ncc_for_localization_in_et_data.py``), 3,032 readings in all
(paper abstract).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gazex_bench.data.discover import discover, require
from gazex_bench.data.reflacx import image_groups, read_reflacx

pytestmark = [
    pytest.mark.nonfree,
    pytest.mark.skipif(
        not os.environ.get("GAZEX_DATA_ROOT"), reason="needs GAZEX_DATA_ROOT (real REFLACX data)"
    ),
]


def test_reflacx_release_fingerprint() -> None:
    root = require(discover(Path(os.environ["GAZEX_DATA_ROOT"])), "reflacx")
    res = read_reflacx(root, load_fixations=False)
    groups = image_groups(res.records)
    trials = {p: {int(g[2:4]) for g, rs in groups.items() if rs[0].phase == p} for p in (1, 2)}
    assert trials[1] == set(range(2, 61))  # 59 images
    assert trials[2] == set(range(1, 51))  # 50 images
    assert all(len(rs) <= 5 for g, rs in groups.items() if rs[0].phase in (1, 2))
    kept_12 = [r for r in res.records if r.phase in (1, 2) and not r.discarded]
    assert len(kept_12) == 525
    assert all(r.reading_id.startswith("P300") for r in res.records if r.phase == 3)
    assert 3032 in (len(res), sum(not r.discarded for r in res.records))
    assert not res.skipped  # every main_data folder is listed in some metadata file
