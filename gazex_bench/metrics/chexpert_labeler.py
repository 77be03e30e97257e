"""gazex-rules: a regex approximation of the rule-based CheXpert labeler.

This is **not** ``stanfordmlgroup/chexpert-labeler`` (which needs NegBio, the BLLIP
parser and Java, ``metrics.md`` §1.5); it reproduces its stages without a parser and
is named ``gazex-rules (CheXpert-labeler approximation)`` in every result
(:data:`LABELER_METADATA`).

Stages (mirroring the original):

1. **Load** (``loader/load.py``): lower case, ``and/or`` → ``or``, ``x/y`` →
   ``x or y``, ``s/p``/``w/``/``w/o`` expanded, ``vs.`` → ``versus``, whitespace
   collapsed; sentences split at ``.``, ``!``, ``?`` (not inside decimals).
2. **Extract** (``stages/extract.py``): mention phrases per observation, minus
   unmentions (:mod:`.chexpert_rules.phrases`).
3. **Classify** (``stages/classify.py``): per mention, the first pass that fires
   decides: pre-negation uncertainty → negation → post-negation uncertainty →
   positive. Triggers and scopes in :mod:`.chexpert_rules.patterns` (scope = same
   clause; backward triggers only across filler words). Examples: "no effusion or
   pneumothorax" negates both; "cannot exclude pneumonia" is uncertain; "no new
   consolidation" is uncertain (as CheXpert); "heart size is stable" makes
   Cardiomegaly uncertain; "atelectasis or pneumonia" makes both uncertain.
4. **Aggregate** (``stages/aggregate.py``), exactly: one label per observation;
   conflicts {0,-1} → -1 (checked first, so {0,-1,1} → -1 as in the original),
   {0,1} → 1, {-1,1} → 1; a positive/uncertain ``chf``/``heart failure`` adds
   Cardiomegaly -1; No Finding = 1 iff no mention outside Support Devices is
   positive or uncertain (else blank); unmentioned → None.

Values: 1.0 positive, 0.0 negative, -1.0 uncertain, None blank.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from gazex_bench.data.records import CHEXPERT_LABELS
from gazex_bench.metrics.chexpert_rules import patterns as P
from gazex_bench.metrics.chexpert_rules.phrases import (
    ALWAYS_UNCERTAIN,
    CHF_TEXTS,
    MENTION_RE,
    SIZE_TYPE,
    UNMENTION_RE,
)

LABELER_METADATA: dict[str, str] = {
    "labeler": "gazex-rules (CheXpert-labeler approximation)",
    "version": "1",
}

_TOKEN = re.compile(r"\w+|,")
_MAX_BACKWARD_GAP = 8
_MAX_NORMAL_GAP = 3
_MAX_OR_GAP = 4


@dataclass(frozen=True)
class Mention:
    """One classified mention: observation, character span in its sentence, label."""

    observation: str
    start: int
    end: int
    text: str
    label: float


def normalize_report(text: str) -> str:
    """Lower-case and rewrite shorthand the way the original loader does."""
    t = text.lower()
    t = re.sub(r"\bs/p\b", " status post ", t)
    t = re.sub(r"\bw/o\b", " without ", t)
    t = re.sub(r"\bw/", " with ", t)
    t = t.replace("and/or", " or ")
    t = re.sub(r"(?<=\w)/(?=\w)", " or ", t)
    t = re.sub(r"\bvs\b\.?", " versus ", t)
    t = re.sub(r"\be\.g\.|\bi\.e\.", " ", t)
    return re.sub(r"\s+", " ", t).strip()


def split_sentences(text: str) -> list[str]:
    """Sentences of a normalised report (split at . ! ? outside numbers)."""
    parts = re.split(r"(?<!\d)\.(?!\d)|\.(?=\s|$)|[!?]", text)
    return [p.strip() for p in parts if p.strip()]


def find_mentions(sentence: str) -> list[tuple[str, int, int, str]]:
    """All mention matches ``(observation, start, end, text)`` not covered by an unmention."""
    found = []
    for obs, rx in MENTION_RE.items():
        unm = [m.span() for m in UNMENTION_RE[obs].finditer(sentence)] if obs in UNMENTION_RE else []
        for m in rx.finditer(sentence):
            if any(m.start() < ue and m.end() > us for us, ue in unm):
                continue
            found.append((obs, m.start(), m.end(), m.group(0)))
    return sorted(found, key=lambda x: (x[1], x[2]))


class _Sentence:
    """A sentence with its mentions and clause boundaries (the 'parse')."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.mentions = find_mentions(text)
        self.spans = [(s, e) for _, s, e, _ in self.mentions]
        self.breaks = [m.span() for m in P.CLAUSE_BREAK.finditer(text)]
        self.verb_ends = [m.end() for m in P.CLAUSE_END_VERB.finditer(text)]

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """Clause ``[lo, hi)`` around the span ``[start, end)``."""
        lo = max([e for s, e in self.breaks if e <= start] + [v for v in self.verb_ends if v <= start] + [0])
        hi = min([s for s, e in self.breaks if s >= end] + [v for v in self.verb_ends if v >= end] + [len(self.text)])
        return lo, hi

    def gap_ok(self, lo: int, hi: int, max_tokens: int, extra: Iterable[str] = ()) -> bool:
        """True iff ``text[lo:hi]`` holds only filler words / other mentions (≤ max_tokens)."""
        allowed = P.FILLER | frozenset(extra)
        count = 0
        for tok in _TOKEN.finditer(self.text, lo, hi):
            if any(s <= tok.start() < e for s, e in self.spans):
                continue
            count += 1
            if tok.group(0) not in allowed or count > max_tokens:
                return False
        return True

    def after(self, rx: re.Pattern[str], end: int, hi: int) -> bool:
        """A backward trigger after the mention, reachable across filler words."""
        return any(self.gap_ok(end, m.start(), _MAX_BACKWARD_GAP) for m in rx.finditer(self.text, end, hi))


def _or_neighbour(sent: _Sentence, start: int, end: int, lo: int, hi: int) -> bool:
    """'X or Y' / 'X versus Y': another mention joined by or/versus within the clause."""
    for _, s, e, _ in sent.mentions:
        if s >= end and e <= hi:
            gap = (end, s)
        elif e <= start and s >= lo:
            gap = (e, start)
        else:
            continue
        if any(gap[0] <= s2 and e2 <= gap[1] for s2, e2 in sent.spans):
            continue  # only adjacent mentions are conjuncts
        between = sent.text[gap[0] : gap[1]]
        if P.OR_WORD.search(between) and sent.gap_ok(gap[0], gap[1], _MAX_OR_GAP, ("or", "versus")):
            return True
    return False


def _negated(sent: _Sentence, start: int, end: int, lo: int, hi: int) -> bool:
    pre = sent.text[lo:start]
    if P.NEGATION_BEFORE.search(pre):
        return True
    for m in P.NORMAL_BEFORE.finditer(sent.text, lo, start):
        if sent.gap_ok(m.end(), start, _MAX_NORMAL_GAP):
            return True
    return sent.after(P.NEGATION_AFTER, end, hi)


def _post_uncertain(sent: _Sentence, obs: str, span: tuple[int, int, str], lo: int, hi: int) -> bool:
    start, end, text = span
    if P.UNCERTAIN_BEFORE.search(sent.text, lo, start) or sent.after(P.UNCERTAIN_AFTER, end, hi):
        return True
    if obs == "Edema" and ALWAYS_UNCERTAIN.search(text):
        return True
    clause = sent.text[lo:hi]
    if obs in ("Cardiomegaly", "Enlarged Cardiomediastinum") and SIZE_TYPE.search(text):
        if P.STABLE.search(clause) and not P.ENLARGED.search(clause):
            return True
    return _or_neighbour(sent, start, end, lo, hi)


def classify_mention(sent: _Sentence, obs: str, start: int, end: int, text: str) -> float:
    """Label one mention: -1 (uncertain), 0 (negative) or 1 (positive)."""
    lo, hi = sent.clause(start, end)
    if P.PRE_NEG_UNCERTAIN.search(sent.text, lo, start) or sent.after(P.POST_NEG_UNCERTAIN_AFTER, end, hi):
        return -1.0
    if _negated(sent, start, end, lo, hi):
        return 0.0
    if _post_uncertain(sent, obs, (start, end, text), lo, hi):
        return -1.0
    return 1.0


def report_mentions(text: str) -> list[Mention]:
    """Every classified mention of a report, sentence by sentence (for inspection)."""
    out = []
    for sentence in split_sentences(normalize_report(text)):
        sent = _Sentence(sentence)
        for obs, s, e, t in sent.mentions:
            out.append(Mention(obs, s, e, t, classify_mention(sent, obs, s, e, t)))
    return out


def _resolve(values: list[float]) -> float:
    """aggregate.py ``dict_to_vec`` conflict rules (order matters)."""
    if len(values) == 1:
        return values[0]
    if 0.0 in values and -1.0 in values:
        return -1.0
    if 0.0 in values and 1.0 in values:
        return 1.0
    if -1.0 in values and 1.0 in values:
        return 1.0
    return values[0]


def aggregate(mentions: Sequence[Mention]) -> dict[str, float | None]:
    """Combine mention labels into one value per observation (aggregate.py)."""
    per_obs: dict[str, list[float]] = {}
    no_finding = True
    for m in mentions:
        if m.observation != "Support Devices" and m.label in (1.0, -1.0):
            no_finding = False
        if m.observation == "No Finding":
            continue
        if m.label in (1.0, -1.0) and m.text in CHF_TEXTS:
            per_obs.setdefault("Cardiomegaly", []).append(-1.0)
        per_obs.setdefault(m.observation, []).append(m.label)
    if no_finding:
        per_obs["No Finding"] = [1.0]
    return {obs: (_resolve(per_obs[obs]) if obs in per_obs else None) for obs in CHEXPERT_LABELS}


def label_report(text: str) -> dict[str, float | None]:
    """Label one report over the 14 CheXpert observations.

    Returns:
        ``{observation: 1.0 | 0.0 | -1.0 | None}`` in :data:`CHEXPERT_LABELS` order.
    """
    return aggregate(report_mentions(text))


def label_reports(texts: Sequence[str]) -> list[dict[str, float | None]]:
    """Label a batch of reports (see :func:`label_report`)."""
    return [label_report(t) for t in texts]


def label_matrix(texts: Sequence[str]) -> np.ndarray:
    """Labels as a float array ``(n, 14)`` in CHEXPERT_LABELS order, NaN for blank."""
    rows = label_reports(texts)
    return np.array([[np.nan if r[k] is None else r[k] for k in CHEXPERT_LABELS] for r in rows], dtype=float).reshape(
        len(rows), len(CHEXPERT_LABELS)
    )
