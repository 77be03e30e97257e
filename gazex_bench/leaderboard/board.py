"""Leaderboard folder management: entries, reported rows, CSV + HTML rebuild.

Folder layout (``leaderboards/`` in the repository by default)::

    leaderboards/
      README.md                 what each CSV holds (hand-written)
      <task>.csv                rebuilt by ``gazex-bench leaderboard build``
      index.html                rebuilt static page
      entries/<task>/<id>.json  one accepted run or scored submission each (data only)
      submissions/<task>/<slug>/{metadata.json,predictions.jsonl}   accepted submissions

Published reference rows come from ``gazex_bench/leaderboard/reported.csv`` and are
marked ``reported`` with their source and convention; they are never re-measured.
"""

from __future__ import annotations

import csv
import importlib.resources
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.io import read_json
from gazex_bench.leaderboard.entries import check_entry
from gazex_bench.leaderboard.html import TaskBoard, write_page
from gazex_bench.leaderboard.schema import (
    DATA_KINDS,
    LeaderboardRow,
    MetricValue,
    metric_slug,
    sort_rows,
    write_csv,
)
from gazex_bench.leaderboard.store import Transaction, stage_entry
from gazex_bench.leaderboard.submission import safe_slug
from gazex_bench.runner.regime import RegimeCell, regime_cell, regime_from_record, regime_record
from gazex_bench.tables.names import HEADLINE, higher_is_better, metric_title
from gazex_bench.tables.runs import RunSummary, expand_reference_rows
from gazex_bench.tasks.registry import task_title


def reported_rows() -> dict[str, list[LeaderboardRow]]:
    """Published rows (``reported.csv``), grouped by task, one row per (task, model)."""
    text = importlib.resources.files("gazex_bench.leaderboard").joinpath("reported.csv").read_text("utf-8")
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for rec in csv.DictReader(io.StringIO(text)):
        key = (rec["task"], rec["model"])
        row = cells.setdefault(key, {"metrics": {}, "conv": set(), "src": set()})
        row["metrics"][metric_slug(rec["metric"])] = MetricValue(float(rec["value"]))
        row["conv"].add(rec["convention"])
        row["src"].add(rec["source"])
    out: dict[str, list[LeaderboardRow]] = defaultdict(list)
    for (task, model), row in cells.items():
        out[task].append(
            LeaderboardRow(
                model=model,
                run_id="",
                kind="reported",
                n=None,
                conventions="; ".join(sorted(row["conv"])),
                date="",
                source="; ".join(sorted(row["src"])),
                metrics=row["metrics"],
                data="published",
                regime=RegimeCell("published"),
            )
        )
    return dict(out)


def published_table() -> Any:
    """``reported.csv`` as a DataFrame ``task, model, metric, value, convention, source`` (run.json metric keys)."""
    import pandas as pd

    text = importlib.resources.files("gazex_bench.leaderboard").joinpath("reported.csv").read_text("utf-8")
    table = pd.read_csv(io.StringIO(text), dtype={"value": float})
    return table[["task", "model", "metric", "value", "convention", "source"]]


def entry_from_run(run: RunSummary, *, kind: str | None = None, source: str | None = None) -> dict[str, Any]:
    """The data-only leaderboard entry for a scored run."""
    return {
        "task": run.task,
        "model": run.model,
        "run_id": run.run_id,
        "kind": kind or run.kind,
        "n": run.n_evaluated,
        "date": run.date,
        "primary_metric": run.primary_metric,
        "conventions": dict(run.conventions),
        "source": source or f"git {(run.git_commit or 'unknown')[:10]}{' (dirty)' if run.git_dirty else ''}",
        "data": "synthetic" if run.synthetic else "real",
        "higher_is_better": dict(run.higher_is_better or {}),
        "training": regime_record(regime_cell((run.raw or {}).get("training"), kind or run.kind)),
        "metrics": {
            k: {kk: v.get(kk) for kk in ("value", "n", "ci_low", "ci_high", "ci_method")}
            for k, v in run.metrics.items()
        },
    }


def add_entry(root: Path, entry: Mapping[str, Any], *, source: Path | None = None) -> Path:
    """Store one entry under ``root/entries/<task>/<slug>.json`` (validated; never outside ``root``).

    ``source`` names the file the entry came from in error messages (default: the entry path).
    """
    with Transaction(root) as txn:
        return stage_entry(txn, entry, source or root / "entries")


def add_run(root: Path, run: RunSummary, *, force: bool = False, txn: Any = None) -> Path:
    """Add a scored run (and its reference rows); refuse dirty-tree runs unless ``force``.

    With ``txn`` (a :class:`~gazex_bench.leaderboard.store.Transaction`) the entries are only
    staged; otherwise they are written in a transaction of their own.

    Raises:
        UsageError: dirty tree without ``force``, or an entry path outside the root.
        DataFormatError: a metric that is not a finite number (names ``run.json`` and the field).
    """
    if run.git_dirty and not force:
        raise UsageError(f"run {run.run_id} was made from a dirty git tree; commit first or pass --force")
    if txn is None:
        with Transaction(root) as own:
            return add_run(root, run, force=force, txn=own)
    source = run.run_dir / "run.json"
    path = stage_entry(txn, entry_from_run(run), source)
    for ref in expand_reference_rows([run])[1:]:
        stage_entry(txn, entry_from_run(ref, kind="reference"), source)
    return path


def _entry_rows(root: Path) -> dict[str, list[LeaderboardRow]]:
    """Rows of every stored entry; a reference row (ceiling / null, model-independent) is kept once per
    (task, label, data kind) — every run of a task stores the same inter-radiologist row."""
    out: dict[str, list[LeaderboardRow]] = defaultdict(list)
    seen: set[tuple[str, str, str]] = set()
    for path in sorted((root / "entries").glob("*/*.json")):
        e = read_json(path)
        check_entry(path, e)
        try:
            metrics = {
                metric_slug(k): MetricValue(
                    v.get("value"),
                    v.get("ci_low"),
                    v.get("ci_high"),
                    v.get("n") if isinstance(v.get("n"), int) else None,
                    v.get("ci_method") if isinstance(v.get("ci_method"), str) else None,
                )
                for k, v in e["metrics"].items()
            }
            conv = "; ".join(f"{k}: {v}" for k, v in sorted(e.get("conventions", {}).items()))
            data = e.get("data") if e.get("data") in DATA_KINDS else "real"
            if e["kind"] == "reference":
                if (e["task"], e["model"], data) in seen:
                    continue
                seen.add((e["task"], e["model"], data))
            out[e["task"]].append(
                LeaderboardRow(
                    model=e["model"],
                    run_id=e["run_id"],
                    kind=e["kind"],
                    n=e.get("n"),
                    conventions=conv,
                    date=e.get("date", ""),
                    source=e.get("source", ""),
                    metrics=metrics,
                    data=data,
                    regime=regime_from_record(e.get("training"), e["kind"]),
                )
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DataFormatError(path, f"not a leaderboard entry ({exc})") from None
    return dict(out)


def _primary(root: Path, task: str) -> str | None:
    for path in sorted((root / "entries" / task).glob("*.json")):
        pm = read_json(path).get("primary_metric")
        if pm:
            return metric_slug(pm)
    return None


def _directions(root: Path, task: str, slugs: Sequence[str]) -> dict[str, bool]:
    """Metric slug -> higher_is_better: entries' declarations, else :func:`tables.names.higher_is_better`."""
    declared: dict[str, bool] = {}
    for path in sorted((root / "entries" / task).glob("*.json")):
        hib = read_json(path).get("higher_is_better")
        for k, v in hib.items() if isinstance(hib, Mapping) else ():
            declared.setdefault(metric_slug(k), bool(v))
    return {s: declared[s] if s in declared else higher_is_better(s) for s in slugs}


def build(root: Path, *, figures: Mapping[str, Sequence[str]] | None = None) -> list[Path]:
    """Rebuild every ``<task>.csv`` and ``index.html`` from entries and reported rows."""
    rows = _entry_rows(root)
    for task, rep in reported_rows().items():
        rows.setdefault(task, []).extend(rep)
    written, boards = [], []
    for task in sorted(rows):
        slugs = _ordered_slugs(rows[task])
        primary = _primary(root, task) or (slugs[0] if slugs else None)
        dirs = _directions(root, task, slugs)
        ordered = sort_rows(rows[task], primary, dirs.get(primary or "", True))
        written.append(write_csv(root / f"{safe_slug(task)}.csv", ordered, slugs))
        shown = [m for m in (metric_slug(h) for h in HEADLINE.get(task, ())) if m in slugs] or slugs
        titles = {s: metric_title(s) for s in shown}
        conv = _task_conventions(ordered)
        boards.append(
            TaskBoard(
                task,
                task_title(task),
                ordered,
                shown,
                titles,
                conv,
                tuple((figures or {}).get(task, ())),
                csv_name=f"{safe_slug(task)}.csv",
                higher_is_better={s: dirs[s] for s in shown},
            )
        )
    written.append(write_page(root / "index.html", boards))
    return written


def _ordered_slugs(rows: Iterable[LeaderboardRow]) -> list[str]:
    seen: dict[str, None] = {}
    for kind in ("run", "submission", "baseline", "reference", "reported"):
        for r in rows:
            if r.kind == kind:
                for s in r.metrics:
                    seen.setdefault(s, None)
    return list(seen)


def _task_conventions(rows: Sequence[LeaderboardRow]) -> str:
    for r in rows:
        if r.kind != "reported" and r.conventions:
            return r.conventions
    return "Published rows only: conventions as stated per row."


def rebuild(txn: Transaction, figures: Mapping[str, Sequence[str]] | None = None) -> list[Path]:
    """Rebuild CSVs and page inside transaction ``txn`` (staged; committed with it)."""
    return txn.rebuild_with(build, figures)
