"""Negation, uncertainty, hypothetical and normal-statement triggers with their scopes.

The original labeler (NegBio) matches dependency-graph patterns in three passes:
pre-negation uncertainty → negation → post-negation uncertainty; the first pass that
fires decides the mention. Without a parser, each pass here is a set of triggers
*before* the mention (scope: forward to the mention within the same clause) and
triggers *after* the mention (scope: backward across "filler" words such as copulas,
conjunctions, other mentions and location/size words, and at most
:data:`MAX_FOREIGN` other words). Clause boundaries (:data:`CLAUSE_BREAK`) stop every
scope: ``;``/``:``, contrastive conjunctions (``but``, ``however``, ``although`` …),
relative ``which``, ``with``, a new existential ``there is``, ``otherwise`` after a
noun, and ``and``/``,`` followed by a severity, laterality or article word ("no
effusion, mild cardiomegaly" → the cardiomegaly is positive) — except inside a
negated coordination ("no consolidation, large effusion or pneumothorax", one list
closed by ``or``/``nor``), which the negation spans whole.
"""

from __future__ import annotations

import re

_MOD = (
    r"a|an|the|there|mild|mildly|moderate|moderately|severe|severely|small|large|minimal|minor|trace|tiny|"
    r"new|increased|increasing|decreased|stable|persistent|unchanged|worsening|worsened|improving|improved|"
    r"bilateral|left|right|marked|markedly|extensive|subtle|patchy|focal|likely|probable|possible|\d+"
)

COMMA_MOD = re.compile(r"(?:,\s*)?\band\b(?=\s+(?:" + _MOD + r")\b)|,(?=\s*(?:" + _MOD + r")\b)")
"""Soft boundaries: a new noun phrase after ``and``/``,`` (lifted inside a negated list)."""

CLAUSE_BREAK = re.compile(
    r";|:|\?|\b(?:but|however|although|though|whereas|while|yet|except|aside from|apart from|other than|"
    r"which|(?<!compatible )with|given)\b|\bthere (?:is|are|has|have)\b|"
    r"(?<!\bis )(?<!\bare )(?<!\bappears )(?<!\bappear )(?<!\bremains )\botherwise\b"
)
"""Hard scope boundaries inside a sentence (spans; a scope never crosses one)."""

LIST_CLOSE = re.compile(r"\b(?:or|nor)\b")
"""A coordination closed by or/nor: soft boundaries before it belong to one negated list."""

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
"""Pass 1 after the mention: "X cannot be excluded", "X is not excluded" (no bare comma between)."""

HYPOTHETICAL_BEFORE = re.compile(
    r"^\s*(?:\d\.\s*)?if\b|\b(?:if|whether|in case)\s+(?:there\s+is\s+)?(?:\w+\s+){0,3}?(?:concern|question|suspicion)\b|"
    r"\b(?:to|further)\s+(?:evaluate|assess|look)\s+for\b"
)
"""ConText 'hypothetical': "if concern for rib fracture …", "to evaluate for X" → no mention."""

IF_START = re.compile(r"\s*(?:\d\.\s*)?if\b")
"""A sentence opening with "if": its conditional clause reaches across "there is"."""

HYPOTHETICAL_AFTER = re.compile(
    r"\bmay not be (?:demonstrated|detected|visible|seen|apparent|evident)\b|\bare not always (?:seen|visible)\b"
)
"""ConText 'hypothetical' after: "fractures may not be demonstrated" → no mention."""

NEGATION_BEFORE = re.compile(
    r"\bno\b(?!\s+(?:(?:significant|substantial|appreciable|interval|definite)\s+)*changes?\b)|\bnot\b|\bnor\b|\bneither\b|"
    r"\bwithout\b(?!\s+(?:(?:significant|interval)\s+)*changes?\b)|\bnegative for\b|\bfree of\b|\babsence of\b|"
    r"\bresolution of\b|\bresolved\b|\bremoval of\b|\bremoved\b|\bclear of\b|\bcleared\b|\brather than\b|"
    r"\bexclude[sd]?\b|\bruled? out\b|\bnone\b"
)
"""Pass 2 before the mention (long scope: the whole clause up to the mention)."""

NORMAL_BEFORE = re.compile(r"\b(?:normal|unremarkable|non-?enlarged)\b")
"""Pass 2 before the mention, short scope: "normal heart size", "unremarkable mediastinum"."""

NEGATION_AFTER = re.compile(
    r"\b(?:normal(?!\s+(?:lung|pulmonary|vascular\w*|osseous|bony|bones?|soft|mediastin\w*|cardiac|heart|hila\w*))|unremarkable|within (?:the )?(?:normal )?limits|within limits of normal|resolved|cleared|"
    r"(?:been |was |were )?removed|absent|negative|"
    r"no longer (?:seen|present|visualized|visible|identified|evident|demonstrated|appreciated)|"
    r"not (?:\w+ )?(?:seen|identified|present|appreciated|visualized|visible|demonstrated|evident|detected|noted)"
    r"(?! (?:on|in) (?:the )?(?:prior|previous|comparison|earlier|old))|"
    r"not (?:\w+ )?(?:enlarged|dilated|widened|increased))\b"
)
"""Pass 2 after the mention: "heart size is normal", "the effusion has resolved"."""

NORMAL_STATEMENT = re.compile(
    r"\b(?:normal|unremarkable|within (?:the )?(?:normal )?limits|within limits of normal|non-?enlarged|"
    r"not (?:\w+ )?(?:enlarged|widened|dilated)|maintained|preserved|top normal)\b|"
    r"\b(?:silhouettes?|contours?|mediastinum) (?:is |are |appears? |remains? )?clear\b"
)
"""Normal statements about the heart / mediastinum (issue #18): negative for a structure mention."""

ABNORMAL_SIZE = re.compile(
    r"\b(?:enlarg\w*|large|larger|big|cardiomegaly|widen\w*|wide|prominen\w*|increas\w*|borderline|"
    r"dilat\w*|abnormal\w*|bulg\w*|convex\w*|mass\w*|shift\w*|deviat\w*)\b"
)
"""An abnormality predicate: a heart / mediastinum structure mention states a finding only with one."""

UNCERTAIN_BEFORE = re.compile(
    r"\b(?:possible|possibly|probable|probably|questionabl[ey]|question(?:ed|s)?|suspect(?:ed|s)?|"
    r"suspicious|suspicion|concern|concerning|worrisome|presum(?:ed|ably|ptive)|equivocal|borderline|"
    r"may|might|could|would|suggest(?:s|ed|ing|ive|ion)?|compatible|consider(?:ed|ation|ations)?|differential|"
    r"versus|either|unlikely|less likely(?! than)|potential(?:ly)?|(?<!age-)(?<!age )indeterminate|uncertain|"
    r"correlat\w*|vs)\b"
)
"""Pass 3 before the mention ("possible X", "may represent X", "concern for X", "question X")."""

UNCERTAIN_AFTER = re.compile(
    r"\b(?:possible|questionabl[ey](?: present)?|possibly present|suspected|questioned|uncertain|equivocal|"
    r"borderline|not (?:well |clearly )(?:seen|visualized|evaluated|assessed)|poorly (?:seen|evaluated|visualized|assessed)|"
    r"obscured|(?:could|may|might) be (?:present|seen)|cannot be (?:assessed|evaluated)|"
    r"difficult to (?:assess|evaluate)|a possibility|less likely|unlikely|not (?:entirely )?clear|"
    r"(?:a|another|also a) consideration|considered|in the differential|"
    r"not well (?:seen|visualized|evaluated|assessed))\b"
)
"""Pass 3 after the mention ("X is suspected", "X is questionably present", "X is in the differential")."""

VERSUS = re.compile(r"\bversus\b")
"""'X versus Y': both sides uncertain, whether or not the other side is a mention (issue #18)."""

STABLE = re.compile(
    r"\b(?:stable|unchanged|similar|not changed|no (?:significant |interval |appreciable )*change)\b"
)
OR_WORD = re.compile(r"\bor\b|\bversus\b")

MAX_FOREIGN = 2
"""Words outside :data:`FILLER` a backward trigger may still cross ("ng tube have been removed")."""

FILLER: frozenset[str] = frozenset(
    """, is are was were be been being has have had now otherwise again also still overall appear appears appeared
    remain remains remained seem seems and or the a an of in at on within along both since prior previously
    previous interval largely essentially nearly completely entirely almost mostly left right bilateral
    bilaterally lower upper middle mid lobe lobes base bases basilar apical apex apices lung lungs zone zones
    hemithorax side sided size sized heart cardiac silhouette silhouettes contour contours mediastinal
    hilar hila cardiomediastinal mediastinum pulmonary vasculature vascularity top high upper limits limit
    seen noted visualized small tiny trace mild moderate minimal tube tubes line lines catheter there
    findings finding xxxx near grossly""".split()
)
"""Words a backward (after-the-mention) trigger may reach across (``xxxx``: IU de-identification)."""
