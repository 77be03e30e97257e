"""Frontal phantom radiograph: the anatomy canvas of :mod:`~gazex_bench.phantom.render` plus the
findings of :mod:`~gazex_bench.phantom.lesions`.

Kept apart from ``render`` so that ``lesions`` (which draws on a ``render.Canvas``) and ``render``
do not import each other. Frames: original-image pixels, origin top-left.
"""

from __future__ import annotations

import numpy as np

from gazex_bench.phantom.anatomy import Anatomy
from gazex_bench.phantom.findings import FindingSpec
from gazex_bench.phantom.lesions import draw_finding
from gazex_bench.phantom.render import finish, new_canvas


def render_frontal(an: Anatomy, findings: list[FindingSpec], rng: np.random.Generator) -> np.ndarray:
    """Render a frontal (PA/AP) radiograph with its findings.

    Args:
        an: Patient geometry (already including cardiomegaly).
        findings: Findings to draw (positions in original-image pixels).
        rng: Generator used for textures and noise.

    Returns:
        ``uint8`` array ``(an.height, an.width)``.
    """
    c = new_canvas(an, rng)
    for f in findings:
        draw_finding(c, f)
    return finish(c)
