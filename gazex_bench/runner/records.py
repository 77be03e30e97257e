"""predictions.jsonl: one line per sample, appended and flushed as produced.

Line schema (keys sorted on disk)::

    {"sample_id": str, "prompt_sha256": str, "gen_config_sha256": str,
     "raw": str | null, "parsed": <capability JSON> | null, "error": str | null,
     "latency_s": float, "failure": str}

``failure`` is present only for a generation failure (the model produced no answer; see
:attr:`gazex_bench.models.types.Response.failure`): such lines are never scored and are
removed and retried on resume (:func:`drop_failures`).

``parsed`` uses :func:`gazex_bench.models.types.parsed_to_json`. A run killed while
writing leaves at most one incomplete last line; :func:`load_predictions` with
``repair=True`` cuts it off (it is recomputed on resume).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from gazex_bench.errors import DataFormatError
from gazex_bench.io import atomic_write_text, dumps_jsonl_line, is_finite_number, naming_path, read_jsonl
from gazex_bench.models.types import (
    Capability,
    Request,
    Response,
    parsed_from_json,
    parsed_to_json,
    request_to_json,
)

log = logging.getLogger(__name__)

PREDICTIONS = "predictions.jsonl"


def sha256_text(text: str) -> str:
    """Hex SHA-256 of UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def prompt_sha256(request: Request, response: Response) -> str:
    """Hash of the exact prompt the model saw, else of the request's canonical JSON."""
    if response.prompt is not None:
        return sha256_text(response.prompt)
    return sha256_text(json.dumps(request_to_json(request), sort_keys=True))


@dataclass(frozen=True)
class PredictionRecord:
    """One line of predictions.jsonl, decoded."""

    sample_id: str
    response: Response
    prompt_sha256: str
    gen_config_sha256: str
    latency_s: float | None

    def to_json(self) -> dict[str, Any]:
        """The JSONL object (``failure`` only when set, so older files keep their bytes)."""
        out = {
            "sample_id": self.sample_id,
            "prompt_sha256": self.prompt_sha256,
            "gen_config_sha256": self.gen_config_sha256,
            "raw": self.response.raw,
            "parsed": parsed_to_json(self.response.parsed),
            "error": self.response.error,
            "latency_s": self.latency_s,
        }
        if self.response.failure is not None:
            out["failure"] = self.response.failure
        return out


class PredictionWriter:
    """Append records to a JSONL file, flushing and fsync-ing after every batch."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh: IO[str] = path.open("a", encoding="utf-8")

    def write(self, records: Iterable[PredictionRecord]) -> None:
        """Write and flush ``records`` (one line each)."""
        with naming_path(self.path):
            for rec in records:
                self._fh.write(dumps_jsonl_line(rec.to_json()))
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        """Close the file."""
        with naming_path(self.path):
            self._fh.close()

    def __enter__(self) -> PredictionWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def repair_tail(path: Path) -> int:
    """Cut an incomplete last line (no trailing newline) left by a killed run.

    Returns:
        Number of bytes removed (0 when the file was complete or absent).
    """
    if not path.is_file():
        return 0
    data = path.read_bytes()
    if not data or data.endswith(b"\n"):
        return 0
    keep = data.rfind(b"\n") + 1
    with path.open("r+b") as fh:
        fh.truncate(keep)
    log.warning("%s: removed an incomplete last line (%d bytes)", path, len(data) - keep)
    return len(data) - keep


def load_predictions(
    path: Path, capability: Capability, *, repair: bool = False
) -> dict[str, PredictionRecord]:
    """Read predictions.jsonl into ``sample_id → record``.

    Raises:
        DataFormatError: a non-JSON line, a missing/ill-typed field, a duplicate id,
            or a parsed output that does not fit ``capability`` (e.g. NaN box).
    """
    if repair:
        repair_tail(path)
    out: dict[str, PredictionRecord] = {}
    if not path.exists():
        return out
    for lineno, obj in read_jsonl(path):
        rec = record_from_json(path, lineno, obj, capability)
        if rec.sample_id in out:
            raise DataFormatError(path, f"duplicate sample_id '{rec.sample_id}'", row=lineno)
        out[rec.sample_id] = rec
    return out


def record_from_json(
    path: Path, lineno: int, obj: dict[str, Any], capability: Capability
) -> PredictionRecord:
    """Decode one predictions.jsonl object (see module docstring)."""
    sid = obj.get("sample_id")
    if not isinstance(sid, str) or not sid:
        raise DataFormatError(path, "missing or empty 'sample_id'", row=lineno, field="sample_id")
    for key in ("raw", "error", "failure"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise DataFormatError(path, f"'{key}' must be a string or null", row=lineno, field=key)
    try:
        parsed = parsed_from_json(capability, obj.get("parsed"))
    except ValueError as exc:
        raise DataFormatError(path, str(exc), row=lineno, field=getattr(exc, "field", "parsed")) from None
    latency = obj.get("latency_s")
    failure = obj.get("failure")
    if failure is not None and (parsed is not None or not obj.get("error")):
        raise DataFormatError(
            path,
            "a 'failure' line must have 'parsed' null and an 'error' message",
            row=lineno,
            field="failure",
        )
    response = Response(sid, obj.get("raw"), parsed, obj.get("error"), failure=failure)
    return PredictionRecord(
        sample_id=sid,
        response=response,
        prompt_sha256=str(obj.get("prompt_sha256", "")),
        gen_config_sha256=str(obj.get("gen_config_sha256", "")),
        latency_s=float(latency) if is_finite_number(latency) else None,  # range-checked before float()
    )


def failures(records: Mapping[str, PredictionRecord]) -> dict[str, PredictionRecord]:
    """The generation failures among ``records`` (id → record), in id order."""
    return {k: r for k, r in sorted(records.items()) if r.response.failure is not None}


def errors_by_reason(records: Iterable[PredictionRecord]) -> dict[str, int]:
    """Count errors by reason: a failure's reason key, else ``answer_error`` (an answer scored as empty)."""
    out: dict[str, int] = {}
    for r in records:
        if r.response.error is not None:
            key = r.response.failure or "answer_error"
            out[key] = out.get(key, 0) + 1
    return dict(sorted(out.items()))


def drop_failures(path: Path, capability: Capability) -> dict[str, PredictionRecord]:
    """Remove generation-failure lines from ``path`` (atomically) so they are retried; returns what is kept."""
    records = load_predictions(path, capability, repair=True)
    failed = failures(records)
    if not failed:
        return records
    kept = {k: r for k, r in records.items() if k not in failed}
    atomic_write_text(path, "".join(dumps_jsonl_line(r.to_json()) for r in kept.values()))
    log.info("%s: %d failed sample(s) will be retried", path, len(failed))
    return kept


def check_ids(
    path: Path, found: Iterable[str], expected: Sequence[str], *, allow_missing: bool = False
) -> None:
    """Check predicted ids against the evaluated ids.

    Raises:
        DataFormatError: ids missing (unless ``allow_missing``) or not in the evaluated set.
    """
    found_set, expected_set = set(found), set(expected)
    extra = sorted(found_set - expected_set)
    missing = [i for i in expected if i not in found_set]
    if extra:
        raise DataFormatError(path, f"{len(extra)} sample id(s) not in the evaluated set, e.g. '{extra[0]}'")
    if missing and not allow_missing:
        raise DataFormatError(
            path,
            f"{len(missing)} of {len(expected)} evaluated sample(s) have no prediction, "
            f"e.g. '{missing[0]}' (run the same command again to resume)",
        )
