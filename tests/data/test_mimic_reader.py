"""MIMIC-CXR / MIMIC-CXR-JPG / R2Gen readers on the hand-written fixtures."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from gazex_bench.data.mimic import (
    mimic_jpg_path,
    read_chexpert_labels,
    read_mimic_images,
    read_mimic_reports,
    read_r2gen_annotation,
)
from gazex_bench.data.mimic_sections import normalize_section_name, split_sections
from gazex_bench.errors import UsageError

DATA = Path(__file__).resolve().parents[1] / "fixtures" / "data_root"
JPG = DATA / "mimic-cxr-jpg" / "2.1.0"


def test_r2gen_annotation() -> None:
    res = read_r2gen_annotation(DATA / "mimic_cxr" / "annotation.json", "mimic-cxr", JPG / "files")
    assert [r.split for r in res.records] == ["train", "test"]
    assert res.skipped == {"empty_report": 1}
    r = res.records[1]
    assert r.sample_id == "02aa804e-bde0afdd-112c0b34-7bc16630-4e384014"
    assert (r.study_id, r.subject_id, r.dataset) == ("50414267", "10000032", "mimic-cxr")
    assert r.image_paths == (
        JPG / "files/p10/p10000032/s50414267/02aa804e-bde0afdd-112c0b34-7bc16630-4e384014.jpg",
    )
    with pytest.raises(UsageError):
        read_r2gen_annotation(DATA / "mimic_cxr" / "annotation.json", "mimic", JPG)


def test_raw_reports_sections() -> None:
    res = read_mimic_reports(DATA / "mimic-cxr" / "2.0.0")
    assert [r.study_id for r in res.records] == ["50414267", "55000001", "58821758"]
    assert res.stats == {"no_findings": 1}
    first = res.records[0]
    assert first.subject_id == "10000032"
    assert first.findings.startswith(
        "There is no focal consolidation, pleural effusion or pneumothorax. Bilateral"
    )
    assert first.impression == "No acute cardiopulmonary process."
    assert first.sections["indication"] == "___F with new onset ascites // eval for infection"
    no_findings = res.records[1]
    assert no_findings.findings is None and no_findings.impression.startswith("Moderate cardiomegaly")
    assert no_findings.sections["history"] == "Shortness of breath, evaluate for edema."  # CLINICAL HISTORY


def test_report_filter_counts_missing() -> None:
    res = read_mimic_reports(DATA / "mimic-cxr" / "2.0.0" / "files", study_ids=["58821758", "59999999"])
    assert [r.study_id for r in res.records] == ["58821758"]
    assert res.skipped["study_not_found"] == 1


def test_section_splitter_edge_cases() -> None:
    assert split_sections("no headers at all") == {"full report": "no headers at all"}
    text = " FINAL REPORT\r\n FINDINGS:  a\r\n b\r\n FINDINGS:  c\r\n IMPRESSIONS: d"
    assert split_sections(text) == {"preamble": "FINAL REPORT", "findings": "a b c", "impression": "d"}
    assert normalize_section_name("FINDINGS AND  IMPRESSION") == "impression"


def test_chexpert_labels() -> None:
    res = read_chexpert_labels(JPG / "mimic-cxr-2.0.0-chexpert.csv")
    assert len(res) == 3
    v = res.records[1].values
    assert (v["Atelectasis"], v["Cardiomegaly"], v["Edema"], v["Consolidation"]) == (-1.0, 1.0, 0.0, None)
    assert len(read_chexpert_labels(JPG / "mimic-cxr-2.0.0-negbio.csv")) == 3


def test_images_join_split_by_name() -> None:
    res = read_mimic_images(JPG)
    assert [(r.dicom_id[:8], r.split, r.view_position) for r in res.records] == [
        ("02aa804e", "test", "PA"), ("174413ec", "test", "LATERAL"),
        ("9f8e7d6c", "validate", "AP"), ("0a1b2c3d", "train", None),
    ]  # fmt: skip
    assert (res.records[0].rows, res.records[0].columns) == (3056, 2544)
    assert all(r.jpg_path is None for r in res.records)


def test_gz_tables_and_jpg_paths(tmp_path: Path) -> None:
    root = tmp_path / "jpg"
    shutil.copytree(JPG, root)
    for name in ("mimic-cxr-2.0.0-split.csv", "mimic-cxr-2.0.0-chexpert.csv", "mimic-cxr-2.0.0-metadata.csv"):
        plain = root / name
        (root / f"{name}.gz").write_bytes(gzip.compress(plain.read_bytes()))
        plain.unlink()
    # split csv with a different column order: read by name
    split_gz = root / "mimic-cxr-2.0.0-split.csv.gz"
    lines = gzip.decompress(split_gz.read_bytes()).decode().splitlines()
    reordered = [
        ",".join([c.split(",")[3], c.split(",")[0], c.split(",")[2], c.split(",")[1]]) for c in lines
    ]
    split_gz.write_bytes(gzip.compress(("\n".join(reordered) + "\n").encode()))
    jpg = mimic_jpg_path(root, "10000032", "50414267", "02aa804e-bde0afdd-112c0b34-7bc16630-4e384014")
    jpg.parent.mkdir(parents=True)
    jpg.write_bytes(b"")
    res = read_mimic_images(root)
    assert [r.split for r in res.records] == ["test", "test", "validate", "train"]
    assert res.records[0].jpg_path == jpg and res.stats["jpg_missing"] == 3
    assert len(read_chexpert_labels(root)) == 3
