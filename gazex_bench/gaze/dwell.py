"""Grid dwell time (paper §3.1, Fig. 3a/c, Suppl. Fig. 1–2).

Definitions (suite conventions, docs/gaze_reference.md §6.2):
    * Grid n×n over the image ``[0, W] × [0, H]`` (any one frame; quarter-scale in the suite).
      ``col = min(⌊x·n/W⌋, n−1)``, ``row = min(⌊y·n/H⌋, n−1)``; so ``x = W`` falls in the last
      column. Cells are numbered 1-based row-major (``cell = row·n + col + 1``), so the
      central 4×4 cells are 6, 7, 10, 11 as in the paper.
    * A fixation is off-image if ``x < 0``, ``x > W``, ``y < 0``, ``y > H`` or non-finite;
      off-image fixations are excluded and counted (``n_off_image``), never dropped silently.
    * dwell = Σ fixation durations (s) per cell; ``dwell_frac`` = dwell / total on-image dwell
      of the reading (sums to 1 per reading and grid; NaN if the reading has no on-image dwell).
    * Category: a reading contributes its whole normalised grid to every label in
      ``ReaderGaze.labels`` (reading-level labels, not sentence windows).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from gazex_bench.gaze._stats import pearson, summary_row, summary_rows
from gazex_bench.gaze.inputs import ReaderGaze

GRID_SIZES: tuple[int, ...] = (4, 6, 8)


def grid_cells(
    x: np.ndarray, y: np.ndarray, width: float, height: float, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column, row (0-based) and on-image mask of each point on an n×n grid.

    Off-image points get column/row -1.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    on = np.isfinite(x) & np.isfinite(y) & (x >= 0) & (x <= width) & (y >= 0) & (y <= height)
    xs, ys = np.where(on, x, 0.0), np.where(on, y, 0.0)
    col = np.minimum(np.floor(xs * n / width), n - 1).astype(int)
    row = np.minimum(np.floor(ys * n / height), n - 1).astype(int)
    return np.where(on, col, -1), np.where(on, row, -1), on


def dwell_grid(
    x: np.ndarray, y: np.ndarray, duration_s: np.ndarray, width: float, height: float, n: int
) -> tuple[np.ndarray, int]:
    """Dwell seconds per cell, ``(n, n)`` indexed ``[row, col]``, and the off-image count."""
    col, row, on = grid_cells(x, y, width, height, n)
    grid = np.zeros(n * n)
    np.add.at(grid, row[on] * n + col[on], np.asarray(duration_s, dtype=float)[on])
    return grid.reshape(n, n), int((~on).sum())


def dwell_table(readers: Sequence[ReaderGaze], grid_sizes: Sequence[int] = GRID_SIZES) -> pd.DataFrame:
    """Tidy per-reading dwell: one row per (reading, grid, cell).

    Columns: ``reading_id, image_group, radiologist, grid, cell, row, col, dwell_s,
    dwell_frac, n_fixations, n_off_image``.
    """
    rows = []
    for r in readers:
        dur = r.t_end_s - r.t_start_s
        for n in grid_sizes:
            g, n_off = dwell_grid(r.x, r.y, dur, r.width, r.height, n)
            total = g.sum()
            frac = g / total if total > 0 else np.full_like(g, np.nan)
            rr, cc = np.divmod(np.arange(n * n), n)
            rows.append(
                pd.DataFrame(
                    {
                        "reading_id": r.reading_id,
                        "image_group": r.image_group,
                        "radiologist": r.radiologist,
                        "grid": n,
                        "cell": np.arange(n * n) + 1,
                        "row": rr,
                        "col": cc,
                        "dwell_s": g.ravel(),
                        "dwell_frac": frac.ravel(),
                        "n_fixations": len(r.x),
                        "n_off_image": n_off,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def dwell_summary(
    table: pd.DataFrame, by: str | None = None, readers: Sequence[ReaderGaze] = ()
) -> pd.DataFrame:
    """Mean normalised dwell per cell (bootstrap CI over readings), optionally per group.

    Args:
        table: Output of :func:`dwell_table`.
        by: None (all readings), ``"radiologist"``, ``"image_group"`` or ``"category"``
            (the latter needs ``readers`` for their labels; one row per label).

    Returns:
        Columns ``[by], grid, cell, row, col, mean, ci_low, ci_high, n, n_nan``.
    """
    t = table
    if by == "category":
        labels = {r.reading_id: sorted(r.labels) for r in readers}
        t = t.assign(category=t["reading_id"].map(labels)).explode("category").dropna(subset=["category"])
    keys = ([by] if by else []) + ["grid", "cell", "row", "col"]
    if not len(t):
        return pd.DataFrame()
    gb = t.groupby(keys, sort=True, dropna=False)
    number = gb.ngroup().to_numpy()  # group number in sorted key order
    order = np.argsort(number, kind="stable")  # rows keep their order within a group
    bounds = np.cumsum(np.bincount(number[order]))[:-1]
    samples = np.split(t["dwell_frac"].to_numpy(float)[order], bounds)
    group_labels = [dict(zip(keys, key if isinstance(key, tuple) else (key,))) for key in gb.size().index]
    return pd.DataFrame(summary_rows(samples, group_labels))


def inter_reader_dwell_correlation(table: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pearson of normalised dwell grids between readers of the same image.

    Returns:
        ``(pairs, summary)``: pairs has ``image_group, grid, reading_a, reading_b,
        radiologist_a, radiologist_b, r`` (NaN if a grid is constant); summary has one row
        per grid with the mean r, bootstrap CI over pairs, n and n_nan.
    """
    pairs = []
    for (img, n), sub in table.groupby(["image_group", "grid"], sort=True):
        grids = {rid: s.sort_values("cell") for rid, s in sub.groupby("reading_id", sort=True)}
        for a, b in combinations(sorted(grids), 2):
            pairs.append(
                {
                    "image_group": img,
                    "grid": n,
                    "reading_a": a,
                    "reading_b": b,
                    "radiologist_a": grids[a]["radiologist"].iloc[0],
                    "radiologist_b": grids[b]["radiologist"].iloc[0],
                    "r": pearson(grids[a]["dwell_frac"].to_numpy(), grids[b]["dwell_frac"].to_numpy()),
                }
            )
    pairs_df = pd.DataFrame(
        pairs,
        columns=["image_group", "grid", "reading_a", "reading_b", "radiologist_a", "radiologist_b", "r"],
    )
    summary = [
        summary_row(s["r"].to_numpy(), analysis="dwell_inter_reader_pearson", grid=n)
        for n, s in pairs_df.groupby("grid", sort=True)
    ]
    return pairs_df, pd.DataFrame(summary)


def _binned_positions(r: ReaderGaze, n_bins: int) -> list[tuple[int, float, float, float, float]]:
    """Per normalised-time bin: (bin, weight_s, mean_x, mean_y, spatial_std) of on-image gaze.

    Each fixation's duration is split over the bins it overlaps; positions in image-size
    units (x / W, y / H); spatial std = sqrt(weighted var_x + var_y).
    """
    _, _, on = grid_cells(r.x, r.y, r.width, r.height, 1)
    if not on.any():
        return []
    s, e = r.t_start_s[on], r.t_end_s[on]
    x, y = r.x[on] / r.width, r.y[on] / r.height
    t0, t1 = s.min(), e.max()
    edges = np.linspace(t0, t1, n_bins + 1)
    overlap = np.clip(
        np.minimum(e[:, None], edges[None, 1:]) - np.maximum(s[:, None], edges[None, :-1]), 0, None
    )
    out = []
    for b in range(n_bins):
        w = overlap[:, b]
        tot = w.sum()
        if tot <= 0:
            continue
        mx, my = (w * x).sum() / tot, (w * y).sum() / tot
        var = (w * ((x - mx) ** 2 + (y - my) ** 2)).sum() / tot
        out.append((b, float(tot), float(mx), float(my), float(np.sqrt(var))))
    return out


def dispersion_over_time(
    readers: Sequence[ReaderGaze], n_bins: int = 10
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Case-level gaze dispersion in normalised time bins (Fig. 3d).

    Time is normalised per reading from first fixation start to last fixation end and split
    into ``n_bins`` equal bins. Per reading and bin: duration-weighted mean position and
    spatial std (image-size units). Per image and bin: ``between_reader_spread`` = mean
    distance of the readers' bin means from their average (image-size units).

    Returns:
        ``(per_reading, per_bin)``; per_bin summarises ``spatial_std`` and
        ``between_reader_spread`` per bin with bootstrap CIs.
    """
    rows = [
        {
            "reading_id": r.reading_id,
            "image_group": r.image_group,
            "radiologist": r.radiologist,
            "bin": b,
            "t_mid": (b + 0.5) / n_bins,
            "weight_s": w,
            "mean_x": mx,
            "mean_y": my,
            "spatial_std": sd,
        }
        for r in readers
        for (b, w, mx, my, sd) in _binned_positions(r, n_bins)
    ]
    per_reading = pd.DataFrame(
        rows,
        columns=[
            "reading_id",
            "image_group",
            "radiologist",
            "bin",
            "t_mid",
            "weight_s",
            "mean_x",
            "mean_y",
            "spatial_std",
        ],
    )
    spread = []
    for (_img, b), sub in per_reading.groupby(["image_group", "bin"], sort=True):
        if len(sub) >= 2:
            cx, cy = sub["mean_x"].mean(), sub["mean_y"].mean()
            spread.append(
                {"bin": b, "spread": float(np.hypot(sub["mean_x"] - cx, sub["mean_y"] - cy).mean())}
            )
    spread_df = pd.DataFrame(spread, columns=["bin", "spread"])
    per_bin = []
    for b in range(n_bins):
        sd = per_reading.loc[per_reading["bin"] == b, "spatial_std"].to_numpy()
        sp = spread_df.loc[spread_df["bin"] == b, "spread"].to_numpy()
        per_bin.append(summary_row(sd, metric="spatial_std", bin=b, t_mid=(b + 0.5) / n_bins))
        per_bin.append(summary_row(sp, metric="between_reader_spread", bin=b, t_mid=(b + 0.5) / n_bins))
    return per_reading, pd.DataFrame(per_bin)


__all__ = [
    "GRID_SIZES",
    "dispersion_over_time",
    "dwell_grid",
    "dwell_summary",
    "dwell_table",
    "grid_cells",
    "inter_reader_dwell_correlation",
]
