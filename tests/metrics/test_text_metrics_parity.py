"""CIDEr-D per sample through the COCO flow (java PTB tokenizer) vs pycocoevalcap 1.2.

Corpus BLEU / ROUGE-L / CIDEr-D / METEOR parity runs in tests/metrics/harness_report.py.
"""

from __future__ import annotations

import random
import shutil

import numpy as np
import pytest

from gazex_bench.metrics.report import score_reports
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
