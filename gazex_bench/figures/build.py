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

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.figures import case_build, fig2, fig3, fig4, fig6, fig7c
from gazex_bench.figures.style import SYNTHETIC_MARK, ModelPalette, data_mark, model_family
from gazex_bench.leaderboard.board import published_table
from gazex_bench.runner.compare import read_compare_record
from gazex_bench.tables.names import metric_title
from gazex_bench.tables.runs import RunSummary, metrics_table

log = logging.getLogger(__name__)

FIG3_COUNTS: tuple[str, ...] = ("dwell_overall", "trajectory_pairs", "dispersion_per_reading")
"""Tables read only for Fig 3's n labels (optional)."""
GAZE_TABLES: tuple[str, ...] = (
    *FIG3_COUNTS,
    "dwell",
    "pearson",
    "dwell_category",
    "dispersion",
    "pairs",
    "icc",
    "cosine",
    "cosine_category",
    "majority",
)


@dataclass
class FigureReport:
    """What was drawn and what was skipped (with the reason)."""

    written: list[Path] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def gaze_tables(runs: Sequence[RunSummary], prefer: Sequence[str] = ()) -> dict[str, pd.DataFrame]:
    """Tables of one scored ``reflacx-gaze`` run: the first model run (kind ``run``) with aligned centroid
    pairs, else the first model run, else the first run with tables (a baseline); ``source`` names it.

    ``prefer``: model labels tried first, in that order (the demo's full GazeX before its ablations).
    """
    rank = {label: i for i, label in enumerate(prefer)}
    cands = sorted(
        (r for r in runs if r.task == "reflacx-gaze" and (r.run_dir / "tables").is_dir()),
        key=lambda r: rank.get(r.model, len(rank)),
    )

    def has_pairs(r: RunSummary) -> bool:
        f = r.run_dir / "tables" / "pairs.csv"
        return f.is_file() and len(pd.read_csv(f)) > 0

    ordered = (
        [r for r in cands if r.kind == "run" and has_pairs(r)] + [r for r in cands if r.kind == "run"] + cands
    )
    for run in ordered[:1]:
        tdir = run.run_dir / "tables"
        out = {
            name: pd.read_csv(tdir / f"{name}.csv")
            for name in GAZE_TABLES
            if (tdir / f"{name}.csv").is_file()
        }
        out["source"] = pd.DataFrame({"model": [run.model]})
        return out
    return {}


def combined_gaze_tables(runs: Sequence[RunSummary]) -> dict[str, pd.DataFrame]:
    """``cosine_category`` and ``majority`` rows of EVERY reflacx-gaze run with tables (models and baselines).

    Reference rows (inter-radiologist cosine, radiologists' majority-vote counts) are the same in
    every run and are kept once (from the first run); model rows are labelled with each run's model.
    """
    cos, maj = [], []
    for run in runs:
        tdir = run.run_dir / "tables"
        if run.task != "reflacx-gaze" or not tdir.is_dir():
            continue
        if (tdir / "cosine_category.csv").is_file():
            t = pd.read_csv(tdir / "cosine_category.csv")
            cos.append(t if not cos else t[t["rater"] != "inter-radiologist"])
        if (tdir / "majority.csv").is_file():
            t = pd.read_csv(tdir / "majority.csv")
            models = t["source"] == run.model
            maj.append(t if not maj else t[models])
    out = {}
    if cos:
        out["cosine_category"] = pd.concat(cos, ignore_index=True).drop_duplicates(["category", "rater"])
    if maj:
        out["majority"] = pd.concat(maj, ignore_index=True).drop_duplicates("source")
    return out


def _need(tables: dict[str, pd.DataFrame], names: Sequence[str]) -> str | None:
    missing = [n for n in names if n not in tables or tables[n].empty]
    return f"missing gaze tables: {', '.join(missing)}" if missing else None


ABLATION_METRICS: tuple[str, ...] = ("bleu4", "ce_f1_paper_pos")


def regime_of(run: RunSummary) -> str:
    """``zero-shot`` / ``fine-tuned`` / ``pretrained`` from run.json ``training.regime``; ``unknown`` without."""
    return str(((run.raw or {}).get("training") or {}).get("regime") or "unknown")


def _run_rows(runs: Sequence[RunSummary], variants: Sequence[str]) -> tuple[list[dict], list[dict]]:
    """Per-category P/R/F1 rows and overall ablation-metric rows of the variants' mimic-report runs."""
    per_cat, overall = [], []
    for run in runs:
        if run.task != "mimic-report" or model_family(run.model) not in variants:
            continue
        table = run.run_dir / "tables" / "clinical_per_category.csv"
        if table.is_file():
            cats = pd.read_csv(table)
            per_cat += [
                dict(
                    variant=model_family(run.model),
                    regime=regime_of(run),
                    category=r.category,
                    precision=r.precision,
                    recall=r.recall,
                    f1=r.f1,
                )
                for r in cats.itertuples(index=False)
            ]
        for name in ABLATION_METRICS:
            m = run.metrics.get(name)
            if m:
                overall.append(
                    dict(
                        variant=model_family(run.model),
                        regime=regime_of(run),
                        metric=metric_title(name),
                        value=m.get("value"),
                        ci_low=m.get("ci_low"),
                        ci_high=m.get("ci_high"),
                        n=m.get("n"),
                    )
                )
    return per_cat, overall


def _compare_tests(runs: Sequence[RunSummary]) -> list[dict]:
    """Holm-adjusted p rows of the ablation metrics from every ``compare/*.json`` next to the runs."""
    tests: list[dict] = []
    by_dir = {r.run_dir.name: r for r in runs}
    for folder in sorted({r.run_dir.parent / "compare" for r in runs}):
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            rec = read_compare_record(path)  # version-1 records upgraded (p floored at 1/B, Holm redone)
            other = by_dir.get(Path(str(rec.get("run_b"))).name)  # run_b: the run folder's path
            n_tests = sum(1 for r in (rec.get("metrics") or {}).values() if r.get("p_boot") is not None)
            for metric, res in (rec.get("metrics") or {}).items():
                if metric in ABLATION_METRICS:
                    tests.append(
                        dict(
                            variant=model_family(str(rec.get("model_b"))),
                            regime=regime_of(other) if other is not None else "unknown",
                            metric=metric_title(metric),
                            p_holm=res.get("p_holm"),
                            p_holm_is_bound=bool(res.get("p_holm_is_bound")),
                            n_boot=rec.get("n_boot"),
                            n_tests=n_tests,  # Holm family: the record's metrics with a bootstrap p
                        )
                    )
    return tests


def _fig6_inputs(
    runs: Sequence[RunSummary], variants: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per-category P/R/F1 (``tables/clinical_per_category.csv``), overall bars, Holm-adjusted compare p-values.

    A variant's rows of every regime are drawn under its family label (:func:`style.model_family`:
    ``"GazeX (tiny), stage 1 only"`` is GazeX's zero-shot row), so one variant keeps one colour and
    the regime rows of Fig 6 show the same variants; p-values carry the regime of the compared run.
    """
    per_cat, overall = _run_rows(runs, variants)
    tests = _compare_tests(runs)
    cols = ["variant", "regime", "metric", "p_holm", "p_holm_is_bound", "n_boot", "n_tests"]
    rank = {v: i for i, v in enumerate(dict.fromkeys(model_family(v) for v in variants))}

    def ordered(rows: list[dict], columns: Sequence[str] | None = None) -> pd.DataFrame:
        """Rows in the variants' order (stable), so every regime row of Fig 6 lists them alike."""
        return pd.DataFrame(sorted(rows, key=lambda d: rank.get(d["variant"], len(rank))), columns=columns)

    return ordered(per_cat), ordered(overall), ordered(tests, cols)


def _gaze_figures(
    rep: FigureReport,
    tables: dict[str, pd.DataFrame],
    runs: Sequence[RunSummary],
    out_dir: Path,
    palette: ModelPalette,
) -> None:
    """Figs 3, 4 and 7c from the gaze tables, each skipped (with why) when its tables are missing."""
    why = _need(tables, ("dwell", "pearson", "dwell_category", "dispersion"))
    if why:
        rep.skipped["fig3"] = why
    else:
        rep.written += fig3.render(
            tables["dwell"],
            tables["pearson"],
            tables["dwell_category"],
            tables["dispersion"],
            out_dir,
            counts={k: tables[k] for k in FIG3_COUNTS if k in tables},
        )
    why = _need(tables, ("pairs", "icc", "cosine"))
    if why:
        rep.skipped["fig4"] = why
    else:
        cat = tables.get(
            "cosine_category", pd.DataFrame(columns=["category", "rater", "cosine", "ci_low", "ci_high"])
        )
        rep.written += fig4.render(
            tables["pairs"],
            tables["icc"],
            tables["cosine"],
            cat,
            out_dir,
            palette=palette,
            model=str(tables["source"]["model"].iloc[0]),
            models=[r.model for r in runs if r.task == "reflacx-gaze" and r.kind == "run"],
        )
    why = _need(tables, ("majority",))
    if why:
        rep.skipped["fig7c"] = why
    else:
        rep.written += fig7c.render(tables["majority"], out_dir, palette=palette)


def _case_figure(
    rep: FigureReport, runs: Sequence[RunSummary], out_dir: Path, prefer: Sequence[str] = ()
) -> None:
    """The case figure of the first GazeX reflacx-gaze run (any reflacx-gaze run without one).

    ``prefer``: model labels tried first, in that order (the demo's full GazeX before its ablations),
    so the case shows the main model, not whichever ablation sorts first.
    """
    rank = {label: i for i, label in enumerate(prefer)}
    gaze_runs = [r for r in runs if r.task == "reflacx-gaze" and r.adapter == "gazex"]
    gaze_runs = gaze_runs or [r for r in runs if r.task == "reflacx-gaze" and r.kind == "run"]
    gaze_runs = sorted(gaze_runs, key=lambda r: rank.get(r.model, len(rank)))  # stable: run order otherwise
    try:
        written = case_build.render_case(gaze_runs[0], out_dir) if gaze_runs else []
        why = "no reflacx-gaze run with parsed model clusters"
    except (UsageError, DataFormatError) as exc:  # a copied run record without spec/predictions
        written, why = [], f"case figure needs the full run folder: {exc}"
    if written:
        rep.written += written
    else:
        rep.skipped["case"] = why


def build_figures(
    runs: Sequence[RunSummary], out_dir: Path, *, ablation_variants: Sequence[str] = ()
) -> FigureReport:
    """Draw all figures whose inputs exist; returns what was written and what was skipped.

    When any run is on phantom data (run.json ``dataset.kind``), every figure carries the
    :data:`~gazex_bench.figures.style.SYNTHETIC_MARK` watermark.
    """
    synthetic = any(r.synthetic for r in runs)
    with data_mark(SYNTHETIC_MARK if synthetic else None):  # phantom runs: every figure says so
        return _build(runs, out_dir, ablation_variants)


def _build(runs: Sequence[RunSummary], out_dir: Path, ablation_variants: Sequence[str]) -> FigureReport:
    """:func:`build_figures` without the watermark context."""
    rep = FigureReport()
    metrics = metrics_table(runs)
    palette = ModelPalette(r.model for r in runs)
    if metrics.empty:
        rep.skipped["fig2"] = "no scored runs"
    else:
        rep.written += fig2.render(metrics, out_dir, palette=palette, published=published_table())
    tables = {**gaze_tables(runs, ablation_variants), **combined_gaze_tables(runs)}
    _gaze_figures(rep, tables, runs, out_dir, palette)
    _case_figure(rep, runs, out_dir, ablation_variants)
    variants = list(ablation_variants) or sorted(
        {r.model for r in runs if r.task == "mimic-report" and r.kind == "run"}
    )
    per_cat, overall, tests = _fig6_inputs(runs, variants)
    if per_cat.empty:
        rep.skipped["fig6"] = "no per-category clinical metrics in mimic-report runs"
    else:
        rep.written += fig6.render(per_cat, overall, tests, out_dir, palette=palette)
    return rep
