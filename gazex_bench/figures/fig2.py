"""Fig 2: downstream task performance per model (paper Fig 2).

(a) report-generation metrics per model for each report dataset, (b) VQA accuracy
per question type, (c) grounding mIoU and mAP. Bars are corpus values; whiskers are
the runs' 95 % bootstrap CIs; ``n`` is printed in the panel titles.

Input is the long metrics table of :func:`gazex_bench.figures.records.metrics_table`
(columns ``task, model, kind, metric, value, ci_low, ci_high, n``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from gazex_bench.figures.style import colors, new_figure, save
from gazex_bench.tables.names import metric_title

REPORT_METRICS: tuple[str, ...] = ("bleu1", "bleu2", "bleu3", "bleu4", "meteor", "rouge_l")
VQA_TYPES: tuple[str, ...] = ("abnormality", "presence", "location", "level", "type", "view")
GROUNDING_METRICS: tuple[str, ...] = ("miou", "map")


def _bars(ax, table: pd.DataFrame, metrics: Sequence[str], title: str) -> None:
    """Grouped bars: one group per metric, one bar per model, CI whiskers."""
    sub = table[table["metric"].isin(metrics)]
    models = list(dict.fromkeys(sub["model"]))
    if not models:
        ax.text(0.5, 0.5, "no runs", ha="center", va="center", transform=ax.transAxes)
        ax.set_title(title)
        return
    width = 0.8 / len(models)
    x = np.arange(len(metrics))
    for i, (model, color) in enumerate(zip(models, colors(len(models)))):
        rows = sub[sub["model"] == model].set_index("metric").reindex(list(metrics))
        vals = rows["value"].to_numpy(float)
        err = np.vstack([vals - rows["ci_low"].to_numpy(float), rows["ci_high"].to_numpy(float) - vals])
        err = np.where(np.isfinite(err), np.clip(err, 0, None), 0)
        ax.bar(x + (i - (len(models) - 1) / 2) * width, vals, width, yerr=err, capsize=1.5,
               color=color, label=model, error_kw={"lw": 0.6})
    n = sub["n"].dropna()
    ax.set_title(f"{title} (n={int(n.max())})" if len(n) else title)
    ax.set_xticks(x, [metric_title(m) for m in metrics], rotation=30, ha="right")
    ax.set_ylim(0, max(1.0, float(np.nanmax(sub["value"])) * 1.05))
    ax.set_ylabel("score")


def render(metrics: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Draw Fig 2 from the long metrics table; returns the PNG and PDF paths."""
    report_tasks = [t for t in ("mimic-report", "iu-report") if t in set(metrics["task"])]
    ncols = len(report_tasks) + 2
    fig, axes = new_figure(3.2 * ncols, 3.0, 1, ncols)
    axes = np.atleast_1d(axes)
    for ax, task in zip(axes, report_tasks):
        _bars(ax, metrics[metrics["task"] == task], REPORT_METRICS, f"(a) {task}")
    vqa = metrics[metrics["task"] == "cxr-vqa"].copy()
    vqa["metric"] = vqa["metric"].str.removeprefix("accuracy_")
    _bars(axes[-2], vqa, VQA_TYPES, "(b) cxr-vqa accuracy")
    _bars(axes[-1], metrics[metrics["task"] == "ms-cxr-grounding"], GROUNDING_METRICS, "(c) ms-cxr grounding")
    handles, labels = axes[0].get_legend_handles_labels()
    for ax in axes[1:]:
        h, lab = ax.get_legend_handles_labels()
        for hh, ll in zip(h, lab):
            if ll not in labels:
                handles.append(hh)
                labels.append(ll)
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 6), frameon=False,
               bbox_to_anchor=(0.5, -0.12))
    fig.suptitle("Downstream tasks: corpus metrics with 95% bootstrap CIs", y=1.06)
    return save(fig, out_dir, "fig2_downstream")
