"""Clinical-efficacy F1 conventions: known answers and sklearn parity.

Sources: RGRG compute_micro_average_CE_scores / compute_example_based_CE_scores,
zhjohnchan/R2Gen compute_ce.py (compute_mlc), PromptMRG metrics_clinical.py (metrics.md §1.4);
sklearn.metrics.precision_recall_fscore_support with zero_division=1 for the conventions under the
empty-set rule (mic5-unc-pos, ex14-pos, paper-pos, paper-pos-13) and zero_division=0 for r2gen-mlc.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import precision_recall_fscore_support as prfs

from gazex_bench.data.records import CHEXPERT_LABELS
from gazex_bench.errors import UsageError
from gazex_bench.metrics.clinical import (
    CONVENTIONS,
    MIC5_LABELS,
    binarize,
    clinical_counts,
    clinical_scores,
    labels_to_matrix,
    per_label_f1,
    scores_from_counts,
)

IDX5 = [CHEXPERT_LABELS.index(k) for k in MIC5_LABELS]


def _random_labels(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.choice([1.0, 0.0, -1.0, np.nan], size=(n, 14), p=[0.3, 0.2, 0.15, 0.35])


def test_mic5_known_answer() -> None:
    # Two reports; only Cardiomegaly and Edema non-blank.
    # ref CM [1, 0], hyp CM [-1, 1]: unc->pos => tp=1 (r0), fp=1 (r1)
    # ref ED [-1, nan], hyp ED [nan, nan]: ref unc->pos => fn=1 (r0)
    # micro: P = 1/(1+1) = 0.5, R = 1/(1+1) = 0.5, F1 = 2*1/(2+1+1) = 0.5
    refs = [{"Cardiomegaly": 1.0, "Edema": -1.0}, {"Cardiomegaly": 0.0}]
    hyps = [{"Cardiomegaly": -1.0}, {"Cardiomegaly": 1.0}]
    s = clinical_scores(refs, hyps, "mic5-unc-pos")
    assert s == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5})


def test_ex14_known_answer() -> None:
    # report 0: ref {CM:1, EFF:1}, hyp {CM:1, ED:1, EFF:-1}; positive-only:
    #   tp=1 (CM), fp=1 (ED), fn=1 (EFF; -1 is not positive) -> P=.5 R=.5 F1=2/(2+1+1)=.5
    # report 1: ref {} (all blank, NF blank too here), hyp {} -> tp=fp=fn=0 -> empty-set rule: P=R=F1=1
    # mean over reports: P=(.5+1)/2=.75, R=.75, F1=.75
    refs = [{"Cardiomegaly": 1.0, "Pleural Effusion": 1.0}, {}]
    hyps = [{"Cardiomegaly": 1.0, "Edema": 1.0, "Pleural Effusion": -1.0}, {}]
    assert clinical_scores(refs, hyps, "ex14-pos") == pytest.approx(
        {"precision": 0.75, "recall": 0.75, "f1": 0.75}
    )
    assert clinical_scores(refs, hyps, "paper-pos") == clinical_scores(refs, hyps, "ex14-pos")


def test_paper_pos_13_leaves_no_finding_out() -> None:
    # report 0: ref {NF:1}, hyp {NF:1} (an empty report is labelled No Finding, as a normal one)
    #   paper-pos (14): tp=1 -> F1 1;  paper-pos-13: tp=fp=fn=0 -> empty-set rule -> 1
    # report 1: ref {EFF:1}, hyp {NF:1}
    #   paper-pos: fp=1 (NF), fn=1 (EFF) -> F1 0, P 0, R 0;  paper-pos-13: fn=1 -> F1 0, P = 1 (0/0), R 0
    # report 2: ref {NF:1, Support Devices:1}, hyp {EFF:1}
    #   paper-pos: fp=1, fn=2 -> 0;  paper-pos-13: fp=1 (EFF), fn=1 (SD) -> F1 0, P 0, R 0
    refs = [{"No Finding": 1.0}, {"Pleural Effusion": 1.0}, {"No Finding": 1.0, "Support Devices": 1.0}]
    hyps = [{"No Finding": 1.0}, {"No Finding": 1.0}, {"Pleural Effusion": 1.0}]
    assert clinical_scores(refs, hyps, "paper-pos") == pytest.approx(
        {"precision": 1 / 3, "recall": 1 / 3, "f1": 1 / 3}
    )
    assert clinical_scores(refs, hyps, "paper-pos-13") == pytest.approx(
        {"precision": (1 + 1 + 0) / 3, "recall": 1 / 3, "f1": 1 / 3}
    )


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


def test_multiclass_known_answer() -> None:
    # Only Cardiomegaly varies; the other 13 observations are blank everywhere (class 'blank'
    # only -> P=R=F1=1 for that observation). Cardiomegaly ref [1, 0, -1], hyp [1, 0, 0]:
    #   pos: tp1 -> P1 R1 F1;  neg: tp1 fp1 -> P.5 R1 F1 2/3;  unc: fn1 -> P0 R0 F0
    #   macro over 3 present classes: P=1.5/3=.5, R=2/3, F1=(1+2/3)/3=5/9
    # mean over 14: P=(13+.5)/14, R=(13+2/3)/14, F1=(13+5/9)/14; accuracy=(42-1)/42
    refs = [{"Cardiomegaly": 1.0}, {"Cardiomegaly": 0.0}, {"Cardiomegaly": -1.0}]
    hyps = [{"Cardiomegaly": 1.0}, {"Cardiomegaly": 0.0}, {"Cardiomegaly": 0.0}]
    s = clinical_scores(refs, hyps, "paper-multiclass")
    assert s["precision"] == pytest.approx((13 + 0.5) / 14)
    assert s["recall"] == pytest.approx((13 + 2 / 3) / 14)
    assert s["f1"] == pytest.approx((13 + 5 / 9) / 14)
    assert s["accuracy"] == pytest.approx(41 / 42)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sklearn_parity_binary(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ref, hyp = _random_labels(rng, 60), _random_labels(rng, 60)
    yt5, yp5 = binarize(ref[:, IDX5], True), binarize(hyp[:, IDX5], True)
    p, r, f, _ = prfs(yt5.ravel(), yp5.ravel(), average="binary", zero_division=1)
    s = clinical_scores(ref, hyp, "mic5-unc-pos")
    assert (s["precision"], s["recall"], s["f1"]) == pytest.approx((p, r, f), abs=1e-6)
    p2, r2, f2, _ = prfs(yt5, yp5, average="micro", zero_division=1)  # same thing, multilabel API
    assert s["f1"] == pytest.approx(f2, abs=1e-6)
    yt, yp = binarize(ref, False), binarize(hyp, False)
    yt[::4], yp[::4] = 0, 0  # every 4th report: no positive on either side (the empty-set rule at work)
    ref[::4], hyp[::4] = np.nan, np.nan
    e = clinical_scores(ref, hyp, "ex14-pos")
    ps, rs, fs, _ = prfs(yt, yp, average="samples", zero_division=1)
    assert (e["precision"], e["recall"], e["f1"]) == pytest.approx((ps, rs, fs), abs=1e-6)
    keep = [i for i, name in enumerate(CHEXPERT_LABELS) if name != "No Finding"]
    e13 = clinical_scores(ref, hyp, "paper-pos-13")
    p13, r13, f13, _ = prfs(yt[:, keep], yp[:, keep], average="samples", zero_division=1)
    assert (e13["precision"], e13["recall"], e13["f1"]) == pytest.approx((p13, r13, f13), abs=1e-6)
    m = clinical_scores(ref, hyp, "r2gen-mlc")
    for avg in ("micro", "macro"):
        pa, ra, fa, _ = prfs(yt, yp, average=avg, zero_division=0)
        assert (m[f"{avg}_precision"], m[f"{avg}_recall"], m[f"{avg}_f1"]) == pytest.approx(
            (pa, ra, fa), abs=1e-6
        )


@pytest.mark.parametrize("seed", [3, 4])
def test_sklearn_parity_multiclass(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ref, hyp = _random_labels(rng, 40), _random_labels(rng, 40)
    ref[:, 5] = np.nan  # one observation blank everywhere in refs: only present classes count
    enc = lambda a: np.where(np.isnan(a), 9, a).astype(int)  # noqa: E731
    per = np.array(
        [prfs(enc(ref[:, j]), enc(hyp[:, j]), average="macro", zero_division=0)[:3] for j in range(14)]
    )
    s = clinical_scores(ref, hyp, "paper-multiclass")
    assert (s["precision"], s["recall"], s["f1"]) == pytest.approx(tuple(per.mean(axis=0)), abs=1e-6)


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
