"""Every file the phantom writes is read back by the foundation readers without a skip.

Deliberate non-items are counted and expected: discarded REFLACX readings (metadata row,
no gaze) and MIMIC reports without a FINDINGS section (absent from the R2Gen annotation).
"""

from __future__ import annotations

from pathlib import Path

from gazex_bench.data.cxr_vqa import read_cxr_vqa
from gazex_bench.data.discover import discover
from gazex_bench.data.iu_xray import read_iu
from gazex_bench.data.mimic import (
    read_chexpert_labels,
    read_mimic_images,
    read_mimic_reports,
    read_r2gen_annotation,
)
from gazex_bench.data.ms_cxr import read_ms_cxr, read_ms_cxr_coco
from gazex_bench.data.reflacx import read_gaze, read_reflacx
from gazex_bench.phantom.generate import PhantomSummary
from gazex_bench.phantom.spec import SIZES
from gazex_bench.phantom.truth import load_truth


def test_discover_finds_all_seven(tiny_phantom: PhantomSummary) -> None:
    paths = discover(tiny_phantom.root)
    assert set(paths.found()) == {
        "reflacx",
        "mimic_jpg",
        "mimic_reports",
        "mimic_r2gen",
        "iu",
        "vqa",
        "ms_cxr",
    }
    assert paths.mimic_r2gen_images == paths.mimic_jpg / "files"


def test_reflacx_round_trip(tiny_phantom: PhantomSummary) -> None:
    root = tiny_phantom.root
    truth = load_truth(root)
    spec = SIZES["tiny"]
    res = read_reflacx(
        root / "reflacx-xray-localization" / "1.0.0",
        radiologist_map=root / "phantom_truth" / "radiologists.csv",
    )
    assert not res.skipped
    assert len(res.records) == 5 * (spec.phase1_images + spec.phase2_images) + spec.phase3_images
    discarded = [r for r in res.records if r.discarded]
    assert len(discarded) == spec.phase1_discarded + spec.phase2_discarded
    for r in res.records:
        tr = truth.readings[r.reading_id]
        assert r.radiologist == tr.radiologist and r.dicom_id == tr.dicom_id and r.discarded == tr.discarded
        assert (
            (root / "mimic-cxr-jpg" / "2.1.0" / "files" / r.image.split("/2.0.0/files/", 1)[1])
            .with_suffix(".jpg")
            .is_file()
        )
        if r.discarded:
            assert r.fixations is None and r.gaze_path is None
            continue
        assert r.fixations is not None and len(r.fixations) == len(tr.fixation_targets)
        assert [s.text for s in r.sentences] == [
            t.text.replace(".", " .").replace(",", " ,") for t in tr.sentences
        ]
        gaze = read_gaze(r)
        assert len(gaze) > 0 and gaze.n_missing > 0  # blink rows present
        assert abs(gaze.t_s[0] - r.fixations.t_start_s[0]) < 0.1


def test_mimic_round_trip(tiny_phantom: PhantomSummary) -> None:
    paths = discover(tiny_phantom.root)
    truth = load_truth(tiny_phantom.root)
    images = read_mimic_images(paths.mimic_jpg)
    assert not images.skipped and all(im.jpg_path is not None for im in images.records)
    frontal = {im.dicom_id for im in images.records if im.view_position in ("PA", "AP")}
    assert frontal == {k for k, v in truth.images.items() if v.dataset == "mimic-cxr"}
    reports = read_mimic_reports(paths.mimic_reports)
    assert not reports.skipped and len(reports.records) == SIZES["tiny"].mimic_studies
    no_findings = sum(r.findings is None for r in reports.records)
    r2gen = read_r2gen_annotation(paths.mimic_r2gen, "mimic-cxr", paths.mimic_r2gen_images)
    assert not r2gen.skipped
    assert len(r2gen.records) + no_findings == SIZES["tiny"].mimic_studies
    by_study = {r.study_id: r for r in reports.records}
    for s in r2gen.records:
        assert s.image_paths[0].is_file()
        assert by_study[str(s.study_id)].findings == s.report
    for name in ("mimic-cxr-2.0.0-chexpert.csv.gz", "mimic-cxr-2.0.0-negbio.csv"):
        labels = read_chexpert_labels(paths.mimic_jpg / name)
        assert not labels.skipped and len(labels.records) == SIZES["tiny"].mimic_studies


def test_iu_vqa_mscxr_round_trip(tiny_phantom: PhantomSummary) -> None:
    paths = discover(tiny_phantom.root)
    iu = read_iu(paths.iu)
    assert not iu.skipped and len(iu.records) == SIZES["tiny"].iu_samples
    assert all(len(s.image_paths) == 2 and all(p.is_file() for p in s.image_paths) for s in iu.records)
    jpg = paths.mimic_jpg
    vqa = read_cxr_vqa(paths.vqa, jpg_root=jpg)
    assert not vqa.skipped and len(vqa.records) > 0
    assert all(q.image_path is not None and q.image_path.is_file() for q in vqa.records)
    ms = read_ms_cxr(paths.ms_cxr, jpg_root=jpg)
    assert not ms.skipped and len(ms.records) > 0
    coco = read_ms_cxr_coco(Path(paths.ms_cxr) / "MS_CXR_Local_Alignment_v1.1.0.json", jpg_root=jpg)
    assert not coco.skipped
    assert sorted(p.sample_id for p in coco.records) == sorted(p.sample_id for p in ms.records)
