"""Legends name the CI methods the runs recorded, judged against the metric registry (never restated).

Two hand-written reflacx-gaze runs: one with the default image bootstrap for ICC, one with the
F-test option; a BLEU-4 cell recording the F-test is flagged as undeclared.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from gazex_bench.leaderboard.board import add_run, build
from gazex_bench.tables.build import write_tables
from gazex_bench.tables.runs import find_runs

BOOT = "percentile-bootstrap(unit=image,n_boot=50,seed=0,level=0.95)"
FTEST = "icc-f-test(level=0.95) on pooled DTW path steps (too narrow: steps not independent)"


def _run(root: Path, run_id: str, task: str, key: str, method: str) -> None:
    d = root / run_id
    d.mkdir(parents=True)
    rec = {
        "run_id": run_id,
        "git": {"commit": "abc", "dirty": False},
        "task": {"name": task, "primary_metric": key, "reference_baselines": []},
        "model": {"adapter": "gazex", "args": {"label": run_id}},
        "dataset": {"n_evaluated": 6, "dropped": {}},
        "metrics": {
            key: {"value": 0.5, "n": 6, "ci_low": 0.4, "ci_high": 0.6, "ci_method": f"{method};units=6"}
        },
    }
    (d / "run.json").write_text(json.dumps(rec))


def test_legends_read_methods_from_runs_and_registry(tmp_path: Path) -> None:
    runs_dir = tmp_path / "runs"
    _run(runs_dir, "boot", "reflacx-gaze", "icc_a1_x", BOOT)
    _run(runs_dir, "ftest", "reflacx-gaze", "icc_a1_x", FTEST)
    _run(runs_dir, "odd", "mimic-report", "bleu4", FTEST)
    runs = find_runs([runs_dir])
    write_tables(runs, tmp_path / "t", with_nulls=False)
    md = (tmp_path / "t" / "reflacx-gaze.md").read_text()
    assert f"- CI method {BOOT} (registry default): ICC(A,1) x" in md
    assert f"- CI method {FTEST} (labelled option, not the registry default): ICC(A,1) x" in md
    assert "NOT declared" in (tmp_path / "t" / "mimic-report.md").read_text()
    rows = {r["model"]: r for r in csv.DictReader((tmp_path / "t" / "reflacx-gaze.csv").open())}
    assert rows["boot"]["icc_a1_x_ci_method"].startswith(BOOT)
    assert rows["ftest"]["icc_a1_x_ci_method"].startswith("icc-f-test")
    assert "registry default" in (tmp_path / "t" / "reflacx-gaze.tex").read_text()

    lb = tmp_path / "lb"
    for r in runs:
        add_run(lb, r)
    build(lb)
    page = (lb / "index.html").read_text()
    assert f"<li>{BOOT} (registry default): ICC(A,1) x</li>" in page
    assert "labelled option, not the registry default" in page
    assert "percentile bootstrap over samples or images" not in page  # no restated method


def test_legend_names_the_rows_of_each_method_when_a_metric_has_several(tmp_path: Path) -> None:
    """Pearson r with the image bootstrap on two model rows and the sample bootstrap on two shuffled-null
    rows: the legend must say which rows each method covers (majority -> "all other rows", minority ->
    the shared name prefix + count); a 1-1 tie names both sides."""
    runs_dir = tmp_path / "runs"
    sample = BOOT.replace("unit=image", "unit=sample")
    _run(runs_dir, "model a", "reflacx-gaze", "trajectory_r_x", BOOT)
    _run(runs_dir, "model b", "reflacx-gaze", "trajectory_r_x", BOOT)
    _run(runs_dir, "model c", "reflacx-gaze", "trajectory_r_x", BOOT)
    _run(runs_dir, "shuffled null (a)", "reflacx-gaze", "trajectory_r_x", sample)
    _run(runs_dir, "shuffled null (b)", "reflacx-gaze", "trajectory_r_x", sample)
    _run(runs_dir, "tie", "reflacx-gaze", "icc_a1_x", BOOT)
    _run(runs_dir, "tie f", "reflacx-gaze", "icc_a1_x", FTEST)
    write_tables(find_runs([runs_dir]), tmp_path / "t", with_nulls=False)
    md = (tmp_path / "t" / "reflacx-gaze.md").read_text()
    assert "Pearson r (x) (all other rows)" in md
    assert "Pearson r (x) (shuffled null rows (2))" in md
    assert "ICC(A,1) x (tie)" in md and "ICC(A,1) x (tie f)" in md
