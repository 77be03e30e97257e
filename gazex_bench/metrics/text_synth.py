"""Deterministic synthetic radiology-like report text (tests, parity checks, benchmarks).

The generator mixes the surface phenomena that tokenisers and cleaners treat
differently: abbreviations with periods, decimals and measurements, slashes,
parentheses and brackets, hyphenated terms, de-identification blanks, list
numbering, quotes and contractions, colons, percentages, Unicode dashes/quotes
and irregular whitespace. It is not a model of clinical language.
"""

from __future__ import annotations

import random

_SUBJECTS = [
    "The heart",
    "Heart size",
    "The cardiomediastinal silhouette",
    "The lungs",
    "Lung volumes",
    "The mediastinum",
    "Pulmonary vasculature",
    "The hila",
    "Osseous structures",
    "The aorta",
    "There",
    "A left-sided PICC line",
    "The ET tube",
    "An NG tube",
    "Right IJ catheter",
    "The trachea",
    "Bilateral pleural effusions",
    "Left lower lobe opacity",
    "The costophrenic angles",
]
_PREDICATES = [
    "is normal in size",
    "are clear",
    "is within normal limits",
    "are low",
    "is unremarkable",
    "is mildly enlarged",
    "are stable",
    "is again seen",
    "has improved",
    "is not well evaluated",
    "terminates in the SVC",
    "is present",
    "are grossly intact",
    "is tortuous",
    "is unchanged",
    "is no pneumothorax",
    "is no focal consolidation",
    "are sharp",
    "is at the level of T12-L1",
    "projects over the right atrium",
    "is slightly worse",
    "is likely atelectasis",
]
_TAILS = [
    "",
    "",
    "",
    " compared to prior",
    " since ___",
    " as of ___ at ___ p.m.",
    " (unchanged)",
    " [stable]",
    " on the AP/PA views",
    " measuring 3.5 x 2.1 cm",
    " approx. 4.5 cm",
    " e.g. atelectasis",
    " vs. effusion",
    " i.e., no change",
    " -- likely artifact",
    " - mild",
    " by ~10%",
    " at 50 %",
    " with 1/2 of prior size",
    " and/or pneumonia",
    " s/p CABG",
    " w/o contrast",
    " (see Dr. Smith)",
    " 2nd time",
    " at 10:30 a.m.",
    " per Fig. 2",
    " no. 3",
    " ±2 mm",
    " \u2013 stable",
    " \u201cstable\u201d",
    " 'stable'",
    ", it's stable",
    " which doesn't change",
    " they're stable",
    " @ 5 cm",
    " #2",
    " 0.5-1.0 cm",
    " 3-4mm",
    " x-ray",
    " re-demonstrated",
    " non-specific",
    " T7/T8",
    " C5-6",
    " U.S. guided",
    " in L. lung",
    " >5 mm",
    " <3 mm",
    " = 2 cm",
    " ... likely",
    " !!",
    " ?effusion",
    " na\u00efve",
    " 5\u00b0",
    " caf\u00e9",
    " etc.",
    " et al.",
    " colour",
]
_HEADERS = ["", "", "", "FINDINGS: ", "IMPRESSION: ", "Comparison: ", "INDICATION: ___ with cough. "]
_ENDS = [".", ".", ".", "", "!", "?", "..", " .", ";"]


def synth_sentence(rng: random.Random) -> str:
    """One radiology-like sentence (may carry punctuation and odd spacing)."""
    subj = rng.choice(_SUBJECTS)
    if rng.random() < 0.2:
        subj = subj.upper() if rng.random() < 0.5 else subj.lower()
    text = f"{subj} {rng.choice(_PREDICATES)}{rng.choice(_TAILS)}{rng.choice(_ENDS)}"
    if rng.random() < 0.1:
        text = text.replace(" ", "  ", 1)
    return text


def synth_report(rng: random.Random, max_sentences: int = 6) -> str:
    """A report of 1..``max_sentences`` sentences with optional header and numbering."""
    n = rng.randint(1, max_sentences)
    parts = [rng.choice(_HEADERS)]
    numbered = rng.random() < 0.15
    for i in range(n):
        prefix = f"{i + 1}. " if numbered else ""
        parts.append(prefix + synth_sentence(rng))
    sep = "\n" if rng.random() < 0.1 else " "
    return sep.join(p for p in parts if p).strip() + (" " if rng.random() < 0.05 else "")


def synth_pairs(n: int, seed: int = 0, *, n_refs: int = 1) -> tuple[dict[str, str], dict[str, list[str]]]:
    """``n`` (prediction, references) pairs; a prediction shares some sentences with its reference.

    Args:
        n: Number of samples.
        seed: RNG seed (same seed, same text).
        n_refs: References per sample.

    Returns:
        ``(preds, refs)`` keyed by ids ``s00000`` ...
    """
    rng = random.Random(seed)
    preds: dict[str, str] = {}
    refs: dict[str, list[str]] = {}
    for i in range(n):
        key = f"s{i:05d}"
        ref_list = [synth_report(rng) for _ in range(n_refs)]
        if rng.random() < 0.5:
            sents = ref_list[0].split(". ")
            rng.shuffle(sents)
            keep = sents[: max(1, len(sents) - rng.randint(0, 2))]
            pred = ". ".join(keep) + (" " + synth_sentence(rng) if rng.random() < 0.5 else "")
        else:
            pred = synth_report(rng)
        preds[key] = pred
        refs[key] = ref_list
    return preds, refs
