"""Reliability (#17): leaderboard writes are validated first and all-or-nothing, inside the root only."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_helpers import one_error_line, snapshot  # type: ignore[import-not-found]

META = {
    "model_name": "Box model",
    "task": "ms-cxr-grounding",
    "parameters": "1M",
    "training_data": "none",
    "contact": "a@b.c",
    "licence": "CC0",
}


def _submission(tmp_path: Path, root: Path, **meta: object) -> Path:
    from gazex_bench.leaderboard.tasks import task_expectation

    exp = task_expectation("ms-cxr-grounding", root)
    d = tmp_path / "sub"
    d.mkdir(exist_ok=True)
    (d / "metadata.json").write_text(json.dumps({**META, **meta}))
    lines = []
    for sid in sorted(exp.ids):
        w, h = exp.image_sizes[sid]
        lines.append(json.dumps({"id": sid, "boxes": [[w * 0.25, h * 0.25, w * 0.5, h * 0.5, 0.9]]}))
    (d / "predictions.jsonl").write_text("\n".join(lines) + "\n")
    return d


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('"parameters": NaN', "parameters"),
        ('"parameters": 1e999', "parameters"),
        ('"parameters": 1' + "0" * 400, "parameters"),
        ('"task": "no-such-task"', "task"),
        ('"model_name": "!!!"', "model_name"),
        ('"model_name": "a\\nb"', "model_name"),
    ],
)
def test_metadata_rejections_name_file_and_field(
    tiny_phantom: Path, tmp_path: Path, gb: Callable, text: str, field: str
) -> None:
    d = _submission(tmp_path, tiny_phantom)
    key = text.split(":")[0].strip('"')
    meta = json.dumps({k: v for k, v in META.items() if k != key})
    (d / "metadata.json").write_text(meta[:-1] + ", " + text + "}")
    lb = tmp_path / "lb"
    for cmd in ("validate", "submit"):
        rc, _, err = gb("leaderboard", cmd, d, "--data-root", tiny_phantom, "--root", lb)
        one_error_line(rc, err, str(d / "metadata.json"), f"field '{field}'")
    assert not lb.exists()


def test_submit_refuses_symlinked_folders(tiny_phantom: Path, tmp_path: Path, gb: Callable) -> None:
    d = _submission(tmp_path, tiny_phantom)
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in ("entries", "submissions", "work"):
        lb = tmp_path / f"lb-{name}"
        lb.mkdir()
        (lb / name).symlink_to(outside, target_is_directory=True)
        before, before_out = snapshot(lb), snapshot(outside)
        rc, _, err = gb("leaderboard", "submit", d, "--data-root", tiny_phantom, "--root", lb)
        if name == "work":  # work/ is no longer written at all: scoring happens in the staging folder
            assert rc == 0, err
            assert snapshot(outside) == before_out
            continue
        one_error_line(rc, err, "symbolic link", str(lb / name))
        assert snapshot(lb) == before and snapshot(outside) == before_out == {}


def test_rejection_after_scoring_leaves_nothing(tiny_phantom: Path, tmp_path: Path, gb: Callable) -> None:
    d = _submission(tmp_path, tiny_phantom)
    lb = tmp_path / "lb"
    bad = lb / "entries" / "ms-cxr-grounding" / "broken.json"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        '{"task": "ms-cxr-grounding", "model": "x", "run_id": "r", "kind": "run", '
        '"metrics": {"miou": {"value": NaN}}}'
    )
    before = snapshot(lb)
    rc, _, err = gb("leaderboard", "submit", d, "--data-root", tiny_phantom, "--root", lb)
    one_error_line(rc, err, str(bad), "NaN")
    assert snapshot(lb) == before  # no submissions/, work/, new entry or staging folder
    bad.unlink()
    rc, _, err = gb("leaderboard", "submit", d, "--data-root", tiny_phantom, "--root", lb)
    assert rc == 0, err  # the resubmission is not "already exists"
    names = {p.name for p in lb.iterdir()}
    assert {n for n in names if not n.endswith(".csv")} == {
        "entries",
        "index.html",
        "submissions",
    }  # no work/, no staging
    assert "ms-cxr-grounding.csv" in names


def test_formula_cells_are_quoted_and_round_trip(tiny_phantom: Path, tmp_path: Path, gb: Callable) -> None:
    from gazex_bench.leaderboard.schema import read_csv

    name = '=HYPERLINK("http://x")'
    d = _submission(tmp_path, tiny_phantom, model_name=name)
    lb = tmp_path / "lb"
    rc, _, err = gb("leaderboard", "submit", d, "--data-root", tiny_phantom, "--root", lb)
    assert rc == 0, err
    text = (lb / "ms-cxr-grounding.csv").read_text()
    assert "\n=" not in text and ",=" not in text and "'=HYPERLINK" in text
    rows, _ = read_csv(lb / "ms-cxr-grounding.csv")
    assert name in [r.model for r in rows]


def _scored_run(tiny_phantom: Path, tmp_path: Path, gb: Callable) -> Path:
    out = tmp_path / "runs"
    rc, _, err = gb(
        "run",
        "--task",
        "cxr-vqa",
        "--model",
        "random",
        "--data-root",
        tiny_phantom,
        "--split",
        "all",
        "--limit",
        "5",
        "--out",
        out,
        "--n-boot",
        "5",
        "--quiet",
    )
    assert rc == 0, err
    (run,) = out.iterdir()
    return run


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ('"value": ', '"value": NaN, "x": ', "NaN"),
        ('"ci_high": ', '"ci_high": 1e999, "x": ', "ci_high"),
    ],
)
def test_add_run_with_non_finite_metric(
    tiny_phantom: Path, tmp_path: Path, gb: Callable, old: str, new: str, field: str
) -> None:
    run = _scored_run(tiny_phantom, tmp_path, gb)
    rec = (run / "run.json").read_text()
    (run / "run.json").write_text(rec.replace(old, new, 1))
    lb = tmp_path / "lb"
    rc, _, err = gb("leaderboard", "add-run", run, "--root", lb, "--force")
    one_error_line(rc, err, str(run / "run.json"), field)
    assert not lb.exists()


def test_validate_huge_integer_in_a_box(tiny_phantom: Path, tmp_path: Path, gb: Callable) -> None:
    d = _submission(tmp_path, tiny_phantom)
    lines = (d / "predictions.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    lines[0] = json.dumps({"id": first["id"], "boxes": [[1, 1, 2, 2, 0.5]]}).replace(
        "[1, 1,", "[1" + "0" * 400 + ", 1,"
    )
    (d / "predictions.jsonl").write_text("\n".join(lines) + "\n")
    rc, _, err = gb("leaderboard", "validate", d, "--data-root", tiny_phantom, "--root", tmp_path / "lb")
    one_error_line(rc, err, str(d / "predictions.jsonl"), "row 1", "field 'boxes[0]'")


def test_formula_labels_are_quoted_in_tables_csv(tiny_phantom: Path, tmp_path: Path, gb: Callable) -> None:
    """The same OWASP rule holds for every CSV the suite writes: `tables` and per-run tables."""
    out = tmp_path / "runs"
    rc, _, err = gb(
        "run",
        "--task",
        "cxr-vqa",
        "--model",
        "random",
        "--model-arg",
        "label=@SUM(A1)",
        "--data-root",
        tiny_phantom,
        "--split",
        "all",
        "--limit",
        "5",
        "--out",
        out,
        "--n-boot",
        "5",
        "--quiet",
    )
    assert rc == 0, err
    rc, _, err = gb("tables", "--runs", out, "--out", tmp_path / "tables")
    assert rc == 0, err
    for csv_path in [*(tmp_path / "tables").glob("*.csv"), *out.rglob("tables/*.csv")]:
        text = csv_path.read_text()
        assert "\n@" not in text and ",@" not in text, csv_path
    assert "'@SUM(A1)" in (tmp_path / "tables" / "cxr-vqa.csv").read_text()
