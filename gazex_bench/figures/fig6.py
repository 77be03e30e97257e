"""Fig 6: ablation of the three gaze objectives, zero-shot and fine-tuned (paper §3.3, Fig 6).

One row of panels per training regime present in the runs (``zero-shot``: never trained on
MIMIC reports; ``fine-tuned``: a downstream stage on them — run.json ``training.regime``;
``unknown`` for records without one). Per row:

* left: radial plot of per-category CheXbert-style F1 over the 13 categories without No
  Finding (as the paper), one line per variant, with the reference variant's value printed at
  each vertex; a panel whose values are all 0 says so;
* middle: precision / recall / F1 averaged over the 12 categories without No Finding and
  Support Devices (the paper's bar chart);
* right: BLEU-4 and the clinical F1 per variant with 95 % CIs, annotated with the
  **Holm-adjusted** paired-bootstrap p of each variant against full GazeX (``gazex-bench
  compare`` records, ``p_holm``).

Colours: one per variant label (:class:`~gazex_bench.figures.style.ModelPalette`).

Inputs:

* ``per_category``: ``variant, category, precision, recall, f1`` (+ ``regime``, ``support``);
* ``overall``: ``variant, metric, value, ci_low, ci_high`` (+ ``regime``);
* ``tests``: ``variant, metric, p_holm`` (+ ``regime``; variant vs the reference variant of that regime;
  optional ``n_boot``, ``p_holm_is_bound`` and ``n_tests`` (the Holm family size) so a floored p prints as
  the bound ``p_Holm < m/B``, never 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gazex_bench.figures.style import RC, ModelPalette, save
from gazex_bench.metrics.stats import fmt_p

RADIAL_EXCLUDE = ("No Finding",)
BAR_EXCLUDE = ("No Finding", "Support Devices")
REGIME_ORDER = ("zero-shot", "fine-tuned", "pretrained", "unknown")


def _radial(ax: Any, per_category: pd.DataFrame, palette: ModelPalette, title: str) -> None:
    sub_all = per_category[~per_category["category"].isin(RADIAL_EXCLUDE)]
    cats = sorted(sub_all["category"].unique())
    angles = np.linspace(0, 2 * np.pi, len(cats), endpoint=False)
    closed = np.concatenate([angles, angles[:1]])
    variants = list(dict.fromkeys(sub_all["variant"]))
    for k, variant in enumerate(variants):
        sub = (
            sub_all[sub_all["variant"] == variant]
            .drop_duplicates("category")
            .set_index("category")
            .reindex(cats)
        )
        vals = np.nan_to_num(sub["f1"].to_numpy(float))
        ax.plot(
            closed,
            np.concatenate([vals, vals[:1]]),
            color=palette(variant),
            lw=1,
            label=variant,
            marker="o",
            ms=2,
        )
        ax.fill(closed, np.concatenate([vals, vals[:1]]), color=palette(variant), alpha=0.06)
        if k == 0 and np.any(vals > 0):
            for a, v in zip(angles, vals):
                if v > 0:  # zeros sit at the centre; the note below the panel lists them
                    ax.text(
                        a, min(v + 0.08, 1.0), f"{v:.2f}", fontsize=4.5, ha="center", color=palette(variant)
                    )
            zeros = [c for c, v in zip(cats, vals) if v == 0]
            if zeros and len(zeros) < len(cats):
                ax.text(
                    0.5,
                    -0.2,
                    f"{variant}: F1 = 0 for " + ", ".join(zeros),
                    fontsize=4.5,
                    ha="center",
                    transform=ax.transAxes,
                    color="#444444",
                    wrap=True,
                )
    ax.set_xticks(angles, [c.replace(" ", "\n", 1) for c in cats], fontsize=5)
    ax.set_ylim(0, 1)
    ax.set_yticks([0.25, 0.5, 0.75, 1.0], ["", "0.5", "", "1"], fontsize=5)
    if not np.any(np.nan_to_num(sub_all["f1"].to_numpy(float)) > 0):
        ax.text(
            0.5,
            0.62,
            "every per-category F1 is 0\n(no category predicted correctly)",
            fontsize=6,
            ha="center",
            va="center",
            transform=ax.transAxes,
            color="#aa0000",
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9},
        )
    ax.set_title(title, pad=14, fontsize=8)


ZERO_BAR = 0.003
"""Bars below this height (3 ‰ of the 0-1 axis) are invisible: they get a thick line at 0 in their colour."""


def _zero_marks(ax: Any, xs: np.ndarray, vals: np.ndarray, width: float, colour: str) -> None:
    """A thick line at 0 for bars of value (about) 0, so 0 is not read as a missing bar."""
    low = np.isfinite(vals) & (vals >= 0) & (vals < ZERO_BAR)
    if low.any():
        ax.hlines(np.zeros(int(low.sum())), xs[low] - width / 2, xs[low] + width / 2, color=colour, lw=2.5)


def _n_text(frame: pd.DataFrame) -> str:
    """``n = 16 reports`` (or a range) from the rows' ``n`` column; "" without one."""
    ns = sorted({int(v) for v in pd.to_numeric(frame.get("n", pd.Series(dtype=float))).dropna()})
    if not ns:
        return ""
    return f"n = {ns[0]} reports" if len(ns) == 1 else f"n = {ns[0]}-{ns[-1]} reports"


def _prf(ax: Any, per_category: pd.DataFrame, palette: ModelPalette) -> None:
    sub = per_category[~per_category["category"].isin(BAR_EXCLUDE)]
    means = sub.groupby("variant", sort=False)[["precision", "recall", "f1"]].mean()
    x = np.arange(3)
    width = 0.8 / max(len(means), 1)
    for i, (variant, row) in enumerate(means.iterrows()):
        xs = x + (i - (len(means) - 1) / 2) * width
        ax.bar(xs, row.to_numpy(float), width, color=palette(str(variant)), label=variant)
        _zero_marks(ax, xs, row.to_numpy(float), width, palette(str(variant)))
    ax.set_xticks(x, ["precision", "recall", "F1"])
    ax.set_ylim(0, 1)
    if not np.any(means.to_numpy(float) > 0):
        ax.text(
            0.5,
            0.5,
            "all 0 for every variant",
            ha="center",
            transform=ax.transAxes,
            color="#aa0000",
            fontsize=7,
        )
    ax.set_title(f"mean over {sub['category'].nunique()} categories (no NF, SD)", fontsize=8)


def holm_label(test: pd.Series) -> str:
    """``p_Holm = 0.031``, or the bound ``p_Holm < m/B`` where the floor 1/B set it (never ``p_Holm = 0``).

    Compare records (schema 2) floor every bootstrap p at 1/B before Holm and flag the adjusted
    values a floored p set (``p_holm_is_bound``); Holm over m tests all floored gives m/B. Without
    the flag (a hand-made frame) a p of 0 is read as a raw bootstrap 0: bounded by m/B (m =
    ``n_tests``, 1 if absent), so 0 is never printed as a p-value. Text: :func:`stats.fmt_p`.
    """
    p = float(test["p_holm"])
    n_boot = _finite(test.get("n_boot"))
    if n_boot is None or n_boot <= 0:
        return "p_Holm < 1/B" if p == 0 else fmt_p(p, 1, bound=False, name="p_Holm")  # B not recorded
    b = int(n_boot)
    flag = test.get("p_holm_is_bound")
    if flag is not None and not (isinstance(flag, float) and np.isnan(flag)):
        return fmt_p(p, b, bound=bool(flag), name="p_Holm")
    if p == 0:
        m = _finite(test.get("n_tests"))
        p = min(1.0, (int(m) if m is not None and m >= 1 else 1) / b)
        return fmt_p(p, b, bound=True, name="p_Holm")
    return fmt_p(p, b, bound=False, name="p_Holm")


def _finite(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if np.isfinite(v) else None


def _overall(ax: Any, overall: pd.DataFrame, tests: pd.DataFrame, palette: ModelPalette) -> None:
    metrics = list(dict.fromkeys(overall["metric"]))
    variants = list(dict.fromkeys(overall["variant"]))
    width = 0.8 / max(len(variants), 1)
    for i, variant in enumerate(variants):
        sub = (
            overall[overall["variant"] == variant]
            .drop_duplicates("metric")
            .set_index("metric")
            .reindex(metrics)
        )
        vals = sub["value"].to_numpy(float)
        err = np.vstack([vals - sub["ci_low"].to_numpy(float), sub["ci_high"].to_numpy(float) - vals])
        xs = np.arange(len(metrics)) + (i - (len(variants) - 1) / 2) * width
        ax.bar(
            xs,
            vals,
            width,
            color=palette(variant),
            yerr=np.where(np.isfinite(err), np.clip(err, 0, None), 0),
            capsize=1,
            error_kw={"lw": 0.5},
        )
        _zero_marks(ax, xs, vals, width, palette(variant))
        tops = np.fmax(vals, sub["ci_high"].to_numpy(float))  # labels sit above the whisker
        for x, metric, v, top in zip(xs, metrics, vals, tops):
            row = tests[(tests["variant"] == variant) & (tests["metric"] == metric)]
            if len(row) and np.isfinite(row["p_holm"].iloc[0]) and np.isfinite(v):
                ax.text(
                    x,
                    top + 0.02,
                    holm_label(row.iloc[0]),
                    rotation=90,
                    ha="center",
                    va="bottom",
                    fontsize=4.5,
                )
    ax.set_xticks(range(len(metrics)), metrics, rotation=20, ha="right")
    ax.set_ylim(0, 1.1)
    n = _n_text(overall)
    ax.set_title(
        "overall, 95% CI (paired bootstrap vs full GazeX, Holm)" + (f"\n{n} per bar" if n else ""), fontsize=8
    )


def _regimes(frame: pd.DataFrame) -> list[str]:
    found = set(frame["regime"]) if "regime" in frame else {"unknown"}
    return [r for r in REGIME_ORDER if r in found] + sorted(found - set(REGIME_ORDER))


def render(
    per_category: pd.DataFrame,
    overall: pd.DataFrame,
    tests: pd.DataFrame,
    out_dir: Path,
    *,
    palette: ModelPalette | None = None,
) -> list[Path]:
    """Draw Fig 6 (module doc): one row of radial + P/R/F1 + overall panels per regime."""
    import matplotlib.pyplot as plt

    plt.rcParams.update(RC)
    palette = palette or ModelPalette(per_category["variant"])
    regimes = _regimes(per_category)
    fig = plt.figure(figsize=(11.0, 3.9 * len(regimes)))
    for row, regime in enumerate(regimes):
        pick = _picker(regime)
        _radial(
            fig.add_subplot(len(regimes), 3, 3 * row + 1, projection="polar"),
            pick(per_category),
            palette,
            f"{regime}: per-category F1 (13, no NF)",
        )
        _prf(fig.add_subplot(len(regimes), 3, 3 * row + 2), pick(per_category), palette)
        _overall(fig.add_subplot(len(regimes), 3, 3 * row + 3), pick(overall), pick(tests), palette)
    handles = {
        v: plt.Rectangle((0, 0), 1, 1, color=palette(v)) for v in dict.fromkeys(per_category["variant"])
    }
    fig.legend(
        list(handles.values()),
        list(handles),
        loc="lower center",
        ncol=min(len(handles), 5),
        frameon=False,
        bbox_to_anchor=(0.5, -0.04),
    )
    fig.suptitle("Ablation of FVP / GTM / SDA (one row per training regime; p-values Holm-adjusted)", y=1.02)
    fig.tight_layout()
    return save(fig, out_dir, "fig6_ablation")


def _picker(regime: str):  # noqa: ANN202
    def pick(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["regime"] == regime] if "regime" in frame else frame

    return pick


__all__: Sequence[str] = ("render",)
