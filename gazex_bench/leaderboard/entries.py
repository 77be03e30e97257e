"""Typed validation of leaderboard entries (``entries/<task>/<id>.json``) and of the runs they come from.

Every check names the file (the entry, or the ``run.json`` an entry is made from) and the
field as a JSON path (``metrics.bleu_4.ci_high``). Numbers must be finite JSON numbers
within the float range; names are strings without control characters.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gazex_bench.errors import DataFormatError
from gazex_bench.io import is_finite_number
from gazex_bench.leaderboard.schema import KINDS

MAX_TEXT = 2000


def check_text(path: Path, value: Any, field: str, *, required: bool = True) -> None:
    """A string without control characters (tab allowed), at most ``MAX_TEXT`` characters."""
    if value is None and not required:
        return
    if not isinstance(value, str) or (required and not value.strip()):
        raise DataFormatError(path, "must be a non-empty string", field=field)
    if len(value) > MAX_TEXT:
        raise DataFormatError(path, f"longer than {MAX_TEXT} characters", field=field)
    bad = next((c for c in value if ord(c) < 32 and c != "\t" or ord(c) == 127), None)
    if bad is not None:
        raise DataFormatError(path, f"contains a control character ({bad!r})", field=field)


def check_number(path: Path, value: Any, field: str) -> None:
    """None or a finite JSON number that fits a float (bools rejected)."""
    if value is not None and not is_finite_number(value):
        shown = repr(value) if len(repr(value)) <= 30 else repr(value)[:27] + "..."
        raise DataFormatError(path, f"must be a finite number or null, got {shown}", field=field)


def check_metrics(path: Path, metrics: Any, prefix: str = "metrics") -> None:
    """``{name: {value, n, ci_low, ci_high, ...}}`` with finite numbers (null allowed) and integer n."""
    if not isinstance(metrics, Mapping):
        raise DataFormatError(path, "must be an object of metrics", field=prefix)
    for name, m in metrics.items():
        where = f"{prefix}.{name}"
        if not isinstance(m, Mapping):
            raise DataFormatError(path, "must be an object {value, n, ci_low, ci_high}", field=where)
        for key in ("value", "ci_low", "ci_high"):
            check_number(path, m.get(key), f"{where}.{key}")
        check_text(path, m.get("ci_method"), f"{where}.ci_method", required=False)
        n = m.get("n")
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or not 0 <= n < 2**53):
            raise DataFormatError(
                path, f"must be a non-negative integer or null, got {n!r}"[:120], field=f"{where}.n"
            )


def check_entry(path: Path, entry: Any) -> None:
    """Check a whole entry object.

    Raises:
        DataFormatError: a missing or ill-typed field (named).
    """
    if not isinstance(entry, Mapping):
        raise DataFormatError(path, "a leaderboard entry must be one JSON object")
    for key in ("task", "model", "run_id"):
        check_text(path, entry.get(key), key)
    for key in ("date", "source", "primary_metric"):
        check_text(path, entry.get(key), key, required=False)
    if entry.get("kind") not in KINDS:
        raise DataFormatError(path, f"must be one of {', '.join(sorted(KINDS))}", field="kind")
    n = entry.get("n")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or not 0 <= n < 2**53):
        raise DataFormatError(path, "must be a non-negative integer or null", field="n")
    conv = entry.get("conventions", {})
    if not isinstance(conv, Mapping):
        raise DataFormatError(path, "must be an object", field="conventions")
    for k, v in conv.items():
        check_text(path, v, f"conventions.{k}", required=False)
    check_metrics(path, entry.get("metrics"))
    check_training(path, entry.get("training"))


def check_training(path: Path, training: Any) -> None:
    """Optional ``training``: ``{regime, stage, tasks, steps, samples_seen}`` (see ``runner.regime``)."""
    if training is None:
        return
    if not isinstance(training, Mapping):
        raise DataFormatError(
            path, "must be an object {regime, stage, tasks, steps, samples_seen}", field="training"
        )
    check_text(path, training.get("regime"), "training.regime")
    for key in ("stage", "steps", "samples_seen"):
        v = training.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 2**53):
            raise DataFormatError(
                path, f"must be a non-negative integer or null, got {v!r}"[:120], field=f"training.{key}"
            )
    tasks = training.get("tasks") or []
    if not isinstance(tasks, list):
        raise DataFormatError(path, "must be a list of task names", field="training.tasks")
    for i, t in enumerate(tasks):
        check_text(path, t, f"training.tasks[{i}]")
