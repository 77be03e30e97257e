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
3. **Classify** (``stages/classify.py``, :mod:`.chexpert_rules.scope`): per mention,
   the first pass that fires decides: hypothetical (dropped) → pre-negation
   uncertainty → heart / mediastinum structure words (normal statement 0, stable
   -1, no predicate dropped) → negation → post-negation uncertainty → positive.
   Triggers in :mod:`.chexpert_rules.patterns`; scope = the clause, a negated list
   closed by or/nor counting as one clause; backward triggers only across filler
   words. Examples: "no focal consolidation, large effusion or pneumothorax" negates
   all three; "cannot exclude pneumonia" and "no new consolidation" are uncertain
   (as CheXpert); "heart size is stable" makes Cardiomegaly uncertain, "within normal
   limits for size and contour" negative; "atelectasis versus scarring" is uncertain.
4. **Aggregate** (``stages/aggregate.py``), exactly: one label per observation;
   conflicts {0,-1} → -1 (checked first, so {0,-1,1} → -1 as in the original),
   {0,1} → 1, {-1,1} → 1; a positive/uncertain ``chf``/``heart failure`` adds
   Cardiomegaly -1; No Finding = 1 iff no mention outside Support Devices is
   positive or uncertain (else blank); unmentioned → None.

Values: 1.0 positive, 0.0 negative, -1.0 uncertain, None blank.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from gazex_bench.data.records import CHEXPERT_LABELS
from gazex_bench.metrics.chexpert_rules.phrases import CHF_TEXTS
from gazex_bench.metrics.chexpert_rules.scope import ParsedSentence, classify_mention, find_mentions

LABELER_VERSION = "2.0"
"""Version of the rule set; printed in every CE table's convention string (``gazex-rules v2.0``)."""

LABELER_METADATA: dict[str, str] = {
    "labeler": "gazex-rules (CheXpert-labeler approximation)",
    "version": LABELER_VERSION,
    "rules": "CheXpert mention/unmention lists; hypothetical, pre-negation uncertainty, negation, "
    "post-negation uncertainty over clause scopes; normal statements about heart/mediastinum negative; "
    "CheXpert aggregation (No Finding only without positive/uncertain non-device mentions)",
    "evaluation": "docs/labeler.md (hand-labelled IU X-ray sentences; Open-i MeSH comparison)",
}

__all__ = [
    "LABELER_METADATA",
    "LABELER_VERSION",
    "Mention",
    "ParsedSentence",
    "aggregate",
    "classify_mention",
    "find_mentions",
    "label_matrix",
    "label_report",
    "label_reports",
    "normalize_report",
    "report_mentions",
    "sentence_mentions",
    "split_sentences",
]


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
    t = re.sub(r"\bcardio[- ]mediastinal\b", "cardiomediastinal", t)  # + IU spelling
    return re.sub(r"\s+", " ", t).strip()


def split_sentences(text: str) -> list[str]:
    """Sentences of a normalised report (split at . ! ? outside numbers)."""
    parts = re.split(r"(?<!\d)\.(?!\d)|\.(?=\s|$)|[!?]", text)
    return [p.strip() for p in parts if p.strip()]


@lru_cache(maxsize=1 << 16)
def sentence_mentions(sentence: str) -> tuple[Mention, ...]:
    """Classified mentions of one normalised sentence (cached: report sentences repeat a lot)."""
    sent = ParsedSentence(sentence)
    out = []
    for obs, s, e, t in sent.mentions:
        label = classify_mention(sent, obs, s, e, t)
        if label is not None:
            out.append(Mention(obs, s, e, t, label))
    return tuple(out)


def report_mentions(text: str) -> list[Mention]:
    """Every classified mention of a report, sentence by sentence (for inspection)."""
    return [m for sentence in split_sentences(normalize_report(text)) for m in sentence_mentions(sentence)]


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
    return np.array(
        [[np.nan if r[k] is None else r[k] for k in CHEXPERT_LABELS] for r in rows], dtype=float
    ).reshape(len(rows), len(CHEXPERT_LABELS))
