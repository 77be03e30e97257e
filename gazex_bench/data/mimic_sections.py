"""Section splitter for raw MIMIC-CXR free-text reports (MIT-LCP ``section_parser`` style).

A report is a list of lines that each start with one space; section headers are
ALL-CAPS words followed by ``:``. The header regex is the MIT-LCP one,
``\\n ([A-Z ()/,-]+):\\s`` (``/work/shared/reference/datasets.md`` section 2.3). Text before
the first header is the ``preamble``; a report with no header at all is one
``full report`` section. Names are lower-cased, whitespace-collapsed and mapped to
canonical names (``findings``, ``impression``, ``indication``, ``history``, ...) with the
table below, which follows the MIT-LCP ``normalize_section_names`` mapping (reproduced
from memory of that code, not copied: UNVERIFIED in detail).
"""

from __future__ import annotations

import re

SECTION_RE = re.compile(r"\n ([A-Z ()/,-]+):\s")
"""MIT-LCP section header pattern."""

_SYNONYMS: dict[str, str] = {
    "impressions": "impression",
    "conclusion": "impression",
    "findings and impression": "impression",
    "findings/impression": "impression",
    "findings/ impression": "impression",
    "impression and recommendation": "impression",
    "finding": "findings",
    "reference findings": "findings",
    "chest, two views": "findings",
    "comparisons": "comparison",
    "comparison exam": "comparison",
    "comparison film": "comparison",
    "reference exam": "comparison",
    "clinical history": "history",
    "clinical information": "history",
    "patient history": "history",
    "pfi": "history",
    "reason for examination": "indication",
    "reason for exam": "indication",
    "clinical indication": "indication",
    "exam": "examination",
    "type of examination": "examination",
    "recommendation": "recommendations",
    "recommendation(s)": "recommendations",
    "wetread": "wet read",
}


def normalize_section_name(name: str) -> str:
    """Lower-case, collapse whitespace and map synonyms to one canonical section name."""
    key = " ".join(name.lower().split())
    return _SYNONYMS.get(key, key)


def split_sections(text: str) -> dict[str, str]:
    """Split a raw report into ``{normalised section name: whitespace-collapsed text}``.

    Repeated sections (e.g. two ``FINDINGS:`` headers) are joined with a space in
    order of appearance. Empty sections are kept as ``""``.

    Args:
        text: The report as stored (LF or CRLF line endings).

    Returns:
        Ordered mapping; ``preamble`` holds the text before the first header
        (``FINAL REPORT`` line), ``full report`` the whole text if there is no header.
    """
    text = text.replace("\r\n", "\n")
    matches = list(SECTION_RE.finditer(text))
    if not matches:
        return {"full report": _collapse(text)}
    out: dict[str, str] = {"preamble": _collapse(text[: matches[0].start()])}
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        name = normalize_section_name(m.group(1))
        body = _collapse(text[m.end() : end])
        out[name] = f"{out[name]} {body}".strip() if name in out else body
    return out


def _collapse(text: str) -> str:
    return " ".join(text.split())
