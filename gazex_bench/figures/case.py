"""Case figure: one X-ray with the model's ordered gaze clusters beside a radiologist's.

Left: the radiologist's clusters for each finding (boxes, centroids numbered in
temporal order); middle: the model's predicted clusters for the same findings;
right: the generated report beside the reference report. Coordinates are in the
quarter-scale frame (original pixels / 4); the image is shown at quarter scale.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gazex_bench.figures.style import colors, new_figure, save


@dataclass(frozen=True)
class CaseCluster:
    """One cluster to draw: finding index, rank within the finding, centroid, box (¼-scale px)."""

    finding: int
    rank: int
    centroid: tuple[float, float]
    box: tuple[float, float, float, float] | None


def _load_quarter(image_path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(image_path) as im:
        im = im.convert("L")
        return np.asarray(im.resize((max(1, im.width // 4), max(1, im.height // 4)), Image.BILINEAR))


def label_positions(points: Sequence[tuple[float, float]], min_sep: float) -> list[tuple[float, float]]:
    """Greedy non-overlapping label anchors (data units) next to each point.

    A label is ``2.2 * min_sep`` wide and ``min_sep`` high. Candidates, in order: right of the
    point, then rows of ``min_sep`` below and above it, then the same on the left side; the first
    candidate that overlaps no placed label wins (deterministic, points in the given order).
    """
    offsets = [(0.6, 0.0)]
    for k in range(1, 16):
        offsets += [(0.6, k), (0.6, -k)]
    offsets += [(-3.0, o[1]) for o in offsets]
    placed: list[tuple[float, float]] = []
    for x, y in points:
        cands = [(x + dx * min_sep, y + dy * min_sep) for dx, dy in offsets]
        free = [
            c
            for c in cands
            if all(abs(c[0] - px) >= 2.2 * min_sep or abs(c[1] - py) >= min_sep for px, py in placed)
        ]
        placed.append(free[0] if free else cands[0])
    return placed


def _draw(ax, image: np.ndarray, clusters: Sequence[CaseCluster], title: str) -> None:
    from matplotlib.patches import Rectangle

    ax.imshow(image, cmap="gray")
    n_find = max((c.finding for c in clusters), default=-1) + 1
    palette = colors(max(n_find, 1))
    sep = max(image.shape) / 28.0  # one label height at this figure size, in ¼-scale px
    anchors = label_positions([c.centroid for c in clusters], sep)
    for c, (lx, ly) in zip(clusters, anchors):
        color = palette[c.finding % len(palette)]
        if c.box is not None:
            x0, y0, x1, y1 = c.box
            ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, ec=color, lw=1))
        ax.plot(*c.centroid, "o", ms=4, color=color)
        ax.annotate(
            f"{c.finding + 1}.{c.rank + 1}",
            c.centroid,
            xytext=(lx, ly),
            textcoords="data",
            color="#111111",
            fontsize=6,
            weight="bold",
            va="center",
            ha="left",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": color, "lw": 0.8, "alpha": 0.9},
            arrowprops={"arrowstyle": "-", "color": color, "lw": 0.4},
        )
    ax.set_xlim(-0.5, image.shape[1] - 0.5)  # the image frame: labels never stretch the axes
    ax.set_ylim(image.shape[0] - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title)


def render(
    image_path: Path,
    radiologist: Sequence[CaseCluster],
    model: Sequence[CaseCluster],
    generated: str,
    reference: str,
    out_dir: Path,
    *,
    title: str = "",
    stem: str = "case",
) -> list[Path]:
    """Draw the case figure; labels ``f.k`` = finding f, k-th cluster in time."""
    image = _load_quarter(image_path)
    fig, axes = new_figure(11.0, 4.0, 1, 3)
    _draw(axes[0], image, radiologist, "radiologist gaze clusters")
    _draw(axes[1], image, model, "model gaze clusters")
    axes[2].axis("off")
    text = "Generated:\n" + textwrap.fill(generated or "(empty)", 60)
    text += "\n\nReference:\n" + textwrap.fill(reference or "(empty)", 60)
    axes[2].text(0, 1, text, va="top", ha="left", fontsize=7, family="monospace", transform=axes[2].transAxes)
    fig.suptitle(title or f"Case {image_path.stem}")
    fig.tight_layout()
    return save(fig, out_dir, stem)
