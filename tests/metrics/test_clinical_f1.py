"""Clinical-efficacy F1 conventions: r2gen-mlc known answer, resampled counts, edge cases.

The registered conventions' known answers and sklearn parity run in tests/metrics/harness_report.py.

Sources: RGRG compute_micro_average_CE_scores / compute_example_based_CE_scores,
zhjohnchan/R2Gen compute_ce.py (compute_mlc), PromptMRG metrics_clinical.py (metrics.md §1.4);
sklearn.metrics.precision_recall_fscore_support with zero_division=1 for the conventions under the
empty-set rule (mic5-unc-pos, ex14-pos, paper-pos, paper-pos-13) and zero_division=0 for r2gen-mlc.
"""

from __future__ import annotations

import numpy as np
import pytest

from gazex_bench.data.records import CHEXPERT_LABELS
from gazex_bench.errors import UsageError
from gazex_bench.metrics.clinical import (
    CONVENTIONS,
    MIC5_LABELS,
    clinical_counts,
    clinical_scores,
    labels_to_matrix,
    per_label_f1,
    scores_from_counts,
)


def _random_labels(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.choice([1.0, 0.0, -1.0, np.nan], size=(n, 14), p=[0.3, 0.2, 0.15, 0.35])


def test_r2gen_known_answer() -> None:
    # -1 -> 0, blank -> 0. ref CM [1,1], hyp CM [1,-1] -> tp=1, fn=1; every other label all 0.
    # micro: P = 1/1 = 1, R = 1/2, F1 = 2/(2+0+1) = 2/3
    # macro over 14: CM P=1, R=.5, F1=2/3; 13 labels 0 (zero_division=0) -> /14
    refs = [{"Cardiomegaly": 1.0}, {"Cardiomegaly": 1.0}]
    hyps = [{"Cardiomegaly": 1.0}, {"Cardiomegaly": -1.0}]
    s = clinical_scores(refs, hyps, "r2gen-mlc")
    assert s["micro_precision"] == pytest.approx(1.0)
    assert s["micro_recall"] == pytest.approx(0.5)
    assert s["micro_f1"] == pytest.approx(2 / 3)
    assert s["macro_precision"] == pytest.approx(1 / 14)
    assert s["macro_f1"] == pytest.approx((2 / 3) / 14)


def test_counts_resampling_and_inputs() -> None:
    rng = np.random.default_rng(5)
    ref, hyp = _random_labels(rng, 30), _random_labels(rng, 30)
    dict_rows = [{k: (None if np.isnan(v) else v) for k, v in zip(CHEXPERT_LABELS, row)} for row in ref]
    assert np.array_equal(labels_to_matrix(dict_rows), ref, equal_nan=True)
    for conv in CONVENTIONS:
        c = clinical_counts(ref, hyp, conv)
        idx = rng.integers(0, 30, 30)
        assert scores_from_counts(c.take(idx)) == pytest.approx(clinical_scores(ref[idx], hyp[idx], conv))
    assert set(per_label_f1(ref, hyp, "mic5-unc-pos")) == set(MIC5_LABELS)


def test_edge_cases_and_errors() -> None:
    same = _random_labels(np.random.default_rng(6), 10)
    assert clinical_scores(same, same, "r2gen-mlc")["micro_f1"] == pytest.approx(1.0)
    empty = np.full((3, 14), np.nan)
    # no positive anywhere: 0/0 everywhere -> empty-set rule 1.0 (a report scored against itself)
    assert clinical_scores(empty, empty, "mic5-unc-pos") == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert (
        clinical_scores(empty, empty, "r2gen-mlc")["micro_f1"] == 0.0
    )  # R2Gen compute_mlc keeps zero_division=0
    with pytest.raises(UsageError, match="unknown CE convention"):
        clinical_scores(same, same, "bogus")
    with pytest.raises(UsageError, match="hypothesis rows"):
        clinical_scores(same, same[:5], "ex14-pos")
    with pytest.raises(UsageError):
        labels_to_matrix([{"Edema": 2.0}])
