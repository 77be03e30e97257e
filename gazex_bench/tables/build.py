"""Per-task tables (models x metrics, with n and 95 % CI) as CSV, Markdown and LaTeX.

Rows: every run of the task (reference baselines marked ``baseline``; the ``oracle``
row is the ceiling). Columns: each metric's value, ``ci_low``, ``ci_high``, ``n`` and
``ci_method``. Rows are ordered by the primary metric in its declared direction
(``higher_is_better``, :func:`gazex_bench.tables.names.higher_is_better`). The Markdown
and LaTeX headers state the metric conventions recorded in the runs, the labeler of
clinical-efficacy rows and the CI methods actually used; a cell whose n differs from
the row's n shows its own n; a row whose metrics are all missing gets a note with the
reason (e.g. "no parseable output: 16/16").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from gazex_bench.io import atomic_write_text, formula_safe_cell
from gazex_bench.metrics.registry import CI_STATUS, ci_declaration
from gazex_bench.tables.names import HEADLINE, higher_is_better, metric_title
from gazex_bench.tables.nulls import SEP, add_null_differences, not_above_null
from gazex_bench.tables.runs import RunSummary, expand_reference_rows


def _metric_order(runs: Sequence[RunSummary]) -> list[str]:
    order: list[str] = []
    primary = runs[0].primary_metric
    if primary:
        order.append(primary)
    for r in runs:
        for name in list(r.conventions) + list(r.metrics):
            if name not in order and any(name in x.metrics for x in runs):
                order.append(name)
    return order


def directions(runs: Sequence[RunSummary]) -> dict[str, bool]:
    """The declared ``higher_is_better`` of every metric the runs declare (first declaration wins)."""
    out: dict[str, bool] = {}
    for r in runs:
        for k, v in (r.higher_is_better or {}).items():
            out.setdefault(k, bool(v))
    return out


def _sorted(runs: Sequence[RunSummary]) -> list[RunSummary]:
    """Kind (runs first), then the primary metric best first in its direction (missing last), then model."""
    primary = runs[0].primary_metric
    sign = -1.0 if higher_is_better(primary, directions(runs)) else 1.0

    def key(r: RunSummary) -> tuple[int, int, float, str]:
        v = (r.metrics.get(primary) or {}).get("value")
        ok = v is not None and math.isfinite(v)
        return (_KIND_ORDER.get(r.kind, 9), int(not ok), sign * v if ok else 0.0, r.model)

    return sorted(runs, key=key)


_KIND_ORDER = {"run": 0, "submission": 0, "reference": 1, "baseline": 2}


def _fmt(v: float | None, digits: int = 3) -> str:
    return "–" if v is None or not math.isfinite(v) else f"{v:.{digits}f}"


def _cell(m: dict | None, row_n: int | None = None, flag: bool = False) -> str:
    if not m or m.get("value") is None:
        return "–"
    ci = f" [{_fmt(m.get('ci_low'))}, {_fmt(m.get('ci_high'))}]" if m.get("ci_low") is not None else ""
    n = m.get("n")
    own_n = f" (n={n})" if n is not None and n != row_n else ""
    return f"{_fmt(m['value'])}{ci}{own_n}{' ⚠' if flag else ''}"


def _flagged(r: RunSummary, metric: str, dirs: dict[str, bool]) -> bool:
    """Whether ``r`` is not above some null on ``metric`` (see :func:`nulls.not_above_null`)."""
    return any(
        not_above_null(metric, d, dirs) for k, d in r.metrics.items() if k.startswith(f"{metric}{SEP}")
    )


def null_table(runs: Sequence[RunSummary], metrics: Sequence[str]) -> list[str]:
    """Markdown lines: per model row and null, ``model − null [CI]`` per metric, ⚠ where not above."""
    dirs = directions(runs)
    nulls = list(dict.fromkeys(k.split(SEP)[1] for r in runs for k in r.metrics if SEP in k))
    if not nulls:
        return []
    lines = [
        "",
        "#### Model minus null (paired difference [95 % CI]; ⚠ = not above the null in the metric's direction)",
        "",
        "| model | null | " + " | ".join(metric_title(m) for m in metrics) + " |",
        "|---|---|" + "---|" * len(metrics),
    ]
    for r in runs:
        for null in nulls:
            cells = [r.metrics.get(f"{m}{SEP}{null}") for m in metrics]
            if not any(cells):
                continue
            shown = [
                _cell(c, None if c is None else c.get("n"), bool(c) and not_above_null(m, c, dirs))
                for m, c in zip(metrics, cells)
            ]
            lines.append(f"| {r.model.replace('|', chr(92) + '|')} | {null} | " + " | ".join(shown) + " |")
    methods = dict.fromkeys(
        str(d.get("ci_method")).split(" vs ", 1)[0]
        for r in runs
        for k, d in r.metrics.items()
        if SEP in k and d and d.get("ci_method")
    )
    return lines + ["", *[f"- difference CI method: {m}" for m in methods]] if methods else lines


def labeler(r: RunSummary) -> str:
    """The clinical-efficacy labeler named in the run record (``analysis_status.ce_labeler``), or ''."""
    return str((r.raw.get("analysis_status") or {}).get("ce_labeler", "")) if r.raw else ""


def missing_reason(r: RunSummary, metrics: Sequence[str]) -> str | None:
    """Why every shown metric of ``r`` is missing (None when some metric has a value)."""
    if any((r.metrics.get(m) or {}).get("value") is not None for m in metrics):
        return None
    if r.kind == "reference":
        defined = sorted(k for k, v in r.metrics.items() if (v or {}).get("value") is not None)
        return f"this reference row defines only {', '.join(defined) or 'no metric'} (all columns in the CSV)"
    miss = r.metrics.get("missing_answer_rate") or {}
    if miss.get("value") is not None and miss.get("n"):
        return f"no parseable output: {round(miss['value'] * miss['n'])}/{miss['n']}"
    pred = (r.raw or {}).get("predictions") or {}
    if pred.get("n"):
        return f"prediction errors: {pred.get('n_errors', 0)}/{pred['n']}; no metric defined"
    return "no metric values in run.json"


CSV_SUFFIXES: tuple[str, ...] = ("", "_ci_low", "_ci_high", "_n", "_ci_method")

ROW_COLUMNS: tuple[str, ...] = (
    "model",
    "kind",
    "regime",
    "train_stage",
    "train_tasks",
    "train_steps",
    "samples_seen",
    "run_id",
    "labeler",
)
"""Per-row CSV columns before the metrics; ``regime`` .. ``samples_seen`` come from :class:`RegimeCell`."""


def regime_columns(r: RunSummary) -> list[object]:
    """``regime, train_stage, train_tasks, train_steps, samples_seen`` of a row (tasks ';'-joined, '' if none)."""
    c = r.regime_cell
    return [c.regime, c.stage, ";".join(c.tasks), c.steps, c.samples_seen]


def to_csv(runs: Sequence[RunSummary], metrics: Sequence[str], extra: Sequence[str] = ()) -> str:
    """Raw-number CSV: :data:`ROW_COLUMNS` then per metric ``M, M_ci_low, M_ci_high, M_n, M_ci_method``.

    ``extra`` names further per-row columns taken from ``RunSummary.metrics`` (the
    ``*_minus_null`` differences of :mod:`gazex_bench.tables.nulls`), written the same way.
    """
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    cols = list(metrics) + [m for m in extra if m not in metrics]
    w.writerow([*ROW_COLUMNS] + [f"{m}{s}" for m in cols for s in CSV_SUFFIXES])
    for r in runs:
        cells: list[object] = [r.model, r.kind, *regime_columns(r), r.run_id, labeler(r)]
        for m in cols:
            d = r.metrics.get(m) or {}
            cells += [
                d.get("value", ""),
                d.get("ci_low", ""),
                d.get("ci_high", ""),
                d.get("n", ""),
                d.get("ci_method", "") if d.get("value") is not None else "",
            ]
        w.writerow(["" if c is None else formula_safe_cell(c) for c in cells])
    return buf.getvalue()


def _conventions(runs: Sequence[RunSummary], metrics: Sequence[str]) -> list[str]:
    conv: dict[str, str] = {}
    for r in runs:
        conv.update({k: v for k, v in r.conventions.items() if k in metrics})
    dirs = directions(runs)
    return [
        f"{metric_title(k)} (`{k}`, {'higher' if higher_is_better(k, dirs) else 'lower'} is better): {v}"
        for k, v in conv.items()
    ]


NO_CI = "none (no CI: n too small or not resampled)"


def ci_methods_used(runs: Sequence[RunSummary], metrics: Sequence[str]) -> list[str]:
    """``<method> (<registry status>): <metric titles>`` for every CI method recorded in the shown cells.

    The method is the cell's own ``ci_method`` (run.json; text after ``;`` dropped), and its status
    comes from :func:`gazex_bench.metrics.registry.ci_declaration` (default / labelled option /
    undeclared), so a legend can never claim a method the runs did not use.
    """
    rows: dict[str, dict[str, list[str]]] = {}  # method label -> metric -> models
    for m in metrics:
        for r in runs:
            d = r.metrics.get(m) or {}
            if d.get("value") is None:
                continue
            recorded = str(d.get("ci_method") or "").split(";", 1)[0].strip()
            label = f"{recorded} ({CI_STATUS[ci_declaration(m, recorded)]})" if recorded else NO_CI
            rows.setdefault(label, {}).setdefault(m, []).append(r.model)
    main = {  # per metric: the method covering most rows ("other rows" when a metric has several)
        m: max((label for label in rows if m in rows[label]), key=lambda label: len(rows[label][m]))
        for m in metrics
        if any(m in per for per in rows.values())
    }

    def rows_of(label: str, m: str) -> str:
        sizes = sorted((len(per[m]) for per in rows.values() if m in per), reverse=True)
        if len(sizes) == 1:
            return ""
        if main[m] == label and sizes[0] > sizes[1]:
            return " (all other rows)"
        return f" ({_row_names(rows[label][m])})"

    return [
        f"{label}: " + ", ".join(metric_title(m) + rows_of(label, m) for m in per)
        for label, per in rows.items()
    ]


def _row_names(models: Sequence[str]) -> str:
    """Which rows a CI method covers when one metric has several: their shared name prefix + count.

    ``shuffled null (GazeX (tiny))`` and ``shuffled null (oracle)`` -> ``shuffled null rows (2)``;
    rows without one shared prefix are named (``GazeX (tiny), oracle``).
    """
    prefixes = {name.split(" (", 1)[0] for name in models}
    if len(prefixes) == 1 and len(models) > 1:
        return f"{next(iter(prefixes))} rows ({len(models)})"
    return ", ".join(dict.fromkeys(models))


def _notes(runs: Sequence[RunSummary], metrics: Sequence[str]) -> list[str]:
    out = []
    for r in runs:
        why = missing_reason(r, metrics)
        if why:
            out.append(f"{r.model} ({r.kind}): every metric missing - {why}")
    subsets: dict[str, list[str]] = {}  # e.g. reflacx-gaze --task-arg images=N
    for r in runs:
        subset = (r.raw.get("analysis_status") or {}).get("image_subset") if r.raw else None
        subsets.setdefault(str(subset or ""), [])
        if r.model not in subsets[str(subset or "")]:
            subsets[str(subset or "")].append(r.model)
    if len(subsets) == 1 and "" not in subsets:
        out.append(f"every row {next(iter(subsets))}")
    else:
        out += [f"{text}: {', '.join(models)}" for text, models in subsets.items() if text]
    labelers = sorted({labeler(r) for r in runs if labeler(r)})
    if labelers:
        out.insert(
            0,
            "clinical-efficacy labeler: "
            + "; ".join(
                f"{lab} ({', '.join(r.model for r in runs if labeler(r) == lab)})" for lab in labelers
            ),
        )
    return out


def to_markdown(
    task: str, runs: Sequence[RunSummary], metrics: Sequence[str], notes: Sequence[str] = ()
) -> str:
    """Markdown table: conventions, directions, CI methods used and notes; cells ``value [low, high] (n=..)``."""
    lines = [f"### {task}", ""]
    if any(r.synthetic for r in runs):
        lines += ["**Synthetic data (phantom) - not comparable with published results.**", ""]
    lines += [f"- {c}" for c in _conventions(runs, metrics)]
    lines += [
        "- cells: corpus value [95 % CI]; n = evaluated samples of the row, (n=..) where a metric's own n differs",
        "- regime: fine-tuned (stage 2 on this task's data) / pretrained (stage 1 trained on it, e.g. FVP for "
        "gaze) / zero-shot (never trained on this task's data; the last stage it was trained in) with that "
        "stage's tasks, optimiser steps and training samples seen; none = untrained reference adapter; "
        "reference = ceiling/null row; unknown = no training record",
    ]
    lines += [f"- CI method {c}" for c in ci_methods_used(runs, metrics)]
    lines += [f"- {c}" for c in [*_notes(runs, metrics), *notes]]
    lines += ["- ⚠: the model row is not above a null row on this metric (table below)", ""]
    lines.append("| model | kind | regime | n | " + " | ".join(metric_title(m) for m in metrics) + " |")
    lines.append("|---|---|---|---|" + "---|" * len(metrics))
    dirs = directions(runs)
    for r in runs:
        row = [
            r.model.replace("|", "\\|"),
            r.kind,
            r.regime_cell.text(),
            str(r.n_evaluated if r.n_evaluated is not None else "–"),
        ]
        lines.append(
            "| "
            + " | ".join(
                row + [_cell(r.metrics.get(m), r.n_evaluated, _flagged(r, m, dirs)) for m in metrics]
            )
            + " |"
        )
    lines += null_table(runs, metrics)
    return "\n".join(lines) + "\n"


def _tex(text: str) -> str:
    for a, b in (
        ("\\", r"\textbackslash{}"),
        ("&", r"\&"),
        ("%", r"\%"),
        ("_", r"\_"),
        ("#", r"\#"),
        ("$", r"\$"),
        ("{", r"\{"),
        ("}", r"\}"),
        ("~", r"\~{}"),
        ("^", r"\^{}"),
    ):
        text = text.replace(a, b)
    return text


def to_latex(task: str, runs: Sequence[RunSummary], metrics: Sequence[str]) -> str:
    """A booktabs LaTeX table; conventions in a comment header and the caption."""
    out = [f"% {c}" for c in _conventions(runs, metrics)]
    out += [f"% CI method {c}" for c in ci_methods_used(runs, metrics)] + [
        f"% {c}" for c in _notes(runs, metrics)
    ]
    out += [
        r"\begin{table}[t]\centering\small",
        r"\begin{tabular}{l l l r " + "c " * len(metrics) + "}",
        r"\toprule",
    ]
    out.append(
        " & ".join(["Model", "Kind", "Regime", "n"] + [_tex(metric_title(m)) for m in metrics]) + r" \\"
    )
    out.append(r"\midrule")
    for r in runs:
        cells = [_tex(r.model), r.kind, _tex(r.regime_cell.text()), str(r.n_evaluated or "–")]
        flags = [_flagged(r, m, directions(runs)) for m in metrics]
        cells += [
            _tex(_cell(r.metrics.get(m), r.n_evaluated, f)).replace("–", "--").replace("⚠", r"$^\dagger$")
            for m, f in zip(metrics, flags)
        ]
        out.append(" & ".join(cells) + r" \\")
    out += [
        r"\bottomrule",
        r"\end{tabular}",
        rf"\caption{{{_tex(task)}: corpus metrics with 95\% CIs (methods: "
        rf"{_tex('; '.join(ci_methods_used(runs, metrics)))}); (n=..) where a metric's n differs from the row's; "
        r"$\dagger$ not above a null row."
        + (
            r" Synthetic (phantom) data, not comparable with published results."
            if any(r.synthetic for r in runs)
            else ""
        )
        + "}",
        r"\end{table}",
    ]
    return "\n".join(out) + "\n"


def write_tables(runs: Sequence[RunSummary], out_dir: Path, *, with_nulls: bool = True) -> list[Path]:
    """Write ``<task>.csv``, ``<task>.md`` and ``<task>.tex`` per task, plus ``tables.md``.

    ``with_nulls``: add the model-minus-null differences (:mod:`gazex_bench.tables.nulls`;
    re-reads predictions and data of the runs, so it needs the full run folders).
    """
    written: list[Path] = []
    by_task: dict[str, list[RunSummary]] = {}
    for r in expand_reference_rows(runs):
        by_task.setdefault(r.task, []).append(r)
    md_all = ["# GazeX Bench tables", ""]
    for task, task_runs in sorted(by_task.items()):
        task_runs = _sorted(task_runs)
        metrics = _metric_order(task_runs)
        shown = [m for m in HEADLINE.get(task, ()) if m in metrics] or metrics
        task_runs, diff_cols, notes = (
            add_null_differences(task_runs, shown) if with_nulls else (task_runs, [], [])
        )
        written.append(atomic_write_text(out_dir / f"{task}.csv", to_csv(task_runs, metrics, diff_cols)))
        md = to_markdown(task, task_runs, shown, notes)
        if len(shown) < len(metrics):
            md += f"\n{len(metrics) - len(shown)} further metrics in `{task}.csv`.\n"
        written.append(atomic_write_text(out_dir / f"{task}.md", md))
        written.append(atomic_write_text(out_dir / f"{task}.tex", to_latex(task, task_runs, shown)))
        md_all.append(md)
    written.append(atomic_write_text(out_dir / "tables.md", "\n".join(md_all)))
    return written
