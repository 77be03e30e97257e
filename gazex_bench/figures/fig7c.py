"""Fig 7c: findings of each radiologist and each model against the majority vote.

Reference = findings reported by at least 2 readers of the image (GazeX
``majority_threshold=2``). Each radiologist is scored against the majority of the OTHER
readers of the image (leave-the-scored-reader-out, so no reader agrees with their own vote);
models are scored against the majority of all readers. Baseline rows (e.g. ``random``: a
training report drawn at random) show what a model-free answer gets. Input ``counts``:
``source, TP, FN, FP`` (summed over images; ``n_images`` optional); model rows are the sources
that are not radiologists, coloured as in every other figure.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from gazex_bench.figures.style import ModelPalette, new_figure, save


def _luminance(colour: str) -> float:
    """Relative luminance (ITU-R BT.709 weights, sRGB not linearised) of ``#rrggbb`` in [0, 1]."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _is_radiologist(source: str) -> bool:
    return source.startswith(("rad", "Radiologist", "radiologist"))


def render(counts: pd.DataFrame, out_dir: Path, *, palette: ModelPalette | None = None) -> list[Path]:
    """Stacked TP/FN bars with FP beside them, one group per source (radiologists, models, baselines)."""
    order = sorted(
        counts["source"].astype(str), key=lambda s: (not _is_radiologist(s), ModelPalette.is_reference(s), s)
    )
    counts = counts.set_index(counts["source"].astype(str)).loc[order].reset_index(drop=True)
    palette = palette or ModelPalette([s for s in order if not _is_radiologist(s)])
    fig, ax = new_figure(max(4.5, 1.0 * len(counts) + 2.5), 3.4)
    x = np.arange(len(counts))
    # TP / FN / FP in neutral shades and hatches, so they never look like a model's palette colour
    ax.bar(x - 0.2, counts["TP"], 0.4, color="#3b3b3b", label="TP (found, in majority)")
    ax.bar(
        x - 0.2,
        counts["FN"],
        0.4,
        bottom=counts["TP"],
        color="white",
        edgecolor="#3b3b3b",
        hatch="////",
        lw=0.6,
        label="FN (missed majority finding)",
    )
    ax.bar(
        x + 0.2,
        counts["FP"],
        0.4,
        color="#bdbdbd",
        edgecolor="#3b3b3b",
        hatch="..",
        lw=0.6,
        label="FP (not in majority)",
    )
    n = counts["n_images"].astype(int).astype(str) if "n_images" in counts else None
    names = [textwrap.fill(s, 12) for s in order]  # long labels wrap instead of running into their neighbours
    ax.set_xticks(x, [f"{s}\n(n={k})" for s, k in zip(names, n)] if n is not None else names, fontsize=6)
    for tick, source in zip(ax.get_xticklabels(), order):
        if not _is_radiologist(source):
            # the model's colour as the label's background (pale tints stay legible: text colour by luminance)
            colour = palette(source)
            tick.set_bbox({"boxstyle": "round,pad=0.2", "fc": colour, "ec": "#222222", "lw": 0.3})
            tick.set_color("white" if _luminance(colour) < 0.45 else "black")
            tick.set_fontweight("bold")
    ax.set_ylabel("findings (count over images)")
    ax.set_title(
        "Findings vs majority-vote reference (>= 2 readers; each radiologist scored against the\n"
        "OTHER readers' majority, models against all readers'; n = images)",
        fontsize=7,
    )
    ax.legend(frameon=False, fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return save(fig, out_dir, "fig7c_majority_vote")
