"""Fig 2: downstream task performance per model (paper Fig 2).

(a) report-generation NLG metrics per report dataset, (b) clinical-efficacy F1 per report
dataset and convention, (c) VQA accuracy per question type, (d) grounding mIoU and mAP.
Bars are corpus values, whiskers the runs' 95 % CIs (the caption names the methods the runs
recorded, :func:`ci_caption`); each panel states the n its bars share and labels every bar
whose own ``n`` differs (a VQA type can have n = 1). Model rows are those trained on the task
(:func:`downstream_rows`; zero-shot stage-1 rows are in Fig 6). Colours come from one
:class:`~gazex_bench.figures.style.ModelPalette` (same model, same colour in every panel;
reference rows each in their own grey + hatch). Published values (``leaderboard/reported.csv``) are overlaid as
black markers, one shape per published model, named with their source in the legend —
they were measured under their own conventions (see the leaderboard), so they are context,
not a like-for-like comparison.

Input is the long metrics table of :func:`gazex_bench.tables.runs.metrics_table`
(columns ``task, model, kind, metric, value, ci_low, ci_high, n``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gazex_bench.figures.style import ModelPalette, new_figure, save
from gazex_bench.metrics.registry import ci_family
from gazex_bench.tables.names import metric_title

REPORT_METRICS: tuple[str, ...] = ("bleu1", "bleu2", "bleu3", "bleu4", "meteor", "rouge_l")
CE_METRICS: tuple[str, ...] = (
    "ce_f1_paper_pos",
    "ce_f1_paper_pos_13",
    "ce_f1_mic5_unc_pos",
    "ce_f1_ex14_pos",
)
VQA_TYPES: tuple[str, ...] = ("abnormality", "presence", "location", "level", "type", "view")
GROUNDING_METRICS: tuple[str, ...] = ("miou", "map")
MARKERS: tuple[str, ...] = ("D", "^", "s", "v", "P", "X", "*", "o", "<", ">", "p", "h", "d", "8")
"""Published-row marker shapes, one per published model (14 before any repeats)."""


def _whiskers(rows: pd.DataFrame, vals: np.ndarray) -> np.ndarray:
    err = np.vstack([vals - rows["ci_low"].to_numpy(float), rows["ci_high"].to_numpy(float) - vals])
    return np.where(np.isfinite(err), np.clip(err, 0, None), 0)


def _model_bars(
    ax: Any,
    rows: pd.DataFrame,
    xs: np.ndarray,
    width: float,
    model: str,
    palette: ModelPalette,
    metrics: Sequence[str],
    group_n: dict[str, int | None],
) -> None:
    """One model's bars at ``xs`` (data x): CI whiskers, a thick line for a 0 bar, n where it differs."""
    import matplotlib.patheffects as pe

    vals = rows["value"].to_numpy(float)
    ax.bar(
        xs,
        vals,
        width,
        yerr=_whiskers(rows, vals),
        capsize=1.2,
        label=model,
        linewidth=0.4,
        error_kw={"lw": 0.6},
        **palette.bar_style(model),
    )
    zero = np.isfinite(vals) & (vals == 0)
    outline = (
        [pe.Stroke(linewidth=3.4, foreground="#222222"), pe.Normal()] if palette.is_reference(model) else None
    )
    ax.hlines(
        np.zeros(zero.sum()),
        xs[zero] - width / 2,
        xs[zero] + width / 2,
        color=palette(model),
        lw=2.5,
        path_effects=outline,  # a light-grey reference at 0 stays visible on white
    )
    for m, xx, v, n in zip(metrics, xs, vals, rows["n"].to_numpy(float)):
        if np.isfinite(v) and np.isfinite(n) and int(n) != group_n[m]:
            ax.text(
                xx,
                0.02,
                f"n={int(n)}",
                rotation=90,
                ha="center",
                va="bottom",
                fontsize=5,
                color="#111111",
                bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
            )


def _bars(
    ax: Any,
    table: pd.DataFrame,
    metrics: Sequence[str],
    title: str,
    palette: ModelPalette,
    labels: Sequence[str] | None = None,
) -> None:
    """Grouped bars: one group per metric, one bar per model (palette colour), CI whiskers, n per bar.

    n: the panel's shared n in the title; a group whose bars share another n says it under its
    tick label; a bar whose n differs from its group's is labelled on the bar. A bar of value 0 is
    drawn as a thick line in its colour at 0 (so 0 is not mistaken for a missing bar).
    """
    sub = table[table["metric"].isin(metrics)]
    models = list(dict.fromkeys(sub["model"]))
    common = panel_n(sub)
    ax.set_title(title + (f"\nn = {common} per bar unless marked" if common is not None else ""))
    if not models:
        ax.text(0.5, 0.5, "no runs", ha="center", va="center", transform=ax.transAxes)
        return
    width = 0.8 / len(models)
    x = np.arange(len(metrics))
    group_n = {m: panel_n(sub[sub["metric"] == m], common) for m in metrics}
    for i, model in enumerate(models):
        rows = sub[sub["model"] == model].drop_duplicates("metric").set_index("metric").reindex(list(metrics))
        xs = x + (i - (len(models) - 1) / 2) * width
        _model_bars(ax, rows, xs, width, model, palette, metrics, group_n)
    ticks = list(labels or [metric_title(m) for m in metrics])
    ticks = [t if group_n[m] in (None, common) else f"{t} (n={group_n[m]})" for t, m in zip(ticks, metrics)]
    ax.set_xticks(x, ticks, rotation=45 if labels else 30, ha="right", rotation_mode="anchor")
    top = float(np.nanmax(sub["value"])) if sub["value"].notna().any() else 1.0
    ax.set_ylim(0, max(1.05, top * 1.05))
    ax.set_ylabel("score")


def panel_n(sub: pd.DataFrame, prefer: int | None = None) -> int | None:
    """The n most bars of ``sub`` share (``prefer`` on a tie), or None without bars."""
    ns = sub.loc[sub["value"].notna(), "n"].dropna()
    if not len(ns):
        return None
    modes = [int(v) for v in ns.astype(int).mode()]
    return prefer if prefer in modes else modes[0]


def downstream_rows(metrics: pd.DataFrame) -> pd.DataFrame:
    """Rows Fig 2 draws: per task, reference adapters and the model rows trained on the task.

    Where a task has fine-tuned model rows, its zero-shot / pretrained model rows (stage-1
    checkpoints scored as they are) are left to Fig 6, which draws them beside the fine-tunes.
    """
    if "regime" not in metrics:
        return metrics
    keep = pd.Series(True, index=metrics.index)
    for _task, rows in metrics.groupby("task"):
        runs = rows["kind"].isin(["run", "submission"])
        if (runs & (rows["regime"] == "fine-tuned")).any():
            keep[rows.index[runs & rows["regime"].isin(["zero-shot", "pretrained"])]] = False
    return metrics[keep]


def _published(
    ax: Any,
    published: pd.DataFrame,
    task: str,
    metrics: Sequence[str],
    shapes: dict[str, str],
    offset: float = 0.0,
) -> pd.DataFrame:
    """Published values of ``task`` as black markers at their metric's x position; returns the rows drawn."""
    sub = published[(published["task"] == task) & published["metric"].isin(metrics)]
    names = sorted(set(sub["model"]))
    for k, (model, rows) in enumerate(sub.groupby("model", sort=True)):
        spread = (k - (len(names) - 1) / 2) * 0.6 / max(len(names), 1)
        xs = [list(metrics).index(m) + offset + spread for m in rows["metric"]]
        ax.scatter(
            xs,
            rows["value"],
            marker=shapes[model],
            s=16,
            color="white",
            edgecolor="black",
            linewidth=0.7,
            zorder=5,
            label=f"{model} [published]",
        )
    return sub


def _ce_table(metrics: pd.DataFrame, tasks: Sequence[str]) -> tuple[pd.DataFrame, list[str], list[str]]:
    """CE F1 rows with ``metric`` renamed ``<task>|<metric>`` so both datasets share one panel."""
    sub = metrics[metrics["task"].isin(tasks) & metrics["metric"].isin(CE_METRICS)].copy()
    keys = [
        f"{t}|{m}" for t in tasks for m in CE_METRICS if ((sub["task"] == t) & (sub["metric"] == m)).any()
    ]
    sub["metric"] = sub["task"] + "|" + sub["metric"]
    labels = [
        f"{k.split('|')[0].removesuffix('-report')} {k.split('|')[1].removeprefix('ce_f1_').replace('_', '-')}"
        for k in keys
    ]
    return sub, keys, labels


def _sources_note(shown: pd.DataFrame) -> str:
    """One line per published model drawn: where its plotted values come from."""
    lines = [
        f"{model}: " + "; ".join(f"{t} - {src}" for (t, src), _ in rows.groupby(["task", "source"]))
        for model, rows in shown.groupby("model", sort=True)
    ]
    return (
        "Published markers (values as printed; conventions differ, see leaderboard): " + " | ".join(lines)
        if lines
        else ""
    )


def ci_caption(metrics: pd.DataFrame) -> str:
    """The CI methods the plotted cells recorded (run.json ``ci_method`` families), never a restated one."""
    recorded = metrics["ci_method"].dropna() if "ci_method" in metrics else pd.Series(dtype=str)
    families = sorted({ci_family(str(m)) for m in recorded if str(m)})
    return "CI method: " + ", ".join(families) if families else "no CI recorded"


def _legend_and_note(fig: Any, axes: np.ndarray, drawn: list[pd.DataFrame]) -> None:
    """One figure legend below the panels (models, then references, then published) and the sources note."""
    handles: dict[str, Any] = {}
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    order = sorted(
        handles, key=lambda lab: (lab.endswith("[published]"), ModelPalette.is_reference(lab), lab)
    )
    fig.legend(
        [handles[k] for k in order],
        order,
        loc="upper center",
        ncol=5,
        frameon=False,
        bbox_to_anchor=(0.5, -0.24),
        fontsize=6,
    )
    rows = -(-len(order) // 5)
    note = textwrap.fill(_sources_note(pd.concat(drawn, ignore_index=True)), 260)
    fig.text(0.5, -0.26 - 0.052 * rows, note, ha="center", va="top", fontsize=5, color="#333333")


def draw(
    metrics: pd.DataFrame, palette: ModelPalette | None = None, published: pd.DataFrame | None = None
) -> Any:
    """Draw Fig 2 and return the matplotlib figure (see module doc)."""
    palette = palette or ModelPalette(metrics["model"])
    metrics = downstream_rows(metrics)
    pub = (
        published
        if published is not None
        else pd.DataFrame(columns=["task", "model", "metric", "value", "source"])
    )
    shapes = {m: MARKERS[i % len(MARKERS)] for i, m in enumerate(sorted(set(pub["model"])))}
    drawn: list[pd.DataFrame] = []
    report_tasks = [t for t in ("mimic-report", "iu-report") if t in set(metrics["task"])]
    ncols = len(report_tasks) + 3
    # panel widths follow their bar groups (6 NLG metrics, 4 CE conventions per report set, 6 VQA
    # types, 2 grounding metrics), so every bar has about the same width in every panel
    groups = [len(REPORT_METRICS)] * len(report_tasks) + [
        max(len(CE_METRICS) * len(report_tasks), 2),
        len(VQA_TYPES),
        len(GROUNDING_METRICS),
    ]
    ratios = [max(g, 4) for g in groups]  # a 2-group panel still fits its two-line title
    fig, axes = new_figure(0.52 * sum(ratios) + 1.2, 3.2, 1, ncols, gridspec_kw={"width_ratios": ratios})
    axes = np.atleast_1d(axes)
    for ax, task in zip(axes, report_tasks):
        _bars(ax, metrics[metrics["task"] == task], REPORT_METRICS, f"(a) {task}", palette)
        drawn.append(_published(ax, pub, task, REPORT_METRICS, shapes))
    ce, keys, labels = _ce_table(metrics, report_tasks)
    ce_ax = axes[len(report_tasks)]
    _bars(ce_ax, ce, keys, "(b) clinical efficacy F1", palette, labels)
    for task in report_tasks:
        task_keys = [k.split("|")[1] if k.startswith(f"{task}|") else "" for k in keys]
        drawn.append(_published(ce_ax, pub, task, task_keys, shapes))
    vqa = metrics[metrics["task"] == "cxr-vqa"].copy()
    vqa["metric"] = vqa["metric"].str.removeprefix("accuracy_")
    _bars(axes[-2], vqa, VQA_TYPES, "(c) cxr-vqa accuracy", palette)
    vqa_pub = pub[pub["task"] == "cxr-vqa"].assign(metric=lambda d: d["metric"].str.removeprefix("accuracy_"))
    drawn.append(_published(axes[-2], vqa_pub, "cxr-vqa", VQA_TYPES, shapes))
    _bars(
        axes[-1],
        metrics[metrics["task"] == "ms-cxr-grounding"],
        GROUNDING_METRICS,
        "(d) ms-cxr grounding",
        palette,
    )
    drawn.append(_published(axes[-1], pub, "ms-cxr-grounding", GROUNDING_METRICS, shapes))
    _legend_and_note(fig, axes, drawn)
    fig.suptitle(
        f"Downstream tasks: corpus metrics with 95% CIs ({ci_caption(metrics)}; n per bar; "
        "published values as markers, their own conventions)",
        y=1.04,
    )
    return fig


def render(
    metrics: pd.DataFrame,
    out_dir: Path,
    *,
    palette: ModelPalette | None = None,
    published: pd.DataFrame | None = None,
) -> list[Path]:
    """Draw Fig 2 from the long metrics table; returns the PNG and PDF paths."""
    return save(draw(metrics, palette, published), out_dir, "fig2_downstream")
