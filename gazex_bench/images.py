"""The one place the suite opens image files: decode errors become named, counted skips.

Tasks call :func:`image_problem` for every sample's images while loading: a missing file
is dropped as ``no_image``, a file that exists but does not decode (zero bytes, truncated,
corrupt JPEG/PNG, not an image at all) as ``bad_image``. The check decodes the whole
file (JPEGs through libjpeg's 1/8-scale DCT, which still reads every entropy-coded
segment, so truncation is caught at a fraction of the full-resolution cost) and is
cached per ``(path, size, mtime)``.

Every problem is also noted in the active :func:`collect_image_problems` collector, so
the runner can name the files in the run record and name the folder it expected when no
sample is left.

Adapters and commands open images with :func:`open_image`, which raises a
:class:`~gazex_bench.errors.DataFormatError` naming the file instead of a PIL traceback.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazex_bench.errors import DataFormatError

NO_IMAGE = "no_image"
BAD_IMAGE = "bad_image"


@dataclass
class ImageProblems:
    """Files that made samples drop while loading (reason → path → detail)."""

    files: dict[str, dict[str, str]] = field(default_factory=dict)

    def note(self, reason: str, path: Path, detail: str) -> None:
        """Record one problem file (first detail kept)."""
        self.files.setdefault(reason, {}).setdefault(str(path), detail)

    def to_json(self, limit: int = 50) -> dict[str, dict[str, str]]:
        """Reason → up to ``limit`` path → detail entries (sorted paths)."""
        return {r: dict(sorted(d.items())[:limit]) for r, d in sorted(self.files.items())}


_ACTIVE: contextvars.ContextVar[ImageProblems | None] = contextvars.ContextVar(
    "gazex_image_problems", default=None
)


@contextlib.contextmanager
def collect_image_problems() -> Iterator[ImageProblems]:
    """Collect every missing or undecodable image seen by :func:`image_problem` inside the block."""
    problems = ImageProblems()
    token = _ACTIVE.set(problems)
    try:
        yield problems
    finally:
        _ACTIVE.reset(token)


def image_problem(paths: Iterable[Any] | None) -> str | None:
    """Why a sample with these image files cannot be evaluated, or None when all decode.

    Returns:
        ``"no_image"`` (no path, or a file is missing), ``"bad_image"`` (a file does not
        decode), or None.
    """
    paths = [Path(p) for p in (paths or ()) if p is not None]
    if not paths:
        return NO_IMAGE
    active = _ACTIVE.get()
    for p in paths:
        try:
            st = p.stat()
        except OSError as exc:
            if active is not None:
                active.note(NO_IMAGE, p, exc.strerror or "not found")
            return NO_IMAGE
        if not os.path.isfile(p):
            if active is not None:
                active.note(NO_IMAGE, p, "not a regular file")
            return NO_IMAGE
        err = _decode_error(str(p), st.st_size, st.st_mtime_ns)
        if err is not None:
            if active is not None:
                active.note(BAD_IMAGE, p, err)
            return BAD_IMAGE
    return None


@functools.lru_cache(maxsize=65536)
def _decode_error(path: str, size: int, mtime_ns: int) -> str | None:
    """Decode ``path`` fully; the error text, or None when it decodes (cached per size/mtime)."""
    if size == 0:
        return "empty file (0 bytes)"
    try:
        _load(path, draft=True)
    except Exception as exc:  # PIL raises OSError, SyntaxError, ValueError, struct.error... for bad bytes
        return _describe(exc)
    return None


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]


def _load(path: str | Path, *, draft: bool = False) -> Any:
    """Open and fully decode ``path`` (PIL image, pixels loaded); truncated data is an error."""
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as im:
            if draft and im.format == "JPEG":
                im.draft(im.mode, (max(1, im.width // 8), max(1, im.height // 8)))
            im.load()
            return im.copy() if not draft else None


def open_image(path: str | Path, mode: str | None = None) -> Any:
    """Open and fully decode an image (a PIL image, optionally converted to ``mode``).

    Raises:
        DataFormatError: the file is missing or does not decode (names the file).
    """
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(path, "image file not found")
    try:
        im = _load(path)
    except Exception as exc:  # any decode failure of untrusted bytes
        raise DataFormatError(path, f"image does not decode ({_describe(exc)})") from None
    return im.convert(mode) if mode is not None and im.mode != mode else im
