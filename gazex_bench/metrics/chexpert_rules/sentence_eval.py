"""Sentence-level evaluation of a CheXpert-style labeler against hand labels.

Fixture format (``tests/fixtures/chexpert_sentences.tsv``,
``tests/fixtures/labeler/iu_sentences_*.tsv``): ``sentence<TAB>labels[<TAB>source id]``;
``labels`` is ``KEY=V; KEY=V`` with ``V`` in ``1`` / ``0`` / ``-1`` (every observation not
listed is blank) or ``-`` (all blank); ``#`` lines are comments.

Scores per class and per label value ``v`` (1 positive, 0 negative, -1 uncertain): the
sentence is a reference case when its hand label is ``v`` and a call when the labeler
says ``v``; F1 = 2·TP / (2·TP + FP + FN) (the per-class, per-mention-type F1 of the
CheXbert paper, Smit et al. 2020, §4). "Positive F1" (``v = 1``) is the number the
issue-#18 thresholds apply to.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gazex_bench.data.records import CHEXPERT_LABELS
from gazex_bench.errors import DataFormatError

ABBR: dict[str, str] = {
    "ECM": "Enlarged Cardiomediastinum",
    "CM": "Cardiomegaly",
    "LO": "Lung Opacity",
    "LL": "Lung Lesion",
    "ED": "Edema",
    "CO": "Consolidation",
    "PNA": "Pneumonia",
    "ATL": "Atelectasis",
    "PTX": "Pneumothorax",
    "EFF": "Pleural Effusion",
    "PO": "Pleural Other",
    "FX": "Fracture",
    "SD": "Support Devices",
    "NF": "No Finding",
}
"""Fixture keys → CheXpert observation names."""

Labels = dict[str, float | None]


@dataclass(frozen=True)
class LabelledSentence:
    """One hand-labelled sentence: text, the 14 labels, its source id and fixture line."""

    text: str
    labels: Labels
    source: str
    line: int


def _parse_labels(path: Path, lineno: int, field: str) -> Labels:
    out: Labels = {k: None for k in CHEXPERT_LABELS}
    if field.strip() == "-":
        return out
    for item in field.split(";"):
        key, sep, value = item.strip().partition("=")
        if not sep or key not in ABBR or value not in ("1", "0", "-1"):
            raise DataFormatError(
                path, f"bad label item {item.strip()!r} (want KEY=1|0|-1)", row=lineno, field="labels"
            )
        out[ABBR[key]] = float(value)
    return out


def read_sentences(path: Path) -> list[LabelledSentence]:
    """Read a labelled-sentence fixture (see the module docstring).

    Raises:
        DataFormatError: a line without a tab or with a bad label item (names file and line).
    """
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise DataFormatError(path, "expected sentence<TAB>labels", row=lineno, field="labels")
        source = parts[2] if len(parts) > 2 else ""
        rows.append(LabelledSentence(parts[0], _parse_labels(path, lineno, parts[1]), source, lineno))
    return rows


@dataclass(frozen=True)
class ValueScore:
    """Counts of one (class, label value) pair and its F1 (NaN with no reference and no call)."""

    cls: str
    value: float
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        """Reference cases (hand label equal to ``value``)."""
        return self.tp + self.fn

    @property
    def f1(self) -> float:
        d = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / d if d else float("nan")


def score_sentences(
    rows: Sequence[LabelledSentence], labeler: Callable[[list[str]], list[Labels]]
) -> dict[tuple[str, float], ValueScore]:
    """Per class and label value (1, 0, -1) counts of ``labeler`` against the hand labels."""
    calls = labeler([r.text for r in rows])
    out = {}
    for cls in CHEXPERT_LABELS:
        for v in (1.0, 0.0, -1.0):
            tp = fp = fn = 0
            for row, got in zip(rows, calls):
                ref, said = row.labels[cls] == v, got.get(cls) == v
                tp += ref and said
                fp += said and not ref
                fn += ref and not said
            out[(cls, v)] = ValueScore(cls, v, tp, fp, fn)
    return out


def exact_rate(rows: Sequence[LabelledSentence], labeler: Callable[[list[str]], list[Labels]]) -> float:
    """Share of sentences whose 14 labels all match."""
    calls = labeler([r.text for r in rows])
    return sum(all(g.get(k) == r.labels[k] for k in CHEXPERT_LABELS) for r, g in zip(rows, calls)) / max(
        len(rows), 1
    )
