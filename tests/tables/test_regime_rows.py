"""Every table and leaderboard row shows its model's training regime (run.json ``training``).

Hand-written run records: a GazeX fine-tune (stage 1 on reflacx-gaze, 20 steps / 40 samples,
then stage 2 on mimic-report, 10 steps / 40 samples), the same stage-2 checkpoint scored
zero-shot on a task it never saw, and the ``oracle`` reference adapter (no record).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from gazex_bench.leaderboard.board import add_run, build, entry_from_run
from gazex_bench.leaderboard.schema import read_csv
from gazex_bench.runner.regime import RegimeCell, regime_cell, training_block
from gazex_bench.tables.build import write_tables
from gazex_bench.tables.runs import find_runs

LINEAGE = [
    {"stage": 0, "kind": "backbone", "name": "tiny"},
    {
        "stage": 1,
        "kind": "train",
        "tasks": ["reflacx-gaze"],
        "budget": {"steps": 20, "samples_seen": 40},
    },
    {
        "stage": 2,
        "kind": "train",
        "tasks": ["mimic-report"],
        "budget": {"steps": 10, "samples_seen": 40},
    },
]


def _run(root: Path, run_id: str, task: str, adapter: str, bleu4: float, trained: bool) -> Path:
    d = root / run_id
    d.mkdir(parents=True)
    model = {"adapter": adapter, "args": {"label": f"{adapter}-{run_id}"}}
    if trained:
        model["identity"] = {"training": {"lineage": LINEAGE}}
    rec = {
        "run_id": run_id,
        "scored_at_utc": "2026-11-23T10:00:00Z",
        "git": {"commit": "abc123", "dirty": False},
        "task": {"name": task, "primary_metric": "bleu4", "reference_baselines": ["oracle"]},
        "model": model,
        "training": training_block(model.get("identity"), task),
        "dataset": {"n_evaluated": 8, "dropped": {}, "kind": "phantom"},
        "primary_metric": "bleu4",
        "metrics": {"bleu4": {"value": bleu4, "n": 8, "ci_low": 0.0, "ci_high": 1.0, "ci_method": "x"}},
    }
    (d / "run.json").write_text(json.dumps(rec))
    return d


def test_regime_cell_known_answers() -> None:
    block = training_block({"training": {"lineage": LINEAGE}}, "mimic-report")
    assert regime_cell(block, "run") == RegimeCell("fine-tuned", 2, ("mimic-report",), 10, 40)
    assert regime_cell(block, "run").text() == "fine-tuned: stage 2 on mimic-report, 10 steps, 40 samples"
    gaze = regime_cell(training_block({"training": {"lineage": LINEAGE}}, "reflacx-gaze"), "run")
    assert gaze == RegimeCell("pretrained", 1, ("reflacx-gaze",), 20, 40)
    zs = regime_cell(training_block({"training": {"lineage": LINEAGE}}, "iu-report-zeroshot"), "run")
    # zero-shot: the last stage it was trained in (stage 2 on MIMIC), never on IU
    assert zs.text() == "zero-shot (last trained: stage 2 on mimic-report, 10 steps, 40 samples)"
    assert regime_cell(None, "baseline").text() == "none (untrained reference adapter)"
    assert regime_cell(block, "reference").regime == "reference"
    assert regime_cell(None, "run").regime == "unknown"


def test_regime_in_tables_and_leaderboards(tmp_path: Path) -> None:
    runs_dir = tmp_path / "runs"
    _run(runs_dir, "ft", "mimic-report", "gazex", 0.2, trained=True)
    _run(runs_dir, "or", "mimic-report", "oracle", 1.0, trained=False)
    _run(runs_dir, "zs", "iu-report-zeroshot", "gazex", 0.1, trained=True)
    runs = find_runs([runs_dir])
    write_tables(runs, tmp_path / "t", with_nulls=False)
    rows = {r["model"]: r for r in csv.DictReader((tmp_path / "t" / "mimic-report.csv").open())}
    ft = rows["gazex-ft"]
    assert (ft["regime"], ft["train_stage"], ft["train_tasks"], ft["train_steps"], ft["samples_seen"]) == (
        "fine-tuned",
        "2",
        "mimic-report",
        "10",
        "40",
    )
    assert rows["oracle-or"]["regime"] == "none" and rows["oracle-or"]["train_steps"] == ""
    md = (tmp_path / "t" / "mimic-report.md").read_text()
    assert "| gazex-ft | run | fine-tuned: stage 2 on mimic-report, 10 steps, 40 samples | 8 |" in md
    assert "| oracle-or | baseline | none (untrained reference adapter) | 8 |" in md
    assert (
        "fine-tuned: stage 2 on mimic-report, 10 steps, 40 samples"
        in (tmp_path / "t" / "mimic-report.tex").read_text()
    )
    zs_md = (tmp_path / "t" / "iu-report-zeroshot.md").read_text()
    assert "zero-shot (last trained: stage 2 on mimic-report, 10 steps, 40 samples)" in zs_md

    entry = entry_from_run(next(r for r in runs if r.run_id == "ft"))
    assert entry["training"] == {
        "regime": "fine-tuned",
        "stage": 2,
        "tasks": ["mimic-report"],
        "steps": 10,
        "samples_seen": 40,
    }
    lb = tmp_path / "lb"
    for r in runs:
        add_run(lb, r)
    build(lb)
    board, _ = read_csv(lb / "mimic-report.csv")
    by_model = {r.model: r.regime for r in board}
    assert by_model["gazex-ft"] == RegimeCell("fine-tuned", 2, ("mimic-report",), 10, 40)
    assert by_model["oracle-or"].regime == "none"
    assert all(r.regime.regime == "published" for r in board if r.kind == "reported")
    page = (lb / "index.html").read_text()
    assert "<th>Regime</th>" in page
    assert "fine-tuned: stage 2 on mimic-report, 10 steps, 40 samples" in page
    assert "none (untrained reference adapter)" in page
