"""``predictions`` replays aux stages (reflacx-gaze setting 1) from the submitted file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gazex_bench.errors import DataFormatError
from gazex_bench.models.registry import build_adapter_registry
from gazex_bench.runner.api import RunRequest, run
from gazex_bench.tasks.base import ScoreOptions

OPTS = ScoreOptions(n_boot=20)
FILES = ("predictions.jsonl", "predictions.s1_report.jsonl", "predictions.s1_gaze.jsonl")


def _run(root: Path, out: Path, model: str, args: dict[str, str]) -> Any:
    csv = root / "phantom_truth" / "radiologists.csv"
    return run(
        RunRequest(
            task="reflacx-gaze",
            model=model,
            model_args=args,
            task_args={"radiologist_map": str(csv)},
            data_root=root,
            split="all",
            out=out,
            quiet=True,
            score=OPTS,
        ),
        adapters=build_adapter_registry(extra=[]),
    )


def _rows(run_dir: Path, files: tuple[str, ...] = FILES) -> list[dict[str, Any]]:
    """The oracle's stored predictions as a submission file (parsed form; failures as errors)."""
    rows = []
    for name in files:
        for line in (run_dir / name).read_text().splitlines():
            r = json.loads(line)
            rows.append(
                {"sample_id": r["sample_id"], "error": r["error"]}
                if r["error"]
                else {"sample_id": r["sample_id"], "parsed": r["parsed"]}
            )
    return rows


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture(scope="module")
def oracle(tiny_phantom: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _run(tiny_phantom, tmp_path_factory.mktemp("oracle"), "oracle", {})


def test_setting1_rows_are_replayed_and_score_like_the_model(
    oracle: Any, tiny_phantom: Path, tmp_path: Path
) -> None:
    sub = _write(tmp_path / "sub.jsonl", _rows(oracle.run_dir))
    rec = _run(tiny_phantom, tmp_path / "runs", "predictions", {"path": str(sub)}).record
    want = oracle.record["metrics"]
    s1 = [k for k in want if k.startswith("s1_")]
    assert s1 and all(rec["metrics"][k]["value"] == pytest.approx(want[k]["value"]) for k in s1)
    assert rec["analysis_status"]["setting1_counts"] == oracle.record["analysis_status"]["setting1_counts"]


def test_without_stage_rows_setting1_is_unavailable(oracle: Any, tiny_phantom: Path, tmp_path: Path) -> None:
    sub = _write(tmp_path / "main.jsonl", _rows(oracle.run_dir, FILES[:1]))
    r = _run(tiny_phantom, tmp_path / "runs", "predictions", {"path": str(sub)})
    assert not any(k.startswith("s1_") for k in r.record["metrics"]) and "icc_a1_x" in r.record["metrics"]
    note = (r.run_dir / "predictions.s1_report.unavailable").read_text()
    assert "no rows for stage 's1_report'" in note
    assert "no rows for stage 's1_report'" in r.record["analysis_status"]["setting1"]


def test_partial_or_extra_stage_rows_are_one_clear_error(
    oracle: Any, tiny_phantom: Path, tmp_path: Path
) -> None:
    rows = _rows(oracle.run_dir)
    gaze = [i for i, r in enumerate(rows) if "/s1/" in r["sample_id"]]
    dropped = rows[gaze[-1]]["sample_id"]
    sub = _write(tmp_path / "partial.jsonl", [r for i, r in enumerate(rows) if i != gaze[-1]])
    with pytest.raises(
        DataFormatError, match=f"stage 's1_gaze': 1 sample\\(s\\) missing, e.g. '{dropped}' \\(finding"
    ):
        _run(tiny_phantom, tmp_path / "a", "predictions", {"path": str(sub)})
    group = dropped.split("/s1/")[0]
    extra = _write(tmp_path / "extra.jsonl", [*rows, {"sample_id": f"{group}/s1/99", "error": "x"}])
    with pytest.raises(DataFormatError, match=f"not in the evaluated set, e.g. '{group}/s1/99'") as e:
        _run(tiny_phantom, tmp_path / "b", "predictions", {"path": str(extra)})
    assert e.value.row == len(rows) + 1
