"""Tolerant parser for GazeX model text: FVP strings, ``<seq>`` orders, reports, VQA, boxes.

Every function returns a :class:`Parsed` and never raises: unparseable text gives
``ok=False`` with the raw text and a reason. Truncated outputs keep what is complete
(``complete=False``). Coordinates are returned as floats in whatever frame the model
was trained on (quarter-scale pixels for GazeX targets).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

_NUM = r"-?\d+(?:\.\d+)?"
_PT = re.compile(rf"\(\s*({_NUM})\s*,\s*({_NUM})\s*\)")
_SPECIAL = re.compile(r"<\|[a-z_]+\|>")

Box = tuple[float, float, float, float]
Point = tuple[float, float]


@dataclass(frozen=True)
class Parsed:
    """Outcome of parsing one model output."""

    ok: bool
    kind: str
    """fvp | seq | report | vqa | boxes."""
    raw: str
    value: dict[str, Any] = field(default_factory=dict)
    complete: bool = False
    """True when the text was well-formed (closing brackets/tags present)."""
    error: str | None = None


def clean(text: Any) -> str:
    """Strip chat special tokens and surrounding whitespace (non-str input -> ``str()``)."""
    s = text if isinstance(text, str) else ("" if text is None else str(text))
    return _SPECIAL.sub("", s).strip()


def _points(s: str) -> list[Point]:
    return [(float(a), float(b)) for a, b in _PT.findall(s)]


def _triples(points: list[Point]) -> list[tuple[Box, Point]]:
    out = []
    for i in range(0, len(points) - 2, 3):
        (x0, y0), (x1, y1), c = points[i], points[i + 1], points[i + 2]
        out.append(((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), c))
    return out


def parse_fvp(text: Any) -> Parsed:
    """Parse ``visual clues : [(x0,y0)(x1,y1)(cx,cy),...] observation : [(x0,y0)(x1,y1)(cx,cy)]``.

    Returns:
        ``value = {"clusters": [(box, centroid), ...], "observation": (box, centroid) | None,
        "centroid": the observation centroid, else the last complete (x, y) tuple}``
        (GazeX's evaluation takes the last tuple of the output).
    """
    raw = text if isinstance(text, str) else str(text)
    s = clean(text).lower()
    m_obs = re.search(r"observation\s*:?\s*\[", s)
    clue_part = s[: m_obs.start()] if m_obs else s
    obs_part = s[m_obs.end() :] if m_obs else ""
    m_clue = re.search(r"visual\s*clues?\s*:?\s*\[", clue_part)
    clusters = _triples(_points(clue_part[m_clue.end() :])) if m_clue else []
    obs_tr = _triples(_points(obs_part))
    observation = obs_tr[0] if obs_tr else None
    pts = _points(s)
    if observation is None and not clusters:
        if pts:
            return Parsed(
                True,
                "fvp",
                raw,
                {"clusters": [], "observation": None, "centroid": pts[-1]},
                False,
                "no complete box triple; using the last (x, y) tuple",
            )
        return Parsed(False, "fvp", raw, {}, False, "no coordinates found")
    centroid = observation[1] if observation else clusters[-1][1]
    complete = observation is not None and s.rstrip().endswith("]") and (m_clue is None or "]" in clue_part)
    return Parsed(
        True, "fvp", raw, {"clusters": clusters, "observation": observation, "centroid": centroid}, complete
    )


def parse_seq(text: Any, n_frames: int | None = None) -> Parsed:
    """Parse ``<seq>32145</seq>`` (digits) or ``<seq>3,10,1</seq>`` (separated, > 9 frames).

    Also returns the ``<description>…</descriptions>`` text when present. With ``n_frames``
    the order must be a permutation of 1..n (else ``ok=False``, value kept).
    """
    raw = text if isinstance(text, str) else str(text)
    s = clean(text)
    m = re.search(r"<seq>(.*?)(</seq>|$)", s, flags=re.S)
    if not m:
        return Parsed(False, "seq", raw, {}, False, "no <seq> tag")
    body, closed = m.group(1).strip(), bool(m.group(2))
    if re.search(r"[,\s;]", body):
        order = [int(t) for t in re.split(r"[,\s;]+", body) if t.isdigit()]
    else:
        order = [int(ch) for ch in body if ch.isdigit()]
    dm = re.search(r"<description>(.*?)(</descriptions?>|$)", s, flags=re.S)
    value: dict[str, Any] = {"order": order, "description": dm.group(1).strip() if dm else None}
    if not order:
        return Parsed(False, "seq", raw, value, False, "empty <seq>")
    if n_frames is not None and sorted(order) != list(range(1, n_frames + 1)):
        return Parsed(False, "seq", raw, value, closed, f"not a permutation of 1..{n_frames}")
    return Parsed(True, "seq", raw, value, closed)


def parse_report(text: Any) -> Parsed:
    """Report text with special tokens removed and whitespace collapsed (empty -> not ok)."""
    raw = text if isinstance(text, str) else str(text)
    s = re.sub(r"\s+", " ", clean(text))
    if not s:
        return Parsed(False, "report", raw, {"text": ""}, False, "empty output")
    return Parsed(True, "report", raw, {"text": s}, True)


def parse_vqa(text: Any) -> Parsed:
    """Short answer: lower-cased, trailing period removed; ``phrases`` split on commas / ``and``.

    ``PA``/``AP`` keep their case (Medical-CXR-VQA answers are lower case except these).
    """
    raw = text if isinstance(text, str) else str(text)
    s = re.sub(r"\s+", " ", clean(text)).strip().rstrip(".").strip()
    if not s:
        return Parsed(False, "vqa", raw, {"answer": "", "phrases": []}, False, "empty output")
    ans = re.sub(r"\b(pa|ap)\b", lambda m: m.group(1).upper(), s.lower())
    phrases = [p.strip() for p in re.split(r",", ans) if p.strip()]
    return Parsed(True, "vqa", raw, {"answer": ans, "phrases": phrases}, True)


def parse_boxes(text: Any) -> Parsed:
    """Boxes from ``boxes: [(x0,y0)(x1,y1),...]`` or any ``(x,y)(x,y)`` pairs; FVP strings too.

    For an FVP string the observation box comes first, then the cluster boxes.
    """
    raw = text if isinstance(text, str) else str(text)
    s = clean(text).lower()
    if "observation" in s or "visual clue" in s:
        fvp = parse_fvp(text)
        boxes = ([fvp.value["observation"][0]] if fvp.value.get("observation") else []) + [
            b for b, _ in fvp.value.get("clusters", [])
        ]
        if boxes:
            return Parsed(True, "boxes", raw, {"boxes": boxes}, fvp.complete)
    pts = _points(s)
    boxes = []
    for i in range(0, len(pts) - 1, 2):
        (x0, y0), (x1, y1) = pts[i], pts[i + 1]
        boxes.append((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    if not boxes:
        return Parsed(False, "boxes", raw, {"boxes": []}, False, "no (x,y)(x,y) pair found")
    return Parsed(True, "boxes", raw, {"boxes": boxes}, s.rstrip().endswith("]") and len(pts) % 2 == 0)


def map_points(parsed: Parsed, fn: Callable[[Point], Point]) -> Parsed:
    """Apply ``fn`` to every coordinate of an FVP or boxes result (e.g. grid -> pixels).

    Boxes are mapped corner by corner. Failures and other kinds are returned unchanged.
    """
    if not parsed.ok or parsed.kind not in ("fvp", "boxes"):
        return parsed

    def box(b: Box) -> Box:
        (x0, y0), (x1, y1) = fn((b[0], b[1])), fn((b[2], b[3]))
        return (x0, y0, x1, y1)

    v = dict(parsed.value)
    if "clusters" in v:
        v["clusters"] = [(box(b), fn(c)) for b, c in v["clusters"]]
    if v.get("observation") is not None:
        v["observation"] = (box(v["observation"][0]), fn(v["observation"][1]))
    if "centroid" in v:
        v["centroid"] = fn(v["centroid"])
    if "boxes" in v:
        v["boxes"] = [box(b) for b in v["boxes"]]
    return replace(parsed, value=v)
