"""Validation of leaderboard submissions: data only, checked before anything is scored.

A submission is a directory holding exactly two files:

* ``metadata.json`` -- one JSON object with ``model_name``, ``task``, ``parameters``,
  ``training_data``, ``contact``, ``licence`` (optional: ``description``, ``url``);
* ``predictions.jsonl`` -- one JSON object per test sample with ``"id"`` and the task's
  output fields (``"text"`` for reports, ``"answer"`` for VQA, ``"boxes"`` as
  ``[[x, y, w, h, confidence], ...]`` in original-image pixels for grounding).

Nothing is unpickled, imported or executed: files are read as UTF-8 text and parsed
as JSON only; any other file, a binary/pickle payload, non-finite numbers, ids that
are not exactly the task's test ids, boxes outside the image, or oversized files are
rejected with one :class:`~gazex_bench.errors.DataFormatError`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.io import is_finite_number, read_json, read_jsonl
from gazex_bench.leaderboard.entries import check_text

MAX_PREDICTIONS_BYTES = 64 * 1024 * 1024
MAX_METADATA_BYTES = 64 * 1024
MAX_NAME_CHARS = 100
REQUIRED_METADATA: tuple[str, ...] = (
    "model_name",
    "task",
    "parameters",
    "training_data",
    "contact",
    "licence",
)
OPTIONAL_METADATA: tuple[str, ...] = ("description", "url")
ALLOWED_FILES: frozenset[str] = frozenset({"metadata.json", "predictions.jsonl"})
_PICKLE_MAGIC = (b"\x80", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF", b"MZ")


@dataclass(frozen=True)
class TaskExpectation:
    """What a valid submission for one task must contain."""

    task: str
    ids: frozenset[str]
    """Exactly the task's test sample ids."""
    image_sizes: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """sample id -> (width, height) in pixels, for tasks with boxes."""
    output_field: str = "text"
    """The required output key of each prediction line (``text``, ``answer``, ``boxes``)."""


@dataclass(frozen=True)
class Submission:
    """A validated submission."""

    directory: Path
    metadata: Mapping[str, Any]
    predictions: Mapping[str, Mapping[str, Any]]
    slug: str
    """Filesystem-safe name derived from ``model_name`` (never escapes its folder)."""


def safe_slug(name: str) -> str:
    """Filesystem-safe slug of a display name: ``[A-Za-z0-9._-]``, no leading dot."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    if not slug:
        raise UsageError(f"name {name!r} has no usable characters for a file name")
    return slug[:80]


def inside(root: Path, candidate: Path) -> bool:
    """True if ``candidate`` resolves to a path inside ``root``."""
    root_r, cand_r = root.resolve(), candidate.resolve()
    return cand_r == root_r or root_r in cand_r.parents


def _check_text_file(path: Path, limit: int) -> None:
    if not path.exists() and not path.is_symlink():
        raise DataFormatError(path, "file not found")
    if path.is_symlink() or not path.is_file():
        raise DataFormatError(path, "must be a regular file (no links)")
    size = path.stat().st_size
    if size > limit:
        raise DataFormatError(path, f"file is {size} bytes; the limit is {limit}")
    head = path.read_bytes()[:4096]
    if head.startswith(_PICKLE_MAGIC) or b"\x00" in head:
        raise DataFormatError(
            path, "binary content (pickle/archive/executable) is not accepted; submit JSON text"
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a multi-byte char cut at the 4 KiB boundary
            raise DataFormatError(path, "not UTF-8 text") from None


def check_directory(directory: Path) -> None:
    """A submission is a directory holding exactly ``metadata.json`` and ``predictions.jsonl``."""
    if not directory.is_dir():
        raise DataFormatError(
            directory, "submission must be a directory with metadata.json and predictions.jsonl"
        )
    names = {p.name for p in directory.iterdir()}
    extra = sorted(names - ALLOWED_FILES)
    if extra:
        raise DataFormatError(
            directory / extra[0],
            "unexpected file in submission (only metadata.json and predictions.jsonl are allowed)",
        )
    for name in sorted(ALLOWED_FILES - names):
        raise DataFormatError(directory / name, "file not found")


def load_metadata(path: Path, *, task: str | None = None) -> dict[str, Any]:
    """Read and validate ``metadata.json``."""
    _check_text_file(path, MAX_METADATA_BYTES)
    meta = read_json(path)  # NaN, Infinity and overflowing numbers (1e999) are rejected, naming the field
    if not isinstance(meta, dict):
        raise DataFormatError(path, "must be one JSON object")
    for key in REQUIRED_METADATA:
        value = meta.get(key)
        if isinstance(value, str):
            if not value.strip():
                raise DataFormatError(path, "required field missing or empty", field=key)
            check_text(path, value, key)
        elif not is_finite_number(value):
            raise DataFormatError(
                path, "required field missing, empty, or not a string/finite number", field=key
            )
    for key in OPTIONAL_METADATA:
        if key in meta:
            check_text(path, meta[key], key)
    for key in meta:
        if key not in REQUIRED_METADATA and key not in OPTIONAL_METADATA:
            raise DataFormatError(path, "unknown field", field=key)
    if not isinstance(meta["model_name"], str):
        raise DataFormatError(path, "must be a string", field="model_name")
    if len(meta["model_name"]) > MAX_NAME_CHARS:
        raise DataFormatError(path, f"longer than {MAX_NAME_CHARS} characters", field="model_name")
    try:
        safe_slug(meta["model_name"])
    except UsageError as exc:
        raise DataFormatError(path, str(exc), field="model_name") from None
    if not isinstance(meta["task"], str):
        raise DataFormatError(path, "must be a task name (a string)", field="task")
    if task is not None and meta["task"] != task:
        raise DataFormatError(path, f"task is {meta['task']!r}, expected {task!r}", field="task")
    return meta


def _check_finite(path: Path, line: int, obj: Any, where: str) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            _check_finite(path, line, v, f"{where}.{k}" if where else str(k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            _check_finite(path, line, v, f"{where}[{i}]")
    elif isinstance(obj, float) and not is_finite_number(obj):
        raise DataFormatError(path, "number must be finite", row=line, field=where)


def _check_boxes(path: Path, line: int, boxes: Any, size: tuple[int, int] | None) -> None:
    if not isinstance(boxes, list):
        raise DataFormatError(path, "must be a list of [x, y, w, h, confidence]", row=line, field="boxes")
    for i, box in enumerate(boxes):
        f = f"boxes[{i}]"
        if not isinstance(box, list) or len(box) not in (4, 5) or not all(is_finite_number(v) for v in box):
            raise DataFormatError(
                path, "must be [x, y, w, h] or [x, y, w, h, confidence] finite numbers", row=line, field=f
            )
        x, y, w, h = box[:4]
        if w <= 0 or h <= 0:
            raise DataFormatError(path, "box width and height must be positive", row=line, field=f)
        if len(box) == 5 and not 0.0 <= box[4] <= 1.0:
            raise DataFormatError(path, "confidence must lie in [0, 1]", row=line, field=f)
        if size is not None and (x < 0 or y < 0 or x + w > size[0] or y + h > size[1]):
            raise DataFormatError(path, f"box lies outside the {size[0]}x{size[1]} image", row=line, field=f)


def load_predictions(path: Path, expect: TaskExpectation) -> dict[str, dict[str, Any]]:
    """Read ``predictions.jsonl`` and check it against the task's test ids and outputs."""
    _check_text_file(path, MAX_PREDICTIONS_BYTES)
    preds: dict[str, dict[str, Any]] = {}
    for line, obj in read_jsonl(path):
        sid = obj.get("id")
        if not isinstance(sid, str) or not sid:
            raise DataFormatError(path, "missing or non-string id", row=line, field="id")
        if sid in preds:
            raise DataFormatError(path, f"duplicate id {sid!r}", row=line, field="id")
        if sid not in expect.ids:
            raise DataFormatError(
                path, f"id {sid!r} is not a test id of task {expect.task}", row=line, field="id"
            )
        _check_finite(path, line, obj, "")
        if expect.output_field not in obj:
            raise DataFormatError(path, "required output missing", row=line, field=expect.output_field)
        if expect.output_field == "boxes":
            _check_boxes(path, line, obj["boxes"], expect.image_sizes.get(sid))
        elif not isinstance(obj[expect.output_field], str):
            raise DataFormatError(path, "must be a string", row=line, field=expect.output_field)
        preds[sid] = obj
    missing = sorted(expect.ids - preds.keys())
    if missing:
        shown = ", ".join(missing[:3]) + (" ..." if len(missing) > 3 else "")
        raise DataFormatError(path, f"{len(missing)} test ids have no prediction ({shown})", field="id")
    return preds


def validate_submission(directory: Path, expect: TaskExpectation) -> Submission:
    """Validate a submission directory against a task; return the parsed submission."""
    check_directory(directory)
    meta = load_metadata(directory / "metadata.json", task=expect.task)
    preds = load_predictions(directory / "predictions.jsonl", expect)
    return Submission(
        directory=directory, metadata=meta, predictions=preds, slug=safe_slug(str(meta["model_name"]))
    )


def duplicate_ids(ids: list[str]) -> list[str]:
    """Ids occurring more than once (helper for callers that collect ids themselves)."""
    return sorted(k for k, v in Counter(ids).items() if v > 1)
