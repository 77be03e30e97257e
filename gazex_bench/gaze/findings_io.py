"""JSONL round trip of :class:`~gazex_bench.gaze.types.FindingGaze` records.

One line per finding: the dataclass fields (tuples as lists, ``holistic`` null when the
window held no gaze) plus ``preset`` and ``frame`` (``continuous`` or ``index``) so a file
says how its coordinates were made. Quarter-scale pixels, seconds from audio start.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from gazex_bench.errors import DataFormatError
from gazex_bench.gaze.types import FindingGaze, GazeCluster
from gazex_bench.io import atomic_write_text, dumps_jsonl_line, read_jsonl


def finding_to_dict(f: FindingGaze, *, preset: str = "", frame: str = "") -> dict[str, Any]:
    """JSON-ready dict of one record (with ``preset``/``frame`` tags when given)."""
    d = asdict(f)
    d["preset"], d["frame"] = preset, frame
    return d


def _box(v: Any) -> tuple[float, float, float, float]:
    """``[x0, y0, x1, y1]`` as floats; a list of another length raises ValueError (caller names the row)."""
    x0, y0, x1, y1 = (float(x) for x in v)
    return x0, y0, x1, y1


def _cluster(d: dict[str, Any]) -> GazeCluster:
    return GazeCluster(
        cluster_id=int(d["cluster_id"]), centroid=(float(d["centroid"][0]), float(d["centroid"][1])),
        box=_box(d["box"]), t_mean_s=float(d["t_mean_s"]), n_points=int(d["n_points"]),
    )  # fmt: skip


def finding_from_dict(d: dict[str, Any]) -> FindingGaze:
    """Inverse of :func:`finding_to_dict` (extra keys ignored); raises KeyError/TypeError/ValueError."""
    return FindingGaze(
        reading_id=str(d["reading_id"]), sentence_index=int(d["sentence_index"]), sentence=str(d["sentence"]),
        t_start_s=float(d["t_start_s"]), t_end_s=float(d["t_end_s"]),
        window=(float(d["window"][0]), float(d["window"][1])),
        clusters=tuple(_cluster(c) for c in d["clusters"]),
        holistic=None if d["holistic"] is None else _cluster(d["holistic"]),
        n_points=int(d["n_points"]), n_off_image=int(d["n_off_image"]),
    )  # fmt: skip


def write_findings_jsonl(path: str | Path, findings: Iterable[FindingGaze], *, preset: str = "", frame: str = "") -> Path:  # fmt: skip
    """Write records as JSONL atomically (one compact, key-sorted object per line)."""
    text = "".join(dumps_jsonl_line(finding_to_dict(f, preset=preset, frame=frame)) for f in findings)
    return atomic_write_text(path, text)


def read_findings_jsonl(path: str | Path) -> list[FindingGaze]:
    """Read records written by :func:`write_findings_jsonl`.

    Raises:
        DataFormatError: bad JSON or a line missing/mistyping a field (names the line).
    """
    out = []
    for lineno, obj in read_jsonl(path):
        try:
            out.append(finding_from_dict(obj))
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise DataFormatError(path, f"not a FindingGaze record ({exc!r})", row=lineno) from None
    return out
