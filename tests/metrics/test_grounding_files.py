"""grounding_scores_from_files: JSONL contract of ``gazex-bench metrics grounding``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gazex_bench.errors import DataFormatError
from gazex_bench.metrics.grounding_io import grounding_scores_from_files

REF = [
    {"id": "a", "boxes": [[10, 10, 20, 20]], "width": 100, "height": 100},
    {"id": "b", "boxes": [[0, 0, 10, 10], [50, 50, 10, 10]], "width": 80, "height": 90},
]


def _write(path: Path, rows: list) -> Path:
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8"
    )
    return path


def test_scores_keys_and_values(tmp_path: Path) -> None:
    ref = _write(tmp_path / "ref.jsonl", REF)
    pred = _write(
        tmp_path / "pred.jsonl",
        [{"id": "b", "boxes": [[0, 0, 10, 10, 0.8]]}, {"id": "a", "boxes": [[10, 10, 20, 20]]}],
    )
    s = grounding_scores_from_files(pred, ref)
    expected_keys = {"mIoU", "mAP", "n_phrases"} | {f"IoU@{t / 10:.1f}" for t in range(1, 6)}
    expected_keys |= {f"AP@{t / 10:.1f}" for t in range(1, 8)} | {"Acc@0.1", "Acc@0.3", "Acc@0.5"}
    assert set(s) == expected_keys
    # a: identical box (conf 1.0 by default) -> IoU 1; b: one of two equal GT boxes -> 100/200 = .5
    assert s["mIoU"] == pytest.approx(0.75)
    assert s["Acc@0.5"] == 1.0 and s["n_phrases"] == 2.0
    # AP: a -> 1 at all thresholds; b -> recall 1/2 with precision 1 -> 51/101 points
    assert s["mAP"] == pytest.approx((1 + 51 / 101) / 2)


@pytest.mark.parametrize(
    ("pred_rows", "match"),
    [
        (['{"id": "a", "boxes": [[1,2,3,4]]', {"id": "b", "boxes": []}], "not valid JSON"),
        ([{"id": "a", "boxes": [[1, 2, 3]]}, {"id": "b", "boxes": []}], "list of 4 or 5 numbers"),
        ([{"id": "a", "boxes": [[1, 2, -3, 4, 0.5]]}, {"id": "b", "boxes": []}], ">= 0"),
        ([{"id": "a", "boxes": [[1, 2, 3, "x"]]}, {"id": "b", "boxes": []}], "non-finite or non-numeric"),
        (['{"id": "a", "boxes": [[1, 2, 3, NaN]]}', {"id": "b", "boxes": []}], "not valid JSON"),
        ([{"id": "a", "boxes": []}], "no prediction for reference id 'b'"),
        (
            [{"id": "a", "boxes": []}, {"id": "b", "boxes": []}, {"id": "z", "boxes": []}],
            "not in the references",
        ),
        ([{"id": "a", "boxes": []}, {"id": "a", "boxes": []}], "duplicate id"),
        ([{"boxes": []}], "missing 'id'"),
    ],
)
def test_malformed_predictions(tmp_path: Path, pred_rows: list, match: str) -> None:
    ref = _write(tmp_path / "ref.jsonl", REF)
    pred = _write(tmp_path / "pred.jsonl", pred_rows)
    with pytest.raises(DataFormatError, match=match) as err:
        grounding_scores_from_files(pred, ref)
    assert "pred.jsonl" in str(err.value)


@pytest.mark.parametrize(
    ("ref_row", "match"),
    [
        ({"id": "a", "boxes": [], "width": 10, "height": 10}, "at least one box"),
        ({"id": "a", "boxes": [[1, 2, 3, 4, 5]], "width": 10, "height": 10}, "list of 4 numbers"),
        ({"id": "a", "boxes": [[1, 2, 3, 4]], "width": 0, "height": 10}, "'width' must be"),
        ({"id": "a", "boxes": [[1, 2, 3, 4]], "width": 10}, "'height' must be"),
    ],
)
def test_malformed_references(tmp_path: Path, ref_row: dict, match: str) -> None:
    ref = _write(tmp_path / "ref.jsonl", [ref_row])
    pred = _write(tmp_path / "pred.jsonl", [{"id": "a", "boxes": []}])
    with pytest.raises(DataFormatError, match=match) as err:
        grounding_scores_from_files(pred, ref)
    assert "ref.jsonl, row 1" in str(err.value)
