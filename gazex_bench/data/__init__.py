"""Dataset readers: REFLACX, MIMIC-CXR(-JPG), IU X-ray, Medical-CXR-VQA, MS-CXR.

Each reader returns a :class:`~gazex_bench.data.records.ReadResult` (frozen records +
skipped-by-reason counts + informational stats) and raises
:class:`~gazex_bench.errors.DataFormatError` naming file, row and field for any
format problem. On-disk formats: ``/work/shared/reference/datasets.md``.
No I/O happens at import.
"""

from __future__ import annotations

from gazex_bench.data.cxr_vqa import read_cxr_vqa
from gazex_bench.data.discover import DataPaths, discover, require
from gazex_bench.data.iu_xray import read_iu, read_iu_annotation, read_iu_kaggle
from gazex_bench.data.mimic import (
    mimic_jpg_path,
    read_chexpert_labels,
    read_mimic_images,
    read_mimic_reports,
    read_r2gen_annotation,
)
from gazex_bench.data.ms_cxr import read_ms_cxr, read_ms_cxr_coco
from gazex_bench.data.reflacx import image_groups, read_gaze, read_radiologist_map, read_reflacx
from gazex_bench.data.summary import summarize

__all__ = [
    "DataPaths",
    "discover",
    "image_groups",
    "mimic_jpg_path",
    "read_chexpert_labels",
    "read_cxr_vqa",
    "read_gaze",
    "read_iu",
    "read_iu_annotation",
    "read_iu_kaggle",
    "read_mimic_images",
    "read_mimic_reports",
    "read_ms_cxr",
    "read_ms_cxr_coco",
    "read_r2gen_annotation",
    "read_radiologist_map",
    "read_reflacx",
    "require",
    "summarize",
]
