"""What a reviewer reads off the figures: synthetic-data mark, n on every panel, labels that do not collide."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from gazex_bench.figures import fig3, fig6, fig7c
from gazex_bench.figures.style import SYNTHETIC_MARK, data_mark, new_figure, save


def _capture(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[Any]:
    """Replace ``module.save`` so the drawn figure is kept (and not written)."""
    figs: list[Any] = []
    monkeypatch.setattr(module, "save", lambda fig, out_dir, stem: figs.append(fig) or [])
    return figs


def _texts(fig: Any) -> list[str]:
    return [
        t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_position"))
    ]


def test_synthetic_mark_stamps_without_moving_the_layout(tmp_path: Path) -> None:
    sizes = []
    for mark in (None, SYNTHETIC_MARK):
        fig, ax = new_figure(4.0, 3.0)
        ax.bar([0, 1], [0.2, 0.4])
        with data_mark(mark):
            png = save(fig, tmp_path / str(bool(mark)), "f")[0]
        assert (SYNTHETIC_MARK in _texts(fig)) == bool(mark)
        with Image.open(png) as im:
            sizes.append(im.size)
    assert sizes[0] == sizes[1]  # the watermark is out of the tight-bbox layout: same canvas
    fig, _ = new_figure(4.0, 3.0)
    save(fig, tmp_path / "after", "f")  # the context is over: no mark
    assert SYNTHETIC_MARK not in _texts(fig)


def test_fig7c_long_model_labels_do_not_overlap(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    figs = _capture(monkeypatch, fig7c)
    sources = ["rad1", "rad2", "Gaze-boxes baseline (tiny), stage 1 only", "GazeX (tiny)"]
    sources += ["GazeX w/o FVP (tiny), stage 1 only", "GazeX w/o GTM (tiny)", "oracle", "random"]
    counts = pd.DataFrame([dict(source=s, TP=5, FN=2, FP=1, n_images=42) for s in sources])
    fig7c.render(counts, tmp_path)
    ax = figs[0].axes[0]
    figs[0].canvas.draw()
    boxes = [t.get_window_extent() for t in ax.get_xticklabels()]
    for i in range(len(boxes)):
        for j in range(i):
            assert not boxes[i].overlaps(boxes[j]), (sources[i], sources[j])


def test_fig3_puts_n_on_its_panels(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    figs = _capture(monkeypatch, fig3)
    dwell = pd.DataFrame(
        [dict(grid=g, row=r, col=c, dwell=1 / g**2) for g in (4, 6, 8) for r in range(g) for c in range(g)]
    )
    pearson = pd.DataFrame([dict(axis=a, rater_a="rad1", rater_b="rad2", r=0.5) for a in "xy"])
    cats = pd.DataFrame([dict(category="Edema", cell=k, dwell=0.1) for k in range(1, 17)])
    disp = pd.DataFrame([dict(t=t, rater=r, dispersion=20.0) for r in ("rad1", "rad2") for t in (0.1, 0.5)])
    counts = {
        "dwell_overall": pd.DataFrame([dict(grid=g, cell=1, n=7) for g in (4, 6, 8)]),
        # 3 reading pairs of rad1 x rad2, stored in either order
        "trajectory_pairs": pd.DataFrame(
            [
                dict(radiologist_a=a, radiologist_b=b)
                for a, b in (("rad1", "rad2"), ("rad2", "rad1"), ("rad1", "rad2"))
            ]
        ),
        "dispersion_per_reading": pd.DataFrame(
            [dict(radiologist="rad1", reading_id=i) for i in ("a", "a", "b")]
            + [dict(radiologist="rad2", reading_id="c")]
        ),
    }
    fig3.render(dwell, pearson, cats, disp, tmp_path, counts=counts)
    texts = "\n".join(_texts(figs[0]))
    assert "(mean of 7 readings)" in texts  # every grid panel
    assert "n=3" in texts and "(3 reading pairs)" in texts  # the Pearson cell and title
    assert "rad1 (n=2)" in texts and "rad2 (n=1)" in texts  # distinct readings per radiologist
    # without the count tables the figure still draws (no n claimed)
    fig3.render(dwell, pearson, cats, disp, tmp_path)
    assert "reading pairs" not in "\n".join(_texts(figs[1]))


def test_fig6_states_n_and_marks_zero_bars(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    figs = _capture(monkeypatch, fig6)
    per_cat = pd.DataFrame(
        [
            dict(variant=v, category=c, precision=p, recall=p, f1=p)
            for v, p in (("a", 0.4), ("b", 0.0))
            for c in "XY"
        ]
    )
    overall = pd.DataFrame(
        [
            dict(variant=v, metric="BLEU-4", value=x, ci_low=x, ci_high=x, n=16)
            for v, x in (("a", 0.3), ("b", 1e-13))
        ]
    )
    tests = pd.DataFrame(columns=["variant", "metric", "p_holm"])
    fig6.render(per_cat, overall, tests, tmp_path)
    ax = figs[0].axes[2]
    assert "n = 16 reports per bar" in ax.get_title()
    # variant b's 1e-13 bar is invisible; a thick line at 0 in its colour says "about 0", not "missing"
    lines = [
        c for c in ax.collections if c.__class__.__name__ == "LineCollection" and c.get_linewidth()[0] == 2.5
    ]
    assert len(lines) == 1 and np.allclose(lines[0].get_segments()[0][:, 1], 0)
