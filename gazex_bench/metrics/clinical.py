"""Clinical-efficacy (CE) precision / recall / F1 under named conventions.

"CheXbert F1" is not one number (``metrics.md`` §1.4); every score this module
returns is computed under exactly one named convention:

==================== ========================= ============ ===============================
convention           mapping to binary         labels       averaging
==================== ========================= ============ ===============================
``mic5-unc-pos``     1 and -1 (uncertain) → 1  5 (Miura)    micro (pooled reports × labels)
``ex14-pos``         only 1 → 1                14           example-based (per report, NaN→0)
``r2gen-mlc``        blank→0, -1 → 0           14           sklearn micro *and* macro
``paper-pos``        only 1 → 1                14           example-based (= ``ex14-pos``)
``paper-multiclass`` 4 classes (1, 0, -1, ∅)   14           macro over classes, mean over obs.
==================== ========================= ============ ===============================

Sources: RGRG ``compute_micro_average_CE_scores`` / ``compute_example_based_CE_scores``;
PromptMRG ``modules/metrics_clinical.py``; ``zhjohnchan/R2Gen/compute_ce.py``
(``compute_mlc``); sklearn ``precision_recall_fscore_support`` semantics. The value of a
0/0 precision, recall or F1 is set per convention in :data:`ZERO_DIVISION`: 1.0 for the
positive-only conventions (the empty-set rule, :data:`EMPTY_RULE`: a report scored against
itself is exactly 1.0 even when it has no positive finding), 0.0 for ``r2gen-mlc`` and
``paper-multiclass`` (as in R2Gen's ``compute_mlc`` and sklearn's default).

``paper-pos``: the GazeX paper (§4.5) says "we adopt the mainstream evaluation
methodology that employs F1 scores, where only positive findings are classified as
positive cases", over the 14 CheXbert categories, without naming an average. The
baselines it compares with that state a positive-only convention (PromptMRG,
RGRG's ``ex-14``, Nicolson) all use the **example-based** average over 14, and the
published magnitudes (RGRG 0.447, PromptMRG 0.476, GazeX 0.460) fit that scale, so
``paper-pos`` is the example-based positive-only F1 over 14. It is a separate name
so the choice can be revisited without renaming results.

``paper-multiclass`` (the paper's ablation "multiclass classification framework"):
for each observation the reference and hypothesis label is one of four classes
(positive, negative, uncertain, blank); per observation, precision/recall/F1 are the
sklearn ``average="macro"`` values over the classes that occur in the reference or
the hypothesis for that observation (``labels=None`` semantics, ``zero_division=0``),
and the reported value is the mean over the 14 observations. ``accuracy`` (exact
4-way agreement pooled over reports × observations) is reported alongside.

Inputs are label dicts (observation name → 1.0 / 0.0 / -1.0 / None) from either
labeler, or float arrays ``(n, 14)`` in :data:`CHEXPERT_LABELS` order with NaN for
blank. Per-sample sufficient statistics (tp/fp/fn per report × label [× class]) are
kept so that bootstrap resampling can recompute every score with
:func:`scores_from_counts`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

from gazex_bench.data.records import CHEXPERT_LABELS
from gazex_bench.errors import UsageError

MIC5_LABELS: tuple[str, ...] = (
    "Cardiomegaly",
    "Edema",
    "Consolidation",
    "Atelectasis",
    "Pleural Effusion",
)
"""The five Miura observations, in RGRG's order."""

CONVENTIONS: tuple[str, ...] = (
    "mic5-unc-pos",
    "ex14-pos",
    "r2gen-mlc",
    "paper-pos",
    "paper-pos-13",
    "paper-multiclass",
)

NO_FINDING_LABELS: tuple[str, ...] = tuple(name for name in CHEXPERT_LABELS if name != "No Finding")
"""The 13 observations of ``paper-pos-13`` (CheXpert order without No Finding)."""

ZERO_DIVISION: dict[str, float] = {
    "mic5-unc-pos": 1.0,
    "ex14-pos": 1.0,
    "paper-pos": 1.0,
    "paper-pos-13": 1.0,
    "r2gen-mlc": 0.0,
    "paper-multiclass": 0.0,
}
"""Value of a 0/0 precision, recall or F1 per convention (the empty-set rule, module doc)."""

EMPTY_RULE = "empty-set rule: no positive label in report and reference = 1.0 (zero_division=1)"
"""The empty-set rule as stated in metric convention strings."""

MULTICLASS_VALUES: tuple[float, ...] = (1.0, 0.0, -1.0, np.nan)
"""Class order of the ``paper-multiclass`` counts axis: positive, negative, uncertain, blank."""

_AVERAGING = {
    "mic5-unc-pos": ("micro",),
    "ex14-pos": ("samples",),
    "paper-pos": ("samples",),
    "paper-pos-13": ("samples",),
    "r2gen-mlc": ("micro", "macro"),
    "paper-multiclass": ("multiclass",),
}

LabelInput = Sequence[Mapping[str, float | None]] | np.ndarray


@dataclass(frozen=True)
class ClinicalCounts:
    """Per-sample sufficient statistics of one convention.

    ``tp``, ``fp``, ``fn`` have shape ``(n_reports, n_labels)`` for the binary
    conventions and ``(n_reports, n_labels, 4)`` for ``paper-multiclass`` (class axis
    in :data:`MULTICLASS_VALUES` order). Resampling reports = indexing axis 0.
    """

    convention: str
    labels: tuple[str, ...]
    tp: np.ndarray
    fp: np.ndarray
    fn: np.ndarray

    def take(self, index: np.ndarray) -> ClinicalCounts:
        """Return the counts of the reports at ``index`` (e.g. a bootstrap resample)."""
        return ClinicalCounts(self.convention, self.labels, self.tp[index], self.fp[index], self.fn[index])


def labels_to_matrix(labels: LabelInput, order: Sequence[str] = CHEXPERT_LABELS) -> np.ndarray:
    """Turn label dicts (or an array) into a float matrix with NaN for blank.

    Args:
        labels: Sequence of dicts observation → 1.0/0.0/-1.0/None (missing key = blank),
            or an array ``(n, 14)`` already in :data:`CHEXPERT_LABELS` order.
        order: Observation order of the output columns.

    Returns:
        Float array ``(n, len(order))`` with values in {1, 0, -1, NaN}.

    Raises:
        UsageError: wrong array shape, or a value outside {1, 0, -1, blank}.
    """
    if isinstance(labels, np.ndarray):
        arr = np.asarray(labels, dtype=float)
        if arr.ndim != 2 or arr.shape[1] != len(CHEXPERT_LABELS):
            raise UsageError(f"label array must have shape (n, {len(CHEXPERT_LABELS)}), got {arr.shape}")
        cols = [CHEXPERT_LABELS.index(name) for name in order]
        arr = arr[:, cols]
    else:
        arr = np.full((len(labels), len(order)), np.nan)
        for i, row in enumerate(labels):
            for j, name in enumerate(order):
                value = row.get(name)
                arr[i, j] = np.nan if value is None else float(value)
    valid = np.isnan(arr) | np.isin(arr, (1.0, 0.0, -1.0))
    if not valid.all():
        raise UsageError("labels must be 1 (positive), 0 (negative), -1 (uncertain) or blank")
    return arr


def binarize(matrix: np.ndarray, uncertain_positive: bool) -> np.ndarray:
    """Map a label matrix to 0/1: 1 → 1; -1 → 1 iff ``uncertain_positive``; 0, NaN → 0."""
    out = matrix == 1.0
    if uncertain_positive:
        out = out | (matrix == -1.0)
    return cast("np.ndarray", out.astype(np.int64))


def _binary_counts(ref: np.ndarray, hyp: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    tp = (ref == 1) & (hyp == 1)
    fp = (ref == 0) & (hyp == 1)
    fn = (ref == 1) & (hyp == 0)
    return tp.astype(np.int64), fp.astype(np.int64), fn.astype(np.int64)


def _class_masks(matrix: np.ndarray) -> np.ndarray:
    """One-hot ``(n, L, 4)`` over (pos, neg, unc, blank)."""
    return np.stack([matrix == 1.0, matrix == 0.0, matrix == -1.0, np.isnan(matrix)], axis=-1)


def clinical_counts(refs: LabelInput, hyps: LabelInput, convention: str) -> ClinicalCounts:
    """Per-report, per-label true/false positives and false negatives.

    Args:
        refs: Reference labels (from the reference reports).
        hyps: Hypothesis labels (from the generated reports), same length.
        convention: One of :data:`CONVENTIONS`.

    Returns:
        :class:`ClinicalCounts` for that convention.

    Raises:
        UsageError: unknown convention or different numbers of reports.
    """
    if convention not in CONVENTIONS:
        raise UsageError(f"unknown CE convention {convention!r}; choose from {', '.join(CONVENTIONS)}")
    order = {"mic5-unc-pos": MIC5_LABELS, "paper-pos-13": NO_FINDING_LABELS}.get(convention, CHEXPERT_LABELS)
    ref_m, hyp_m = labels_to_matrix(refs, order), labels_to_matrix(hyps, order)
    if ref_m.shape != hyp_m.shape:
        raise UsageError(f"{ref_m.shape[0]} reference label rows but {hyp_m.shape[0]} hypothesis rows")
    if convention == "paper-multiclass":
        r, h = _class_masks(ref_m), _class_masks(hyp_m)
        tp, fp, fn = (r & h), (~r & h), (r & ~h)
        return ClinicalCounts(
            convention, order, tp.astype(np.int64), fp.astype(np.int64), fn.astype(np.int64)
        )
    unc_pos = convention == "mic5-unc-pos"
    tp, fp, fn = _binary_counts(binarize(ref_m, unc_pos), binarize(hyp_m, unc_pos))
    return ClinicalCounts(convention, order, tp, fp, fn)


def _safe_div(num: np.ndarray, den: np.ndarray, zero_division: float = 0.0) -> np.ndarray:
    """Elementwise ``num / den`` with ``zero_division`` where ``den == 0`` (sklearn semantics)."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    out = np.full(np.broadcast(num, den).shape, float(zero_division))
    np.divide(num, den, out=out, where=den > 0)
    return out


def prf_from_counts(
    tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, zero_division: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision, recall, F1 elementwise from counts (``zero_division`` where 0/0).

    F1 is ``2·tp / (2·tp + fp + fn)``, equal to the harmonic mean of P and R whenever
    it is defined and ``zero_division`` when tp = fp = fn = 0 (sklearn >= 1.3 semantics).
    """
    precision = _safe_div(tp, tp + fp, zero_division)
    recall = _safe_div(tp, tp + fn, zero_division)
    f1 = _safe_div(2 * np.asarray(tp), 2 * np.asarray(tp) + fp + fn, zero_division)
    return precision, recall, f1


def _micro(c: ClinicalCounts) -> dict[str, float]:
    p, r, f = prf_from_counts(c.tp.sum(), c.fp.sum(), c.fn.sum(), ZERO_DIVISION[c.convention])
    return {"precision": float(p), "recall": float(r), "f1": float(f)}


def _macro(c: ClinicalCounts) -> dict[str, float]:
    p, r, f = prf_from_counts(
        c.tp.sum(axis=0), c.fp.sum(axis=0), c.fn.sum(axis=0), ZERO_DIVISION[c.convention]
    )
    return {"precision": float(p.mean()), "recall": float(r.mean()), "f1": float(f.mean())}


def _samples(c: ClinicalCounts) -> dict[str, float]:
    p, r, f = prf_from_counts(
        c.tp.sum(axis=1), c.fp.sum(axis=1), c.fn.sum(axis=1), ZERO_DIVISION[c.convention]
    )
    if p.size == 0:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    return {"precision": float(p.mean()), "recall": float(r.mean()), "f1": float(f.mean())}


def _multiclass(c: ClinicalCounts) -> dict[str, float]:
    tp, fp, fn = c.tp.sum(axis=0), c.fp.sum(axis=0), c.fn.sum(axis=0)  # (L, 4)
    present = (tp + fn + fp) > 0  # class occurs in ref (tp+fn) or hyp (tp+fp)
    p, r, f = prf_from_counts(tp, fp, fn)
    n_present = present.sum(axis=1)
    per_obs = [
        np.where(n_present > 0, (m * present).sum(axis=1) / np.maximum(n_present, 1), 0.0) for m in (p, r, f)
    ]
    total = c.tp.shape[0] * c.tp.shape[1]
    accuracy = float(tp.sum() / total) if total else 0.0
    return {
        "precision": float(per_obs[0].mean()),
        "recall": float(per_obs[1].mean()),
        "f1": float(per_obs[2].mean()),
        "accuracy": accuracy,
    }


def scores_from_counts(counts: ClinicalCounts) -> dict[str, float]:
    """Precision / recall / F1 of a convention from (possibly resampled) counts.

    Returns:
        ``{"precision", "recall", "f1"}`` for ``mic5-unc-pos``, ``ex14-pos``,
        ``paper-pos``; ``{"micro_precision", …, "macro_f1"}`` for ``r2gen-mlc``;
        plus ``"accuracy"`` for ``paper-multiclass``. All values in [0, 1].
    """
    averaging = _AVERAGING[counts.convention]
    if averaging == ("micro", "macro"):
        out = {f"micro_{k}": v for k, v in _micro(counts).items()}
        out.update({f"macro_{k}": v for k, v in _macro(counts).items()})
        return out
    fn = {"micro": _micro, "samples": _samples, "multiclass": _multiclass}[averaging[0]]
    return fn(counts)


def clinical_scores(refs: LabelInput, hyps: LabelInput, convention: str) -> dict[str, float]:
    """Precision, recall and F1 of hypotheses against references under ``convention``.

    Example (``mic5-unc-pos``, two reports, Cardiomegaly column only non-blank):
    ref ``[1, 0]``, hyp ``[-1, 1]`` → uncertain counts as positive → tp=1, fp=1,
    fn=0 → P=0.5, R=1.0, F1=2·1/(2·1+1+0)=0.667.
    """
    return scores_from_counts(clinical_counts(refs, hyps, convention))


def per_label_f1(refs: LabelInput, hyps: LabelInput, convention: str) -> dict[str, float]:
    """F1 per observation (pooled over reports) under a binary convention."""
    if convention == "paper-multiclass":
        raise UsageError("per_label_f1 is defined for the binary conventions only")
    c = clinical_counts(refs, hyps, convention)
    _, _, f1 = prf_from_counts(c.tp.sum(axis=0), c.fp.sum(axis=0), c.fn.sum(axis=0))
    return {name: float(v) for name, v in zip(c.labels, f1)}
