"""Fig 6: ablation of the three gaze objectives (paper §3.3, Fig 6).

Left: radial plot of per-category F1 (clinical efficacy labels) for full GazeX and each
ablated variant. Middle: precision / recall / F1 bars per variant. Right: BLEU-4 and
the clinical F1 per variant, annotated with the Wilcoxon signed-rank p-value of each
variant against full GazeX (from ``gazex-bench compare`` records).

Inputs:

* ``per_category``: ``variant, category, precision, recall, f1``;
* ``overall``: ``variant, metric, value, ci_low, ci_high`` (metrics incl. ``BLEU-4``
  and a clinical F1);
* ``tests``: ``variant, metric, p_wilcoxon`` (variant vs the reference variant).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from gazex_bench.figures.style import colors, save


def _radial(ax, per_category: pd.DataFrame) -> None:
    cats = sorted(per_category["category"].unique())
    angles = np.linspace(0, 2 * np.pi, len(cats), endpoint=False)
    closed = np.concatenate([angles, angles[:1]])
    variants = list(dict.fromkeys(per_category["variant"]))
    for variant, color in zip(variants, colors(len(variants))):
        sub = per_category[per_category["variant"] == variant].set_index("category").reindex(cats)
        vals = np.nan_to_num(sub["f1"].to_numpy(float))
        ax.plot(closed, np.concatenate([vals, vals[:1]]), color=color, lw=1, label=variant)
        ax.fill(closed, np.concatenate([vals, vals[:1]]), color=color, alpha=0.08)
    ax.set_xticks(angles, cats, fontsize=6)
    ax.set_ylim(0, 1)
    ax.set_title("per-category F1", pad=14)
    ax.legend(loc="upper right", bbox_to_anchor=(1.35, 1.15), frameon=False, fontsize=6)


def _prf(ax, per_category: pd.DataFrame) -> None:
    means = per_category.groupby("variant", sort=False)[["precision", "recall", "f1"]].mean()
    x = np.arange(3)
    width = 0.8 / max(len(means), 1)
    for i, ((variant, row), color) in enumerate(zip(means.iterrows(), colors(len(means)))):
        ax.bar(x + (i - (len(means) - 1) / 2) * width, row.to_numpy(float), width, color=color, label=variant)
    ax.set_xticks(x, ["precision", "recall", "F1"])
    ax.set_ylim(0, 1)
    ax.set_title("macro over categories")


def _overall(ax, overall: pd.DataFrame, tests: pd.DataFrame) -> None:
    metrics = list(dict.fromkeys(overall["metric"]))
    variants = list(dict.fromkeys(overall["variant"]))
    width = 0.8 / max(len(variants), 1)
    for i, (variant, color) in enumerate(zip(variants, colors(len(variants)))):
        sub = overall[overall["variant"] == variant].set_index("metric").reindex(metrics)
        vals = sub["value"].to_numpy(float)
        err = np.vstack([vals - sub["ci_low"].to_numpy(float), sub["ci_high"].to_numpy(float) - vals])
        xs = np.arange(len(metrics)) + (i - (len(variants) - 1) / 2) * width
        ax.bar(xs, vals, width, color=color, yerr=np.where(np.isfinite(err), np.clip(err, 0, None), 0),
               capsize=1, error_kw={"lw": 0.5})
        for x, metric, v in zip(xs, metrics, vals):
            p = tests[(tests["variant"] == variant) & (tests["metric"] == metric)]["p_wilcoxon"]
            if len(p) and np.isfinite(p.iloc[0]) and np.isfinite(v):
                ax.text(x, v + 0.02, f"p={p.iloc[0]:.2g}", rotation=90, ha="center", va="bottom", fontsize=5)
    ax.set_xticks(range(len(metrics)), metrics, rotation=20, ha="right")
    ax.set_ylim(0, 1.1)
    ax.set_title("overall (Wilcoxon vs full GazeX)")


def render(per_category: pd.DataFrame, overall: pd.DataFrame, tests: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Draw Fig 6 (radial + bars)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(11.0, 3.6))
    from gazex_bench.figures.style import RC

    plt.rcParams.update(RC)
    _radial(fig.add_subplot(1, 3, 1, projection="polar"), per_category)
    _prf(fig.add_subplot(1, 3, 2), per_category)
    _overall(fig.add_subplot(1, 3, 3), overall, tests)
    fig.suptitle("Ablation of FVP / GTM / SDA")
    fig.tight_layout()
    return save(fig, out_dir, "fig6_ablation")
