"""Mention and unmention phrases per CheXpert observation (regular expressions).

Modelled on ``stanfordmlgroup/chexpert-labeler`` ``phrases/mention/*.txt`` and
``phrases/unmention/*.txt`` (matched there as raw substrings with ``re.finditer`` on
the lower-cased sentence; here with word boundaries, the substring stems kept as
``\\w*`` suffixes). Additions over the original lists are marked ``# +``.

``No Finding`` mentions are *other* abnormalities (emphysema, scoliosis, hernia, …):
a positive or uncertain one switches No Finding off but never becomes a label.

Unmentions: a mention overlapping an unmention match of the same observation is
dropped (``pericardial effusion`` is not a pleural effusion). For Cardiomegaly and
Enlarged Cardiomediastinum the original generates positional unmentions
(``over the``/``in the`` + optional ``superior``/``left``/``right`` + the mention),
so that "pacer leads over the cardiac silhouette" mentions neither.
"""

from __future__ import annotations

import re

_B = r"\b"

MENTIONS: dict[str, tuple[str, ...]] = {
    "No Finding": (
        r"\w*emphysema\w*",
        r"blunt\w*",
        r"density",
        r"elevation",
        r"eventration",
        r"\w*scoliosis",
        r"degenera\w*",
        r"calcifi\w*",
        r"hyperinflat\w*",
        r"bronchospasm",
        r"asthma",
        r"hernia\w*",
        r"copd",
        r"interstitial markings",
        r"plaques?",
        r"osteophyt\w*",
        r"aortic disease",
        r"bronchiolitis",
        r"airways? disease",
        r"thickening",
        r"cephalization",
        r"aspiration",
        r"bullae",
        r"contusions?",
        r"atherosclero\w*",
        r"osteopenia",
        r"metasta\w*",
        r"granulom\w*",
        r"pneumomediastinum",
        r"pneumoperitoneum",
        r"osteodystrophy",
        r"cuffing",
        r"irregular lucency",
        r"inflam\w*",
        r"fissures?",
        r"hypertension",
        r"prominen\w*",
        r"kyphosis",
        r"defib\w*",
        r"hyperexpan\w*",
        r"bullets?",
        r"reticula\w*",
        r"thoracentesis",
        r"bronchitis",
        r"volume loss",
        r"deformit\w*",
        r"hemorrhage",
        r"hematoma",
        r"radiopaque",
        r"aerophagia",
        r"arthropathy",
        # + other chest abnormalities that rule out No Finding (the original lists a sample; MeSH codes these)
        r"tortu\w*",
        r"ectasia",
        r"ectatic",
        r"aneurysm\w*",
        r"(?:lymph)?adenopathy",
        r"arthrit\w*",
        r"spondyl\w*",
        r"foreign bod(?:y|ies)",
        r"bronchiectasis",
        r"pectus",
        r"sarcoid\w*",
        r"flatten\w*",
        r"free (?:intraperitoneal |subdiaphragmatic )?air",
        r"(?:(?:enlarged|prominent|dilated) |enlargement of the (?:\w+ )?)pulmonary arter(?:y|ies)",
        r"hilar fullness",
        r"obstructive (?:pulmonary|lung) disease",
        r"hyperlucen\w*",
        r"osteoporo\w*",
        r"lymph nodes?",
    ),
    "Enlarged Cardiomediastinum": (
        r"mediastinum",
        r"cardiomediastinum",
        r"contours?",
        r"(?:cardio)?mediastinal configuration",
        r"(?:cardio)?mediastinal silhouettes?",
        r"pericardial silhouette",
        r"cardiac silhouette and vascularity",
        r"mediastinal widening",
        r"mediastinal and hilar contours?",  # +
    ),
    "Cardiomegaly": (
        r"cardiomegaly",
        r"heart(?: size)?(?! failure)",
        r"cardiac (?:enlargement|size|shadow|contours?|silhouettes?)",
        r"enlarged heart",
        r"cardiac(?= and (?:cardio)?mediastinal (?:silhouettes?|contours?))",  # + coordinated
    ),
    "Lung Opacity": (
        r"opaci\w*",
        r"decreased translucency",
        r"increased density",
        r"air[- ]?space disease",
        r"infiltrat(?:es?|ion|ive)",
        r"interstitial (?:markings?|pattern|lung)",
        r"reticular (?:pattern|markings?)",
        r"reticulation",
        r"parenchymal scarring",
        r"peribronchial thickening",
        r"wall thickening",
        r"scar(?:ring|s)?",
    ),
    "Lung Lesion": (
        r"mass(?:es)?",
        r"nodular (?:density|densities|opacity|opacities|opacification)",
        r"nodules?",
        r"lump",
        r"cavitary lesions?",
        r"carcinoma",
        r"neoplasms?",
        r"tumou?rs?",
        r"mass-?like",
        r"(?:pulmonary|lung|parenchymal) lesions?",  # +
    ),
    "Edema": (
        r"o?edema",
        r"heart failure",
        r"chf",
        r"vascular congestion",
        r"pulmonary congestion",
        r"indistinctness",
        r"vascular prominence",
        r"venous congestion",  # + venous congestion
    ),
    "Consolidation": (r"consolidat\w*",),
    "Pneumonia": (r"pneumonias?", r"infections?", r"infectious process", r"infectious"),
    "Atelectasis": (r"atelecta\w*", r"collapsed?"),
    "Pneumothorax": (r"(?:hydro)?pneumothora(?:x|ces)",),
    "Pleural Effusion": (r"pleural fluid", r"effusions?", r"hydrothorax"),  # + hydrothorax
    "Pleural Other": (
        r"pleural thickening",
        r"fibrosis",
        r"fibrothorax",
        r"pleural scar\w*",
        r"pleural[- ]parenchymal scar\w*",
        r"pleuro-?parenchymal scar\w*",
        r"pleuro-?pericardial scar\w*",
    ),
    "Fracture": (r"fractures?", r"fractured"),
    "Support Devices": (
        r"pacer",
        r"lines?",
        r"picc",
        r"tubes?",
        r"valves?",
        r"catheters?",
        r"pacemakers?",
        r"hardware",
        r"arthroplast\w*",
        r"icd",
        r"defib\w*",
        r"devices?",
        r"drains?",
        r"plates?",
        r"screws?",
        r"cannula",
        r"apparatus",
        r"coils?",
        r"equipment",
        r"mediport",
        r"stents?",
        r"wires?",
        r"clips?",
        r"leads?",
        r"electrodes?",
        r"ett",
        r"port-?a-?cath",
        r"sheath",  # +
        r"markers?",
        r"sutures?",
        r"prosthe(?:sis|ses|tic)",  # + (original: "marker")
    ),
}

_POSITIONAL = (
    r"(?:over|overlying|overlies|overly|in|within|projecting over|projects over|behind|through|near|adjacent to|"
    r"along|obscuring|obscuration of|silhouetting|border of) the (?:superior |left |right )?"
)

UNMENTIONS: dict[str, tuple[str, ...]] = {
    "Pleural Effusion": (r"pericardial effusions?",),
    "Lung Lesion": (r"calcified nodul\w*", r"massive", r"massengale"),
    "Lung Opacity": (r"pleural scar\w*",),
    "Cardiomegaly": (
        _POSITIONAL + r"(?:heart|cardiac (?:silhouette|shadow|contours?))",
        r"(?:left|right) heart(?! (?:size|enlargement|failure))",
        r"heart (?:border|margin|xxxx)",  # + borders
    ),
    "Enlarged Cardiomediastinum": (
        _POSITIONAL + r"(?:mediastinum|cardiomediastinum|(?:cardio)?mediastinal silhouette)",
        r"(?:cardiac|heart|rib|aortic|diaphragmatic|pleural) contours?",  # + other organs
    ),
    "Support Devices": (
        r"(?:visceral |pleural |septal |kerley b? ?|skin ?fold |fissure |b-)lines?",
        r"lines? of",  # +
        r"valve (?:surgery|disease|repair)",
        r"valvular",  # +
    ),
    "Pneumonia": (
        r"granulomatous infections?",
        r"(?:prior|old|previous|remote|past|healed|treated) (?:\w+ ){0,2}infections?",
        r"(?:tuberculous|tuberculosis|histoplasm\w*) infections?",  # + historical (ConText 'historical')
    ),
}

SIZE_TYPE = re.compile(r"heart|silhouette|contour|shadow|size|mediastin|configuration|^cardiac$")
"""Cardiomegaly / Enlarged Cardiomediastinum mentions that name a structure, not a finding.

A structure mention states a finding only together with an abnormality word
(:data:`~.patterns.ABNORMAL_SIZE`); with a normal statement it is negative, called
stable / unchanged it is uncertain (post-negation uncertainty rules "Stable/unchanged
silhouette/cardiomediastinal"), and otherwise ("the heart and lungs have XXXX") it
is no mention at all."""

CHF_TEXTS: frozenset[str] = frozenset({"chf", "heart failure"})
"""Positive/uncertain mentions with this exact text add Cardiomegaly uncertain (aggregate.py)."""

ALWAYS_UNCERTAIN = re.compile(r"congestion|indistinctness|vascular prominence")
"""Edema mentions that the labeler marks uncertain unless negated."""


def _compile(table: dict[str, tuple[str, ...]]) -> dict[str, re.Pattern[str]]:
    return {obs: re.compile(_B + "(?:" + "|".join(pats) + ")" + _B) for obs, pats in table.items()}


MENTION_RE: dict[str, re.Pattern[str]] = _compile(MENTIONS)
UNMENTION_RE: dict[str, re.Pattern[str]] = _compile(UNMENTIONS)
