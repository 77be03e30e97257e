"""Shared figure style: print-size fonts, colour-blind-safe palette, PNG + PDF output.

Figures are built only from run records (``run.json`` and the tables a run writes
next to it); nothing here recomputes a metric.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
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


SYNTHETIC_MARK = "SYNTHETIC DATA (phantom) \u2014 not comparable with published results"
"""Watermark of every figure drawn from phantom runs (:func:`data_mark`)."""

_MARK: ContextVar[str | None] = ContextVar("gazex_figure_mark", default=None)


@contextmanager
def data_mark(text: str | None) -> Iterator[None]:
    """Within the block, :func:`save` stamps ``text`` (e.g. :data:`SYNTHETIC_MARK`) across every figure."""
    token = _MARK.set(text)
    try:
        yield
    finally:
        _MARK.reset(token)


def _stamp(fig: Figure, text: str) -> None:
    """A faint diagonal watermark over the whole figure (never moves the layout, never hides a value)."""
    width_in = float(fig.get_size_inches()[0])
    # about 3/4 of the figure width (a bold glyph is ~0.62 em wide); out of the tight-bbox layout
    size = max(8.0, min(36.0, 0.75 * width_in * 72 / (0.62 * len(text))))
    mark = fig.text(
        0.5,
        0.5,
        text,
        ha="center",
        va="center",
        rotation=12,
        fontsize=size,
        color="#cc0000",
        alpha=0.15,
        fontweight="bold",
        zorder=100,
    )
    mark.set_in_layout(False)


def save(fig: Figure, out_dir: Path, stem: str) -> list[Path]:
    """Save ``fig`` as ``<stem>.png`` and ``<stem>.pdf`` atomically; close it; return paths.

    Inside :func:`data_mark` the figure is watermarked first (synthetic data).
    """
    import os
    import tempfile

    import matplotlib.pyplot as plt

    mark = _MARK.get()
    if mark:
        _stamp(fig, mark)

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


MODEL_COLORS: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#7F3C8D", "#F0E442")
"""Model hues: Okabe-Ito without black (greys are kept for reference rows) and with a purple in place of its
sky blue, which is too close to the blue's tint (:class:`ModelPalette` tints a hue for a family's members)."""

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

REFERENCE_STYLES: dict[str, tuple[str, str]] = {
    "oracle": ("#333333", ""),
    "inter-radiologist": ("#4d4d4d", ".."),
    "nearest-report": ("#6e6e6e", "////"),
    "majority-answer": ("#7f7f7f", "\\\\\\\\"),
    "chest-box": ("#8a8a8a", "xxx"),
    "center-bias": ("#9a9a9a", ""),
    "center-box": ("#a6a6a6", "..."),
    "shuffled": ("#b3b3b3", "---"),
    "random": ("#c8c8c8", ""),
    "empty-report": ("#e2e2e2", ""),
}
"""Reference rows (ceilings and nulls): ``(grey, hatch)``, darkest = ceiling, matched on the label's start.

Every reference has its own grey, and the mid greys (which a reader cannot tell apart by shade
alone) also a hatch, so no two references share a ``(colour, hatch)`` in any legend; the same
pair is used in every panel of every figure (:meth:`ModelPalette.bar_style`)."""

REFERENCE_GREYS: dict[str, str] = {name: grey for name, (grey, _) in REFERENCE_STYLES.items()}
"""The grey of each reference row (:data:`REFERENCE_STYLES` without the hatch)."""


def _reference_name(label: str) -> str | None:
    for name in REFERENCE_STYLES:
        if label == name or label.startswith((f"{name} ", f"{name}(")):
            return name
    return None


def reference_grey(label: str) -> str | None:
    """Grey of a reference row label (``oracle``, ``inter-radiologist (ceiling)``, ``shuffled null (x)`` ...)."""
    name = _reference_name(label)
    return None if name is None else REFERENCE_STYLES[name][0]


def reference_hatch(label: str) -> str:
    """Hatch of a reference row label ("" for models and for references drawn plain)."""
    name = _reference_name(label)
    return "" if name is None else REFERENCE_STYLES[name][1]


def model_family(label: str) -> str:
    """The model a label qualifies: the text before its first ``", "`` (``"GazeX (tiny), stage 1 only"`` ->
    ``"GazeX (tiny)"``); labels of one family share a hue in :class:`ModelPalette`."""
    return label.split(", ", 1)[0]


def tint(colour: str, amount: float) -> str:
    """``colour`` blended towards white by ``amount`` (0 = unchanged, 1 = white), as ``#rrggbb``."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in rgb)


TINTS: tuple[float, ...] = (0.0, 0.5, 0.25, 0.7)
"""Tints of one hue for the members of a model family (the unqualified label keeps the pure hue)."""


class ModelPalette:
    """One colour per model label, the same in every panel of every figure, never shared by two labels.

    Labels are grouped by :func:`model_family`; families get :data:`MODEL_COLORS` hues in the
    sorted order of the families passed at construction (so the mapping depends only on the set of
    models, not on panel order), and the labels of a family successive :data:`TINTS` of its hue
    (``"GazeX (tiny)"`` pure, ``"GazeX (tiny), stage 1 only"`` lighter). Beyond 7 families the
    hues repeat at further tints; a colour already taken is never handed out again. Reference
    rows get their fixed grey and hatch (:data:`REFERENCE_STYLES`, :meth:`bar_style`). A label not seen at construction is added
    on first use (after the known ones).
    """

    def __init__(self, labels: Iterable[str] = ()) -> None:
        self._map: dict[str, str] = {}
        self._families: dict[str, list[str]] = {}
        models = sorted({str(x) for x in labels if reference_grey(str(x)) is None})
        for label in sorted(models, key=lambda lab: (model_family(lab), lab != model_family(lab), lab)):
            self._add(label)

    def _add(self, label: str) -> str:
        family = model_family(label)
        members = self._families.setdefault(family, [])
        hue_index = list(self._families).index(family)
        hue = MODEL_COLORS[hue_index % len(MODEL_COLORS)]
        step = len(members) + hue_index // len(MODEL_COLORS)
        taken = set(self._map.values())
        colour = tint(hue, TINTS[step % len(TINTS)])
        while colour in taken:  # a family with more members than tints: finer steps towards white
            step += 1
            colour = tint(hue, min(0.9, 0.1 * step))
            if step > 40:
                break
        members.append(label)
        self._map[label] = colour
        return colour

    def __call__(self, label: str) -> str:
        """Colour of ``label``."""
        grey = reference_grey(label)
        if grey is not None:
            return grey
        return self._map.get(label) or self._add(label)

    def bar_style(self, label: str) -> dict[str, object]:
        """``ax.bar`` keywords of ``label``: its colour; references also their hatch and a dark edge."""
        if not self.is_reference(label):
            return {"color": self(label), "edgecolor": "none"}
        return {"color": self(label), "hatch": reference_hatch(label) or None, "edgecolor": "#222222"}

    @staticmethod
    def is_reference(label: str) -> bool:
        """Whether ``label`` is a reference row (drawn in grey, with a dark edge)."""
        return reference_grey(label) is not None
