"""Strict CSV helpers shared by the dataset readers.

Every problem becomes a :class:`~gazex_bench.errors.DataFormatError` that names the
file, the 1-based data row (header excluded) and the field. Files may use CRLF or
LF line endings and may be gzip-compressed (``.gz``). Text must be UTF-8 (an
optional BOM is accepted).
"""

from __future__ import annotations

import csv
import difflib
import gzip
import io
import math
import zlib
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

import numpy as np

from gazex_bench.errors import DataFormatError

_TRUE = frozenset({"True", "true", "TRUE"})
_FALSE = frozenset({"False", "false", "FALSE"})


def read_bytes(path: Path) -> bytes:
    """Return the (decompressed, for ``.gz``) bytes of ``path``.

    Raises:
        DataFormatError: the file is missing or the gzip stream is corrupt.
    """
    if not path.is_file():
        raise DataFormatError(path, "file not found")
    data = path.read_bytes()
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise DataFormatError(path, f"not a valid gzip file ({exc})") from None
    return data


def decode_utf8(path: Path, data: bytes, *, header_lines: int = 1) -> str:
    """Decode ``data`` as UTF-8 (BOM stripped).

    Args:
        path: File name for error messages.
        data: Raw bytes.
        header_lines: Lines before the first data row (1 for CSV, 0 for plain text),
            so the reported row is the 1-based data row.

    Raises:
        DataFormatError: invalid UTF-8; the message gives the row of the bad byte.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        row = line - header_lines
        raise DataFormatError(
            path, f"not valid UTF-8 text (byte 0x{data[exc.start]:02x})", row=row if row >= 1 else None
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def read_text(path: Path) -> str:
    """Read a whole UTF-8 text file (``.gz`` allowed); no newline translation."""
    return decode_utf8(path, read_bytes(path), header_lines=0)


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate most similar to ``name`` (difflib ratio >= 0.6), or None."""
    hits = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return hits[0] if hits else None


class Table:
    """A parsed CSV file: header plus rows of strings, all rows as long as the header.

    Attributes:
        path: The file read.
        header: Column names (whitespace-stripped).
        rows: Data rows (lists of strings).
        row_numbers: 1-based data row number of each entry of ``rows`` (blank lines
            are skipped but still counted).
    """

    def __init__(self, path: Path, header: Sequence[str], rows: list[list[str]], row_numbers: list[int]):
        self.path = path
        self.header = tuple(header)
        self.rows = rows
        self.row_numbers = row_numbers
        self.index = {name: i for i, name in enumerate(self.header)}

    def __len__(self) -> int:
        return len(self.rows)

    # ------------------------------------------------------------------ schema
    def require(self, expected: Sequence[str], *, optional: Sequence[str] = (), extra: bool = True) -> None:
        """Check that every ``expected`` column is present.

        Args:
            expected: Columns that must exist (any order).
            optional: Columns that may exist.
            extra: Whether columns outside ``expected + optional`` are allowed.

        Raises:
            DataFormatError: a missing column (naming the closest header entry, which
                is probably a misspelling) or, with ``extra=False``, an unknown column
                (naming the closest expected name).
        """
        known = list(expected) + list(optional)
        for name in expected:
            if name not in self.index:
                unknown = [h for h in self.header if h not in known]
                guess = closest(name, unknown)
                hint = f" (found '{guess}' - misspelt?)" if guess else ""
                raise DataFormatError(self.path, f"missing column '{name}'{hint}", field=name)
        if not extra:
            for name in self.header:
                if name not in known:
                    guess = closest(name, known)
                    hint = f"; did you mean '{guess}'?" if guess else ""
                    raise DataFormatError(self.path, f"unexpected column '{name}'{hint}", field=name)
        if len(set(self.header)) != len(self.header):
            dup = next(h for h in self.header if self.header.count(h) > 1)
            raise DataFormatError(self.path, f"column '{dup}' appears twice", field=dup)

    def error(self, i: int, name: str | None, message: str) -> DataFormatError:
        """Build the error for row index ``i`` (0-based into ``rows``) and column ``name``."""
        return DataFormatError(self.path, message, row=self.row_numbers[i], field=name)

    # ------------------------------------------------------------------ cells
    def cell(self, i: int, name: str) -> str:
        """Raw string of row ``i`` (0-based) in column ``name``."""
        return self.rows[i][self.index[name]]

    def text(self, i: int, name: str, *, allow_empty: bool = False) -> str:
        """Stripped string cell; empty is an error unless ``allow_empty``."""
        value = self.cell(i, name).strip()
        if not value and not allow_empty:
            raise self.error(i, name, "empty value")
        return value

    def integer(
        self, i: int, name: str, *, lo: int | None = None, hi: int | None = None, allow_empty: bool = False
    ) -> int | None:
        """Integer cell (``"3"`` or an integral float like ``"3.0"``) within ``[lo, hi]``."""
        raw = self.cell(i, name).strip()
        if not raw:
            if allow_empty:
                return None
            raise self.error(i, name, "empty value, expected an integer")
        try:
            value = int(raw)
        except ValueError:
            try:
                f = float(raw)
            except ValueError:
                raise self.error(i, name, f"expected an integer, got {raw!r}") from None
            if not math.isfinite(f) or f != int(f):
                raise self.error(i, name, f"expected an integer, got {raw!r}") from None
            value = int(f)
        _check_range(self, i, name, value, lo, hi)
        return value

    def number(
        self,
        i: int,
        name: str,
        *,
        lo: float | None = None,
        hi: float | None = None,
        allow_empty: bool = False,
    ) -> float | None:
        """Finite float cell within ``[lo, hi]``; empty -> None if ``allow_empty``."""
        raw = self.cell(i, name).strip()
        if not raw:
            if allow_empty:
                return None
            raise self.error(i, name, "empty value, expected a number")
        try:
            value = float(raw)
        except ValueError:
            raise self.error(i, name, f"expected a number, got {raw!r}") from None
        if not math.isfinite(value):
            raise self.error(i, name, f"expected a finite number, got {raw!r}")
        _check_range(self, i, name, value, lo, hi)
        return value

    def numeric_id(self, i: int, name: str) -> str:
        """Id made of digits, kept as a string (``"10000032"``; a pandas-style ``"10000032.0"`` is accepted)."""
        raw = self.text(i, name)
        if raw.endswith(".0"):
            raw = raw[:-2]
        if not raw.isdigit():
            raise self.error(i, name, f"expected a numeric id, got {raw!r}")
        return raw

    def boolean(self, i: int, name: str) -> bool:
        """``True``/``False`` cell (pandas spelling; lower/upper case accepted)."""
        raw = self.cell(i, name).strip()
        if raw in _TRUE:
            return True
        if raw in _FALSE:
            return False
        raise self.error(i, name, f"expected True or False, got {raw!r}")

    def choice(self, i: int, name: str, allowed: Sequence[str]) -> str:
        """String cell that must be one of ``allowed``."""
        raw = self.cell(i, name).strip()
        if raw not in allowed:
            guess = closest(raw, allowed)
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise self.error(i, name, f"unknown value {raw!r} (expected one of {', '.join(allowed)}){hint}")
        return raw

    # ------------------------------------------------------------------ columns
    def floats(self, name: str, *, allow_empty: bool = False) -> np.ndarray:
        """Whole column as float64 (fast path via numpy); empty -> NaN if ``allow_empty``."""
        j = self.index[name]
        col = [r[j] for r in self.rows]
        try:
            arr = np.array(col, dtype=np.float64) if col else np.zeros(0, dtype=np.float64)
        except ValueError:
            arr = self._floats_slow(name, col, allow_empty)
        if not np.all(np.isfinite(arr)) and not allow_empty:
            i = int(np.flatnonzero(~np.isfinite(arr))[0])
            raise self.error(i, name, f"expected a finite number, got {col[i]!r}")
        return arr

    def _floats_slow(self, name: str, col: list[str], allow_empty: bool) -> np.ndarray:
        out = np.empty(len(col), dtype=np.float64)
        for i, raw in enumerate(col):
            raw = raw.strip()
            if not raw:
                if not allow_empty:
                    raise self.error(i, name, "empty value, expected a number")
                out[i] = np.nan
                continue
            try:
                out[i] = float(raw)
            except ValueError:
                raise self.error(i, name, f"expected a number, got {raw!r}") from None
        return out


def _check_range(table: Table, i: int, name: str, value: float, lo: float | None, hi: float | None) -> None:
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        lo_s = "-inf" if lo is None else f"{lo:g}"
        hi_s = "inf" if hi is None else f"{hi:g}"
        raise table.error(i, name, f"value {value:g} out of range [{lo_s}, {hi_s}]")


def parse_table(path: Path, text: str, *, multiline: Collection[str] = ()) -> Table:
    """Parse CSV ``text`` (header + rows) read from ``path``.

    An unbalanced ``"`` makes the csv module read on past the end of the line, swallowing
    the following rows into one field (silently, and at end of file without any error).
    None of the suite's CSV formats has line breaks inside a field, so a field holding one
    is that swallow (equivalently: the record count would fall short of the physical line
    count) and is an error naming the row where the quote opened. Columns listed in
    ``multiline`` may hold line breaks.

    Raises:
        DataFormatError: empty file, a row with fewer fields than the header
            (truncated) or with more fields, a line break inside a field (unbalanced quote).
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise DataFormatError(path, "empty file (no header)") from None
    except csv.Error as exc:
        raise DataFormatError(path, f"malformed CSV header ({exc})") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    n = len(header)
    rows: list[list[str]] = []
    numbers: list[int] = []
    try:
        for k, row in enumerate(reader, start=1):
            _check_one_line(path, header, row, k, multiline)  # before the field count: the real cause
            if len(row) != n:
                if not row:
                    continue  # blank line
                what = "truncated row" if len(row) < n else "too many fields"
                field = header[len(row)] if len(row) < n else None
                raise DataFormatError(path, f"{what}: {len(row)} fields, header has {n}", row=k, field=field)
            rows.append(row)
            numbers.append(k)
    except csv.Error as exc:
        raise DataFormatError(path, f"malformed CSV ({exc})", row=reader.line_num - 1) from None
    return Table(path, header, rows, numbers)


def _check_one_line(
    path: Path, header: Sequence[str], row: list[str], k: int, multiline: Collection[str]
) -> None:
    """Raise when a field (outside ``multiline`` columns) holds a line break: an unbalanced quote."""
    for j, value in enumerate(row):
        name = header[j] if j < len(header) else None
        if ("\n" in value or "\r" in value) and name not in multiline:
            lines = len(value.splitlines())
            raise DataFormatError(
                path,
                f"unbalanced quote: a '\"' opened in this row is not closed, so the field runs over "
                f"{lines} lines (following rows would be lost)",
                row=k,
                field=name,
            )


def read_table(path: Path, *, multiline: Collection[str] = ()) -> Table:
    """Read and parse a CSV file (plain or ``.gz``, CRLF or LF, UTF-8); see :func:`parse_table`."""
    return parse_table(path, decode_utf8(path, read_bytes(path)), multiline=multiline)


def find_variant(folder: Path, names: Sequence[str]) -> Path:
    """First existing ``folder/name`` (each name tried as is, then with ``.gz``).

    Raises:
        DataFormatError: none exists (names what was looked for).
    """
    for name in names:
        for cand in (folder / name, folder / f"{name}.gz"):
            if cand.is_file():
                return cand
    raise DataFormatError(
        folder / names[0], f"file not found (looked for {', '.join(names)} [.gz] in {folder})"
    )


def check_unique(table: Table, i: int, key: object, seen: dict[object, int], name: str) -> None:
    """Record ``key`` for row ``i``; raise a duplicate-id error if it was seen before."""
    if key in seen:
        raise table.error(i, name, f"duplicate id {key!r} (first seen in row {seen[key]})")
    seen[key] = table.row_numbers[i]
