"""Bad inputs: each is one clear line on stderr, exit 2, no traceback, no run.json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gazex_bench.cli import main


def _ids(root: Path) -> list[str]:
    from gazex_bench.tasks.registry import get_task

    data = get_task("ms-cxr-grounding").load(root, split="all", limit=None)
    return [s.sample_id for s in data.samples]


def _line(sid: str, box: str = "[10, 10, 50, 50]") -> str:
    return '{"sample_id": "%s", "parsed": {"boxes": [{"box": %s, "score": 1.0}]}}\n' % (sid, box)  # noqa: UP031 - JSON braces read better than doubled f-string braces


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    rc = main(argv)
    return rc, capsys.readouterr().err


def _bad_files(ids: list[str]) -> dict[str, tuple[str, str]]:
    good = [_line(i) for i in ids]
    return {
        "missing": ("".join(good[:-1]), "missing"),
        "duplicate": ("".join(good + [good[0]]), "duplicate sample_id"),
        "extra": ("".join(good + [_line("nope/123")]), "not in the evaluated set"),
        "not_json": ("".join(good[:1]) + "{oops\n" + "".join(good[1:]), "not valid JSON"),
        "nan_box": ("".join(good[:1]) + _line(ids[1], "[NaN, 1, 2, 3]") + "".join(good[2:]), "non-finite"),
        "inf_box": (
            "".join(good[:1]) + _line(ids[1], "[1e999, 1, 2, 3]") + "".join(good[2:]),
            "finite number",
        ),
    }


def test_bad_prediction_files(tiny_phantom: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = _ids(tiny_phantom)
    for case, (text, expect) in _bad_files(ids).items():
        pred = tmp_path / f"{case}.jsonl"
        pred.write_text(text)
        out = tmp_path / f"runs-{case}"
        rc, err = _cli(
            [
                "run",
                "--task",
                "ms-cxr-grounding",
                "--model",
                "predictions",
                "--model-arg",
                f"path={pred}",
                "--data-root",
                str(tiny_phantom),
                "--split",
                "all",
                "--out",
                str(out),
                "--quiet",
            ],
            capsys,
        )
        assert rc == 2, case
        assert len(err.strip().splitlines()) == 1 and expect in err and str(pred) in err, (case, err)
        assert not list(out.rglob("run.json")), case


def test_good_prediction_file_scores(
    tiny_phantom: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pred = tmp_path / "good.jsonl"
    pred.write_text("".join(_line(i) for i in _ids(tiny_phantom)))
    rc, _ = _cli(
        [
            "run",
            "--task",
            "ms-cxr-grounding",
            "--model",
            "predictions",
            "--model-arg",
            f"path={pred}",
            "--data-root",
            str(tiny_phantom),
            "--split",
            "all",
            "--out",
            str(tmp_path / "r"),
            "--quiet",
            "--n-boot",
            "10",
        ],
        capsys,
    )
    assert rc == 0
    (run_json,) = (tmp_path / "r").rglob("run.json")
    assert json.loads(run_json.read_text())["model"]["identity"]["sha256"]
    # an edited predictions file is a new run (its SHA-256 is part of the run id): no stale resume
    pred.write_text("".join(_line(i, "[0, 0, 5, 5]") for i in _ids(tiny_phantom)))
    assert (
        _cli(
            [
                "run",
                "--task",
                "ms-cxr-grounding",
                "--model",
                "predictions",
                "--model-arg",
                f"path={pred}",
                "--data-root",
                str(tiny_phantom),
                "--split",
                "all",
                "--out",
                str(tmp_path / "r"),
                "--quiet",
                "--n-boot",
                "10",
            ],
            capsys,
        )[0]
        == 0
    )
    assert len(list((tmp_path / "r").glob("*/run.json"))) == 2


@pytest.mark.parametrize(
    "argv,expect",
    [
        (["--task", "cxr-vq", "--model", "oracle"], "did you mean 'cxr-vqa'"),
        (["--task", "cxr-vqa", "--model", "orcale"], "did you mean 'oracle'"),
        (["--task", "cxr-vqa", "--model", "hf-vlm"], "needs --model-arg path="),
        (["--task", "cxr-vqa", "--model", "majority-answer", "--split", "nosuch"], "has no 'nosuch' split"),
    ],
)
def test_usage_errors(
    tiny_phantom: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expect: str
) -> None:
    rc, err = _cli(["run", *argv, "--data-root", str(tiny_phantom), "--out", str(tmp_path)], capsys)
    assert rc == 2 and expect in err and len(err.strip().splitlines()) == 1
    assert not list(tmp_path.rglob("run.json"))


def test_data_root_without_dataset_subprocess(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "gazex_bench",
            "run",
            "--task",
            "ms-cxr-grounding",
            "--model",
            "oracle",
            "--data-root",
            str(empty),
            "--out",
            str(tmp_path / "runs"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "has no ms_cxr" in proc.stderr
    assert not (tmp_path / "runs").exists()
