"""Fig 7c: findings of each radiologist and each model against the majority vote.

Reference = findings reported by at least 2 of the radiologists reading the image
(GazeX ``majority_threshold=2``). Input ``counts``: ``source, TP, FN, FP`` (summed
over images; ``n_images`` optional).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from gazex_bench.figures.style import new_figure, save


def render(counts: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Stacked TP/FN bars with FP beside them, one group per source."""
    fig, ax = new_figure(max(4.0, 0.7 * len(counts) + 2), 3.0)
    x = np.arange(len(counts))
    ax.bar(x - 0.2, counts["TP"], 0.4, color="#009E73", label="TP")
    ax.bar(x - 0.2, counts["FN"], 0.4, bottom=counts["TP"], color="#D55E00", label="FN")
    ax.bar(x + 0.2, counts["FP"], 0.4, color="#E69F00", label="FP")
    ax.set_xticks(x, list(counts["source"]), rotation=30, ha="right")
    ax.set_ylabel("findings (count over images)")
    n = f" (n={int(counts['n_images'].max())} images)" if "n_images" in counts else ""
    ax.set_title(f"Findings vs majority-vote reference (>=2 radiologists){n}")
    ax.legend(frameon=False)
    return save(fig, out_dir, "fig7c_majority_vote")
