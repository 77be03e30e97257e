"""Known-answer edge cases of the report metrics and the R2Gen cleaning quirks (the metrics' main known
answers: tests/metrics/harness_report.py).

Sources: pycocoevalcap 1.2 bleu_scorer.py (small=1e-9, tiny=1e-15, 'closest'),
rouge.py (beta=1.2, split(" ")), cider_scorer.py (idf = log N - log df);
R2Gen modules/tokenizers.py (metrics.md §1.2); nltk meteor_score (alpha .9, beta 3, gamma .5).
"""

from __future__ import annotations

import math

import pytest

from gazex_bench.errors import UsageError
from gazex_bench.metrics.report import score_reports
from gazex_bench.metrics.text_prep import clean_report_iu_xray, clean_report_mimic_cxr


def _score(hyp: str, refs: list[str] | str, **kw: str):  # noqa: ANN202
    return score_reports({"a": hyp}, {"a": refs}, convention=kw.get("convention", "none"), meteor="none")


def test_empty_prediction() -> None:
    s = _score("", ["heart normal"])
    # testlen 0: ratio = 1e-15 / (2 + 1e-9) < 1 -> BP = exp(1 - 2e15) = 0 -> every BLEU is 0.
    assert all(s.values[f"bleu{k}"] == 0.0 for k in range(1, 5))
    # "".split(" ") == [""]: LCS 0 -> F = 0.
    assert s.values["rouge_l"] == 0.0
    assert s.values["cider_d"] == 0.0


def test_no_overlap() -> None:
    s = _score("a b c d", ["e f g h"])
    # correct = 0, guess = 4: BLEU-1 = 1e-15 / (4 + 1e-9) = 2.5e-16; ratio 1 -> no BP.
    assert s.values["bleu1"] == pytest.approx(2.5e-16, rel=1e-6)
    assert s.values["rouge_l"] == 0.0


def test_unicode_text() -> None:
    s = _score("\u00e9panchement pleural", ["\u00e9panchement pleural"])
    assert s.values["rouge_l"] == 1.0
    assert s.values["bleu2"] == pytest.approx(1.0, abs=1e-8)


def test_missing_ids_raise() -> None:
    with pytest.raises(UsageError, match="without prediction: b"):
        score_reports({"a": "x"}, {"a": "x", "b": "y"}, meteor="none")
    with pytest.raises(UsageError, match="without reference: c"):
        score_reports({"a": "x", "c": "z"}, {"a": "x"}, meteor="none")
    with pytest.raises(UsageError, match="string"):
        score_reports({"a": 3}, {"a": "x"}, meteor="none")  # type: ignore[dict-item]


def test_empty_input_is_nan() -> None:
    s = score_reports({}, {}, meteor="none")
    assert all(math.isnan(v) for v in s.values.values())


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        # decimals lose their point: '.' is in the deleted class.
        ("The heart is normal. 4.5 cm nodule.", "the heart is normal . 45 cm nodule ."),
        # '/' deleted without a space.
        ("No effusion/pneumothorax.", "no effusionpneumothorax ."),
        # ':-\[' is a range ':'..'[' -> < = > ? @ also deleted (spaces stay).
        ("a < b = c > d ? e @ f", "a  b  c  d  e  f ."),
        # '___' -> '_' (MIMIC '__' collapsing) -> deleted by the class.
        ("Seen on ___ today", "seen on  today ."),
        # empty input -> ' .'.
        ("", " ."),
        # empty sentences survive (the `!= []` filter never fires).
        ("Normal. . Clear.", "normal .  . clear ."),
        # list numbering removed.
        ("1. Normal heart. 2. Clear lungs.", "normal heart . clear lungs ."),
        # quotes, backslash and apostrophes removed; newline -> space.
        ('It\'s "stable"\nback\\slash', "its stable backslash ."),
    ],
)
def test_r2gen_mimic_cleaning_quirks(raw: str, cleaned: str) -> None:
    assert clean_report_mimic_cxr(raw) == cleaned


def test_r2gen_iu_cleaning_differs_on_newlines_and_blanks() -> None:
    # IU variant has no '\n' -> ' ' and no '__' collapsing; '_' still deleted by the class.
    assert clean_report_iu_xray("a __ b") == "a  b ."
    assert clean_report_iu_xray("Normal.\nClear.") == "normal\nclear ."
