"""Measure medspacy ConText and negspacy NegEx as the negation/uncertainty stage of gazex-rules.

Issue #18 asked to weigh these libraries before writing scope rules by hand. This script keeps
gazex-rules' mention extraction, sentence split and CheXpert aggregation, hands each sentence
to a blank spaCy English pipeline (``spacy.blank("en")``: no model download) with the mentions
as entities, and takes the mention label from

* ``context``: medspacy's ConText with its default rule set (negated → 0; possible or
  hypothetical → -1; else 1);
* ``negex``: negspacy's NegEx with the ``en_clinical`` termset (negated → 0, else 1);

then scores both and gazex-rules itself on the hand-labelled IU sentences
(:mod:`gazex_bench.metrics.chexpert_rules.sentence_eval`).

Needs ``spacy``, ``medspacy`` and ``negspacy``, which are not project dependencies (medspacy
1.3.1 pins numpy < 2): run it from a separate virtual environment, e.g.
``python -m venv /tmp/ctx && /tmp/ctx/bin/pip install medspacy negspacy`` then
``PYTHONPATH=. /tmp/ctx/bin/python scripts/labeler_vs_context.py``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from gazex_bench.data.records import CHEXPERT_LABELS
from gazex_bench.metrics.chexpert_labeler import (
    Mention,
    aggregate,
    find_mentions,
    label_reports,
    normalize_report,
    split_sentences,
)
from gazex_bench.metrics.chexpert_rules.sentence_eval import exact_rate, read_sentences, score_sentences

FIX = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "labeler"


def _pipeline(kind: str) -> tuple[object, Callable[[object], float]]:
    import spacy

    nlp = spacy.blank("en")
    if kind == "context":
        import medspacy.context  # noqa: F401  (registers the medspacy_context factory)

        nlp.add_pipe("medspacy_context", config={"rules": "default"})
        return (
            nlp,
            lambda e: 0.0 if e._.is_negated else -1.0 if (e._.is_uncertain or e._.is_hypothetical) else 1.0,
        )
    from negspacy.negation import Negex  # noqa: F401  (registers the negex factory)
    from negspacy.termsets import termset

    nlp.add_pipe("negex", config={"neg_termset": termset("en_clinical").get_patterns(), "ent_types": ["M"]})
    return nlp, lambda e: 0.0 if e._.negex else 1.0


def _sentence_mentions(nlp: object, value: Callable[[object], float], sentence: str) -> list[Mention]:
    doc = nlp.make_doc(sentence)  # type: ignore[attr-defined]
    ents, keep = [], []
    for obs, a, b, t in find_mentions(sentence):
        span = doc.char_span(a, b, label="M", alignment_mode="expand")
        if span is None:
            continue
        hit = next((o for o in ents if span.start < o.end and o.start < span.end), None)
        if hit is None:
            ents.append(span)
            hit = span
        keep.append((obs, a, b, t, hit))
    for i, tok in enumerate(doc):
        tok.is_sent_start = i == 0
    doc.ents = ents
    for _, proc in nlp.pipeline:  # type: ignore[attr-defined]
        doc = proc(doc)
    by_span = {(e.start, e.end): value(e) for e in doc.ents}
    return [Mention(o, a, b, t, by_span.get((h.start, h.end), 1.0)) for o, a, b, t, h in keep]


def library_labeler(kind: str) -> Callable[[list[str]], list[dict[str, float | None]]]:
    """A batch labeler: gazex-rules mentions + aggregation, ``kind`` (context | negex) for the labels."""
    nlp, value = _pipeline(kind)

    def run(texts: list[str]) -> list[dict[str, float | None]]:
        out = []
        for text in texts:
            ms = [
                m for s in split_sentences(normalize_report(text)) for m in _sentence_mentions(nlp, value, s)
            ]
            out.append(aggregate(ms))
        return out

    return run


def main() -> int:
    rows = read_sentences(FIX / "iu_sentences_dev.tsv") + read_sentences(FIX / "iu_sentences_heldout.tsv")
    labelers = {
        "gazex-rules": label_reports,
        "ConText": library_labeler("context"),
        "NegEx": library_labeler("negex"),
    }
    scores = {k: score_sentences(rows, f) for k, f in labelers.items()}
    print(f"{len(rows)} IU sentences; per class F1 positive / negative / uncertain")
    print(f"{'class':<27s}" + "".join(f"{k:>22s}" for k in labelers))
    for c in CHEXPERT_LABELS:
        cells = [
            f"{scores[k][(c, 1.0)].f1:.2f}/{scores[k][(c, 0.0)].f1:.2f}/{scores[k][(c, -1.0)].f1:.2f}"
            for k in labelers
        ]
        print(f"{c:<27s}" + "".join(f"{x:>22s}" for x in cells))
    print(
        f"{'all 14 exactly right':<27s}" + "".join(f"{exact_rate(rows, f):>22.3f}" for f in labelers.values())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
