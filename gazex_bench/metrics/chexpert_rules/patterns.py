"""Negation and uncertainty triggers with their scopes (regex / token-window rules).

The original labeler (NegBio) matches dependency-graph patterns in three passes:
pre-negation uncertainty → negation → post-negation uncertainty; the first pass that
fires decides the mention. Without a parser, each pass here is a set of triggers
*before* the mention (scope: forward to the mention within the same clause) and
triggers *after* the mention (scope: backward, only across "filler" words such as
copulas, conjunctions, other mentions and location/size words). Clause boundaries
(:data:`CLAUSE_BREAK`) stop every scope: ``;``/``:``, contrastive conjunctions
(``but``, ``however``, ``although`` …), relative ``which``, ``with``, a new
existential ``there is``, and ``and``/``,`` followed by a severity, laterality or
article word ("no effusion, mild cardiomegaly" → the cardiomegaly is positive).
"""

from __future__ import annotations

import re

_MOD = (
    r"a|an|the|there|mild|mildly|moderate|moderately|severe|severely|small|large|minimal|minor|trace|tiny|"
    r"new|increased|increasing|decreased|stable|persistent|unchanged|worsening|worsened|improving|improved|"
    r"bilateral|left|right|marked|markedly|extensive|subtle|patchy|focal|likely|probable|possible|\d+"
)

CLAUSE_BREAK = re.compile(
    r";|:|\b(?:but|however|although|though|whereas|while|yet|except|aside from|apart from|other than|"
    r"which|(?<!compatible )with|given)\b|\bthere (?:is|are|has|have)\b|(?:,\s*)?\band\b(?=\s+(?:" + _MOD + r")\b)|,(?=\s*(?:" + _MOD + r")\b)"
)
"""Scope boundaries inside a sentence (spans; a scope never crosses one)."""

CLAUSE_END_VERB = re.compile(
    r"\b(?:is|are|was|were|has been|have been)\s+(?:now\s+|again\s+)?"
    r"(?:seen|noted|present|identified|demonstrated|visualized|evident|appreciated|detected)\b"
)
"""'no X is seen' closes the negated noun phrase: a scope ends after this span."""

PRE_NEG_UNCERTAIN = re.compile(
    r"\b(?:cannot|can not|can't|could not|unable to|difficult to|hard to)\s+(?:be\s+)?(?:entirely\s+|completely\s+|totally\s+)?"
    r"(?:excluded?|ruled? out)\b|\bnot\s+(?:be\s+)?(?:entirely\s+|completely\s+)?(?:excluded|ruled out)\b|"
    r"\bno new\b|\bno evidence to rule out\b"
)
"""Pass 1 before the mention: "cannot exclude X", "no new X" (uncertain, as CheXpert)."""

POST_NEG_UNCERTAIN_AFTER = re.compile(
    r"\b(?:cannot|can not|can't|could not)\s+(?:be\s+)?(?:entirely\s+|completely\s+|totally\s+)?(?:excluded|ruled out)\b|"
    r"\bnot\s+(?:be\s+)?(?:entirely\s+|completely\s+|totally\s+)?(?:excluded|ruled out)\b"
)
"""Pass 1 after the mention: "X cannot be excluded", "X is not excluded"."""

NEGATION_BEFORE = re.compile(
    r"\bno\b(?!\s+(?:(?:significant|substantial|appreciable|interval|definite)\s+)*changes?\b)|\bnot\b|\bnor\b|\bneither\b|"
    r"\bwithout\b(?!\s+(?:(?:significant|interval)\s+)*changes?\b)|\bnegative for\b|\bfree of\b|\babsence of\b|"
    r"\bresolution of\b|\bresolved\b|\bremoval of\b|\bremoved\b|\bclear of\b|\bcleared\b|\brather than\b|"
    r"\bexclude[sd]?\b|\bruled? out\b|\bnone\b"
)
"""Pass 2 before the mention (long scope: the whole clause up to the mention)."""

NORMAL_BEFORE = re.compile(r"\b(?:normal|unremarkable)\b")
"""Pass 2 before the mention, short scope: "normal heart size", "unremarkable mediastinum"."""

NEGATION_AFTER = re.compile(
    r"\b(?:normal|unremarkable|within (?:normal )?limits|resolved|cleared|removed|absent|negative|"
    r"no longer (?:seen|present|visualized|visible|identified|evident|demonstrated|appreciated)|"
    r"not (?:significantly |definitely |particularly )?(?:seen|identified|present|appreciated|visualized|visible|"
    r"demonstrated|evident|detected|noted|enlarged|dilated|widened|increased))\b"
)
"""Pass 2 after the mention: "heart size is normal", "the effusion has resolved"."""

UNCERTAIN_BEFORE = re.compile(
    r"\b(?:possible|possibly|probable|probably|questionable|question of|questioned|suspect(?:ed|s)?|"
    r"suspicious|suspicion|concern|concerning|worrisome|presum(?:ed|ably|ptive)|equivocal|borderline|"
    r"may|might|could|would|suggest(?:s|ed|ing|ive|ion)?|compatible|consider(?:ed|ation)?|differential|"
    r"versus|either|unlikely|potential(?:ly)?|indeterminate|uncertain|"
    r"correlat\w*|obscur\w*)\b"
)
"""Pass 3 before the mention ("possible X", "may represent X", "concern for X")."""

UNCERTAIN_AFTER = re.compile(
    r"\b(?:possible|possibly present|suspected|questioned|questionable|uncertain|equivocal|"
    r"not (?:well |clearly )(?:seen|visualized|evaluated|assessed)|poorly (?:seen|evaluated|visualized|assessed)|"
    r"obscured|(?:could|may|might) be (?:present|seen)|cannot be (?:assessed|evaluated)|"
    r"difficult to (?:assess|evaluate)|a possibility|less likely|unlikely|not (?:entirely )?clear|a consideration|"
    r"not well (?:seen|visualized|evaluated|assessed))\b"
)
"""Pass 3 after the mention ("X is suspected", "X versus Y", "X is not well seen")."""

STABLE = re.compile(r"\b(?:stable|unchanged|similar|not changed|no (?:significant |interval |appreciable )*change)\b")
ENLARGED = re.compile(r"\b(?:enlarg\w*|cardiomegaly|widen\w*|increased)\b")
OR_WORD = re.compile(r"\bor\b|\bversus\b")

FILLER: frozenset[str] = frozenset(
    """, is are was were be been being has have had now otherwise again also still overall appear appears appeared
    remain remains remained seem seems and or the a an of in at on within along both since prior previously
    previous interval largely essentially nearly completely entirely almost mostly left right bilateral
    bilaterally lower upper middle mid lobe lobes base bases basilar apical apex apices lung lungs zone zones
    hemithorax side sided size sized heart cardiac silhouette silhouettes contour contours mediastinal
    hilar hila cardiomediastinal mediastinum pulmonary vasculature vascularity top high upper limits limit
    seen noted visualized small tiny trace mild moderate minimal tube tubes line lines catheter there
    findings finding""".split()
)
"""Words a backward (after-the-mention) trigger may reach across."""
