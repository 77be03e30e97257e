"""The run/score/compare/ls commands end to end (subprocesses where the entry point matters)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gazex_bench.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "thirdparty_adapter"


@pytest.fixture(scope="module")
def phantom(tiny_phantom: Path) -> Path:
    return tiny_phantom


def _gb(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(FIXTURE), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "gazex_bench", *args], capture_output=True, text=True, env=env
    )


def test_thirdparty_adapter_is_listed_and_runs(phantom: Path, tmp_path: Path) -> None:
    listed = _gb("ls", "adapters")
    assert listed.returncode == 0
    line = next(ln for ln in listed.stdout.splitlines() if "thirdparty-echo" in ln)
    assert "entry-point:gazex-thirdparty-echo" in line and "vqa" in line
    ran = _gb(
        "run",
        "--task",
        "cxr-vqa",
        "--model",
        "thirdparty-echo",
        "--data-root",
        str(phantom),
        "--split",
        "all",
        "--limit",
        "10",
        "--out",
        str(tmp_path),
        "--n-boot",
        "10",
        "--quiet",
    )
    assert ran.returncode == 0, ran.stderr
    (rec,) = [json.loads(p.read_text()) for p in tmp_path.glob("*/run.json")]
    assert rec["model"]["adapter"] == "thirdparty-echo" and rec["dataset"]["n_evaluated"] == 10


def test_ls_lists_tasks_adapters_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ls"]) == 0
    out = capsys.readouterr().out
    for word in ("tasks:", "adapters:", "metrics:", "reflacx-gaze", "nearest-report", "top1-phrase-match"):
        assert word in out


def test_score_and_compare(phantom: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    common = [
        "--task",
        "cxr-vqa",
        "--data-root",
        str(phantom),
        "--split",
        "all",
        "--out",
        str(tmp_path),
        "--n-boot",
        "20",
        "--quiet",
    ]
    assert main(["run", "--model", "random", *common]) == 0
    assert main(["run", "--model", "majority-answer", *common]) == 0
    capsys.readouterr()
    run_a = next(tmp_path.glob("cxr-vqa__random__*"))
    run_b = next(tmp_path.glob("cxr-vqa__majority-answer__*"))
    before = json.loads((run_a / "run.json").read_text())
    assert main(["score", "--run", str(run_a), "--n-boot", "20"]) == 0
    after = json.loads((run_a / "run.json").read_text())
    assert after["metrics"] == before["metrics"]
    capsys.readouterr()
    out_file = tmp_path / "compare" / "a_vs_b.json"
    assert main(["compare", str(run_a), str(run_b), "--json", "--n-boot", "50", "--out", str(out_file)]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert json.loads(out_file.read_text()) == rec
    assert {"run_a", "run_b", "model_a", "model_b", "n", "metrics"} <= set(rec)
    assert rec["model_a"] == "random" and rec["model_b"] == "majority-answer"
    acc = rec["metrics"]["accuracy"]
    assert set(acc) >= {"a", "b", "diff", "ci_low", "ci_high", "p_boot", "wilcoxon_p", "p_holm"}
    assert acc["n"] == before["metrics"]["accuracy"]["n"]
    assert acc["a"] == pytest.approx(before["metrics"]["accuracy"]["value"])
    assert acc["diff"] == pytest.approx(acc["b"] - acc["a"])
    assert acc["wilcoxon_p"] is None or 0.0 <= acc["wilcoxon_p"] <= 1.0
    assert acc["ci_low"] <= acc["diff"] <= acc["ci_high"]
    assert acc["p_holm"] >= acc["p_boot"]
    # text mode: floored p-values print as bounds ("< 1/50"), never as 0.0000
    assert main(["compare", str(run_a), str(run_b), "--n-boot", "50"]) == 0
    text = capsys.readouterr().out
    assert "floored at 1/B (B = 50) before Holm" in text
    for name, r in rec["metrics"].items():
        line = next(ln for ln in text.splitlines() if ln.startswith(f"{name} "))
        assert ("< 1/50" in line) == bool(r["p_boot_is_bound"]), line


def test_compare_p_column_text() -> None:
    from gazex_bench.cli.handlers.run import _fmt_p

    # floor 1/B = 1/1000 flagged as a bound; Holm over m = 11 floored tests = 11/1000, also a bound
    assert (
        _fmt_p(0.001, 1000, True).strip() == "< 1/1000" and _fmt_p(0.011, 1000, True).strip() == "< 11/1000"
    )
    assert _fmt_p(0.012, 1000, False).strip() == "0.0120" and _fmt_p(None, 1000, None).strip() == "nan"


def test_run_id_flag_and_conflict(phantom: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = [
        "run",
        "--task",
        "cxr-vqa",
        "--data-root",
        str(phantom),
        "--split",
        "all",
        "--limit",
        "3",
        "--out",
        str(tmp_path),
        "--run-id",
        "mine",
        "--n-boot",
        "5",
        "--quiet",
    ]
    assert main([*base, "--model", "oracle"]) == 0
    assert (tmp_path / "mine" / "run.json").is_file()
    assert main([*base, "--model", "random"]) == 2
    assert "holds a different run" in capsys.readouterr().err
