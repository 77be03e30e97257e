"""The suite's error types: one place, one message format.

Every user-facing failure raises a subclass of :class:`GazexError`. The CLI turns it
into a single line on stderr and exit code 2 (no traceback).
"""

from __future__ import annotations

from pathlib import Path


class GazexError(Exception):
    """Base class of all errors the CLI reports as one clear line (exit code 2)."""


class UsageError(GazexError):
    """A bad command-line argument, unknown name, or inconsistent option set."""


class DataFormatError(GazexError):
    """Input data does not match the documented on-disk format.

    The message always names the file, and where known the 1-based data row
    (header excluded; for JSONL the line number) and the field.

    Args:
        path: The offending file (or directory, for a missing file inside it).
        message: What is wrong, in plain words.
        row: 1-based data row / line number, if the problem is on one row.
        field: Column or key name, if the problem is in one field.
    """

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.row = row
        self.field = field
        self.message = message
        super().__init__(self.format())

    def format(self) -> str:
        """Return the one-line message: ``<file>[, row N][, field 'F']: message``."""
        where = str(self.path)
        if self.row is not None:
            where += f", row {self.row}"
        if self.field is not None:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"
