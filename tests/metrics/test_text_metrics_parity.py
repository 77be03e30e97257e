"""CIDEr-D per sample through the COCO flow (java PTB tokenizer) vs pycocoevalcap 1.2.

Corpus BLEU / ROUGE-L / CIDEr-D / METEOR parity runs in tests/metrics/harness_report.py.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from harness_report import report_cases

from gazex_bench.metrics.report import score_reports


def test_cider_per_sample_and_coco_flow_with_java_tokenizer() -> None:
    if shutil.which("java") is None:
        pytest.skip("needs java")
    from pycocoevalcap.cider.cider import Cider
    from pycocoevalcap.tokenizer.ptbtokenizer import PTBTokenizer

    preds, refs = report_cases(200, seed=5)
    tok = PTBTokenizer()
    gts = tok.tokenize({k: [{"caption": r} for r in refs[k]] for k in refs})
    res = tok.tokenize({k: [{"caption": preds[k]}] for k in refs})
    _, per = Cider().compute_score(gts, res)
    ours = score_reports(preds, refs, convention="coco", meteor="none")
    np.testing.assert_allclose(ours.cider.sample_scores(), per, atol=1e-9)
