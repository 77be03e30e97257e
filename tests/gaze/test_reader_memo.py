"""Model-independent dwell tables are computed once per reader set and equal a fresh computation."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _gaze_synth import make_models, make_readers  # noqa: E402

from gazex_bench.gaze import alignment, dwell, run_gaze_alignment  # noqa: E402
from gazex_bench.gaze.alignment import AlignmentConfig  # noqa: E402


def test_same_readers_reuse_dwell_tables_changed_readers_recompute(monkeypatch: pytest.MonkeyPatch) -> None:
    readers = make_readers()
    models = make_models(readers)
    calls = []
    real = dwell.dwell_table
    monkeypatch.setattr(dwell, "dwell_table", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(alignment, "_READER_MEMO", [])
    cfg = AlignmentConfig(run_saliency=False)
    first = run_gaze_alignment(readers, models, config=cfg)
    second = run_gaze_alignment(
        list(readers), models[:1], config=cfg
    )  # same reader objects, another model set
    assert len(calls) == 1
    for name in ("dwell", "dwell_overall", "dwell_by_image", "dwell_correlation", "dispersion"):
        pd.testing.assert_frame_equal(first.tables[name], second.tables[name])
        assert first.tables[name] is not second.tables[name]  # callers get copies
    run_gaze_alignment(readers[:-1], models, config=cfg)  # another reader set -> recomputed
    run_gaze_alignment(
        readers, models, config=AlignmentConfig(run_saliency=False, grid_sizes=(2,))
    )  # other grid
    assert len(calls) == 3
    monkeypatch.setattr(alignment, "_READER_MEMO", [])
    fresh = run_gaze_alignment(readers, models, config=cfg)
    pd.testing.assert_frame_equal(fresh.tables["dwell_overall"], first.tables["dwell_overall"])


def test_saliency_reader_rows_reused_and_table_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    from gazex_bench.gaze import baselines

    readers = make_readers()
    models = {"toy": {m.image_group: m for m in make_models(readers)}}
    calls = []
    real = baselines.CenterBias
    monkeypatch.setattr(baselines, "CenterBias", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(baselines, "_READER_MEMO", [])
    per1, sum1 = baselines.saliency_table(readers, models)
    per2, sum2 = baselines.saliency_table(list(readers), models)
    assert len(calls) == 1  # reader side computed once
    pd.testing.assert_frame_equal(per1, per2)
    pd.testing.assert_frame_equal(sum1, sum2)
    # per reading: center bias, inter-radiologist, then the model (the order before the memo)
    first = per1[per1["reading_id"] == per1["reading_id"].iloc[0]]["comparison"].tolist()
    assert first == ["center_bias", "inter_radiologist", "model:toy"][: len(first)]
    baselines.saliency_table(readers[:-1], models)
    assert len(calls) == 2
