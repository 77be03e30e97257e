"""Build every figure from run records: ``gazex-bench figures --runs DIR... --out DIR``.

Sources (never recomputed here):

* ``run.json`` metrics of every run (Fig 2; Fig 6 overall bars);
* the tables the ``reflacx-gaze`` task writes under ``<run>/tables/*.csv`` (Fig 3, 4, 7c);
* per-category clinical metrics of report runs (``F1 (<category>)``-style keys) and the
  ``compare`` records under ``<runs>/compare/*.json`` (Fig 6);
* ``predictions.jsonl`` of a gaze run and a report run (case figure).

A figure whose inputs are absent is skipped and listed in the returned summary.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gazex_bench.tables.runs import RunSummary, metrics_table

log = logging.getLogger(__name__)

GAZE_TABLES: tuple[str, ...] = (
    "dwell", "pearson", "dwell_category", "dispersion", "pairs", "icc", "cosine", "cosine_category", "majority",
)
_CATEGORY_METRIC = re.compile(r"^(precision|recall|f1|F1|Precision|Recall) \((?P<cat>[^)]+)\)$")


@dataclass
class FigureReport:
    """What was drawn and what was skipped (with the reason)."""

    written: list[Path] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def gaze_tables(runs: Sequence[RunSummary]) -> dict[str, pd.DataFrame]:
    """Tables of the first scored ``reflacx-gaze`` run that has them."""
    for run in runs:
        tdir = run.run_dir / "tables"
        if run.task == "reflacx-gaze" and tdir.is_dir():
            return {name: pd.read_csv(tdir / f"{name}.csv") for name in GAZE_TABLES if (tdir / f"{name}.csv").is_file()}
    return {}


def _need(tables: dict[str, pd.DataFrame], names: Sequence[str]) -> str | None:
    missing = [n for n in names if n not in tables or tables[n].empty]
    return f"missing gaze tables: {', '.join(missing)}" if missing else None


def _fig6_inputs(runs: Sequence[RunSummary], variants: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    per_cat, overall = [], []
    for run in runs:
        if run.task != "mimic-report" or run.model not in variants:
            continue
        cats: dict[str, dict[str, float]] = {}
        for name, m in run.metrics.items():
            match = _CATEGORY_METRIC.match(name)
            if match and m.get("value") is not None:
                cats.setdefault(match["cat"], {})[match[1].lower()] = m["value"]
        per_cat += [dict(variant=run.model, category=c, **{k: v.get(k) for k in ("precision", "recall", "f1")})
                    for c, v in cats.items()]
        for name in ("BLEU-4", run.raw.get("task", {}).get("clinical_metric") or "F1 (paper-pos)"):
            m = run.metrics.get(name)
            if m:
                overall.append(dict(variant=run.model, metric=name, value=m.get("value"),
                                    ci_low=m.get("ci_low"), ci_high=m.get("ci_high")))
    tests = []
    for path in sorted({r.run_dir.parent for r in runs}):
        for cmp in sorted((path / "compare").glob("*.json")) if (path / "compare").is_dir() else []:
            rec = json.loads(cmp.read_text(encoding="utf-8"))
            for metric, res in (rec.get("metrics") or {}).items():
                tests.append(dict(variant=rec.get("model_b"), metric=metric, p_wilcoxon=res.get("wilcoxon_p")))
    return pd.DataFrame(per_cat), pd.DataFrame(overall), pd.DataFrame(tests, columns=["variant", "metric", "p_wilcoxon"])


def build_figures(runs: Sequence[RunSummary], out_dir: Path, *, ablation_variants: Sequence[str] = ()) -> FigureReport:
    """Draw all figures whose inputs exist; returns what was written and what was skipped."""
    from gazex_bench.figures import fig2, fig3, fig4, fig6, fig7c

    rep = FigureReport()
    metrics = metrics_table(runs)
    if metrics.empty:
        rep.skipped["fig2"] = "no scored runs"
    else:
        rep.written += fig2.render(metrics, out_dir)
    tables = gaze_tables(runs)
    why = _need(tables, ("dwell", "pearson", "dwell_category", "dispersion"))
    if why:
        rep.skipped["fig3"] = why
    else:
        rep.written += fig3.render(tables["dwell"], tables["pearson"], tables["dwell_category"], tables["dispersion"], out_dir)
    why = _need(tables, ("pairs", "icc", "cosine", "cosine_category"))
    if why:
        rep.skipped["fig4"] = why
    else:
        rep.written += fig4.render(tables["pairs"], tables["icc"], tables["cosine"], tables["cosine_category"], out_dir)
    why = _need(tables, ("majority",))
    if why:
        rep.skipped["fig7c"] = why
    else:
        rep.written += fig7c.render(tables["majority"], out_dir)
    variants = list(ablation_variants) or sorted({r.model for r in runs if r.task == "mimic-report" and r.kind == "run"})
    per_cat, overall, tests = _fig6_inputs(runs, variants)
    if per_cat.empty:
        rep.skipped["fig6"] = "no per-category clinical metrics in mimic-report runs"
    else:
        rep.written += fig6.render(per_cat, overall, tests, out_dir)
    return rep
