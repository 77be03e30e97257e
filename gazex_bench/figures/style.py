"""Shared figure style: print-size fonts, colour-blind-safe palette, PNG + PDF output.

Figures are built only from run records (``run.json`` and the tables a run writes
next to it); nothing here recomputes a metric.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

PALETTE: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
)
"""Okabe-Ito colour-blind-safe palette."""

RC = {
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "legend.fontsize": 7,
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "pdf.fonttype": 42,
}


def new_figure(width_in: float, height_in: float, nrows: int = 1, ncols: int = 1, **kw: object):
    """Create a figure with the suite's style (Agg backend, no display needed)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update(RC)
    return plt.subplots(nrows, ncols, figsize=(width_in, height_in), **kw)


def save(fig: Figure, out_dir: Path, stem: str) -> list[Path]:
    """Save ``fig`` as ``<stem>.png`` and ``<stem>.pdf`` atomically; close it; return paths."""
    import os
    import tempfile

    import matplotlib.pyplot as plt

    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in ("png", "pdf"):
        dest = out_dir / f"{stem}.{ext}"
        fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=f".{ext}", dir=out_dir)
        os.close(fd)
        try:
            fig.savefig(tmp, bbox_inches="tight", format=ext, metadata={"CreationDate": None} if ext == "pdf" else None)
            os.replace(tmp, dest)
        finally:
            Path(tmp).unlink(missing_ok=True)
        paths.append(dest)
    plt.close(fig)
    return paths


def colors(n: int) -> Sequence[str]:
    """First ``n`` palette colours (cycled)."""
    return [PALETTE[i % len(PALETTE)] for i in range(n)]
