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

from pathlib import Path

import numpy as np
import pandas as pd

from gazex_bench.figures.style import ModelPalette, new_figure, save


def _is_radiologist(source: str) -> bool:
    return source.startswith(("rad", "Radiologist", "radiologist"))


def render(counts: pd.DataFrame, out_dir: Path, *, palette: ModelPalette | None = None) -> list[Path]:
    """Stacked TP/FN bars with FP beside them, one group per source (radiologists, models, baselines)."""
    order = sorted(counts["source"].astype(str),
                   key=lambda s: (not _is_radiologist(s), ModelPalette.is_reference(s), s))
    counts = counts.set_index(counts["source"].astype(str)).loc[order].reset_index(drop=True)
    palette = palette or ModelPalette([s for s in order if not _is_radiologist(s)])
    fig, ax = new_figure(max(4.5, 0.75 * len(counts) + 2.5), 3.2)
    x = np.arange(len(counts))
    ax.bar(x - 0.2, counts["TP"], 0.4, color="#009E73", label="TP")
    ax.bar(x - 0.2, counts["FN"], 0.4, bottom=counts["TP"], color="#D55E00", label="FN")
    ax.bar(x + 0.2, counts["FP"], 0.4, color="#E69F00", label="FP")
    ax.set_xticks(x, order, rotation=30, ha="right")
    for tick, source in zip(ax.get_xticklabels(), order):
        if not _is_radiologist(source):
            tick.set_color(palette(source) if not ModelPalette.is_reference(source) else "#555555")
            tick.set_fontweight("bold")
    if "n_images" in counts:
        for xx, n in zip(x, counts["n_images"]):
            ax.text(xx, 0, f"n={int(n)}", ha="center", va="bottom", fontsize=5, color="white")
    ax.set_ylabel("findings (count over images)")
    ax.set_title("Findings vs majority-vote reference (>= 2 readers; each radiologist scored against the\n"
                 "OTHER readers' majority, models against all readers'; n = images)", fontsize=7)
    ax.legend(frameon=False)
    return save(fig, out_dir, "fig7c_majority_vote")
