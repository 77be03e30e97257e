"""IU X-ray, Medical-CXR-VQA and MS-CXR readers on the hand-written fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

from gazex_bench.data.cxr_vqa import read_cxr_vqa
from gazex_bench.data.iu_xray import read_iu, read_iu_annotation, read_iu_kaggle
from gazex_bench.data.ms_cxr import box_problem, read_ms_cxr, read_ms_cxr_coco
from gazex_bench.data.records import short_hash

DATA = Path(__file__).resolve().parents[1] / "fixtures" / "data_root"


def test_iu_r2gen() -> None:
    res = read_iu_annotation(DATA / "iu_xray" / "annotation.json")
    assert [(r.sample_id, r.split) for r in res.records] == [
        ("CXR2384_IM-0942", "train"), ("CXR1_1_IM-0001", "train"), ("CXR2_IM-0652", "val"), ("CXR3_IM-1384", "test"),
    ]  # fmt: skip
    assert res.records[0].image_paths == (
        DATA / "iu_xray/images/CXR2384_IM-0942/0.png",
        DATA / "iu_xray/images/CXR2384_IM-0942/1.png",
    )
    assert res.records[0].dataset == "iu-xray" and res.records[0].study_id is None
    assert len(read_iu(DATA / "iu_xray")) == 4


def test_iu_kaggle_counts_empty_findings() -> None:
    res = read_iu_kaggle(DATA / "chest-xrays-indiana-university")
    assert [r.sample_id for r in res.records] == ["1", "2"]
    assert res.skipped == {"empty_findings": 1}
    r = res.records[0]
    assert r.split == "unsplit" and r.report.startswith("The cardiac silhouette")
    assert [p.name for p in r.image_paths] == [
        "1_IM-0001-4001.dcm.png",
        "1_IM-0001-3001.dcm.png",
    ]  # frontal first
    assert r.image_paths[0].parent == DATA / "chest-xrays-indiana-university/images/images_normalized"


def test_vqa_both_file_names(tmp_path: Path) -> None:
    res = read_cxr_vqa(DATA / "medical-cxr-vqa-dataset" / "1.0.0")
    assert len(res) == 8
    assert res.stats == {"abnormality": 2, "presence": 1, "view": 2, "location": 1, "level": 1, "type": 1}
    r = res.records[3]
    assert r.sample_id == f"55000001/{short_hash('what abnormalities are seen in this image?')}"
    assert (r.answer, r.split, r.image_path) == ("cardiomegaly, edema, pleural effusion", "train", None)
    # README spelling, generator column order, no dicom_id / split
    lines = (
        (DATA / "medical-cxr-vqa-dataset/1.0.0/medical-cxr-vqa-questions.csv").read_text().splitlines()[:3]
    )
    (tmp_path / "medical_cxr_vqa_questions.csv").write_text(
        "study_id,subject_id,question_type,question,answer\n"
        + "".join(f"{c[1]},{c[0]},{c[4]},{c[3]},{c[5]}\n" for c in (ln.split(",") for ln in lines[1:]))
    )
    res2 = read_cxr_vqa(tmp_path, jpg_root=DATA)
    assert [(r.question_type, r.dicom_id, r.split, r.image_path) for r in res2.records] == [
        ("abnormality", None, None, None), ("presence", None, None, None),
    ]  # fmt: skip


def test_vqa_image_path() -> None:
    res = read_cxr_vqa(
        DATA / "medical-cxr-vqa-dataset/1.0.0/medical-cxr-vqa-questions.csv", jpg_root=Path("/j")
    )
    assert res.records[0].image_path == Path(
        "/j/files/p10/p10000032/s50414267/02aa804e-bde0afdd-112c0b34-7bc16630-4e384014.jpg"
    )


def test_ms_cxr_v110_groups_boxes() -> None:
    res = read_ms_cxr(DATA / "ms-cxr" / "1.1.0")
    assert [(p.category, len(p.boxes_xywh), p.split) for p in res.records] == [
        ("Pleural Effusion", 2, "train"), ("Cardiomegaly", 1, "train"), ("Consolidation", 3, "test"), ("Lung Opacity", 1, "val"),
    ]  # fmt: skip
    three = res.records[2]
    assert three.boxes_xywh == (
        (300.0, 1700.0, 500.0, 420.0),
        (820.0, 1910.0, 260.0, 300.0),
        (400.0, 2250.0, 380.0, 310.0),
    )
    assert (three.image_width, three.image_height) == (2544, 3056)
    assert (
        three.sample_id
        == f"0a1b2c3d-11111111-22222222-33333333-44444444/{short_hash('right lower lobe consolidation')}"
    )
    assert res.stats["boxes"] == 7


def test_ms_cxr_v100_no_split_and_image_path(tmp_path: Path) -> None:
    res = read_ms_cxr(DATA / "ms-cxr" / "0.1")
    assert [p.split for p in res.records] == [None, None] and res.stats["boxes"] == 5
    jpg = tmp_path / "files/p18/p18004941/s58821758/0a1b2c3d-11111111-22222222-33333333-44444444.jpg"
    jpg.parent.mkdir(parents=True)
    jpg.write_bytes(b"")
    res = read_ms_cxr(DATA / "ms-cxr/0.1/MS_CXR_Local_Alignment_v1.0.0.csv", jpg_root=tmp_path)
    # .dcm path mapped to the .jpg tree; existence is the task's check (no_image / bad_image)
    assert res.records[1].image_path == jpg and res.records[0].image_path is not None
    assert not res.records[0].image_path.is_file()


def test_ms_cxr_coco_matches_csv() -> None:
    coco = read_ms_cxr_coco(DATA / "ms-cxr/1.1.0/MS_CXR_Local_Alignment_v1.1.0.json")
    csv = {p.sample_id: p for p in read_ms_cxr(DATA / "ms-cxr/1.1.0").records}
    assert len(coco) == 2
    for p in coco.records:
        assert (p.boxes_xywh, p.category, p.path) == (
            csv[p.sample_id].boxes_xywh,
            csv[p.sample_id].category,
            csv[p.sample_id].path,
        )


def test_box_rules() -> None:
    assert box_problem(0, 0, 10, 10, 10, 10) is None
    assert "positive" in box_problem(5, 5, -1, 3, 100, 100)
    assert "outside" in box_problem(95, 5, 10, 3, 100, 100)


def test_iu_dispatch_on_copy(tmp_path: Path) -> None:
    shutil.copytree(DATA / "chest-xrays-indiana-university", tmp_path / "k")
    assert len(read_iu(tmp_path / "k")) == 2
