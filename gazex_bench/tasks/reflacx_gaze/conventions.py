"""Metric conventions of ``reflacx-gaze`` (shown by ``gazex-bench ls metrics`` and in run.json).

ICC forms (docs/gaze_reference.md §1.4): the paper's "ICC(3,1), two-way mixed, absolute agreement" is
ambiguous, so both readings are reported, labelled: ``icc_a1_*`` = ICC(A,1) absolute
agreement (McGraw–Wong 3A; pingouin ICC2 — numerically what the paper's wording computes,
headline) and ``icc_c1_*`` = ICC(C,1) consistency (Shrout–Fleiss ICC(3,1); pingouin ICC3).
"""

from __future__ import annotations

TRAJECTORY_POINTS = 16
"""Points of the reference trajectory samples (and of the per-sample trajectory metrics)."""

_ICC = (
    "of DTW-aligned centroid sequences (pooled path steps; gaze/sequence_icc.py), CI: percentile bootstrap "
    "over images (F-test interval optional: AlignmentConfig.icc_ci)"
)
_S1 = "setting 1 (model's own report sentences matched to reference findings by CheXpert category)"
_S2 = (
    "setting 2 (reference finding sentence given; no inter-radiologist row: radiologists are not given "
    "findings, the ceiling is the setting-1 column)"
)

GAZE_CONVENTIONS: dict[str, str] = {
    "icc_a1_x": f"ICC(A,1) absolute agreement (paper's 'ICC(3,1) absolute agreement') {_ICC}, x, {_S2}",
    "icc_a1_y": f"ICC(A,1) absolute agreement (paper's 'ICC(3,1) absolute agreement') {_ICC}, y, {_S2}",
    "icc_c1_x": f"ICC(C,1) consistency (Shrout-Fleiss ICC(3,1)) {_ICC}, x, {_S2}",
    "icc_c1_y": f"ICC(C,1) consistency (Shrout-Fleiss ICC(3,1)) {_ICC}, y, {_S2}",
    "s1_icc_a1_x": f"ICC(A,1) absolute agreement {_ICC}, x, {_S1}",
    "s1_icc_a1_y": f"ICC(A,1) absolute agreement {_ICC}, y, {_S1}",
    "s1_icc_c1_x": f"ICC(C,1) consistency (Shrout-Fleiss ICC(3,1)) {_ICC}, x, {_S1}",
    "s1_icc_c1_y": f"ICC(C,1) consistency (Shrout-Fleiss ICC(3,1)) {_ICC}, y, {_S1}",
    "cosine": "case-level cosine of Gaussian box maps (sigma = side/4), model vs each reading, mean "
    "(gaze/cosine.py; cluster bootstrap over images)",
    "centroid_error": "|mean predicted centroid - mean reference centroid| / frame diagonal (lower better)",
    "dtw_error": "DTW distance of centroid sequences / frame diagonal (gaze/dtw.py; lower better)",
    "trajectory_r_x": f"Pearson r of x vs the first reading, trajectories resampled to {TRAJECTORY_POINTS} points",
    "trajectory_r_y": f"Pearson r of y vs the first reading, trajectories resampled to {TRAJECTORY_POINTS} points",
    "nss": "NSS of the model map (saliency or summed box Gaussians) at each reading's fixations "
    "(gaze/saliency.py, MIT ddof=1; mean over readings)",
    "cc": "CC of the model map vs each reading's fixation density (gaze/saliency.py; mean over readings)",
    "auc_judd": "AUC-Judd, Tuebingen convention (gaze/saliency.py; mean over readings)",
    "missing_answer_rate": "share of samples with a failed or empty answer (lower better)",
}
