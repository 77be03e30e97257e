"""What the demo writes under ``--out`` from its scored runs: run records, tables (with the
protocol table), figures and the leaderboard folder with its HTML page."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gazex_bench.demo_checks import problems, protocol_rows, write_protocol
from gazex_bench.demo_plan import ABLATION_LABELS, TASKS, EvalJob
from gazex_bench.figures.build import build_figures
from gazex_bench.leaderboard.board import add_run, build
from gazex_bench.tables.build import write_tables
from gazex_bench.tables.runs import load_run


def copy_records(out: Path, run_dirs: Sequence[Path]) -> list[Any]:
    """Copy every run's ``run.json`` (+ tables) to ``<out>/runs``; returns the loaded runs."""
    runs_out = out / "runs"
    shutil.rmtree(runs_out, ignore_errors=True)
    for run_dir in run_dirs:
        if (run_dir / "run.json").is_file():
            dest = runs_out / run_dir.name
            dest.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(run_dir / "run.json", dest / "run.json")
            if (run_dir / "tables").is_dir():
                shutil.copytree(run_dir / "tables", dest / "tables")
    return [load_run(p) for p in run_dirs if (p / "run.json").is_file()]


def publish_tables(
    out: Path, runs: Sequence[Any], scored: Sequence[tuple[EvalJob, Path]], run_dirs: Sequence[Path]
) -> tuple[list[dict[str, Any]], list[str]]:
    """``<out>/tables``: every task table, then ``protocol.md`` + ``protocol.json`` (regime, parseable
    outputs, FVP answers, nulls, budgets of every trained row).

    Returns:
        The protocol rows and the protocol problems (:func:`gazex_bench.demo_checks.problems`).
    """
    shutil.rmtree(out / "tables", ignore_errors=True)
    write_tables(list(runs), out / "tables")
    trained = {p for _, p in scored}
    baselines = [p for p in run_dirs if p not in trained and (p / "run.json").is_file()]
    rows = protocol_rows([(j, p) for j, p in scored if (p / "run.json").is_file()], baselines)
    write_protocol(rows, out / "tables")
    return rows, problems(rows)


def publish_figures(out: Path, runs: Sequence[Any]) -> tuple[list[Path], dict[str, str]]:
    """``<out>/figures``; returns the files written and the figures skipped (name -> why)."""
    shutil.rmtree(out / "figures", ignore_errors=True)
    report = build_figures(list(runs), out / "figures", ablation_variants=list(ABLATION_LABELS))
    return list(report.written), dict(report.skipped)


def publish_leaderboard(out: Path, runs: Sequence[Any], figures: Sequence[Path]) -> None:
    """``<out>/leaderboards`` (one folder per task) and its HTML page, linking the figures."""
    board = out / "leaderboards"
    shutil.rmtree(board, ignore_errors=True)
    for run in runs:
        add_run(board, run, force=True)  # demo runs may come from a dirty tree: marked in `source`
    pngs = [p.name for p in figures if p.suffix == ".png"]
    gaze_figs = [n for n in pngs if n.startswith(("fig3", "fig4", "fig7c", "case"))]
    figs = {t: [f"../figures/{n}" for n in pngs if n.startswith("fig2")] for t in TASKS}
    figs["reflacx-gaze"] += [f"../figures/{n}" for n in gaze_figs]
    figs["mimic-report"] += [f"../figures/{n}" for n in pngs if n.startswith("fig6")]
    build(board, figures=figs)
