"""Rendering: every finding changes pixels only inside its truth box; anatomy sits where regions say."""

from __future__ import annotations

import numpy as np

from gazex_bench.phantom.anatomy import regions
from gazex_bench.phantom.entities import build_study
from gazex_bench.phantom.frontal import render_frontal
from gazex_bench.phantom.lesions import draw_finding
from gazex_bench.phantom.render import new_canvas
from gazex_bench.phantom.spec import entity_rng


def test_findings_stay_inside_their_truth_boxes() -> None:
    kinds: set[str] = set()
    for k in range(40):
        st = build_study(0, k)
        for f in st.findings:
            if f.kind == "cardiomegaly":
                continue  # part of the anatomy (heart_box), not drawn
            c = new_canvas(st.anatomy, entity_rng(0, "test", k))
            img0, marks0 = c.img.copy(), c.marks.copy()
            draw_finding(c, f)
            changed = (np.abs(c.img - img0) > 1e-6) | (np.abs(c.marks - marks0) > 1e-6)
            inside = np.zeros_like(changed)
            for b in (f.box, *f.extra_boxes):
                inside[b[1] : b[3] + 1, b[0] : b[2] + 1] = True
            assert changed.any(), (k, f.kind)  # it is drawn (learnable) ...
            assert not (changed & ~inside).any(), (k, f.kind)  # ... and only inside its box
            kinds.add(f.kind)
    assert len(kinds) >= 8


def test_heart_above_diaphragm_and_abdomen_darker_than_heart() -> None:
    st = next(s for s in (build_study(0, k) for k in range(20)) if not s.findings)
    an = st.anatomy
    img = render_frontal(an, [], entity_rng(0, "test", 0)).astype(float)
    hb = regions(an)["heart"]
    assert (hb[1] + hb[3]) / 2 < min(an.dome_right_y, an.dome_left_y)  # heart centre above the domes
    heart = img[hb[1] + (hb[3] - hb[1]) // 3 : hb[3] - (hb[3] - hb[1]) // 3, (hb[0] + hb[2]) // 2].mean()
    y_abd = int(max(an.dome_right_y, an.dome_left_y) + an.dome_depth + 0.08 * an.height)
    abdomen = img[min(y_abd, an.height - 1), int(an.cx - 0.3 * an.half_thorax)]
    assert abdomen < heart
