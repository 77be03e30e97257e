"""Leaderboard CSV round trip, HTML escaping and submission validation."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.leaderboard.html import TaskBoard, render_page
from gazex_bench.leaderboard.schema import (
    LeaderboardRow,
    MetricValue,
    metric_slug,
    read_csv,
    sort_rows,
    write_csv,
)
from gazex_bench.leaderboard.submission import TaskExpectation, inside, safe_slug, validate_submission

EXPECT = TaskExpectation(
    task="ms-cxr-grounding",
    ids=frozenset({"a", "b"}),
    image_sizes={"a": (100, 80), "b": (100, 80)},
    output_field="boxes",
)
META = {
    "model_name": "My Model",
    "task": "ms-cxr-grounding",
    "parameters": "2B",
    "training_data": "MIMIC-CXR",
    "contact": "me@example.org",
    "licence": "CC-BY-4.0",
}


def _row(model: str, value: float | None) -> LeaderboardRow:
    return LeaderboardRow(
        model=model,
        run_id=f"r-{model}",
        kind="run",
        n=10,
        conventions="c",
        date="2026-11-23",
        source="abc",
        metrics={"miou": MetricValue(value, None, None)},
    )


def test_metric_slug() -> None:
    assert metric_slug("BLEU-4") == "bleu_4"
    assert metric_slug("CheXbert F1 (mic5-unc-pos)") == "chexbert_f1_mic5_unc_pos"


def test_csv_round_trip_and_sort(tmp_path: Path) -> None:
    rows = sort_rows([_row("b", 0.2), _row("a", None), _row("c", 0.5)], "miou")
    assert [r.model for r in rows] == ["c", "b", "a"]  # descending, missing last
    write_csv(tmp_path / "t.csv", rows, ["miou"])
    back, slugs = read_csv(tmp_path / "t.csv")
    assert slugs == ["miou"] and back == rows


def test_html_escapes_model_names() -> None:
    row = _row("<script>alert(1)</script>", 0.1)
    page = render_page([TaskBoard("t", "T", [row], ["miou"], {"miou": "mIoU"}, "conv <b>")])
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "conv &lt;b&gt;" in page


def _submission(tmp_path: Path, preds: list[dict] | bytes, meta: dict | None = None) -> Path:
    d = tmp_path / "sub"
    d.mkdir()
    (d / "metadata.json").write_text(json.dumps(meta or META))
    if isinstance(preds, bytes):
        (d / "predictions.jsonl").write_bytes(preds)
    else:
        (d / "predictions.jsonl").write_text("".join(json.dumps(p) + "\n" for p in preds))
    return d


GOOD = [{"id": "a", "boxes": [[1, 2, 10, 10, 0.9]]}, {"id": "b", "boxes": [[0, 0, 100, 80]]}]


def test_valid_submission(tmp_path: Path) -> None:
    sub = validate_submission(_submission(tmp_path, GOOD), EXPECT)
    assert sub.slug == "My-Model" and set(sub.predictions) == {"a", "b"}


@pytest.mark.parametrize(
    ("preds", "needle"),
    [
        ([GOOD[0]], "1 test ids have no prediction"),
        ([GOOD[0], GOOD[0], GOOD[1]], "duplicate id"),
        ([GOOD[0], GOOD[1], {"id": "zzz", "boxes": []}], "not a test id"),
        ([GOOD[0], {"id": "b", "boxes": [[0, 0, 101, 80, 1.0]]}], "outside"),
        ([GOOD[0], {"id": "b", "boxes": [[0, 0, -1, 8, 1.0]]}], "positive"),
        (b'{"id": "a", "boxes": [[NaN, 0, 1, 1]]}\n', "not valid JSON"),
        (pickle.dumps({"id": "a"}), "binary"),
    ],
)
def test_invalid_predictions(tmp_path: Path, preds, needle: str) -> None:
    with pytest.raises(DataFormatError, match=needle) as err:
        validate_submission(_submission(tmp_path, preds), EXPECT)
    assert "predictions.jsonl" in str(err.value)


def test_extra_file_and_bad_metadata(tmp_path: Path) -> None:
    d = _submission(tmp_path, GOOD)
    (d / "model.pkl").write_bytes(pickle.dumps(1))
    with pytest.raises(DataFormatError, match="unexpected file"):
        validate_submission(d, EXPECT)
    (d / "model.pkl").unlink()
    (d / "metadata.json").write_text(json.dumps({**META, "contact": ""}))
    with pytest.raises(DataFormatError, match="field 'contact'"):
        validate_submission(d, EXPECT)


def test_names_cannot_escape(tmp_path: Path) -> None:
    assert safe_slug("../../etc/passwd") == "etc-passwd"
    assert inside(tmp_path, tmp_path / safe_slug("../x"))
    assert not inside(tmp_path, tmp_path / ".." / "x")
    with pytest.raises(UsageError):
        safe_slug("../..")
