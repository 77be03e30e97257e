"""Small I/O helpers shared by the whole suite: atomic writes and strict JSONL.

Nothing is ever half-written: every writer goes to a temporary file in the same
directory and is renamed into place (``os.replace`` is atomic on POSIX).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gazex_bench.errors import DataFormatError


def file_mode() -> int:
    """Mode of a newly created regular file under the process umask (``0o666 & ~umask``)."""
    mask = os.umask(0o022)  # read by setting and restoring it
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file + rename).

    Args:
        path: Destination file; parent directories are created.
        data: Bytes to write.

    Returns:
        The destination path.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, file_mode())  # mkstemp creates 0600; a published file gets the usual mode
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | Path, text: str, *, newline: str = "\n") -> Path:
    """Write UTF-8 text atomically; ``newline`` replaces every ``\\n`` (use ``\\r\\n`` for CRLF)."""
    if newline != "\n":
        text = text.replace("\n", newline)
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | Path, obj: Any) -> Path:
    """Write ``obj`` as pretty, key-sorted JSON (diffs cleanly), atomically."""
    text = json.dumps(obj, indent=2, sort_keys=True, allow_nan=False, ensure_ascii=False) + "\n"
    return atomic_write_text(path, text)


def _reject_constant(token: str) -> float:
    raise ValueError(f"non-finite number {token} is not valid JSON")


def read_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line of a JSONL file.

    Raises:
        DataFormatError: missing file, non-UTF-8 bytes, a line that is not a JSON
            object, or NaN/Infinity literals (not JSON).
    """
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(path, "file not found")
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise DataFormatError(path, "not valid UTF-8 text", row=lineno) from None
            if not line.strip():
                continue
            try:
                obj = json.loads(line, parse_constant=_reject_constant)
            except ValueError as exc:
                raise DataFormatError(path, f"not valid JSON ({exc})", row=lineno) from None
            if not isinstance(obj, dict):
                raise DataFormatError(path, "each line must be a JSON object", row=lineno)
            yield lineno, obj


def dumps_jsonl_line(obj: dict[str, Any]) -> str:
    """Serialise one JSONL record (compact, key-sorted, no NaN) with a trailing newline."""
    return json.dumps(obj, sort_keys=True, allow_nan=False, ensure_ascii=False) + "\n"


def is_finite_number(value: Any) -> bool:
    """True for int/float values that are finite (bools are not numbers here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
