"""Leaderboard CSV schema: one flat CSV per task, one row per model run.

Columns are snake_case identifiers; numbers are raw (never formatted); rows are
sorted deterministically (primary metric descending, then model, then run id).
A metric ``M`` occupies three columns: ``M``, ``M_ci_low``, ``M_ci_high`` (the run's 95 % CI,
whose method each entry records and the page lists per task; empty for published rows without a CI).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gazex_bench.errors import DataFormatError
from gazex_bench.io import atomic_write_text, formula_safe, formula_unquote
from gazex_bench.runner.regime import RegimeCell, regime_from_record

FIXED_COLUMNS: tuple[str, ...] = (
    "model",
    "run_id",
    "kind",
    "n",
    "conventions",
    "date",
    "source",
    "data",
    "regime",
    "train_stage",
    "train_tasks",
    "train_steps",
    "samples_seen",
)
"""Columns every leaderboard CSV starts with.

* ``kind``: ``run`` (measured by this suite), ``submission`` (a validated external
  predictions file scored by this suite), ``reported`` (a published number, copied
  with its source and convention; not re-measured), ``baseline`` (a reference adapter),
  ``reference`` (a model-independent ceiling or null row of a task, e.g. the
  inter-radiologist ceiling or the center-bias row of ``reflacx-gaze``).
* ``source``: git commit of the run, a submission id, or the citation of a published row.
* ``data``: ``synthetic`` (phantom data: never ranked together with real rows),
  ``real`` (measured on real data) or ``published`` (a reported row).
* ``regime`` .. ``samples_seen``: how the row's model was trained
  (:class:`gazex_bench.runner.regime.RegimeCell`: ``fine-tuned`` / ``pretrained`` / ``zero-shot``
  with the deciding stage, its training tasks (``;``-joined), steps and samples seen; ``none``
  for reference adapters, ``reference`` for ceiling/null rows, ``published`` for reported rows,
  ``unknown`` without a training record).
"""

OPTIONAL_COLUMNS: frozenset[str] = frozenset(
    {"data", "regime", "train_stage", "train_tasks", "train_steps", "samples_seen"}
)
"""Fixed columns that older CSVs may lack (read with their kind's defaults)."""

DATA_KINDS: frozenset[str] = frozenset({"synthetic", "real", "published"})

KINDS: frozenset[str] = frozenset({"run", "submission", "reported", "baseline", "reference"})


def metric_slug(name: str) -> str:
    """Turn a display metric name into a column identifier (``BLEU-4`` -> ``bleu_4``)."""
    slug = re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()
    if not slug:
        raise ValueError(f"metric name {name!r} has no identifier characters")
    return slug


@dataclass(frozen=True)
class MetricValue:
    """One metric cell: value with optional CI bounds (NaN-free; None = not available)."""

    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    """The metric's own n (shown on the page where it differs from the row's n; not a CSV column)."""
    ci_method: str | None = None
    """The run's recorded CI method (run.json ``ci_method``; listed under the page's table; not a CSV column)."""


@dataclass(frozen=True)
class LeaderboardRow:
    """One row of a task leaderboard."""

    model: str
    run_id: str
    kind: str
    n: int | None
    conventions: str
    date: str
    source: str
    metrics: Mapping[str, MetricValue] = field(default_factory=dict)
    """Metric slug -> value; slugs come from :func:`metric_slug`."""
    data: str = "real"
    """``synthetic`` | ``real`` | ``published`` (see :data:`FIXED_COLUMNS`)."""
    regime: RegimeCell = RegimeCell("unknown")
    """How the row's model was trained (see :data:`FIXED_COLUMNS`)."""


def _fmt(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("leaderboard cells must be finite")
        return repr(round(value, 6))
    return str(value)


def columns_for(metric_slugs: Sequence[str]) -> list[str]:
    """All CSV columns for the given metric slugs, in order."""
    cols = list(FIXED_COLUMNS)
    for slug in metric_slugs:
        cols += [slug, f"{slug}_ci_low", f"{slug}_ci_high"]
    return cols


def sort_rows(
    rows: Iterable[LeaderboardRow], primary: str | None, higher_is_better: bool = True
) -> list[LeaderboardRow]:
    """Synthetic rows apart (first), then the primary metric best first in its direction
    (descending when ``higher_is_better``, else ascending; missing last), then model, run id."""
    sign = -1.0 if higher_is_better else 1.0

    def key(row: LeaderboardRow) -> tuple[int, int, float, str, str]:
        cell = row.metrics.get(primary) if primary else None
        missing = cell is None or cell.value is None
        return (
            int(row.data != "synthetic"),
            int(missing),
            sign * cell.value if not missing else 0.0,
            row.model,
            row.run_id,
        )

    return sorted(rows, key=key)


def write_csv(path: Path, rows: Sequence[LeaderboardRow], metric_slugs: Sequence[str]) -> Path:
    """Write a leaderboard CSV atomically (LF line endings, UTF-8)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns_for(metric_slugs))
    for row in rows:
        cells = [
            formula_safe(row.model),
            formula_safe(row.run_id),
            row.kind,
            _fmt(row.n),
            formula_safe(row.conventions),
            formula_safe(row.date),
            formula_safe(row.source),
            row.data,
            row.regime.regime,
            _fmt(row.regime.stage),
            formula_safe(";".join(row.regime.tasks)),
            _fmt(row.regime.steps),
            _fmt(row.regime.samples_seen),
        ]
        for slug in metric_slugs:
            m = row.metrics.get(slug, MetricValue(None))
            cells += [_fmt(m.value), _fmt(m.ci_low), _fmt(m.ci_high)]
        writer.writerow(cells)
    return atomic_write_text(path, buf.getvalue())


def _parse_float(path: Path, rownum: int, col: str, text: str) -> float | None:
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise DataFormatError(path, f"expected a number, got {text!r}", row=rownum, field=col) from None
    if not math.isfinite(value):
        raise DataFormatError(path, "number must be finite", row=rownum, field=col)
    return value


def read_csv(path: Path) -> tuple[list[LeaderboardRow], list[str]]:
    """Read a leaderboard CSV back; returns rows and the metric slugs in column order."""
    if not path.is_file():
        raise DataFormatError(path, "file not found")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in FIXED_COLUMNS if c not in header and c not in OPTIONAL_COLUMNS]
        if missing:
            raise DataFormatError(path, "missing column", field=missing[0])
        slugs = [c for c in header if c not in FIXED_COLUMNS and not c.endswith(("_ci_low", "_ci_high"))]
        rows = [_row_from_dict(path, i, rec, slugs) for i, rec in enumerate(reader, start=1)]
    return rows, slugs


def _row_from_dict(path: Path, i: int, rec: Mapping[str, str], slugs: Sequence[str]) -> LeaderboardRow:
    if rec.get("kind") not in KINDS:
        raise DataFormatError(path, f"kind must be one of {sorted(KINDS)}", row=i, field="kind")
    metrics = {
        s: MetricValue(
            _parse_float(path, i, s, rec.get(s) or ""),
            _parse_float(path, i, f"{s}_ci_low", rec.get(f"{s}_ci_low") or ""),
            _parse_float(path, i, f"{s}_ci_high", rec.get(f"{s}_ci_high") or ""),
        )
        for s in slugs
    }
    n = _parse_int(path, i, "n", rec.get("n") or "")
    training = {
        "regime": rec.get("regime") or "",
        "stage": _parse_int(path, i, "train_stage", rec.get("train_stage") or ""),
        "tasks": [t for t in formula_unquote(rec.get("train_tasks") or "").split(";") if t],
        "steps": _parse_int(path, i, "train_steps", rec.get("train_steps") or ""),
        "samples_seen": _parse_int(path, i, "samples_seen", rec.get("samples_seen") or ""),
    }
    return LeaderboardRow(
        model=formula_unquote(rec["model"]),
        run_id=formula_unquote(rec["run_id"]),
        kind=rec["kind"],
        n=n,
        conventions=formula_unquote(rec["conventions"]),
        date=formula_unquote(rec["date"]),
        source=formula_unquote(rec["source"]),
        metrics=metrics,
        data=rec["data"]
        if rec.get("data") in DATA_KINDS
        else ("published" if rec["kind"] == "reported" else "real"),
        regime=regime_from_record(training, rec["kind"]),
    )


def _parse_int(path: Path, rownum: int, col: str, text: str) -> int | None:
    value = _parse_float(path, rownum, col, text)
    if value is not None and value != int(value):
        raise DataFormatError(path, f"expected an integer, got {text!r}", row=rownum, field=col)
    return None if value is None else int(value)
