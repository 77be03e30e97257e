"""Sentence banks: one statement per finding, plus normal / negative statements.

Statements are lower case without final punctuation (REFLACX dictation form); report
writers capitalise them. Each statement carries the CheXpert labels it implies
(1.0 positive, -1.0 uncertain, 0.0 negative) and its attention target (a finding
index or anatomical region names), so labels and gaze are derived from the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gazex_bench.phantom.findings import FindingSpec
from gazex_bench.phantom.spec import KINDS

SEV_WORDS: dict[str, tuple[str, str, str]] = {
    "pleural_effusion": ("small", "moderate", "large"),
    "pneumothorax": ("small", "moderate", "large"),
    "nodule": ("small", "moderate", "large"),
    "mass": ("small", "moderate", "large"),
    "cardiomegaly": ("mild", "moderate", "severe"),
    "edema": ("mild", "moderate", "severe"),
}
_ADVERB = {"mild": "mildly", "moderate": "moderately", "severe": "markedly"}
_SEV_INDEX = {"mild": 0, "moderate": 1, "severe": 2}
PARENCHYMAL = frozenset(
    {"consolidation", "pneumonia", "lung_opacity", "atelectasis", "nodule", "mass", "edema"}
)
LUNG_REGIONS = tuple(f"{s}_{z}_lung" for z in ("upper", "middle", "lower") for s in ("right", "left"))


@dataclass(frozen=True)
class Statement:
    """One sentence of a report plan."""

    text: str
    """Lower case, no final period."""
    finding_index: int | None
    """Index into the image's findings, None for normal statements."""
    labels: dict[str, float]
    """CheXpert category -> value implied by the sentence."""
    regions: tuple[str, ...] = ()
    """Anatomical regions looked at for a normal statement."""


def severity_word(f: FindingSpec) -> str:
    """Level word of a finding (``small``/``moderate``/``large`` or ``mild``/...)."""
    words = SEV_WORDS.get(f.kind, ("mild", "moderate", "extensive"))
    return words[_SEV_INDEX[f.severity]]


def location_phrase(f: FindingSpec, rng: np.random.Generator) -> str:
    """Varied anatomical location words (patient side), e.g. ``left lower lobe``."""
    s = f.side
    options = {
        "upper": (f"{s} upper lobe", f"{s} upper lung", f"{s} apex", f"{s} upper zone"),
        "middle": (f"{s} mid lung", f"{s} perihilar region", f"{s} midlung zone", f"{s} mid lung zone"),
        "lower": (f"{s} lower lobe", f"{s} lung base", f"{s} base", f"{s} lower zone"),
    }[f.zone if f.zone in ("upper", "middle", "lower") else "middle"]
    return str(rng.choice(options))


def _pick(rng: np.random.Generator, options: tuple[str, ...], bias: int) -> str:
    """Choose a variant; ``bias`` (radiologist style) shifts the preferred one."""
    i = (
        (int(rng.integers(0, len(options))) + bias) % len(options)
        if rng.random() < 0.6
        else bias % len(options)
    )
    return options[i]


def _positive(f: FindingSpec, rng: np.random.Generator, bias: int) -> tuple[str, ...]:
    w, d, s = severity_word(f), f.descriptor, f.side
    loc = location_phrase(f, rng)
    k = f.kind
    if k == "pleural_effusion":
        return (
            f"{w} {s} pleural effusion",
            f"there is a {w} {s} pleural effusion",
            f"{w} {d} {s} pleural effusion",
            f"{w} {s} pleural effusion is present",
        )
    if k == "cardiomegaly":
        a = _ADVERB[f.severity]
        return (
            f"the heart is {a} enlarged",
            f"{w} cardiomegaly",
            f"the cardiac silhouette is {a} enlarged",
            f"{w} enlargement of the cardiac silhouette",
        )
    if k == "consolidation":
        return (
            f"{d} consolidation in the {loc}",
            f"there is {w} {d} consolidation in the {loc}",
            f"{loc} consolidation",
        )
    if k == "pneumonia":
        return (f"{loc} pneumonia", f"findings consistent with {loc} pneumonia", f"{d} {loc} pneumonia")
    if k == "lung_opacity":
        return (f"{d} opacity in the {loc}", f"there is a {w} {d} opacity at the {loc}", f"{w} {loc} opacity")
    if k == "atelectasis":
        return (
            f"{d} atelectasis in the {loc}",
            f"{w} {d} atelectasis at the {loc}",
            f"{loc} {d} atelectasis",
        )
    if k == "pneumothorax":
        return (
            f"{w} {s} {d} pneumothorax",
            f"there is a {w} {s} pneumothorax",
            f"{w} {s} pneumothorax is seen",
        )
    if k in ("nodule", "mass"):
        return (
            f"{w} {d} {k} in the {loc}",
            f"there is a {w} {k} projecting over the {loc}",
            f"{w} {loc} {k}",
        )
    if k == "edema":
        return (
            f"{w} pulmonary edema",
            f"{w} {d} pulmonary edema",
            f"findings consistent with {w} pulmonary edema",
        )
    return _device_phrases(f, rng)


def _device_phrases(f: FindingSpec, rng: np.random.Generator) -> tuple[str, ...]:
    n = int(rng.integers(3, 7))
    if f.descriptor == "endotracheal tube":
        return (
            f"endotracheal tube terminates {n} cm above the carina",
            "an endotracheal tube is in standard position",
            f"endotracheal tube in place, tip {n} cm above the carina",
        )
    if f.descriptor == "central venous catheter":
        return (
            f"{f.side} internal jugular central venous catheter terminates in the svc",
            f"{f.side} ij central line with tip in the mid svc",
            f"{f.side} central venous catheter, tip in the svc",
        )
    if f.descriptor == "nasogastric tube":
        return (
            "nasogastric tube courses below the diaphragm into the stomach",
            "enteric tube in the stomach",
            "nasogastric tube tip in the stomach",
        )
    return (
        "left chest wall pacemaker with leads in the right atrium and right ventricle",
        "pacemaker device in the left chest, leads intact",
        "left chest wall pacemaker",
    )


def _hedged(f: FindingSpec, rng: np.random.Generator) -> tuple[str, ...]:
    w, loc, k = severity_word(f), location_phrase(f, rng), f.kind
    noun = {
        "pleural_effusion": f"{w} {f.side} pleural effusion",
        "cardiomegaly": f"{w} cardiomegaly",
        "consolidation": f"consolidation in the {loc}",
        "pneumonia": f"{loc} pneumonia",
        "lung_opacity": f"{f.descriptor} opacity in the {loc}",
        "atelectasis": f"atelectasis in the {loc}",
        "pneumothorax": f"{w} {f.side} apical pneumothorax",
        "nodule": f"nodule in the {loc}",
        "mass": f"mass in the {loc}",
        "edema": f"{w} pulmonary edema",
    }[k]
    alt = {
        "pneumonia": f"{loc} opacity may represent pneumonia",
        "pleural_effusion": f"blunting of the {f.side} costophrenic angle may represent a {w} effusion",
        "atelectasis": f"{loc} opacity may represent atelectasis",
    }.get(k, f"{noun} cannot be excluded")
    return (f"possible {noun}", alt)


def finding_statement(f: FindingSpec, index: int, rng: np.random.Generator, bias: int = 0) -> Statement:
    """The sentence that reports finding ``f`` (hedged findings get uncertainty words)."""
    hedge = f.hedged and f.kind != "support_device"
    text = _pick(rng, _hedged(f, rng) if hedge else _positive(f, rng, bias), bias)
    return Statement(text, index, {KINDS[f.kind].chexpert: -1.0 if hedge else 1.0})


# (text variants, CheXpert categories negated, kinds whose presence forbids it, regions looked at)
NEGATIVES: tuple[tuple[tuple[str, ...], tuple[str, ...], frozenset[str], tuple[str, ...]], ...] = (
    (
        ("no pneumothorax", "there is no pneumothorax", "no evidence of pneumothorax"),
        ("Pneumothorax",),
        frozenset({"pneumothorax"}),
        ("right_upper_lung", "left_upper_lung"),
    ),
    (
        ("no pleural effusion", "there is no pleural effusion", "no pleural effusions"),
        ("Pleural Effusion",),
        frozenset({"pleural_effusion"}),
        ("right_costophrenic_angle", "left_costophrenic_angle"),
    ),
    (
        ("no focal consolidation", "there is no focal consolidation"),
        ("Consolidation",),
        frozenset({"consolidation", "pneumonia"}),
        LUNG_REGIONS,
    ),
    (
        ("the lungs are clear", "lungs are clear bilaterally"),
        ("Lung Opacity", "Consolidation", "Edema"),
        PARENCHYMAL,
        LUNG_REGIONS,
    ),
    (
        ("heart size is normal", "the heart is normal in size"),
        ("Cardiomegaly",),
        frozenset({"cardiomegaly"}),
        ("heart",),
    ),
    (
        ("the cardiomediastinal silhouette is within normal limits", "normal cardiomediastinal silhouette"),
        ("Cardiomegaly", "Enlarged Cardiomediastinum"),
        frozenset({"cardiomegaly"}),
        ("heart", "mediastinum"),
    ),
    (
        ("no pulmonary edema", "there is no pulmonary edema"),
        ("Edema",),
        frozenset({"edema"}),
        ("right_hilum", "left_hilum"),
    ),
    (
        ("no acute osseous abnormality", "osseous structures are intact"),
        ("Fracture",),
        frozenset(),
        ("right_shoulder", "left_shoulder", "spine"),
    ),
)


def negative_statements(
    kinds: set[str], rng: np.random.Generator, n_max: int, bias: int = 0
) -> list[Statement]:
    """Up to ``n_max`` normal statements compatible with the kinds present (never contradicting them)."""
    ok = [i for i, (_, _, forbid, _) in enumerate(NEGATIVES) if not (forbid & kinds)]
    if not ok:
        return []
    order = rng.permutation(len(ok))[: max(1, min(n_max, len(ok)))]
    chosen = sorted(ok[i] for i in order.tolist())
    out = []
    for i in chosen:
        texts, cats, _, regions = NEGATIVES[i]
        out.append(Statement(_pick(rng, texts, bias), None, {c: 0.0 for c in cats}, regions))
    return out


def merge_labels(statements: list[Statement], kinds: set[str]) -> dict[str, float]:
    """CheXpert labels of a report: positive > uncertain > negative; ``No Finding`` when only devices."""
    out: dict[str, float] = {}
    for st in statements:
        for cat, v in st.labels.items():
            prev = out.get(cat)
            if prev is None or v == 1.0 or (v == -1.0 and prev == 0.0):
                out[cat] = v
    if not (kinds - {"support_device"}):
        out["No Finding"] = 1.0
    return out
