"""Shared figure style: print-size fonts, colour-blind-safe palette, PNG + PDF output.

Figures are built only from run records (``run.json`` and the tables a run writes
next to it); nothing here recomputes a metric.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

PALETTE: tuple[str, ...] = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
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
            fig.savefig(
                tmp,
                bbox_inches="tight",
                format=ext,
                metadata={"CreationDate": None} if ext == "pdf" else None,
            )
            os.replace(tmp, dest)
        finally:
            Path(tmp).unlink(missing_ok=True)
        paths.append(dest)
    plt.close(fig)
    return paths


def colors(n: int) -> Sequence[str]:
    """First ``n`` palette colours (cycled)."""
    return [PALETTE[i % len(PALETTE)] for i in range(n)]


MODEL_COLORS: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442")
"""Okabe-Ito colours for models (black and greys are kept for reference rows)."""

RADIOLOGIST_COLORS: tuple[str, ...] = (
    "#332288",
    "#882255",
    "#117733",
    "#999933",
    "#AA4499",
    "#44AA99",
    "#661100",
)
"""Radiologists' lines (Tol 'muted' hues not used for models), so no reader looks like a model."""

REFERENCE_GREYS: dict[str, str] = {
    "oracle": "#3a3a3a",
    "inter-radiologist": "#555555",
    "nearest-report": "#7a7a7a",
    "majority-answer": "#7a7a7a",
    "chest-box": "#7a7a7a",
    "center-bias": "#969696",
    "center-box": "#969696",
    "shuffled": "#b0b0b0",
    "random": "#c4c4c4",
    "empty-report": "#e0e0e0",
}
"""Reference rows (ceilings and nulls) in greys, darkest = ceiling; matched on the label's start."""


def reference_grey(label: str) -> str | None:
    """Grey of a reference row label (``oracle``, ``inter-radiologist (ceiling)``, ``shuffled null (x)`` ...)."""
    for name, grey in REFERENCE_GREYS.items():
        if label == name or label.startswith((f"{name} ", f"{name}(")):
            return grey
    return None


class ModelPalette:
    """One colour per model label, the same in every panel of every figure.

    Models get :data:`MODEL_COLORS` in the sorted order of all model labels passed at
    construction (so the mapping depends only on the set of models, not on panel order);
    reference rows get their fixed grey (:data:`REFERENCE_GREYS`). A label not seen at
    construction is added on first use (after the known ones).
    """

    def __init__(self, labels: Iterable[str] = ()) -> None:
        self._map: dict[str, str] = {}
        for label in sorted({str(x) for x in labels if reference_grey(str(x)) is None}):
            self._add(label)

    def _add(self, label: str) -> str:
        models = [k for k in self._map if reference_grey(k) is None]
        self._map[label] = MODEL_COLORS[len(models) % len(MODEL_COLORS)]
        return self._map[label]

    def __call__(self, label: str) -> str:
        """Colour of ``label``."""
        grey = reference_grey(label)
        if grey is not None:
            return grey
        return self._map.get(label) or self._add(label)

    @staticmethod
    def is_reference(label: str) -> bool:
        """Whether ``label`` is a reference row (drawn in grey, with a dark edge)."""
        return reference_grey(label) is not None
