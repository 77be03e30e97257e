"""``gazex-bench phantom`` writes a root and prints counts; bad arguments exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazex_bench.cli import main


def test_cli_tiny_no_images(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(
        [
            "phantom",
            "--out",
            str(tmp_path / "ph"),
            "--size",
            "tiny",
            "--no-images",
            "--parts",
            "reflacx,vqa",
            "--workers",
            "1",
        ]
    )
    assert rc == 0
    out = capsys.readouterr().out
    assert "reflacx_readings: 21" in out
    assert (tmp_path / "ph" / "phantom_truth" / "truth.json").is_file()
    assert not (tmp_path / "ph" / "iu_xray").exists()


def test_cli_bad_part(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["phantom", "--out", str(tmp_path / "x"), "--parts", "nope"]) == 2
    assert "unknown phantom part" in capsys.readouterr().err
