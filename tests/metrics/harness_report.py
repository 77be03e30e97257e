"""Harness entries of the report metrics: BLEU-1..4, ROUGE-L, CIDEr-D, METEOR, clinical efficacy.

Known answers cite pycocoevalcap 1.2 bleu_scorer.py (small=1e-9, tiny=1e-15, 'closest'), rouge.py
(beta=1.2, split(" ")), cider_scorer.py (idf = log N - log df); nltk meteor_score (alpha .9, beta 3,
gamma .5); RGRG compute_micro_average_CE_scores / compute_example_based_CE_scores, R2Gen compute_ce.py,
PromptMRG metrics_clinical.py (metrics.md §1.4). References: pycocoevalcap 1.2 (BLEU, ROUGE-L,
CIDEr-D, METEOR 1.5 jar) and sklearn.metrics.precision_recall_fscore_support (zero_division=1 under the
empty-set rule, 0 for r2gen-mlc).
"""

from __future__ import annotations

import math
import random
import shutil
import threading

import numpy as np
import pytest
from sklearn.metrics import precision_recall_fscore_support as prfs

from gazex_bench.data.records import CHEXPERT_LABELS
from gazex_bench.metrics.clinical import MIC5_LABELS, binarize, clinical_scores
from gazex_bench.metrics.meteor import _get_process
from gazex_bench.metrics.registry import CE_CONVENTIONS, CE_MULTICLASS, ce_key
from gazex_bench.metrics.report import ReportScores, score_reports
from gazex_bench.metrics.text_prep import prepare_pairs
from gazex_bench.metrics.text_synth import synth_pairs, synth_report

IDX5 = [CHEXPERT_LABELS.index(k) for k in MIC5_LABELS]
CONVENTIONS_TESTED = ("r2gen", "none", "coco")
"""Text preprocessing conventions the NLG reference comparison runs under."""


def _score(hyp: str, refs: list[str] | str, convention: str = "none") -> ReportScores:
    return score_reports({"a": hyp}, {"a": refs}, convention=convention, meteor="none")


def _nlg_identical() -> None:
    s = _score("the heart is normal", ["the heart is normal"])
    # correct = guess = [4, 3, 2, 1]: each precision (c + 1e-15) / (c + 1e-9) ~ 1 - 1e-9 / c.
    for k in range(1, 5):
        assert s.values[f"bleu{k}"] == pytest.approx(1.0, abs=1e-8)
    # LCS = 4 -> P = R = 1 -> F = (1 + 1.44) * 1 * 1 / (1 + 1.44 * 1) = 1.
    assert s.values["rouge_l"] == 1.0
    # One sample: idf = log(N=1) - log(df=1) = 0 for every n-gram -> CIDEr-D = 0 (pycocoevalcap quirk).
    assert s.values["cider_d"] == 0.0


def _nlg_one_word() -> None:
    s = _score("effusion", ["effusion"])
    # guess = [1, 0, 0, 0]: p1 = (1 + 1e-15)/(1 + 1e-9) ~ 1; p2..p4 = 1e-15 / 1e-9 = 1e-6.
    assert s.values["bleu1"] == pytest.approx(1.0, abs=1e-8)
    assert s.values["bleu2"] == pytest.approx(1e-3, rel=1e-6)  # (1 * 1e-6) ** (1/2)
    assert s.values["bleu3"] == pytest.approx(1e-4, rel=1e-6)  # (1e-12) ** (1/3)
    assert s.values["bleu4"] == pytest.approx(10**-4.5, rel=1e-6)  # (1e-18) ** (1/4)
    assert s.values["rouge_l"] == 1.0


def _nlg_multiple_references() -> None:
    s = _score("heart size normal", ["heart size is normal", "normal heart"])
    # closest ref length: |4-3| = |2-3| = 1 -> tie -> shorter (2); ratio 3/2 >= 1 -> no BP.
    # unigrams 3/3 clipped by max ref counts; bigrams: "heart size" yes, "size normal" no -> 1/2.
    assert s.values["bleu1"] == pytest.approx(1.0, abs=1e-8)
    assert s.values["bleu2"] == pytest.approx(math.sqrt(0.5), abs=1e-8)
    # ref1: LCS 3 -> P = 1, R = 3/4; ref2: LCS 1 -> P = 1/3, R = 1/2; Pmax = 1, Rmax = .75
    # F = 2.44 * 1 * .75 / (.75 + 1.44 * 1) = 1.83 / 2.19.
    assert s.values["rouge_l"] == pytest.approx(1.83 / 2.19, abs=1e-12)


def known_meteor_nltk() -> None:
    from gazex_bench.metrics.meteor import meteor_nltk

    # 'enlarged' / 'big': nltk stems unmatched words before the WordNet lookup ('enlarg'), so no
    # synonym match: 2/3 exact matches, P = R = 2/3 -> Fmean = 2/3; 'heart is' is 1 chunk of
    # 2 matches -> frag = 1/2
    # -> penalty = 0.5 * (1/2)^3 = 0.0625 -> 2/3 * (1 - 0.0625) = 0.625.
    r = meteor_nltk(["heart is enlarged"], [["heart is big"]])
    assert r.per_sample[0] == pytest.approx(0.625, abs=1e-9)
    # stack.md's 0.736 is the 4-token variant: 3/4 exact, one chunk -> frag 1/3
    # -> 0.75 * (1 - 0.5/27) = 0.736111...
    r = meteor_nltk(["the heart is large"], [["the heart is big"]])
    assert r.per_sample[0] == pytest.approx(0.75 * (1 - 0.5 / 27), abs=1e-9)
    # 'ill' / 'sick' survive stemming and share synset ill.s.01 -> 3 matches, 1 chunk
    # -> frag 1/3 -> 1 * (1 - 0.5/27) = 0.98148...  (proves WordNet is loaded and used)
    r = meteor_nltk(["patient is ill"], [["patient is sick"]])
    assert r.per_sample[0] == pytest.approx(1 - 0.5 / 27, abs=1e-9)
    assert r.implementation == "nltk"


EDGE = [
    ("", ["heart normal"]),
    ("heart normal", ["heart normal"]),
    ("a b c d", ["e f g h"]),
    ("effusion", ["effusion"]),
    ("no  double  spaces", ["no double spaces"]),
    ("\u00e9panchement pleural", ["\u00e9panchement pleural droit", "pleural"]),
    ("heart size normal", ["heart size is normal", "normal heart"]),
    ("the the the the", ["the cat", "the the dog"]),
]


def report_cases(n: int, seed: int) -> tuple[dict[str, str], dict[str, list[str]]]:
    preds, refs = synth_pairs(n, seed=seed, n_refs=1)
    rng = random.Random(seed)
    for k in list(refs)[: n // 3]:  # a third of the samples get 2-3 references
        refs[k] = refs[k] + [synth_report(rng) for _ in range(rng.randint(1, 2))]
    for i, (h, rs) in enumerate(EDGE):
        preds[f"edge{i}"], refs[f"edge{i}"] = h, list(rs)
    return preds, refs


def _reference(preds: dict[str, str], refs: dict[str, list[str]], convention: str) -> dict[str, float]:
    from pycocoevalcap.bleu.bleu import Bleu
    from pycocoevalcap.cider.cider import Cider
    from pycocoevalcap.rouge.rouge import Rouge

    ids = list(refs)
    hyps, rls = prepare_pairs([preds[i] for i in ids], [refs[i] for i in ids], convention)
    gts = {i: rls[k] for k, i in enumerate(ids)}
    res = {i: [hyps[k]] for k, i in enumerate(ids)}
    b, _ = Bleu(4).compute_score(gts, res, verbose=0)
    out = {f"bleu{k + 1}": b[k] for k in range(4)}
    out["rouge_l"] = Rouge().compute_score(gts, res)[0]
    out["cider_d"] = Cider().compute_score(gts, res)[0]
    return out


def _nlg_pycocoevalcap_convention(convention: str, n: int, seed: int) -> None:
    preds, refs = report_cases(n, seed=seed)
    ours = score_reports(preds, refs, convention=convention, meteor="none")
    ref = _reference(preds, refs, convention)
    for k, v in ref.items():
        assert ours.values[k] == pytest.approx(v, abs=1e-6), k


class _NoKill:
    class _In:
        def close(self) -> None:
            pass

    stdin = _In()

    def kill(self) -> None:
        pass

    def wait(self) -> None:
        pass


def _meteor_jar_pycocoevalcap(n: int, seed: int) -> None:
    """Our batched protocol vs pycocoevalcap's Meteor.compute_score on the same JVM (one start)."""
    from pycocoevalcap.meteor.meteor import Meteor

    if shutil.which("java") is None:
        pytest.skip("METEOR 1.5 jar reference needs java")
    meteor_process = _get_process()
    preds, refs = report_cases(n, seed=seed)
    ours = score_reports(preds, refs, convention="r2gen", meteor="jar")
    ids = list(refs)
    hyps, rls = prepare_pairs([preds[i] for i in ids], [refs[i] for i in ids], "r2gen")
    ref_meteor = Meteor.__new__(Meteor)
    ref_meteor.meteor_p, ref_meteor.lock = meteor_process.proc, threading.Lock()
    try:
        score, per = ref_meteor.compute_score(
            {i: rls[k] for k, i in enumerate(ids)}, {i: [hyps[k]] for k, i in enumerate(ids)}
        )
    finally:
        ref_meteor.meteor_p = _NoKill()
    assert ours.values["meteor"] == pytest.approx(score, abs=1e-6)
    np.testing.assert_allclose(ours.meteor.per_sample, per, atol=1e-6)
    assert ours.meta()["meteor"] == "METEOR (meteor-1.5-jar)"


IDX5 = [CHEXPERT_LABELS.index(k) for k in MIC5_LABELS]


def _random_labels(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.choice([1.0, 0.0, -1.0, np.nan], size=(n, 14), p=[0.3, 0.2, 0.15, 0.35])


def _ce_mic5() -> None:
    # Two reports; only Cardiomegaly and Edema non-blank.
    # ref CM [1, 0], hyp CM [-1, 1]: unc->pos => tp=1 (r0), fp=1 (r1)
    # ref ED [-1, nan], hyp ED [nan, nan]: ref unc->pos => fn=1 (r0)
    # micro: P = 1/(1+1) = 0.5, R = 1/(1+1) = 0.5, F1 = 2*1/(2+1+1) = 0.5
    refs = [{"Cardiomegaly": 1.0, "Edema": -1.0}, {"Cardiomegaly": 0.0}]
    hyps = [{"Cardiomegaly": -1.0}, {"Cardiomegaly": 1.0}]
    s = clinical_scores(refs, hyps, "mic5-unc-pos")
    assert s == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5})


def _ce_ex14() -> None:
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


def _ce_paper_pos_13() -> None:
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


def _ce_multiclass() -> None:
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


def _ce_sklearn_binary(seed: int) -> None:
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


def _ce_sklearn_multiclass(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ref, hyp = _random_labels(rng, 40), _random_labels(rng, 40)
    ref[:, 5] = np.nan  # one observation blank everywhere in refs: only present classes count
    enc = lambda a: np.where(np.isnan(a), 9, a).astype(int)  # noqa: E731
    per = np.array(
        [prfs(enc(ref[:, j]), enc(hyp[:, j]), average="macro", zero_division=0)[:3] for j in range(14)]
    )
    s = clinical_scores(ref, hyp, "paper-multiclass")
    assert (s["precision"], s["recall"], s["f1"]) == pytest.approx(tuple(per.mean(axis=0)), abs=1e-6)


def known_nlg() -> None:
    """BLEU-1..4, ROUGE-L and CIDEr-D on hand-worked single-sample cases."""
    _nlg_identical()
    _nlg_one_word()
    _nlg_multiple_references()


def reference_nlg(seed: int) -> None:
    """pycocoevalcap Bleu(4) / Rouge / Cider vs ours to 1e-6 under every text convention (plus edge cases)."""
    n, s = (240, 11) if seed == 0 else (60, 11 + seed)  # seed 0: the original 240-sample draw
    for convention in CONVENTIONS_TESTED:
        _nlg_pycocoevalcap_convention(convention, n, s)


def reference_meteor(seed: int) -> None:
    """METEOR 1.5 jar through our batched protocol vs pycocoevalcap's Meteor on the same JVM."""
    n, s = (200, 7) if seed == 0 else (40, 7 + seed)
    _meteor_jar_pycocoevalcap(n, s)


def known_clinical() -> None:
    """Clinical-efficacy P/R/F1 (and accuracy) on hand-counted reports, one case per convention."""
    _ce_mic5()
    _ce_ex14()
    _ce_paper_pos_13()
    _ce_multiclass()


def reference_clinical(seed: int) -> None:
    """sklearn precision_recall_fscore_support on random label matrices (binary and 4-class conventions)."""
    _ce_sklearn_binary(seed)
    _ce_sklearn_multiclass(seed + 3)


CE_KEYS = tuple(ce_key(p, c) for c in CE_CONVENTIONS for p in ("precision", "recall", "f1")) + tuple(
    ce_key(p, CE_MULTICLASS) for p in ("precision", "recall", "f1", "accuracy")
)

REPORT_ENTRIES = [
    (
        "nlg",
        ("bleu1", "bleu2", "bleu3", "bleu4", "rouge_l", "cider_d"),
        known_nlg,
        reference_nlg,
        "pycocoevalcap 1.2 (Bleu, Rouge, Cider)",
        "",
    ),
    ("meteor", ("meteor",), known_meteor_nltk, reference_meteor, "pycocoevalcap 1.2 Meteor (jar)", ""),
    (
        "clinical",
        CE_KEYS,
        known_clinical,
        reference_clinical,
        "scikit-learn precision_recall_fscore_support",
        "",
    ),
]
