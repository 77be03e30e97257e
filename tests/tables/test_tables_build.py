"""Tables and leaderboard rebuild from hand-written run records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gazex_bench.cli import main
from gazex_bench.errors import UsageError
from gazex_bench.leaderboard.board import add_run, build, reported_rows
from gazex_bench.leaderboard.schema import read_csv
from gazex_bench.tables.runs import find_runs


def _run(
    root: Path, run_id: str, adapter: str, bleu4: float, dirty: bool = False, label: str | None = None
) -> Path:
    d = root / run_id
    d.mkdir(parents=True)
    args = {"label": label} if label else {}
    rec = {
        "schema_version": 1,
        "run_id": run_id,
        "scored_at_utc": "2026-11-23T10:00:00Z",
        "git": {"commit": "abc123", "dirty": dirty},
        "task": {
            "name": "mimic-report",
            "primary_metric": "bleu4",
            "metric_conventions": {"bleu4": "pycocoevalcap corpus BLEU, r2gen cleaning"},
        },
        "model": {"adapter": adapter, "args": args},
        "dataset": {"n_evaluated": 12, "dropped": {}},
        "primary_metric": "bleu4",
        "metrics": {
            "bleu4": {
                "value": bleu4,
                "n": 12,
                "ci_low": bleu4 - 0.05,
                "ci_high": bleu4 + 0.05,
                "ci_method": "percentile-bootstrap",
            }
        },
    }
    (d / "run.json").write_text(json.dumps(rec))
    return d


def test_tables_cli_writes_csv_md_tex(tmp_path: Path, capsys) -> None:
    _run(tmp_path / "runs", "a", "oracle", 1.0)
    _run(tmp_path / "runs", "b", "gazex", 0.2, label="GazeX tiny")
    assert main(["tables", "--runs", str(tmp_path / "runs"), "--out", str(tmp_path / "t")]) == 0
    md = (tmp_path / "t" / "mimic-report.md").read_text()
    assert "pycocoevalcap corpus BLEU, r2gen cleaning" in md
    # runs first (sorted by primary metric), reference baselines after them
    assert md.index("GazeX tiny") < md.index("oracle")
    assert "0.200 [0.150, 0.250]" in md
    tex = (tmp_path / "t" / "mimic-report.tex").read_text()
    assert r"\toprule" in tex and "BLEU-4" in tex
    csv = (tmp_path / "t" / "mimic-report.csv").read_text().splitlines()
    assert csv[0].startswith(
        "model,kind,regime,train_stage,train_tasks,train_steps,samples_seen,run_id,labeler,"
        "bleu4,bleu4_ci_low,bleu4_ci_high,bleu4_n,bleu4_ci_method"
    )


def test_leaderboard_build_and_dirty_refusal(tmp_path: Path) -> None:
    runs = find_runs(
        [
            _run(tmp_path / "runs", "good", "gazex", 0.3, label="<script>alert(1)</script>"),
            _run(tmp_path / "runs", "dirty", "gazex", 0.4, dirty=True),
        ]
    )
    lb = tmp_path / "lb"
    add_run(lb, runs[0])
    with pytest.raises(UsageError, match="dirty"):
        add_run(lb, runs[1])
    build(lb)
    rows, slugs = read_csv(lb / "mimic-report.csv")
    kinds = {r.kind for r in rows}
    assert kinds == {"run", "reported"} and "bleu4" in slugs
    assert [r.model for r in rows if r.kind == "run"] == ["<script>alert(1)</script>"]
    page = (lb / "index.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_reported_rows_include_paper_numbers() -> None:
    rows = reported_rows()
    gazex = [r for r in rows["mimic-report"] if r.model == "GazeX (paper)"][0]
    assert gazex.metrics["bleu1"].value == 0.427 and gazex.metrics["rouge_l"].value == 0.315
    assert {"mimic-report", "iu-report", "cxr-vqa", "ms-cxr-grounding", "reflacx-gaze"} <= set(rows)
