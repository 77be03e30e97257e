"""Small I/O helpers shared by the whole suite: atomic writes and strict JSONL.

Nothing is ever half-written: every writer goes to a temporary file in the same
directory and is renamed into place (``os.replace`` is atomic on POSIX).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeGuard

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
    with naming_path(path):
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


@contextlib.contextmanager
def naming_path(path: str | Path) -> Iterator[None]:
    """Re-raise an ``OSError`` that names no file (e.g. ``ENOSPC`` from ``write``) as one naming ``path``."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None and exc.errno is not None:
            raise type(exc)(exc.errno, exc.strerror or str(exc), str(path)) from None
        raise


def atomic_write_text(path: str | Path, text: str, *, newline: str = "\n") -> Path:
    """Write UTF-8 text atomically; ``newline`` replaces every ``\\n`` (use ``\\r\\n`` for CRLF)."""
    if newline != "\n":
        text = text.replace("\n", newline)
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | Path, obj: Any) -> Path:
    """Write ``obj`` as pretty, key-sorted JSON (diffs cleanly), atomically."""
    text = json.dumps(obj, indent=2, sort_keys=True, allow_nan=False, ensure_ascii=False) + "\n"
    return atomic_write_text(path, text)


def nonfinite_field(obj: Any, where: str = "") -> str | None:
    """JSON path (``a.b[2]``) of the first non-finite float in ``obj``, or None."""
    if isinstance(obj, float):
        return None if math.isfinite(obj) else (where or "<value>")
    if isinstance(obj, dict):
        items: Any = ((f"{where}.{k}" if where else str(k), v) for k, v in obj.items())
    elif isinstance(obj, list):
        items = ((f"{where}[{i}]", v) for i, v in enumerate(obj))
    else:
        return None
    for path, value in items:
        hit = nonfinite_field(value, path)
        if hit is not None:
            return hit
    return None


def loads_json(text: str) -> Any:
    """``json.loads`` that rejects every non-finite number: ``NaN``/``Infinity`` literals and
    overflowing literals such as ``1e999`` (which ``json`` would turn into ``inf``).

    Raises:
        FieldValueError: an overflowing number (its JSON path in ``field``).
        ValueError: invalid JSON or a NaN/Infinity literal.
    """
    obj = json.loads(text, parse_constant=float)  # NaN / Infinity literals become floats, found below
    bad = nonfinite_field(obj)
    if bad is not None:
        raise FieldValueError(
            bad,
            f"'{bad}' must be a finite number (non-finite numbers such as NaN, "
            "Infinity or an overflowing 1e999 are not valid JSON)",
        )
    return obj


class FieldValueError(ValueError):
    """A JSON value that is not acceptable; ``field`` is its JSON path."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def read_json(path: str | Path) -> Any:
    """Read one strict JSON document (see :func:`loads_json`).

    Raises:
        DataFormatError: missing file, non-UTF-8 bytes, invalid JSON or a non-finite number.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(path, "file not found")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise DataFormatError(path, "not valid UTF-8 text") from None
    try:
        return loads_json(text.removeprefix("\ufeff"))
    except FieldValueError as exc:
        raise DataFormatError(path, str(exc), field=exc.field) from None
    except ValueError as exc:
        raise DataFormatError(path, f"not valid JSON ({exc})") from None


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
                obj = loads_json(line)
            except FieldValueError as exc:
                raise DataFormatError(path, str(exc), row=lineno, field=exc.field) from None
            except ValueError as exc:
                raise DataFormatError(path, f"not valid JSON ({exc})", row=lineno) from None
            if not isinstance(obj, dict):
                raise DataFormatError(path, "each line must be a JSON object", row=lineno)
            yield lineno, obj


def dumps_jsonl_line(obj: dict[str, Any]) -> str:
    """Serialise one JSONL record (compact, key-sorted, no NaN) with a trailing newline."""
    return json.dumps(obj, sort_keys=True, allow_nan=False, ensure_ascii=False) + "\n"


FLOAT_MAX = sys.float_info.max


def is_finite_number(value: Any) -> TypeGuard[int | float]:
    """True for int/float values that are finite and fit a float (bools are not numbers here).

    A ``TypeGuard``: where it returns True, type checkers treat ``value`` as ``int | float``.

    Integers are range-checked before any conversion (``math.isfinite(10**400)`` would
    raise ``OverflowError``); Python compares ints with floats exactly.
    """
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -FLOAT_MAX <= value <= FLOAT_MAX
    return isinstance(value, float) and math.isfinite(value)


FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make spreadsheet programs evaluate a cell as a formula (OWASP CSV injection)."""


def formula_safe(text: str) -> str:
    """A text cell that no spreadsheet evaluates: a leading ``= + - @`` (or tab/CR) gets a ``'`` in front.

    Numbers written as text (``"-0.25"``, ``"+1e-3"``) are left alone: they are data, not formulas.
    :func:`formula_unquote` removes the quote again, so names round-trip exactly.
    """
    if not text.startswith(FORMULA_PREFIXES):
        return text
    try:
        float(text)
    except ValueError:
        return "'" + text
    return text


def formula_unquote(text: str) -> str:
    """Undo :func:`formula_safe` on a cell read back from a CSV the suite wrote."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text


def formula_safe_cell(value: Any) -> Any:
    """:func:`formula_safe` for text cells; numbers and ``None`` pass through unchanged."""
    return formula_safe(value) if isinstance(value, str) else value
