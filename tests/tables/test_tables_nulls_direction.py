"""Model-minus-null columns (real runs on the tiny phantom) and direction-aware sorting.

Nulls: a "model" that writes nothing must come out equal to ``empty-report`` (difference 0,
CI [0, 0], flagged ⚠), a model that writes the references must be above it (not flagged).
Direction: a lower-is-better primary metric (``centroid_error``) ranks ascending in the
Markdown/LaTeX/CSV tables and in the leaderboard CSV and page.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from gazex_bench.models.registry import build_adapter_registry
from gazex_bench.runner.api import RunRequest, run
from gazex_bench.tables.build import write_tables
from gazex_bench.tables.runs import find_runs
from gazex_bench.tasks.base import ScoreOptions
from gazex_bench.tasks.registry import build_task_registry

OPTS = ScoreOptions(n_boot=50, meteor="none")


def _predictions(path: Path, texts: dict[str, str]) -> Path:
    path.write_text("".join(json.dumps({"sample_id": k, "parsed": v}) + "\n" for k, v in texts.items()))
    return path


def test_model_minus_null_columns_and_flags(tiny_phantom: Path, tmp_path: Path) -> None:
    data = build_task_registry().get("mimic-report")().load(tiny_phantom, split="all", limit=None)
    refs = {s.sample_id: str(s.reference) for s in data.samples}
    adapters = build_adapter_registry(extra=[])
    out = tmp_path / "runs"
    for model, args in (
        ("empty-report", {}),
        ("random", {}),
        (
            "predictions",
            {
                "path": str(_predictions(tmp_path / "e.jsonl", dict.fromkeys(refs, ""))),
                "label": "writes nothing",
            },
        ),
        (
            "predictions",
            {"path": str(_predictions(tmp_path / "r.jsonl", refs)), "label": "writes the reference"},
        ),
    ):
        run(
            RunRequest(
                task="mimic-report",
                model=model,
                model_args=args,
                data_root=tiny_phantom,
                split="all",
                out=out,
                quiet=True,
                score=OPTS,
            ),
            adapters=adapters,
        )
    write_tables(find_runs([out]), tmp_path / "t")
    rows = {r["model"]: r for r in csv.DictReader((tmp_path / "t" / "mimic-report.csv").open())}
    nothing, ref = rows["writes nothing"], rows["writes the reference"]
    key = "ce_f1_paper_pos__minus__empty-report"
    # identical outputs: paired difference exactly 0 on every resample
    assert (
        float(nothing[key]) == 0.0
        and float(nothing[f"{key}_ci_low"]) == float(nothing[f"{key}_ci_high"]) == 0.0
    )
    assert nothing[f"{key}_ci_method"].startswith("paired-corpus-bootstrap")
    assert float(ref["bleu4__minus__empty-report"]) == pytest.approx(1.0)  # 1.0 - 0.0
    assert float(ref["bleu4__minus__empty-report_ci_low"]) > 0
    assert "bleu4__minus__random" in ref and rows["empty-report"][key] == ""  # nulls get no diff columns
    assert nothing["ce_f1_paper_pos_ci_method"].startswith("percentile-bootstrap")
    assert nothing["labeler"].startswith("gazex-rules v")
    md = (tmp_path / "t" / "mimic-report.md").read_text()
    table = md.split("#### Model minus null")[1]
    line_nothing = next(x for x in table.splitlines() if x.startswith("| writes nothing | empty-report"))
    line_ref = next(x for x in table.splitlines() if x.startswith("| writes the reference | empty-report"))
    assert "⚠" in line_nothing and "⚠" not in line_ref
    assert "CI method percentile-bootstrap" in md and "clinical-efficacy labeler: gazex-rules v" in md


def _gaze_record(root: Path, run_id: str, adapter: str, error: float, label: str) -> None:
    d = root / run_id
    d.mkdir(parents=True)
    rec = {
        "run_id": run_id,
        "scored_at_utc": "2026-11-23T10:00:00Z",
        "git": {"commit": "abc", "dirty": False},
        "task": {
            "name": "reflacx-gaze",
            "primary_metric": "centroid_error",
            "metric_conventions": {"centroid_error": "px"},
            "higher_is_better": {"centroid_error": False},
        },
        "model": {"adapter": adapter, "args": {"label": label}},
        "dataset": {"n_evaluated": 5, "dropped": {}, "kind": "real"},
        "primary_metric": "centroid_error",
        "metrics": {
            "centroid_error": {
                "value": error,
                "n": 5,
                "ci_low": error - 1,
                "ci_high": error + 1,
                "ci_method": "percentile-bootstrap",
            },
            "cosine": {"value": 0.5, "n": 3, "ci_low": None, "ci_high": None, "ci_method": None},
        },
    }
    (d / "run.json").write_text(json.dumps(rec))


@pytest.fixture()
def gaze_runs(tmp_path: Path) -> list:
    for i, err in enumerate((30.0, 10.0, 20.0)):
        _gaze_record(tmp_path / "runs", f"r{i}", "gazex", err, f"model-{int(err)}")
    return find_runs([tmp_path / "runs"])


def test_lower_is_better_sorts_ascending_in_tables(gaze_runs: list, tmp_path: Path) -> None:
    write_tables(gaze_runs, tmp_path / "t", with_nulls=False)
    md = (tmp_path / "t" / "reflacx-gaze.md").read_text()
    assert md.index("model-10") < md.index("model-20") < md.index("model-30")
    assert "lower is better" in md
    assert "0.500 (n=3)" in md and "(n=5)" not in md
    tex = (tmp_path / "t" / "reflacx-gaze.tex").read_text()
    assert tex.index("model-10") < tex.index("model-20") < tex.index("model-30")
    models = [r["model"] for r in csv.DictReader((tmp_path / "t" / "reflacx-gaze.csv").open())]
    assert models == ["model-10", "model-20", "model-30"]


def test_lower_is_better_sorts_ascending_on_the_leaderboard(gaze_runs: list, tmp_path: Path) -> None:
    from gazex_bench.leaderboard.board import add_run, build

    board = tmp_path / "lb"
    for r in gaze_runs:
        add_run(board, r)
    build(board)
    rows = list(csv.DictReader((board / "reflacx-gaze.csv").open()))
    ranked = [r["model"] for r in rows if r["kind"] == "run"]
    assert ranked == ["model-10", "model-20", "model-30"]
    page = (board / "index.html").read_text()
    assert page.index("model-10") < page.index("model-20") < page.index("model-30")
    assert 'data-hib="0"' in page  # the page's click-to-sort starts ascending on this column
    assert "(n=3)" in page and "(n=5)" not in page  # a metric's own n only where it differs from the row's
