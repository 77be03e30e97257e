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
    second = run_gaze_alignment(list(readers), models[:1], config=cfg)  # same reader objects, another model set
    assert len(calls) == 1
    for name in ("dwell", "dwell_overall", "dwell_by_image", "dwell_correlation", "dispersion"):
        pd.testing.assert_frame_equal(first.tables[name], second.tables[name])
        assert first.tables[name] is not second.tables[name]  # callers get copies
    run_gaze_alignment(readers[:-1], models, config=cfg)  # another reader set -> recomputed
    run_gaze_alignment(readers, models, config=AlignmentConfig(run_saliency=False, grid_sizes=(2,)))  # other grid
    assert len(calls) == 3
    monkeypatch.setattr(alignment, "_READER_MEMO", [])
    fresh = run_gaze_alignment(readers, models, config=cfg)
    pd.testing.assert_frame_equal(fresh.tables["dwell_overall"], first.tables["dwell_overall"])
