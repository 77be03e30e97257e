"""Per-task tables (models x metrics, with n and 95 % CI) as CSV, Markdown and LaTeX.

Rows: every run of the task (reference baselines marked ``baseline``; the ``oracle``
row is the ceiling). Columns: each metric's value, ``ci_low``, ``ci_high`` and ``n``.
The Markdown and LaTeX headers state the metric conventions recorded in the runs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from gazex_bench.io import atomic_write_text
from gazex_bench.tables.names import HEADLINE, metric_title
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


def _sorted(runs: Sequence[RunSummary]) -> list[RunSummary]:
    primary = runs[0].primary_metric

    def key(r: RunSummary) -> tuple[int, float, str]:
        v = (r.metrics.get(primary) or {}).get("value")
        ok = v is not None and math.isfinite(v)
        return (_KIND_ORDER.get(r.kind, 9), -(v if ok else -1e9), r.model)

    return sorted(runs, key=key)


_KIND_ORDER = {"run": 0, "submission": 0, "reference": 1, "baseline": 2}


def _fmt(v: float | None, digits: int = 3) -> str:
    return "–" if v is None or not math.isfinite(v) else f"{v:.{digits}f}"


def _cell(m: dict | None) -> str:
    if not m or m.get("value") is None:
        return "–"
    ci = f" [{_fmt(m.get('ci_low'))}, {_fmt(m.get('ci_high'))}]" if m.get("ci_low") is not None else ""
    return f"{_fmt(m['value'])}{ci}"


def to_csv(runs: Sequence[RunSummary], metrics: Sequence[str]) -> str:
    """Raw-number CSV: ``model, kind, run_id`` then ``<metric>, <metric>_ci_low, _ci_high, _n``."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["model", "kind", "regime", "run_id"] + [f"{m}{s}" for m in metrics for s in ("", "_ci_low", "_ci_high", "_n")])
    for r in runs:
        cells: list[object] = [r.model, r.kind, r.regime or "", r.run_id]
        for m in metrics:
            d = r.metrics.get(m) or {}
            cells += [d.get("value", ""), d.get("ci_low", ""), d.get("ci_high", ""), d.get("n", "")]
        w.writerow(["" if c is None else c for c in cells])
    return buf.getvalue()


def _conventions(runs: Sequence[RunSummary], metrics: Sequence[str]) -> list[str]:
    conv: dict[str, str] = {}
    for r in runs:
        conv.update({k: v for k, v in r.conventions.items() if k in metrics})
    return [f"{metric_title(k)} (`{k}`): {v}" for k, v in conv.items()]


def to_markdown(task: str, runs: Sequence[RunSummary], metrics: Sequence[str]) -> str:
    """Markdown table with a conventions header; cells ``value [low, high]``; n per run."""
    lines = [f"### {task}", ""]
    lines += [f"- {c}" for c in _conventions(runs, metrics)]
    lines += ["- cells: corpus value [95 % seeded percentile-bootstrap CI]; n = evaluated samples",
              "- regime (trained models): fine-tuned (stage 2 on this task's data) / pretrained (stage 1 trained on it, "
              "e.g. FVP for gaze) / zero-shot (never trained on this task's data), with the deciding stage's steps", ""]
    lines.append("| model | kind | regime | n | " + " | ".join(metric_title(m) for m in metrics) + " |")
    lines.append("|---|---|---|---|" + "---|" * len(metrics))
    for r in runs:
        row = [r.model.replace("|", "\\|"), r.kind, r.regime or "–",
               str(r.n_evaluated if r.n_evaluated is not None else "–")]
        lines.append("| " + " | ".join(row + [_cell(r.metrics.get(m)) for m in metrics]) + " |")
    return "\n".join(lines) + "\n"


def _tex(text: str) -> str:
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("_", r"\_"), ("#", r"\#"),
                 ("$", r"\$"), ("{", r"\{"), ("}", r"\}"), ("~", r"\~{}"), ("^", r"\^{}")):
        text = text.replace(a, b)
    return text


def to_latex(task: str, runs: Sequence[RunSummary], metrics: Sequence[str]) -> str:
    """A booktabs LaTeX table; conventions in a comment header and the caption."""
    out = [f"% {c}" for c in _conventions(runs, metrics)]
    out += [r"\begin{table}[t]\centering\small", r"\begin{tabular}{l l l r " + "c " * len(metrics) + "}", r"\toprule"]
    out.append(" & ".join(["Model", "Kind", "Regime", "n"] + [_tex(metric_title(m)) for m in metrics]) + r" \\")
    out.append(r"\midrule")
    for r in runs:
        cells = [_tex(r.model), r.kind, _tex(r.regime or "--"), str(r.n_evaluated or "–")]
        cells += [_tex(_cell(r.metrics.get(m))).replace("–", "--") for m in metrics]
        out.append(" & ".join(cells) + r" \\")
    out += [r"\bottomrule", r"\end{tabular}",
            rf"\caption{{{_tex(task)}: corpus metrics with 95\% bootstrap CIs.}}", r"\end{table}"]
    return "\n".join(out) + "\n"


def write_tables(runs: Sequence[RunSummary], out_dir: Path) -> list[Path]:
    """Write ``<task>.csv``, ``<task>.md`` and ``<task>.tex`` per task, plus ``tables.md``."""
    written: list[Path] = []
    by_task: dict[str, list[RunSummary]] = {}
    for r in expand_reference_rows(runs):
        by_task.setdefault(r.task, []).append(r)
    md_all = ["# GazeX Bench tables", ""]
    for task, task_runs in sorted(by_task.items()):
        task_runs = _sorted(task_runs)
        metrics = _metric_order(task_runs)
        written.append(atomic_write_text(out_dir / f"{task}.csv", to_csv(task_runs, metrics)))
        shown = [m for m in HEADLINE.get(task, ()) if m in metrics] or metrics
        md = to_markdown(task, task_runs, shown)
        if len(shown) < len(metrics):
            md += f"\n{len(metrics) - len(shown)} further metrics in `{task}.csv`.\n"
        written.append(atomic_write_text(out_dir / f"{task}.md", md))
        written.append(atomic_write_text(out_dir / f"{task}.tex", to_latex(task, task_runs, shown)))
        md_all.append(md)
    written.append(atomic_write_text(out_dir / "tables.md", "\n".join(md_all)))
    return written
