"""Fig 4: does a model reproduce radiologists' inspection (paper §3.2, Fig 4)?

(a) DTW-aligned model vs radiologist centroid coordinates (x and y), settings 1 and
2, each panel annotated with ICC(A,1) (absolute agreement, the paper's wording) and
ICC(C,1) (Shrout-Fleiss ICC(3,1), consistency) and n path steps; (b) Gaussian-map
cosine similarity matrix over radiologists and models; (c) similarity per disease.

Inputs (tables written by the ``reflacx-gaze`` task):

* ``pairs``: ``setting (1|2), axis (x|y), model_value, rad_value`` (¼-scale px);
* ``icc``: ``setting, axis, form (ICC(A,1)|ICC(C,1)), value, ci_low, ci_high, n``;
* ``cosine``: ``rater_a, rater_b, cosine``;
* ``cosine_category``: ``category, rater, cosine, ci_low, ci_high`` (+ optional ``n``, ``n_images``):
  rows of every model run (its setting-2 clusters per reference finding, in that finding's category:
  :func:`gazex_bench.gaze.cosine.cosine_pairs`) and the inter-radiologist rows (drawn in grey), each model in its
  :class:`~gazex_bench.figures.style.ModelPalette` colour; whiskers only where a CI exists
  (a category seen in one image has none, marked "no CI").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gazex_bench.figures.style import ModelPalette, new_figure, save


def _icc_label(icc: pd.DataFrame, setting: int, axis: str) -> str:
    sub = icc[(icc["setting"] == setting) & (icc["axis"] == axis)].set_index("form")
    parts = []
    for form in ("ICC(A,1)", "ICC(C,1)"):
        if form in sub.index:
            r = sub.loc[form]
            parts.append(f"{form} = {r['value']:.2f} [{r['ci_low']:.2f}, {r['ci_high']:.2f}]")
    if "n" in sub.columns and len(sub):
        parts.append(f"n = {int(sub['n'].iloc[0])} steps")
    return "\n".join(parts)


def _scatter(
    ax, pairs: pd.DataFrame, icc: pd.DataFrame, setting: int, axis: str, color: str, model: str
) -> None:
    sub = pairs[(pairs["setting"] == setting) & (pairs["axis"] == axis)]
    if sub.empty:
        _empty_note(ax, "no aligned centroid pairs\n(no parsed model clusters in this setting)")
    ax.scatter(sub["rad_value"], sub["model_value"], s=4, alpha=0.5, color=color, lw=0)
    lim = [0, max(1.0, float(np.nanmax(sub[["rad_value", "model_value"]].to_numpy()))) if len(sub) else 1.0]
    ax.plot(lim, lim, color="grey", lw=0.6, ls="--")
    ax.set_xlabel(f"radiologist centroid {axis} (¼-scale px)")
    ax.set_ylabel(f"{model} centroid {axis} (¼-scale px)", fontsize=6)
    ax.set_title(f"(a) setting {setting}, {axis}")
    ax.text(
        0.03,
        0.97,
        _icc_label(icc, setting, axis),
        transform=ax.transAxes,
        va="top",
        fontsize=6,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
    )


def _matrix(ax, cosine: pd.DataFrame) -> None:
    raters = list(dict.fromkeys(list(cosine["rater_a"]) + list(cosine["rater_b"])))
    idx = {r: i for i, r in enumerate(raters)}
    mat = np.full((len(raters), len(raters)), np.nan)
    for a, b, c in cosine[["rater_a", "rater_b", "cosine"]].itertuples(index=False):
        mat[idx[a], idx[b]] = mat[idx[b], idx[a]] = c
    shown = mat.copy()
    np.fill_diagonal(shown, np.nan)  # the diagonal is left blank: self-similarity is not measured
    ax.imshow(shown, cmap="viridis", vmin=0, vmax=1)
    for i in range(len(raters)):
        for j in range(len(raters)):
            if i == j:  # self-similarity is 1 by definition, not a measurement
                ax.text(j, i, "—", ha="center", va="center", fontsize=5.5, color="black")
            elif np.isfinite(mat[i, j]):
                colour = "black" if mat[i, j] > 0.55 else "white"  # legible on viridis' light end
                ax.text(j, i, f"{mat[i, j]:.2f}", ha="center", va="center", fontsize=5.5, color=colour)
    ax.set_xticks(range(len(raters)), raters, rotation=45, ha="right")
    ax.set_yticks(range(len(raters)), raters)
    ax.set_title("(b) Gaussian-map cosine similarity", fontsize=8)


def _missing_models(ax, table: pd.DataFrame, models: Sequence[str]) -> None:
    """Say which scored models have no per-disease similarity (rather than silently drawing no bar)."""
    raters = set(table["rater"].astype(str)) if "rater" in table else set()
    absent = [m for m in dict.fromkeys(models) if m not in raters]
    if absent:
        ax.text(
            0.0,
            -0.42,
            "no per-disease similarity (no parsed clusters in a category the readers reported): "
            + ", ".join(absent),
            transform=ax.transAxes,
            fontsize=6,
            color="#aa0000",
            wrap=True,
        )


def _shared_notes(table: pd.DataFrame) -> dict[str, str]:
    """Category -> ``"<k> img"`` (+ ``", no CI"``) where every bar of the category has the same number of
    images (and none has a CI): said once under the tick instead of on every bar."""
    if "n_images" not in table:
        return {}
    out = {}
    for cat, g in table.groupby("category", sort=True):
        k = g["n_images"].dropna().unique()
        if len(k) == 1 and g["n_images"].notna().all():
            no_ci = not (np.isfinite(g["ci_low"].to_numpy(float)) & (g["ci_high"] > g["ci_low"])).any()
            out[str(cat)] = f"{int(k[0])} img" + (", no CI" if no_ci else "")
    return out


def _empty_note(ax, text: str) -> None:  # noqa: ANN001
    """Why a panel has nothing to draw, in grey at its centre (axes coordinates)."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, fontsize=7, color="grey")


def _bar_notes(ax, bars: Iterable[tuple[Any, ...]], ticks: Mapping[str, str]) -> None:  # noqa: ANN001
    """Above each bar (x, value, has_ci, n_images, ci_high, category): its image count and "no CI", unless
    the category's tick already says them (one shared n per category)."""
    for x, v, ok, k, hi, cat in bars:
        if not np.isfinite(v):
            continue
        shared = cat in ticks
        said_no_ci = shared and ticks[cat].endswith("no CI")
        note = ("" if shared or not np.isfinite(k) else f"{int(k)} img") + (
            "" if ok or said_no_ci else ", no CI"
        )
        if note.strip(", "):
            top = hi if ok else v
            ax.text(
                x,
                top + 0.01,
                note.strip(", "),
                rotation=90,
                ha="center",
                va="bottom",
                fontsize=5,
                color="#111111",
            )


def _per_category(ax, table: pd.DataFrame, palette: ModelPalette, models: Sequence[str] = ()) -> None:
    _missing_models(ax, table, models)
    if table.empty:
        _empty_note(ax, "no per-disease similarities\n(no finding category shared by model and readers)")
        ax.set_title("(c) similarity per disease")
        return
    cats = sorted(table["category"].unique())
    ticks = _shared_notes(table)
    raters = sorted(dict.fromkeys(table["rater"]), key=lambda r: (r != "inter-radiologist", r))
    width = 0.8 / max(len(raters), 1)
    for i, rater in enumerate(raters):
        sub = table[table["rater"] == rater].drop_duplicates("category").set_index("category").reindex(cats)
        vals = sub["cosine"].to_numpy(float)
        low, high = sub["ci_low"].to_numpy(float), sub["ci_high"].to_numpy(float)
        has_ci = np.isfinite(low) & np.isfinite(high) & (high > low)
        err = np.where(has_ci, np.vstack([vals - low, high - vals]), np.nan)
        xs = np.arange(len(cats)) + (i - (len(raters) - 1) / 2) * width
        ax.bar(
            xs,
            vals,
            width,
            yerr=np.clip(np.nan_to_num(err), 0, None),
            label=str(rater),
            capsize=1,
            error_kw={"lw": 0.5},
            linewidth=0.4,
            **palette.bar_style(str(rater)),
        )
        n_img = sub["n_images"].to_numpy(float) if "n_images" in sub else np.full(len(cats), np.nan)
        _bar_notes(ax, zip(xs, vals, has_ci, n_img, high, cats), ticks)
    ax.set_xticks(
        range(len(cats)), [f"{c} ({ticks[c]})" if c in ticks else c for c in cats], rotation=40, ha="right"
    )
    ax.set_ylim(0, 1.3)  # headroom: n labels above the bars, the legend above them
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_ylabel("Gaussian-map cosine vs radiologists")
    ax.set_title(
        "(c) similarity per disease: models beside inter-radiologist (95% CI, images resampled)\n"
        "model: its clusters for each reference finding (setting 2), in that finding's category",
        fontsize=8,
    )
    ax.legend(frameon=False, ncol=4, fontsize=6, loc="upper left")


def icc_ci_caption(icc: pd.DataFrame) -> str:
    """The CI method(s) the ICC rows recorded (``ci_method`` up to its first ``;``), never a restated one."""
    recorded = icc["ci_method"].dropna().astype(str) if "ci_method" in icc else pd.Series(dtype=str)
    methods = sorted({m.split(";", 1)[0].split(" on ", 1)[0] for m in recorded if m})
    return "method: " + "; ".join(methods) if methods else "CI method not recorded"


def render(
    pairs: pd.DataFrame,
    icc: pd.DataFrame,
    cosine: pd.DataFrame,
    cosine_category: pd.DataFrame,
    out_dir: Path,
    *,
    palette: ModelPalette | None = None,
    model: str = "model",
    models: Sequence[str] = (),
) -> list[Path]:
    """Draw Fig 4: 2x2 ICC scatters, then the cosine matrix and the per-disease bars.

    ``models``: every scored model whose per-disease bars belong in (c); those without rows are named.
    """
    palette = palette or ModelPalette(list(cosine_category["rater"]) + [model])
    fig, axes = new_figure(11.0, 6.4, 2, 4)
    for col, (setting, axis) in enumerate([(1, "x"), (1, "y"), (2, "x"), (2, "y")]):
        _scatter(axes[0, col], pairs, icc, setting, axis, palette(model), model)
    _matrix(axes[1, 0], cosine)
    gs = axes[1, 1].get_gridspec()
    for ax in axes[1, 1:]:
        ax.remove()
    _per_category(fig.add_subplot(gs[1, 1:]), cosine_category, palette, models)  # 3 columns: many bars
    fig.suptitle(
        f"Model vs radiologist inspection: ICC after DTW (95% CI, {icc_ci_caption(icc)}) and Gaussian-map similarity"
    )
    fig.tight_layout()
    return save(fig, out_dir, "fig4_gaze_alignment")
