"""End-to-end run_gaze_alignment on synthetic readings; ICC-after-DTW units; holdout rules."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _gaze_synth import make_models, make_readers  # noqa: E402

from gazex_bench.errors import UsageError  # noqa: E402
from gazex_bench.gaze import IDENTITY_UNAVAILABLE, icc_table, run_gaze_alignment  # noqa: E402
from gazex_bench.gaze.dtw import aligned_pairs  # noqa: E402
from gazex_bench.gaze.sequence_icc import SequenceUnit, dtw_icc, setting1_units, setting2_units  # noqa: E402


@pytest.fixture(scope="module")
def data():  # noqa: ANN201
    readers = make_readers()
    return readers, make_models(readers)


def test_all_tables_and_baseline_rows(data) -> None:  # noqa: ANN001
    readers, models = data
    res = run_gaze_alignment(readers, models)
    t = res.tables
    for name in (
        "dwell",
        "dwell_correlation",
        "dispersion",
        "trajectory_summary",
        "icc",
        "icc_per_unit",
        "cosine_summary",
        "cosine_matrix",
        "saliency_summary",
        "majority_summary",
    ):
        assert len(t[name]) > 0, name
    assert {"inter_radiologist", "model:toy", "shuffled:toy"} <= set(t["icc"]["comparison"])
    assert {"center_bias", "inter_radiologist", "model:toy"} <= set(t["saliency_summary"]["comparison"])
    assert set(t["icc"]["Type"]) == {"ICC(A,1)", "ICC(C,1)"} and t["icc"]["label"].notna().all()
    icc = t["icc"].set_index(["comparison", "setting", "axis", "Type"])["ICC"]
    # The toy model copies a reader with 3 px noise: far above its shuffled-image null.
    assert icc["model:toy", "given", "x", "ICC(A,1)"] > 0.9 > icc["shuffled:toy", "given", "x", "ICC(A,1)"]
    assert len(res.status) == 0


def test_pooled_icc_equals_manual_pooling(data) -> None:  # noqa: ANN001
    readers, models = data
    per_img = {m.image_group: m for m in models}
    units = setting2_units(readers, per_img)
    assert len(units) == sum(len(r.findings) for r in readers)  # one-to-one
    pooled, per_unit = dtw_icc(units, comparison="model:toy", setting="given")
    steps = [np.stack(aligned_pairs(u.seq_a, u.seq_b)[:2], axis=1) for u in units]
    x = np.concatenate(steps)[:, :, 0]
    ref = icc_table(x).set_index("Type")
    row = pooled[(pooled.axis == "x") & (pooled.Type == "ICC(A,1)")].iloc[0]
    assert row["ICC"] == pytest.approx(ref.loc["ICC(A,1)", "ICC"]) and row["n_targets"] == len(x)
    assert per_unit["unit_id"].nunique() == len(units)
    assert len(setting1_units(readers, per_img)) > 0


def test_single_unit_hand() -> None:
    # Model (0,0),(10,10) vs radiologist (0,0),(10,10),(10,10): path 3 steps -> x ratings
    # [[0,0],[10,10],[10,10]] -> identical raters -> ICC(A,1) = ICC(C,1) = 1.
    u = SequenceUnit(
        "u", "P101", "r", None, None, np.array([[0, 0], [10, 10.0]]), np.array([[0, 0], [10, 10], [10, 10.0]])
    )
    pooled, _ = dtw_icc([u], comparison="c", setting="given")
    assert (pooled["n_targets"] == 3).all() and np.allclose(pooled["ICC"], 1.0)


def test_holdout_requires_identities() -> None:
    readers = make_readers(n_images=2, identities=False)
    with pytest.raises(UsageError, match="radiologist identity not in released REFLACX"):
        run_gaze_alignment(readers, [], holdout="rad1")
    res = run_gaze_alignment(readers, [], config=None)
    assert IDENTITY_UNAVAILABLE in set(res.tables["status"]["reason"])


def test_holdout_scores_radiologist_as_model(data) -> None:  # noqa: ANN001
    readers, models = data
    res = run_gaze_alignment(readers, models, holdout="rad1")
    assert "model:radiologist:rad1" in set(res.tables["icc"]["comparison"])
    assert "rad1" not in set(res.tables["dwell"]["radiologist"])
