"""Fig 3: radiologists' inspection patterns (paper §3.1, Fig 3).

(a) mean normalised dwell time on 4x4, 6x6 and 8x8 grids (cells numbered 1.. in
row-major order, as in the paper's "patches 6, 7, 10, 11"); (b) inter-radiologist
Pearson correlation of x and y gaze trajectories; (c) dwell per CheXpert category on
the 4x4 grid; (d) case-level spatial dispersion of gaze over normalised time.

Inputs are the tables the ``reflacx-gaze`` task writes next to its ``run.json``:

* ``dwell``: columns ``grid, row, col, dwell`` (mean fraction of dwell time);
* ``pearson``: columns ``axis (x|y), rater_a, rater_b, r``;
* ``dwell_category``: columns ``category, cell (1..16), dwell``;
* ``dispersion``: columns ``t (0..1), rater, dispersion`` (quarter-scale pixels).

Optional ``counts`` tables put the n on every panel: ``dwell_overall`` (``grid, n``: readings
averaged), ``trajectory_pairs`` (``radiologist_a, radiologist_b``: one row per pair of readings of
one image behind each Pearson cell) and ``dispersion_per_reading`` (``radiologist, reading_id``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from gazex_bench.figures.style import RADIOLOGIST_COLORS, new_figure, save


def _grid_panel(ax, dwell: pd.DataFrame, n: int, n_readings: int | None = None) -> None:
    sub = dwell[dwell["grid"] == n]
    grid = np.full((n, n), np.nan)
    grid[sub["row"].astype(int), sub["col"].astype(int)] = sub["dwell"].to_numpy(float)
    im = ax.imshow(grid, cmap="magma", vmin=0)
    for r in range(n):
        for c in range(n):
            if n <= 6 and np.isfinite(grid[r, c]):
                ax.text(
                    c,
                    r,
                    f"{r * n + c + 1}\n{grid[r, c]:.2f}",
                    ha="center",
                    va="center",
                    fontsize=6 if n == 4 else 5,
                    color="white" if grid[r, c] < np.nanmax(grid) * 0.6 else "black",
                )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"{n}x{n} dwell fraction" + (f"\n(mean of {n_readings} readings)" if n_readings else ""))
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.02, label="fraction of dwell time")


def _pair_counts(pairs: pd.DataFrame | None) -> dict[frozenset[str], int]:
    """Reading pairs behind each radiologist pair (unordered), from ``trajectory_pairs``."""
    if pairs is None or pairs.empty or not {"radiologist_a", "radiologist_b"} <= set(pairs):
        return {}
    keys = [frozenset((str(a), str(b))) for a, b in zip(pairs["radiologist_a"], pairs["radiologist_b"])]
    return pd.Series(keys).value_counts().to_dict()


def _pearson_panel(ax, pearson: pd.DataFrame, axis: str, counts: dict[frozenset[str], int]) -> None:
    sub = pearson[pearson["axis"] == axis]
    raters = sorted(set(sub["rater_a"]) | set(sub["rater_b"]))
    mat = np.full((len(raters), len(raters)), np.nan)
    idx = {r: i for i, r in enumerate(raters)}
    for a, b, r in sub[["rater_a", "rater_b", "r"]].itertuples(index=False):
        mat[idx[a], idx[b]] = mat[idx[b], idx[a]] = r
    np.fill_diagonal(mat, 1.0)
    im = ax.imshow(mat, cmap="viridis", vmin=-1, vmax=1)
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.02, label="Pearson r")
    for i in range(len(raters)):
        for j in range(len(raters)):
            if np.isfinite(mat[i, j]):
                k = counts.get(frozenset((raters[i], raters[j]))) if i != j else None
                text = f"{mat[i, j]:.2f}" + (f"\nn={k}" if k else "") if i != j else "—"
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=5,
                    color="black" if mat[i, j] > 0.5 else "white",
                )
    ax.set_xticks(range(len(raters)), raters, rotation=45, ha="right")
    ax.set_yticks(range(len(raters)), raters)
    off = mat[~np.eye(len(raters), dtype=bool)]
    total = f"\n({sum(counts.values())} reading pairs)" if counts else ""
    ax.set_title(f"Pearson {axis}: mean {np.nanmean(off):.2f}{total}" if off.size else f"Pearson {axis}")


def _category_panel(ax, dwell_category: pd.DataFrame) -> None:
    table = dwell_category.pivot_table(index="category", columns="cell", values="dwell")
    im = ax.imshow(table.to_numpy(float), cmap="magma", aspect="auto", vmin=0)
    ax.set_yticks(range(len(table.index)), list(table.index))
    ax.set_xticks(range(len(table.columns)), [str(c) for c in table.columns], fontsize=5, rotation=90)
    ax.set_xlabel("4x4 cell (row-major, 1 = top-left)")
    ax.set_title("(c) dwell fraction per category")
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.02)


def _dispersion_panel(ax, dispersion: pd.DataFrame, per_reading: pd.DataFrame | None = None) -> None:
    n = (
        per_reading.groupby("radiologist")["reading_id"].nunique().to_dict()
        if per_reading is not None and {"radiologist", "reading_id"} <= set(per_reading)
        else {}
    )
    raters = dispersion.groupby("rater")
    for i, (rater, sub) in enumerate(raters):
        color = RADIOLOGIST_COLORS[i % len(RADIOLOGIST_COLORS)]
        sub = sub.sort_values("t")
        label = f"{rater} (n={n[rater]})" if rater in n else str(rater)
        ax.plot(sub["t"], sub["dispersion"], color=color, lw=1, label=label)
    ax.set_xlabel("normalised reading time")
    ax.set_ylabel("gaze dispersion (¼-scale px)")
    ax.set_title("(d) dispersion over time")
    ax.legend(frameon=False, fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # off the lines


def render(
    dwell: pd.DataFrame,
    pearson: pd.DataFrame,
    dwell_category: pd.DataFrame,
    dispersion: pd.DataFrame,
    out_dir: Path,
    counts: Mapping[str, pd.DataFrame] | None = None,
) -> list[Path]:
    """Draw Fig 3 (two rows: grids; Pearson x/y, categories, dispersion); ``counts``: module doc."""
    counts = counts or {}
    overall = counts.get("dwell_overall")
    n_read = (
        {int(g): int(v) for g, v in overall.groupby("grid")["n"].max().items()}
        if overall is not None and {"grid", "n"} <= set(overall)
        else {}
    )
    pair_n = _pair_counts(counts.get("trajectory_pairs"))
    fig, axes = new_figure(11.0, 6.4, 2, 4)
    for ax, n in zip(axes[0, :3], (4, 6, 8)):
        _grid_panel(ax, dwell, n, n_read.get(n))
    axes[0, 0].set_title("(a) " + axes[0, 0].get_title())
    axes[0, 3].axis("off")
    _pearson_panel(axes[1, 0], pearson, "x", pair_n)
    _pearson_panel(axes[1, 1], pearson, "y", pair_n)
    axes[1, 0].set_title("(b) " + axes[1, 0].get_title())
    _category_panel(axes[1, 2], dwell_category)
    _dispersion_panel(axes[1, 3], dispersion, counts.get("dispersion_per_reading"))
    fig.suptitle("Radiologists' inspection patterns (REFLACX)")
    fig.tight_layout()
    return save(fig, out_dir, "fig3_inspection_patterns")
