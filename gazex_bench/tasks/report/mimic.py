"""``mimic-report``: MIMIC-CXR findings generation on the R2Gen split (default: test)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gazex_bench.data.discover import discover
from gazex_bench.data.mimic import read_r2gen_annotation
from gazex_bench.metrics.registry import NLG_KEYS
from gazex_bench.tasks.common import dataset_folder
from gazex_bench.tasks.report.base import ReportTask, report_conventions


class MimicReportTask(ReportTask):
    """MIMIC-CXR report generation (R2Gen ``mimic_cxr/annotation.json``)."""

    name = "mimic-report"
    title = "MIMIC-CXR report generation (findings)"
    description = "MIMIC-CXR findings generation (R2Gen split), NLG + clinical efficacy"
    headline_metrics = (
        *NLG_KEYS,
        "ce_f1_paper_pos",
        "ce_f1_paper_pos_13",
        "ce_f1_mic5_unc_pos",
        "ce_f1_paper_multiclass",
    )
    dataset = "mimic_r2gen"
    dataset_label = "mimic-cxr"
    default_split = "test"
    text_convention = "r2gen"
    metric_conventions = report_conventions("r2gen")

    def read_records(self, data_root: Path) -> Any:
        """R2Gen MIMIC annotation with its image root."""
        path = dataset_folder(data_root, "mimic_r2gen")
        images = discover(data_root).mimic_r2gen_images or path.parent / "images"
        return read_r2gen_annotation(path, "mimic-cxr", images)
