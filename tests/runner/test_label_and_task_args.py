"""``label`` model argument (display name, not in the run id) and ``--task-arg`` options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gazex_bench.cli import main
from gazex_bench.errors import UsageError
from gazex_bench.models.registry import build_adapter_registry
from gazex_bench.runner.api import RunRequest, run, split_label
from gazex_bench.tasks.base import ScoreOptions

OPTS = ScoreOptions(n_boot=5)


def _req(root: Path, out: Path, **kw: object) -> RunRequest:
    base = dict(
        task="cxr-vqa", model="random", data_root=root, split="all", limit=3, out=out, quiet=True, score=OPTS
    )
    return RunRequest(**{**base, **kw})  # type: ignore[arg-type]


def test_split_label() -> None:
    assert split_label({"seed": 1, "label": "GazeX tiny"}) == ({"seed": 1}, "GazeX tiny")
    assert split_label({"seed": 1}) == ({"seed": 1}, None)


def test_label_is_display_only(tiny_phantom: Path, tmp_path: Path) -> None:
    reg = build_adapter_registry(extra=[])
    # RandomAdapter(seed=...) has no 'label' parameter: the run fails if label reached the constructor
    plain = run(_req(tiny_phantom, tmp_path), adapters=reg)
    named = run(_req(tiny_phantom, tmp_path, model_args={"label": "GazeX tiny"}), adapters=reg)
    assert named.run_dir == plain.run_dir  # label is not part of the run id
    rec = json.loads((named.run_dir / "run.json").read_text())
    assert rec["model"]["label"] == "GazeX tiny" and rec["model"]["args"] == {"label": "GazeX tiny"}
    spec = json.loads((named.run_dir / "spec.json").read_text())
    assert spec["model_args"] == {} and spec["label"] == "GazeX tiny"
    assert plain.record is not None and plain.record["model"]["label"] == "random"


def test_task_args_join_run_id_and_are_recorded(tiny_phantom: Path, tmp_path: Path) -> None:
    reg = build_adapter_registry(extra=[])
    csv = tiny_phantom / "phantom_truth" / "radiologists.csv"
    common = dict(task="reflacx-gaze", model="center-bias", limit=4)
    a = run(_req(tiny_phantom, tmp_path, **common), adapters=reg)
    b = run(_req(tiny_phantom, tmp_path, **common, task_args={"radiologist_map": str(csv)}), adapters=reg)
    assert a.run_dir != b.run_dir
    assert json.loads((b.run_dir / "spec.json").read_text())["task_args"] == {"radiologist_map": str(csv)}
    assert b.record is not None and b.record["task"]["args"] == {"radiologist_map": str(csv)}
    assert (
        "task_args" not in json.loads((a.run_dir / "spec.json").read_text())
        or json.loads((a.run_dir / "spec.json").read_text())["task_args"] == {}
    )


def test_unknown_task_arg_is_a_usage_error(tiny_phantom: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="has no option bogus"):
        run(_req(tiny_phantom, tmp_path, task_args={"bogus": 1}), adapters=build_adapter_registry(extra=[]))


def test_cli_task_arg_and_label(
    tiny_phantom: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tiny_phantom / "phantom_truth" / "radiologists.csv"
    args = [
        "run",
        "--task",
        "reflacx-gaze",
        "--model",
        "center-bias",
        "--data-root",
        str(tiny_phantom),
        "--limit",
        "4",
        "--out",
        str(tmp_path),
        "--n-boot",
        "5",
        "--quiet",
        "--task-arg",
        f"radiologist_map={csv}",
        "--model-arg",
        "label=Center prior",
    ]
    assert main(args) == 0
    (rec,) = [json.loads(p.read_text()) for p in tmp_path.glob("*/run.json")]
    assert rec["task"]["args"]["radiologist_map"] == str(csv.resolve())
    assert rec["model"]["label"] == "Center prior"
    assert "Center prior" in capsys.readouterr().out
    assert (
        main(
            [
                "run",
                "--task",
                "cxr-vqa",
                "--model",
                "random",
                "--data-root",
                str(tiny_phantom),
                "--task-arg",
                "nope=1",
                "--out",
                str(tmp_path),
                "--quiet",
            ]
        )
        == 2
    )
