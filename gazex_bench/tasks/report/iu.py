"""``iu-report`` (setting 1) and ``iu-report-zeroshot`` (setting 2): IU X-ray findings generation.

GazeX paper §2: IU X-ray is evaluated in two settings —
(1) a model fine-tuned on IU X-ray, scored on the official (R2Gen) **test** split;
(2) **zero-shot** inference of a model trained on MIMIC-CXR, with clinical efficacy
scored on the **whole dataset** (``--split all``; the test split has too few positives
for some findings). Both report the same metrics; only the default split differs,
and baselines fitted on training data (nearest-report, majority) are still fitted on
the train split — for a strict zero-shot baseline use ``--split all`` with a model that
never saw IU data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gazex_bench.data.iu_xray import read_iu
from gazex_bench.metrics.registry import NLG_KEYS
from gazex_bench.tasks.common import dataset_folder
from gazex_bench.tasks.report.base import ReportTask, report_conventions


class IuReportTask(ReportTask):
    """IU X-ray setting 1: official test split."""

    name = "iu-report"
    title = "IU X-ray report generation (findings)"
    description = "IU X-ray findings generation, setting 1 (R2Gen test split)"
    headline_metrics = (*NLG_KEYS, "ce_f1_paper_pos", "ce_f1_paper_pos_13")
    dataset = "iu"
    dataset_label = "iu-xray"
    default_split = "test"
    text_convention = "r2gen-iu"
    metric_conventions = report_conventions("r2gen-iu")

    def read_records(self, data_root: Path) -> Any:
        """R2Gen ``iu_xray`` or the Kaggle layout."""
        return read_iu(dataset_folder(data_root, "iu"))


class IuReportZeroShotTask(IuReportTask):
    """IU X-ray setting 2: zero-shot on the whole dataset (clinical efficacy)."""

    name = "iu-report-zeroshot"
    title = "IU X-ray report generation, zero-shot (findings)"
    description = "IU X-ray findings generation, setting 2 (zero-shot, whole dataset)"
    headline_metrics = (
        "ce_f1_paper_pos",
        "ce_f1_paper_pos_13",
        "ce_f1_mic5_unc_pos",
        "ce_f1_ex14_pos",
        "bleu4",
        "rouge_l",
    )
    default_split = "all"
    primary_metric = "ce_f1_paper_pos"
