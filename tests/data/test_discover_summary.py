"""Dataset discovery under a data root and the summary counts (fixture root)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gazex_bench.data.discover import DataPaths, discover, require
from gazex_bench.data.summary import summarize
from gazex_bench.errors import UsageError

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "fixtures" / "data_root"


def test_discover_fixture_root() -> None:
    p = discover(DATA)
    assert p.reflacx == DATA / "reflacx-xray-localization/1.0.0"
    assert p.mimic_jpg == DATA / "mimic-cxr-jpg/2.1.0"
    assert p.mimic_reports == DATA / "mimic-cxr/2.0.0"
    assert p.mimic_r2gen == DATA / "mimic_cxr/annotation.json"
    assert p.mimic_r2gen_images == DATA / "mimic-cxr-jpg/2.1.0/files"  # no mimic_cxr/images/ folder
    assert p.iu == DATA / "iu_xray"  # R2Gen preferred over Kaggle
    assert p.vqa == DATA / "medical-cxr-vqa-dataset/1.0.0"
    assert p.ms_cxr == DATA / "ms-cxr/1.1.0"  # newest version preferred


def test_discover_fallbacks_and_overrides(tmp_path: Path) -> None:
    (tmp_path / "mimic-cxr-jpg" / "2.0.0").mkdir(parents=True)
    (tmp_path / "ms-cxr" / "0.1").mkdir(parents=True)
    shutil.copytree(DATA / "chest-xrays-indiana-university", tmp_path / "chest-xrays-indiana-university")
    (tmp_path / "mimic_cxr" / "images").mkdir(parents=True)
    (tmp_path / "mimic_cxr" / "annotation.json").write_text("{}")
    p = discover(tmp_path, reflacx=DATA / "reflacx-xray-localization/1.0.0")
    assert p.mimic_jpg == tmp_path / "mimic-cxr-jpg/2.0.0" and p.ms_cxr == tmp_path / "ms-cxr/0.1"
    assert p.iu == tmp_path / "chest-xrays-indiana-university"
    assert p.mimic_r2gen_images == tmp_path / "mimic_cxr/images"
    assert p.reflacx == DATA / "reflacx-xray-localization/1.0.0" and p.vqa is None
    assert discover(None, mimic=tmp_path).mimic_jpg == tmp_path
    with pytest.raises(UsageError, match="does not exist"):
        discover(tmp_path, vqa=tmp_path / "nope")
    with pytest.raises(UsageError, match="unknown dataset override"):
        discover(tmp_path, egd=tmp_path)


def test_require_names_root_and_candidates(tmp_path: Path) -> None:
    p = discover(tmp_path)
    assert p == DataPaths(root=tmp_path)
    with pytest.raises(UsageError) as info:
        require(p, "ms_cxr")
    assert str(info.value) == (
        f"data root {tmp_path} has no ms_cxr (looked for ms-cxr/1.1.0, ms-cxr/0.1; or pass --ms-cxr DIR)"
    )
    assert require(discover(DATA), "mimic") == DATA / "mimic-cxr-jpg/2.1.0"


def test_summarize_counts() -> None:
    s = summarize(discover(DATA))
    assert s["reflacx"] == {
        "readings": 4, "readings_per_phase": {"1": 2, "3": 2}, "discarded_readings": 1, "fixations": 9,
        "sentences": 5, "images": 3, "images_per_phase": {"1": 1, "3": 2}, "images_with_multiple_readers": 1,
        "skipped": {},
    }  # fmt: skip
    assert s["mimic"]["r2gen_reports_per_split"] == {"test": 1, "train": 1}
    assert s["mimic"]["r2gen_skipped"] == {"empty_report": 1}
    assert s["mimic"]["raw_reports"] == 3 and s["mimic"]["raw_reports_without_findings"] == 1
    assert s["mimic"]["images_per_split"] == {"test": 2, "train": 1, "validate": 1}
    assert s["iu"]["reports_per_split"] == {"test": 1, "train": 2, "val": 1}
    assert s["vqa"]["qa_pairs_per_question_type"]["view"] == 2
    assert s["ms_cxr"]["boxes_per_category"] == {
        "Cardiomegaly": 1,
        "Consolidation": 3,
        "Lung Opacity": 1,
        "Pleural Effusion": 2,
    }


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gazex_bench", "data", "summary", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
    )


def test_cli_summary_text_and_json() -> None:
    proc = _cli("--root", str(DATA))
    assert proc.returncode == 0, proc.stderr
    assert "readings_per_phase: 1=2, 3=2" in proc.stdout and "discarded_readings: 1" in proc.stdout
    proc = _cli("--root", str(DATA), "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["vqa"]["qa_pairs"] == 8


def test_cli_on_independently_written_reflacx_folder(tmp_path: Path) -> None:
    """--reflacx pointing at a REFLACX folder outside any data root (the hand-written fixture)."""
    folder = tmp_path / "somewhere" / "reflacx"
    shutil.copytree(DATA / "reflacx-xray-localization" / "1.0.0", folder)
    rads = tmp_path / "rads.csv"
    rads.write_text("reading_id,radiologist\r\nP102R108387,user1\r\n")
    proc = _cli("--reflacx", str(folder), "--json", "--radiologist-map", str(rads))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["reflacx"]["readings"] == 4 and out["mimic"] is None
    assert out["reflacx"]["readings_per_radiologist"] == {"(unmapped)": 3, "user1": 1}


def test_cli_usage_errors(tmp_path: Path) -> None:
    for args in ([], ["--root", str(tmp_path)], ["--root", str(tmp_path / "missing")]):
        proc = _cli(*args)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
