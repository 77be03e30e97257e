"""``gazex-bench metrics report`` CLI: output contract and malformed input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gazex_bench.cli import main

KEYS = ["bleu1", "bleu2", "bleu3", "bleu4", "meteor", "rouge_l", "cider_d"]


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path]:
    pred = _write(
        tmp_path / "p.jsonl", ['{"id": "a", "text": "Heart is enlarged."}', '{"id": "b", "text": "Clear."}']
    )
    ref = _write(
        tmp_path / "r.jsonl",
        ['{"id": "a", "text": "The heart is enlarged."}', '{"id": "b", "text": ["Clear.", "Lungs clear."]}'],
    )
    return pred, ref


def test_json_has_exactly_the_metric_keys(files, capsys) -> None:  # noqa: ANN001
    pred, ref = files
    rc = main(["metrics", "report", "--pred", str(pred), "--ref", str(ref), "--meteor", "nltk", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and list(out) == KEYS
    from gazex_bench.metrics.report import score_reports

    direct = score_reports(
        {"a": "Heart is enlarged.", "b": "Clear."},
        {"a": "The heart is enlarged.", "b": ["Clear.", "Lungs clear."]},
        meteor="nltk",
    )
    assert out == pytest.approx(direct.values)


def test_table_mode_names_conventions(files, capsys) -> None:  # noqa: ANN001
    pred, ref = files
    assert (
        main(
            [
                "metrics",
                "report",
                "--pred",
                str(pred),
                "--ref",
                str(ref),
                "--meteor",
                "none",
                "--convention",
                "coco",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "n = 2" in out and "coco" in out and "CIDEr-D" in out


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (['{"id": "a", "text": "x"}', '{"id": "a", "text": "y"}'], "duplicate id"),
        (['{"id": "a", "text": 5}'], "'text' must be a string"),
        (['{"id": "a", "text": NaN}'], "not valid JSON"),
        (['{"id": "a", "text": "x"'], "not valid JSON"),
        (['{"id": "a", "text": "x"}'], "have no prediction: b"),
        (
            ['{"id": "a", "text": "x"}', '{"id": "b", "text": "y"}', '{"id": "z", "text": "y"}'],
            "have no reference: z",
        ),
    ],
)
def test_malformed_input_exits_2_with_one_line(files, tmp_path, capsys, rows, message) -> None:  # noqa: ANN001
    _, ref = files
    bad = _write(tmp_path / "bad.jsonl", rows)
    rc = main(["metrics", "report", "--pred", str(bad), "--ref", str(ref), "--meteor", "none", "--json"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and message in err[0]
