"""Parity of our BLEU / ROUGE-L / CIDEr-D / METEOR(jar) with pycocoevalcap 1.2 (to 1e-6)."""

from __future__ import annotations

import random
import shutil
import threading

import numpy as np
import pytest

from gazex_bench.metrics.report import score_reports
from gazex_bench.metrics.text_prep import prepare_pairs
from gazex_bench.metrics.text_synth import synth_pairs, synth_report

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


def _cases(n: int, seed: int) -> tuple[dict[str, str], dict[str, list[str]]]:
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


@pytest.mark.parametrize("convention", ["r2gen", "none", "coco"])
def test_bleu_rouge_cider_match_pycocoevalcap(convention: str) -> None:
    preds, refs = _cases(240, seed=11)
    ours = score_reports(preds, refs, convention=convention, meteor="none")
    ref = _reference(preds, refs, convention)
    for k, v in ref.items():
        assert ours.values[k] == pytest.approx(v, abs=1e-6), k


def test_cider_per_sample_and_coco_flow_with_java_tokenizer() -> None:
    if shutil.which("java") is None:
        pytest.skip("needs java")
    from pycocoevalcap.cider.cider import Cider
    from pycocoevalcap.tokenizer.ptbtokenizer import PTBTokenizer

    preds, refs = _cases(200, seed=5)
    tok = PTBTokenizer()
    gts = tok.tokenize({k: [{"caption": r} for r in refs[k]] for k in refs})
    res = tok.tokenize({k: [{"caption": preds[k]}] for k in refs})
    _, per = Cider().compute_score(gts, res)
    ours = score_reports(preds, refs, convention="coco", meteor="none")
    np.testing.assert_allclose(ours.cider.sample_scores(), per, atol=1e-9)


@pytest.fixture(scope="module")
def meteor_process():  # noqa: ANN201 - pytest fixture
    if shutil.which("java") is None:
        pytest.skip("needs java")
    from gazex_bench.metrics.meteor import _get_process

    return _get_process()


class _NoKill:
    class _In:
        def close(self) -> None:
            pass

    stdin = _In()

    def kill(self) -> None:
        pass

    def wait(self) -> None:
        pass


def test_meteor_jar_matches_pycocoevalcap_protocol(meteor_process) -> None:  # noqa: ANN001
    """Our batched protocol vs pycocoevalcap's Meteor.compute_score on the same JVM (one start)."""
    from pycocoevalcap.meteor.meteor import Meteor

    preds, refs = _cases(200, seed=7)
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
