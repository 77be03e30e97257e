"""Pure-Python PTB tokenizer vs pycocoevalcap's Java PTBTokenizer (CoreNLP 3.4.1)."""

from __future__ import annotations

import random
import shutil

import pytest

from gazex_bench.metrics.ptb_tokenizer import ptb_tokenize_captions
from gazex_bench.metrics.text_synth import synth_report

EDGE_CASES = [
    "Mild cardiomegaly. Small L pleural effusion, no PTX!",
    "The heart (cardiac silhouette) is [normal] {x} size.",
    "effusion/pneumothorax 3.5cm 4.5 cm 1/2 colour \"quoted\" it's don't",
    "Dr. Smith e.g. p.m. vs. approx. no. 5 T12 C5-6 x-ray 10:30 50% >5 <3 = @ # $5 & * ~ ^ +",
    "something ... and -- dash - here; ok? yes! a.b. U.S. end L.",
    "",
    "No acute process..",
    "\u00e9t\u00e9 na\u00efve \u00b0C \u00bd 2nd 1st.",
    "small L.",
    "The heart",
    "cannot gonna wanna 'tis",
    "etc. The",
    "1 1/2 cm 555 1234 (555) 123-4567 12/03/2010 3-4 cm 3 - 4 cm 2-3mm",
    "T12-L1 C5-C6 left-sided non-specific re-demonstrated post-op anti-inflammatory",
    "heart.size e.g., i.e. the end.",
    "'quoted' word it's they're we've I'll he'd I'm can't won't",
    "<br> <b>bold</b>",
    "IMPRESSION: No acute cardiopulmonary process. FINDINGS: PA and lateral views.",
    "___ year old  _ x __ y",
    "\u201cstable\u201d \u2018x\u2019 \u2013 \u2014 \u2026 \u00b1 \u2265 \u00d7 \u00b5m",
    "Jan. The Mass. mass. PA. Ill. ill. Inc. St. Mary",
    "1.5-2.5 cm -1.5 a/b/c/d AT&T &amp; &lt;",
    "   leading and trailing spaces   ",
    "tab\tseparated\ttext",
]


def _java_tokenize(captions: list[str]) -> list[str]:
    from pycocoevalcap.tokenizer.ptbtokenizer import PTBTokenizer

    out = PTBTokenizer().tokenize({i: [{"caption": c}] for i, c in enumerate(captions)})
    return [out[i][0] for i in range(len(captions))]


@pytest.mark.skipif(shutil.which("java") is None, reason="needs java for the reference PTBTokenizer")
def test_python_ptb_equals_java_on_report_strings() -> None:
    rng = random.Random(2024)
    captions = [synth_report(rng).replace("\n", " ") for _ in range(400)] + EDGE_CASES
    ours = ptb_tokenize_captions(captions)
    ref = _java_tokenize(captions)
    mismatches = [(c, a, b) for c, a, b in zip(captions, ours, ref) if a != b]
    assert not mismatches, mismatches[:5]


def test_ptb_known_answer() -> None:
    # metrics.md §1.1 example run of the jar.
    out = ptb_tokenize_captions(["Mild cardiomegaly. Small L pleural effusion, no PTX!"])
    assert out == ["mild cardiomegaly small l pleural effusion no ptx"]
    # Brackets are lower-cased by the jar before pycocoevalcap filters "-LRB-", so they survive.
    assert ptb_tokenize_captions(["a (b) 4.5 cm"]) == ["a -lrb- b -rrb- 4.5 cm"]
    # A one-letter acronym before a sentence-start word loses its period, even across captions.
    assert ptb_tokenize_captions(["small L.", "The heart"]) == ["small l", "the heart"]
    assert ptb_tokenize_captions(["small L.", "heart"]) == ["small l.", "heart"]
