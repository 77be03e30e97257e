"""End to end: a valid submission is scored and appears in the rebuilt CSV and page;
bad submissions are rejected by the CLI with one line and exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gazex_bench.leaderboard import submission as sub_mod
from gazex_bench.leaderboard.schema import read_csv
from gazex_bench.leaderboard.tasks import task_expectation


def _make(tmp_path: Path, root: Path, name: str = "Box <b>model</b>") -> Path:
    exp = task_expectation("ms-cxr-grounding", root)
    d = tmp_path / "sub"
    d.mkdir()
    meta = {
        "model_name": name,
        "task": "ms-cxr-grounding",
        "parameters": "1M",
        "training_data": "none",
        "contact": "a@b.c",
        "licence": "CC0",
    }
    (d / "metadata.json").write_text(json.dumps(meta))
    lines = []
    for sid in sorted(exp.ids):
        w, h = exp.image_sizes[sid]
        lines.append(json.dumps({"id": sid, "boxes": [[w * 0.25, h * 0.25, w * 0.5, h * 0.5, 0.9]]}))
    (d / "predictions.jsonl").write_text("\n".join(lines) + "\n")
    return d


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gazex_bench", *args], capture_output=True, text=True)


def test_valid_submission_appears_in_csv_and_page(tmp_path: Path, tiny_phantom: Path) -> None:
    d = _make(tmp_path, tiny_phantom)
    lb = tmp_path / "lb"
    ok = _cli("leaderboard", "validate", str(d), "--data-root", str(tiny_phantom), "--root", str(lb))
    assert ok.returncode == 0, ok.stderr
    done = _cli("leaderboard", "submit", str(d), "--data-root", str(tiny_phantom), "--root", str(lb))
    assert done.returncode == 0, done.stderr
    rows, slugs = read_csv(lb / "ms-cxr-grounding.csv")
    mine = [r for r in rows if r.kind == "submission"]
    assert [r.model for r in mine] == ["Box <b>model</b>"] and "miou" in slugs
    assert mine[0].metrics["miou"].value is not None and mine[0].n == len(
        task_expectation("ms-cxr-grounding", tiny_phantom).ids
    )
    assert "Box &lt;b&gt;model&lt;/b&gt;" in (lb / "index.html").read_text()
    assert (lb / "submissions" / "ms-cxr-grounding" / "Box-b-model-b" / "predictions.jsonl").is_file()


def test_cli_rejects_bad_submission_in_one_line(tmp_path: Path, tiny_phantom: Path) -> None:
    d = _make(tmp_path, tiny_phantom)
    first = (d / "predictions.jsonl").read_text().splitlines()[0]
    (d / "predictions.jsonl").write_text(first + "\n" + first + "\n")
    proc = _cli("leaderboard", "validate", str(d), "--data-root", str(tiny_phantom))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "duplicate id" in proc.stderr


def test_oversized_predictions_rejected(
    tmp_path: Path, tiny_phantom: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = _make(tmp_path, tiny_phantom)
    monkeypatch.setattr(sub_mod, "MAX_PREDICTIONS_BYTES", 10)
    exp = task_expectation("ms-cxr-grounding", tiny_phantom)
    with pytest.raises(sub_mod.DataFormatError, match="limit is 10"):
        sub_mod.validate_submission(d, exp)
