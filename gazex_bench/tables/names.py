"""Display titles for the metric keys that tasks write into ``run.json``.

Keys are the tasks' identifiers (``bleu4``, ``ce_f1_paper_pos``, ``accuracy_presence``,
``icc_a1_x`` ...); titles are what tables, figures and the HTML page show. A key
without an entry is shown as-is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_FIXED: dict[str, str] = {
    "bleu1": "BLEU-1", "bleu2": "BLEU-2", "bleu3": "BLEU-3", "bleu4": "BLEU-4",
    "meteor": "METEOR", "rouge_l": "ROUGE-L", "cider_d": "CIDEr-D",
    "accuracy": "Accuracy", "accuracy_yes_no": "Accuracy (yes/no)",
    "miou": "mIoU", "map": "mAP", "heatmap_miou": "mIoU (heat map)", "cnr": "CNR",
    "cosine": "Gaussian-map cosine", "centroid_error": "Centroid error", "dtw_error": "DTW error",
    "trajectory_r_x": "Pearson r (x)", "trajectory_r_y": "Pearson r (y)",
    "nss": "NSS", "cc": "CC", "auc_judd": "AUC-Judd", "kld": "KLD", "sim": "SIM",
}
_CE = re.compile(r"^ce_(precision|recall|f1|accuracy)_(.+)$")
_ICC = re.compile(r"^(s1_)?icc_(a1|c1)_(x|y)$")
_ACC = re.compile(r"^acc(?:@|_)(\d)(?:\.|_)(\d+)$")


def metric_title(key: str) -> str:
    """Human title of a metric key (``ce_f1_mic5_unc_pos`` -> ``CE F1 (mic5-unc-pos)``)."""
    if key in _FIXED:
        return _FIXED[key]
    if m := _CE.match(key):
        return f"CE {m[1].capitalize() if m[1] != 'f1' else 'F1'} ({m[2].replace('_', '-')})"
    if m := _ICC.match(key):
        form = "ICC(A,1)" if m[2] == "a1" else "ICC(C,1)"
        return f"{form} {m[3]}" + (" (setting 1)" if m[1] else "")
    if key.startswith("accuracy_"):
        return f"Accuracy ({key.removeprefix('accuracy_')})"
    if m := _ACC.match(key):
        return f"Acc@{m[1]}.{m[2]}"
    return key


HEADLINE: dict[str, tuple[str, ...]] = {
    "mimic-report": ("bleu1", "bleu2", "bleu3", "bleu4", "meteor", "rouge_l", "cider_d",
                     "ce_f1_paper_pos", "ce_f1_mic5_unc_pos", "ce_f1_paper_multiclass"),
    "iu-report": ("bleu1", "bleu2", "bleu3", "bleu4", "meteor", "rouge_l", "cider_d", "ce_f1_paper_pos"),
    "iu-report-zeroshot": ("ce_f1_paper_pos", "ce_f1_mic5_unc_pos", "ce_f1_ex14_pos", "bleu4", "rouge_l"),
    "cxr-vqa": ("accuracy", "accuracy_abnormality", "accuracy_presence", "accuracy_location",
                "accuracy_level", "accuracy_type", "accuracy_view", "accuracy_yes_no"),
    "ms-cxr-grounding": ("miou", "map", "acc@0.1", "acc@0.3", "acc@0.5", "heatmap_miou", "cnr"),
    "reflacx-gaze": ("icc_a1_x", "icc_a1_y", "icc_c1_x", "icc_c1_y", "s1_icc_a1_x", "s1_icc_a1_y",
                     "cosine", "trajectory_r_x", "trajectory_r_y", "centroid_error"),
}
"""Columns shown in Markdown/LaTeX tables and figures per task (CSV files keep every metric)."""


LOWER_IS_BETTER: frozenset[str] = frozenset(
    {"centroid_error", "dtw_error", "missing_answer_rate", "kld", "s1_centroid_error", "s1_dtw_error"}
)
"""Metrics where smaller is better, used when a run record does not declare ``higher_is_better``."""


def higher_is_better(metric: str, declared: Mapping[str, bool] | None = None) -> bool:
    """Direction of ``metric``: the task's declaration (run.json ``task.higher_is_better``) if given,
    else the metric registry (``gazex_bench.metrics.registry``) when it knows the key, else
    :data:`LOWER_IS_BETTER`."""
    if declared and metric in declared:
        return bool(declared[metric])
    try:
        from gazex_bench.metrics import registry  # type: ignore[attr-defined]

        spec = registry.METRICS.get(metric)  # type: ignore[attr-defined]
        if spec is not None and getattr(spec, "higher_is_better", None) is not None:
            return bool(spec.higher_is_better)
    except (ImportError, AttributeError):
        pass
    return metric not in LOWER_IS_BETTER
