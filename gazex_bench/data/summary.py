"""Counts over every dataset found by :func:`~gazex_bench.data.discover.discover`.

``summarize`` reads each dataset fully with its reader (so every format error
surfaces) and returns plain JSON-serialisable counts; datasets that were not found
are reported as ``None``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gazex_bench.data.cxr_vqa import read_cxr_vqa
from gazex_bench.data.discover import DataPaths
from gazex_bench.data.iu_xray import read_iu
from gazex_bench.data.mimic import (
    read_chexpert_labels,
    read_mimic_images,
    read_mimic_reports,
    read_r2gen_annotation,
)
from gazex_bench.data.ms_cxr import read_ms_cxr
from gazex_bench.data.reflacx import image_groups, read_reflacx

logger = logging.getLogger(__name__)


def _count(values: Iterable[Any]) -> dict[str, int]:
    return {str(k): v for k, v in sorted(Counter(values).items(), key=lambda kv: str(kv[0]))}


def summarize_reflacx(root: Path, radiologist_map: Path | None = None) -> dict[str, Any]:
    """Readings per phase, discarded readings, fixations, sentences, images (and multi-reader images)."""
    res = read_reflacx(root, radiologist_map=radiologist_map)
    groups = image_groups(res.records)
    out: dict[str, Any] = {
        "readings": len(res),
        "readings_per_phase": _count(r.phase for r in res.records),
        "discarded_readings": sum(r.discarded for r in res.records),
        "fixations": sum(len(r.fixations) for r in res.records if r.fixations is not None),
        "sentences": sum(len(r.sentences) for r in res.records),
        "images": len(groups),
        "images_per_phase": _count(rs[0].phase for rs in groups.values()),
        "images_with_multiple_readers": sum(len(rs) > 1 for rs in groups.values()),
        "skipped": dict(res.skipped),
    }
    if radiologist_map is not None:
        out["readings_per_radiologist"] = _count(r.radiologist or "(unmapped)" for r in res.records)
    if res.stats.get("gaze_file_missing"):
        out["gaze_file_missing"] = res.stats["gaze_file_missing"]
    return out


def summarize_mimic(paths: DataPaths) -> dict[str, Any] | None:
    """MIMIC-CXR: R2Gen reports per split, raw reports (without FINDINGS), JPG images per split."""
    out: dict[str, Any] = {}
    if paths.mimic_r2gen is not None:
        res = read_r2gen_annotation(
            paths.mimic_r2gen, "mimic-cxr", paths.mimic_r2gen_images or paths.mimic_r2gen.parent
        )
        out["r2gen_reports_per_split"] = _count(r.split for r in res.records)
        out["r2gen_skipped"] = dict(res.skipped)
    if paths.mimic_reports is not None:
        rep = read_mimic_reports(paths.mimic_reports)
        out["raw_reports"] = len(rep)
        out["raw_reports_without_findings"] = rep.stats.get("no_findings", 0)
        out["raw_reports_skipped"] = dict(rep.skipped)
    if paths.mimic_jpg is not None:
        img = read_mimic_images(paths.mimic_jpg)
        out["images_per_split"] = _count(i.split or "(none)" for i in img.records)
        out["images_stats"] = dict(img.stats)
        out["images_skipped"] = dict(img.skipped)
        out["chexpert_studies"] = len(read_chexpert_labels(paths.mimic_jpg))
    return out or None


def summarize_iu(path: Path) -> dict[str, Any]:
    """IU X-ray reports per split (Kaggle records have split ``unsplit``)."""
    res = read_iu(path)
    layout = "r2gen" if (path / "annotation.json").is_file() or path.is_file() else "kaggle"
    return {
        "layout": layout,
        "reports_per_split": _count(r.split for r in res.records),
        "skipped": dict(res.skipped),
    }


def summarize_vqa(path: Path) -> dict[str, Any]:
    """Medical-CXR-VQA pairs per question type and per split."""
    res = read_cxr_vqa(path)
    return {
        "qa_pairs": len(res),
        "qa_pairs_per_question_type": _count(r.question_type for r in res.records),
        "qa_pairs_per_split": _count(r.split or "(none)" for r in res.records),
        "skipped": dict(res.skipped),
    }


def summarize_ms_cxr(path: Path) -> dict[str, Any]:
    """MS-CXR phrases and boxes per category (and phrases per split)."""
    res = read_ms_cxr(path)
    boxes: Counter[str] = Counter()
    for r in res.records:
        boxes[r.category] += len(r.boxes_xywh)
    return {
        "phrases": len(res),
        "boxes": sum(boxes.values()),
        "phrases_per_category": _count(r.category for r in res.records),
        "boxes_per_category": dict(sorted(boxes.items())),
        "phrases_per_split": _count(r.split or "(none)" for r in res.records),
        "skipped": dict(res.skipped),
    }


def summarize(paths: DataPaths, *, radiologist_map: Path | None = None) -> dict[str, Any]:
    """Counts for every dataset in ``paths`` (None for the ones not found).

    Returns:
        ``{"root", "paths", "reflacx", "mimic", "iu", "vqa", "ms_cxr"}``; each dataset
        entry holds its counts and skipped-by-reason dicts.
    """
    return {
        "root": str(paths.root) if paths.root else None,
        "paths": {k: str(v) for k, v in paths.found().items()},
        "reflacx": summarize_reflacx(paths.reflacx, radiologist_map) if paths.reflacx else None,
        "mimic": summarize_mimic(paths),
        "iu": summarize_iu(paths.iu) if paths.iu else None,
        "vqa": summarize_vqa(paths.vqa) if paths.vqa else None,
        "ms_cxr": summarize_ms_cxr(paths.ms_cxr) if paths.ms_cxr else None,
    }
