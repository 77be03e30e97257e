"""Scope computation and the per-mention classification passes of gazex-rules.

A :class:`ParsedSentence` is the labeler's stand-in for the parse: the sentence's
mentions, its hard and soft clause boundaries and its "X is seen" verb ends.
:func:`classify_mention` applies the CheXpert passes in order (see
:mod:`gazex_bench.metrics.chexpert_labeler`); it returns ``None`` when the mention is
dropped (hypothetical context, or a heart / mediastinum structure word with no
predicate). Historical mentions ("prior granulomatous infection") are unmentions in
:mod:`.phrases`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from gazex_bench.metrics.chexpert_rules import patterns as P
from gazex_bench.metrics.chexpert_rules.phrases import ALWAYS_UNCERTAIN, MENTION_RE, SIZE_TYPE, UNMENTION_RE

_TOKEN = re.compile(r"\w+|,")
_MAX_BACKWARD_GAP = 8
_MAX_NORMAL_GAP = 3
_MAX_OR_GAP = 4
_MAX_VERSUS_GAP = 6
_STRUCTURE_OBS = ("Cardiomegaly", "Enlarged Cardiomediastinum")


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


class ParsedSentence:
    """A sentence with its mentions and clause boundaries (the 'parse')."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.mentions = find_mentions(text)
        self.spans = [(s, e) for _, s, e, _ in self.mentions]
        self.hard = [m.span() for m in P.CLAUSE_BREAK.finditer(text)]
        self.soft = [m.span() for m in P.COMMA_MOD.finditer(text)]
        self.verb_ends = [m.end() for m in P.CLAUSE_END_VERB.finditer(text)]

    def clause(self, start: int, end: int, soft: bool = True) -> tuple[int, int]:
        """Clause ``[lo, hi)`` around ``[start, end)``; ``soft=False`` ignores the soft boundaries."""
        breaks = self.hard + (self.soft if soft else [])
        lo = max([e for s, e in breaks if e <= start] + [v for v in self.verb_ends if v <= start] + [0])
        hi = min(
            [s for s, e in breaks if s >= end] + [v for v in self.verb_ends if v >= end] + [len(self.text)]
        )
        return lo, hi

    def gap_ok(self, lo: int, hi: int, max_tokens: int, extra: Iterable[str] = (), foreign: int = 0) -> bool:
        """True iff ``text[lo:hi]`` holds only filler words / other mentions (≤ max_tokens, ≤ ``foreign`` others)."""
        allowed = P.FILLER | frozenset(extra)
        count = other = 0
        for tok in _TOKEN.finditer(self.text, lo, hi):
            if any(s <= tok.start() < e for s, e in self.spans):
                continue
            count += 1
            other += tok.group(0) not in allowed
            if other > foreign or count > max_tokens:
                return False
        return True

    def after(self, rx: re.Pattern[str], end: int, hi: int, foreign: int = 0, comma: bool = True) -> bool:
        """A backward trigger after the mention, reachable across filler words (and bare commas iff ``comma``)."""
        for m in rx.finditer(self.text, end, hi):
            gap = self.text[end : m.start()]
            if not comma and re.search(r",(?!\s*(?:or|and|nor)\b)", gap):
                continue
            if self.gap_ok(end, m.start(), _MAX_BACKWARD_GAP, foreign=foreign):
                return True
        return False

    def negation_clause(self, start: int, end: int) -> tuple[int, int]:
        """Clause for negation: a list "no A, B, or C" closed by or/nor is one scope despite soft boundaries."""
        lo, hi = self.clause(start, end)
        hlo, hhi = self.clause(start, end, soft=False)
        if (lo, hi) == (hlo, hhi):
            return lo, hi
        neg = [m for m in P.NEGATION_BEFORE.finditer(self.text, hlo, start)]
        if neg and P.LIST_CLOSE.search(self.text, neg[0].end(), hhi):
            return hlo, hhi
        return lo, hi


def _or_neighbour(sent: ParsedSentence, start: int, end: int, lo: int, hi: int) -> bool:
    """'X or Y': another mention joined by or within the clause (post-negation 'XXX or YYY')."""
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
        if P.OR_WORD.search(between) and sent.gap_ok(
            gap[0], gap[1], _MAX_OR_GAP, ("or", "versus"), foreign=2
        ):
            return True
    return False


def _versus(sent: ParsedSentence, start: int, end: int, lo: int, hi: int) -> bool:
    """'X versus Y' / 'Y versus X' within a few words, whatever Y is (issue #18)."""
    for m in P.VERSUS.finditer(sent.text, lo, hi):
        gap = (end, m.start()) if m.start() >= end else (m.end(), start) if m.end() <= start else None
        if gap is None or any(gap[0] <= s and e <= gap[1] for s, e in sent.spans):
            continue  # only the nearest mention on each side is an alternative
        toks = _TOKEN.findall(sent.text, *gap)
        if "," not in toks and len(toks) <= _MAX_VERSUS_GAP:
            return True
    return False


def _negated(sent: ParsedSentence, start: int, end: int) -> bool:
    lo, hi = sent.negation_clause(start, end)
    if P.NEGATION_BEFORE.search(sent.text[lo:start]):
        return True
    clo, chi = sent.clause(start, end)
    for m in P.NORMAL_BEFORE.finditer(sent.text, clo, start):
        if sent.gap_ok(m.end(), start, _MAX_NORMAL_GAP):
            return True
    return sent.after(P.NEGATION_AFTER, end, chi, foreign=P.MAX_FOREIGN)


def _uncertain(sent: ParsedSentence, obs: str, start: int, end: int, text: str) -> bool:
    lo, hi = sent.clause(start, end)
    if P.UNCERTAIN_BEFORE.search(sent.text, lo, start) or sent.after(P.UNCERTAIN_AFTER, end, hi):
        return True
    if obs == "Edema" and ALWAYS_UNCERTAIN.search(text):
        return True
    return _versus(sent, start, end, lo, hi) or _or_neighbour(sent, start, end, lo, hi)


def _structure(sent: ParsedSentence, start: int, end: int) -> float | None:
    """Heart / mediastinum structure word: 0 normal, -1 stable, None no finding stated, NaN go on."""
    lo, hi = sent.clause(start, end)
    clause = sent.text[lo:hi]
    abnormal = P.ABNORMAL_SIZE.search(clause)
    if P.NORMAL_STATEMENT.search(clause) and not abnormal:
        return 0.0
    if abnormal:
        return float("nan")
    if _negated(sent, start, end):
        return 0.0
    if P.STABLE.search(clause) or sent.after(P.UNCERTAIN_AFTER, end, hi):
        return -1.0
    return None


def _dropped(sent: ParsedSentence, start: int, end: int) -> bool:
    """Hypothetical context (ConText 'hypothetical'): "if concern for X", "X may not be demonstrated"."""
    lo, hi = sent.clause(start, end, soft=False)
    if P.HYPOTHETICAL_BEFORE.search(sent.text, 0 if P.IF_START.match(sent.text) else lo, start):
        return True
    return sent.after(P.HYPOTHETICAL_AFTER, end, hi)


def classify_mention(sent: ParsedSentence, obs: str, start: int, end: int, text: str) -> float | None:
    """Label one mention: -1 (uncertain), 0 (negative), 1 (positive) or None (dropped)."""
    if _dropped(sent, start, end):
        return None
    lo, hi = sent.clause(start, end)
    if P.PRE_NEG_UNCERTAIN.search(sent.text, lo, start) or sent.after(
        P.POST_NEG_UNCERTAIN_AFTER, end, hi, comma=False
    ):
        return -1.0
    if obs in _STRUCTURE_OBS and SIZE_TYPE.search(text):
        verdict = _structure(sent, start, end)
        if verdict is None or verdict == verdict:  # None or a number, not NaN
            return verdict
    if _negated(sent, start, end):
        return 0.0
    return -1.0 if _uncertain(sent, obs, start, end, text) else 1.0
