"""CheXpert categories of REFLACX finding sentences and generated reports (paper §3.2).

Labeler: the rule-based CheXpert approximation
(:func:`gazex_bench.metrics.chexpert_labeler.label_report`, ``gazex-rules``) — the
categories are fixed when the task data is built, so ``--chexbert`` does not change them.
A text's categories are the observations labelled positive (1) or uncertain (−1),
excluding ``No Finding``. A sentence gets ONE category: the first of its categories in
CheXpert order (so reference and model sentences follow the same rule); a sentence
without a positive/uncertain observation is uncategorised (``None``) and is not matched
in setting 1.
"""

from __future__ import annotations

import re

from gazex_bench.data.records import CHEXPERT_LABELS

LABELER = "gazex-rules (rule-based CheXpert approximation)"
NO_FINDING = "No Finding"
_SPLIT = re.compile(r"(?<!\d)\.(?!\d)|\.(?=\s|$)|[!?\n]")


def categories(text: str) -> frozenset[str]:
    """Positive or uncertain CheXpert observations of ``text`` (``No Finding`` excluded)."""
    from gazex_bench.metrics.chexpert_labeler import label_report

    if not text or not text.strip():
        return frozenset()
    labels = label_report(text)
    return frozenset(k for k, v in labels.items() if k != NO_FINDING and v is not None and v != 0.0)


def sentence_category(sentence: str) -> str | None:
    """The first (CheXpert order) positive/uncertain category of one sentence, or None."""
    cats = categories(sentence)
    return next((c for c in CHEXPERT_LABELS if c in cats), None)


def split_report(text: str) -> list[str]:
    """Sentences of a generated report: split at ``.`` (not inside numbers), ``!``, ``?``, newlines.

    Each sentence is returned in the GazeX finding form: stripped text followed by `` .``.
    """
    parts = [p.strip() for p in _SPLIT.split(text or "")]
    return [f"{p} ." for p in parts if p]
