"""Read run records (``runs/<run_id>/run.json``) into flat summaries.

Tables, figures and leaderboards are built from these summaries only; nothing here
recomputes a metric.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from gazex_bench.errors import DataFormatError
from gazex_bench.io import read_json
from gazex_bench.runner.regime import RegimeCell, regime_cell
from gazex_bench.tasks.registry import reference_baselines


@dataclass(frozen=True)
class RunSummary:
    """The parts of one ``run.json`` that tables and figures use."""

    run_dir: Path
    run_id: str
    task: str
    model: str
    """Display label: ``model.args.label`` if given, else the adapter name (+ checkpoint folder)."""
    adapter: str
    kind: str
    """``baseline`` for reference adapters, else ``run``."""
    primary_metric: str
    conventions: Mapping[str, str]
    metrics: Mapping[str, Mapping[str, Any]]
    """Metric name -> ``{value, n, ci_low, ci_high, ci_method}``."""
    n_evaluated: int | None
    dropped: Mapping[str, int]
    git_commit: str | None
    git_dirty: bool | None
    date: str
    raw: Mapping[str, Any]
    reference_rows: Mapping[str, Mapping[str, Mapping[str, Any]]] = None  # type: ignore[assignment]
    """Row name (``inter-radiologist``, ``shuffled``, ``center-bias``) -> metrics, when the task defines them."""
    regime: str | None = None
    """The row's regime cell (:meth:`RegimeCell.text`, e.g. ``fine-tuned: stage 2 on cxr-vqa, 10 steps, 40
    samples``, ``none (untrained reference adapter)``); see :attr:`regime_cell`."""
    higher_is_better: Mapping[str, bool] = None  # type: ignore[assignment]
    """The task's declared metric directions (run.json ``task.higher_is_better``; empty in older records)."""
    synthetic: bool = False
    """Built from phantom (synthetic) data: run.json ``dataset.kind == "phantom"``."""

    @property
    def regime_cell(self) -> RegimeCell:
        """Regime, deciding stage, its tasks, steps and samples seen (run.json ``training``; row kind)."""
        return regime_cell((self.raw or {}).get("training"), self.kind)


def _label(model: Mapping[str, Any]) -> str:
    args = model.get("args") or {}
    if model.get("label") or args.get("label"):
        return str(model.get("label") or args["label"])
    adapter = str(model.get("adapter", "?"))
    for key in ("path", "model_dir", "checkpoint", "run"):
        if args.get(key):
            return f"{adapter}:{Path(str(args[key])).name}"
    return adapter


def load_run(run_dir: Path) -> RunSummary:
    """Load one scored run directory.

    Raises:
        DataFormatError: ``run.json`` missing or not a run record.
    """
    path = Path(run_dir) / "run.json"
    if not path.is_file():
        raise DataFormatError(path, "file not found (has the run been scored?)")
    rec = read_json(path)  # NaN / Infinity / 1e999 rejected, naming the field
    try:
        task = rec["task"]
        model = rec["model"]
        git = rec.get("git") or {}
        dataset = rec.get("dataset") or {}
        kind = "baseline" if model.get("adapter") in _baselines(task) else "run"
        return RunSummary(
            run_dir=Path(run_dir),
            run_id=str(rec.get("run_id", Path(run_dir).name)),
            task=str(task["name"]),
            model=_label(model),
            adapter=str(model.get("adapter")),
            kind=kind,
            primary_metric=str(rec.get("primary_metric") or task.get("primary_metric") or ""),
            conventions=dict(task.get("metric_conventions") or {}),
            metrics=dict(rec.get("metrics") or {}),
            n_evaluated=dataset.get("n_evaluated"),
            dropped=dict(dataset.get("dropped") or {}),
            git_commit=git.get("commit"),
            git_dirty=git.get("dirty"),
            date=str(rec.get("scored_at_utc", ""))[:10],
            raw=rec,
            reference_rows=dict(rec.get("reference_rows") or {}),
            regime=regime_cell(rec.get("training"), kind).text(),
            higher_is_better=dict(task.get("higher_is_better") or {}),
            synthetic=dataset.get("kind") == "phantom",
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataFormatError(path, f"not a GazeX Bench run record ({exc})") from None


def find_runs(paths: Iterable[Path]) -> list[RunSummary]:
    """Load every scored run under the given run directories or parents of run directories."""
    out: list[RunSummary] = []
    for p in paths:
        p = Path(p)
        if (p / "run.json").is_file():
            out.append(load_run(p))
        elif p.is_dir():
            out += [load_run(d.parent) for d in sorted(p.glob("*/run.json"))]
        else:
            raise DataFormatError(p, "not a run directory")
    return out


def metrics_table(runs: Iterable[RunSummary]) -> pd.DataFrame:
    """Long table ``task, model, kind, run_id, metric, value, ci_low, ci_high, n, ci_method, regime``
    (``ci_method``: the run's recorded method where the cell has a CI, else None; ``regime``:
    :attr:`RunSummary.regime_cell` ``.regime``)."""
    rows = [
        dict(
            task=r.task,
            model=r.model,
            kind=r.kind,
            run_id=r.run_id,
            metric=name,
            value=m.get("value"),
            ci_low=m.get("ci_low"),
            ci_high=m.get("ci_high"),
            n=m.get("n"),
            ci_method=m.get("ci_method") if m.get("ci_low") is not None else None,
            regime=r.regime_cell.regime,
        )
        for r in runs
        for name, m in r.metrics.items()
    ]
    cols = [
        "task",
        "model",
        "kind",
        "run_id",
        "metric",
        "value",
        "ci_low",
        "ci_high",
        "n",
        "ci_method",
        "regime",
    ]
    return pd.DataFrame(rows, columns=cols).astype({"value": float, "ci_low": float, "ci_high": float})


_REFERENCE_LABELS = {
    "inter-radiologist": "inter-radiologist (ceiling)",
    "center-bias": "center-bias prior (null)",
}


def expand_reference_rows(runs: Iterable[RunSummary]) -> list[RunSummary]:
    """Runs plus one pseudo-run per distinct reference row (ceilings and nulls).

    Reference rows (e.g. the inter-radiologist ceiling of ``reflacx-gaze``) do not
    depend on the model, so identical rows from several runs of the same task are
    shown once; ``shuffled`` rows are model-specific and keep the model's name.
    """
    import dataclasses

    out: list[RunSummary] = []
    seen: set[tuple[str, str]] = set()
    for r in runs:
        out.append(r)
        for name, metrics in (r.reference_rows or {}).items():
            if name.startswith("shuffled") and r.kind == "baseline" and r.adapter != "oracle":
                continue  # a baseline's shuffled null adds nothing a reader can use; the model rows keep theirs
            label = (
                f"{name} null ({r.model})"
                if name.startswith("shuffled")
                else _REFERENCE_LABELS.get(name, name)
            )
            if (r.task, label) in seen:
                continue
            seen.add((r.task, label))
            out.append(
                dataclasses.replace(
                    r,
                    model=label,
                    kind="reference",
                    metrics=dict(metrics),
                    reference_rows={},
                    run_id=f"{r.run_id}#{name}",
                    n_evaluated=None,  # a reference row has no row-level n: each cell shows its own
                    regime=RegimeCell("reference").text(),
                )
            )
    return out


def _baselines(task: Mapping[str, Any]) -> tuple[str, ...]:
    """Reference adapters of a run's task: as recorded in run.json, else the task's declaration."""
    recorded = task.get("reference_baselines")
    return tuple(recorded) if isinstance(recorded, list) else reference_baselines(str(task["name"]))
