"""Report texts: MIMIC-CXR raw ``.txt`` reports, R2Gen findings, IU X-ray reports.

MIMIC raw format (datasets.md §2.3): every line starts with one space, blank lines are
``" "``, the first line is the centred ``FINAL REPORT`` header, sections are ALL-CAPS
names followed by ``:``, de-identified spans are ``___`` and lines wrap at ~78 chars.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np

from gazex_bench.phantom.findings import FindingSpec
from gazex_bench.phantom.phrases import Statement, finding_statement, merge_labels, negative_statements

_INDICATIONS = (
    "with cough and fever",
    "with shortness of breath",
    "with chest pain",
    "status post intubation",
    "with hypoxia",
    "with fever",
    "evaluate for pneumonia",
    "with history of chf",
    "preoperative evaluation",
    "with new line placement",
)


@dataclass(frozen=True)
class ReportPlan:
    """Sentences of one MIMIC/IU report and the labels they imply."""

    findings: tuple[Statement, ...]
    impression: tuple[str, ...]
    labels: dict[str, float]
    has_findings_section: bool


def sentence_case(text: str) -> str:
    """``no pneumothorax`` -> ``No pneumothorax.`` (``svc``/``ij`` upper-cased)."""
    text = text.replace(" svc", " SVC").replace(" ij ", " IJ ")
    return text[:1].upper() + text[1:] + "."


def plan_report(
    findings: list[FindingSpec], rng: np.random.Generator, has_findings_section: bool
) -> ReportPlan:
    """Order finding sentences (devices first) and add normal statements; derive labels."""
    kinds = {f.kind for f in findings}
    order = sorted(range(len(findings)), key=lambda i: (findings[i].kind != "support_device", i))
    stmts = [finding_statement(findings[i], i, rng) for i in order]
    stmts += negative_statements(kinds, rng, int(rng.integers(2, 5)))
    real = [
        s for s in stmts if s.finding_index is not None and findings[s.finding_index].kind != "support_device"
    ]
    if real:
        impression = tuple(sentence_case(s.text) for s in real[:3])
        if rng.random() < 0.5:
            impression += ("Otherwise, no acute cardiopulmonary process.",) if len(real) == 1 else ()
    else:
        impression = (
            str(
                rng.choice(
                    [
                        "No acute cardiopulmonary process.",
                        "No acute intrathoracic process.",
                        "No evidence of acute cardiopulmonary disease.",
                    ]
                )
            ),
        )
    return ReportPlan(tuple(stmts), impression, merge_labels(stmts, kinds), has_findings_section)


def findings_text(plan: ReportPlan) -> str:
    """FINDINGS section text in one line (the R2Gen ``report``)."""
    return " ".join(sentence_case(s.text) for s in plan.findings)


def _wrap(text: str) -> list[str]:
    return [" " + line for line in textwrap.wrap(text, width=76, break_on_hyphens=False)]


def mimic_report(plan: ReportPlan, view: str, sex: str, rng: np.random.Generator) -> str:
    """Full raw MIMIC-CXR report text (LF line endings, trailing newline)."""
    exam = "CHEST (PA AND LAT)" if view == "PA" else "CHEST (PORTABLE AP)"
    tech = "Chest PA and lateral" if view == "PA" else "Single frontal view of the chest"
    indication = f"___-year-old {sex} {rng.choice(_INDICATIONS)}"
    if rng.random() < 0.4:
        indication += "  // ___"
    comparison = str(rng.choice(["___", "None.", "Chest radiograph from ___."]))
    lines = [" " * 33 + "FINAL REPORT"]
    for name, value in (
        ("EXAMINATION", exam),
        ("INDICATION", indication),
        ("TECHNIQUE", tech),
        ("COMPARISON", comparison),
    ):
        lines += _wrap(f"{name}:  {value}") + [" "]
    if plan.has_findings_section:
        lines += [" FINDINGS: ", " "] + _wrap(findings_text(plan)) + [" "]
    lines += [" IMPRESSION: ", " "] + _wrap(" ".join(plan.impression))
    return "\n".join(lines) + "\n"


_IU_NORMALS = (
    "The heart is normal in size.",
    "The mediastinum is unremarkable.",
    "The lungs are clear.",
    "Heart size and pulmonary vascularity appear within normal limits.",
    "No pneumothorax or pleural effusion.",
    "No focal airspace disease.",
    "There are no XXXX of a pleural effusion.",
    "The osseous structures are intact.",
)


def iu_report(findings: list[FindingSpec], rng: np.random.Generator) -> str:
    """IU-style findings paragraph (``XXXX`` de-identification, normal sentences)."""
    kinds = {f.kind for f in findings}
    stmts = [sentence_case(finding_statement(f, i, rng).text) for i, f in enumerate(findings)]
    normals = [s.text for s in negative_statements(kinds, rng, 2)]
    if not findings:
        picks = rng.choice(len(_IU_NORMALS), size=3, replace=False)
        return " ".join(_IU_NORMALS[i] for i in sorted(picks))
    return " ".join(stmts + [sentence_case(t) for t in normals])
