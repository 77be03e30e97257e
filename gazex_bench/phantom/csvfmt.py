"""Fast CSV text building in the pandas ``to_csv`` style (no per-row pandas).

Floats are written with Python's shortest ``repr`` after rounding (``1.0``, ``0.25``),
integers as integers, missing values as empty fields, booleans as ``True``/``False``;
fields containing ``,`` or ``"`` are quoted. Rows end with ``\\n``; callers convert to
CRLF where the dataset uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def field(value: Any) -> str:
    """One CSV field (None/NaN -> empty)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if value != value else repr(value)
    s = str(value)
    if "," in s or '"' in s or "\n" in s:
        return '"' + s.replace('"', '""') + '"'
    return s


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Header + rows as CSV text (LF line ends, trailing newline)."""
    lines = [",".join(field(h) for h in header)]
    lines.extend(",".join(field(v) for v in row) for row in rows)
    return "\n".join(lines) + "\n"


def format_rows(fmt: str, columns: Sequence[list[Any]]) -> list[str]:
    """Format equal-length column lists with one ``%`` format per row (fast path)."""
    return [fmt % row for row in zip(*columns)]
