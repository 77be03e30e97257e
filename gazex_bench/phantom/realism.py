"""Realism measurements of a generated phantom (used by tests and the phantom report).

Reads the REFLACX files back with :mod:`gazex_bench.data.reflacx` and compares them with
the phantom truth. Frames: original-image pixels; grids split the image into n x n
equal cells, cell index ``row * n + col`` (0-based; the paper's 1-based cells 6, 7, 10,
11 of a 4x4 grid are 0-based 5, 6, 9, 10). Fixations outside the image are excluded
(the paper filters off-screen gaze the same way).
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np

from gazex_bench.data.records import ReflacxReading
from gazex_bench.data.reflacx import read_reflacx
from gazex_bench.phantom.truth import PhantomTruth, load_truth

CENTRAL_4X4 = (5, 6, 9, 10)
"""0-based indices of the paper's central thoracic cells 6, 7, 10, 11 (1-based, row-major)."""


def dwell_grid(reading: ReflacxReading, n: int = 4) -> np.ndarray:
    """Total fixation duration (s) per cell of an n x n grid, fixations on the image only."""
    fx = reading.fixations
    grid = np.zeros(n * n)
    if fx is None or len(fx) == 0:
        return grid
    w, h = reading.image_width, reading.image_height
    on = (fx.x_px >= 0) & (fx.x_px < w) & (fx.y_px >= 0) & (fx.y_px < h)
    col = np.minimum((fx.x_px[on] * n // w).astype(int), n - 1)
    row = np.minimum((fx.y_px[on] * n // h).astype(int), n - 1)
    np.add.at(grid, row * n + col, fx.duration_s[on])
    return grid


def central_dwell(readings: list[ReflacxReading]) -> dict[str, float]:
    """Share of dwell in the central 4x4 cells and whether they are the top four on average."""
    grids = np.array([dwell_grid(r) for r in readings if r.fixations is not None])
    share = grids[:, list(CENTRAL_4X4)].sum(1) / np.maximum(grids.sum(1), 1e-9)
    mean = grids.sum(0) / grids.sum()
    top4 = set(np.argsort(mean)[::-1][:4].tolist())
    return {
        "central_share_mean": float(share.mean()),
        "central_share_min": float(share.min()),
        "central_top4": float(top4 == set(CENTRAL_4X4)),
        "n_readings": float(len(grids)),
    }


def _in_box(x: np.ndarray, y: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> np.ndarray:
    inside = np.zeros(x.shape, bool)
    for b in boxes:
        inside |= (x >= b[0]) & (x <= b[2]) & (y >= b[1]) & (y <= b[3])
    return inside


def pre_mention_in_box(
    readings: list[ReflacxReading], truth: PhantomTruth, window_s: float = 2.5
) -> dict[str, float]:
    """Fraction of fixations starting in ``[t_mention - window_s, t_mention)`` that fall in the finding's box."""
    findings = truth.findings_by_id()
    hits = total = 0
    per_sentence = []
    for r in readings:
        tr = truth.readings.get(r.reading_id)
        if r.fixations is None or tr is None:
            continue
        fx = r.fixations
        for sent, ts in zip(r.sentences, tr.sentences):
            if ts.finding_id is None:
                continue
            f = findings[ts.finding_id]
            sel = (fx.t_start_s >= sent.t_start_s - window_s) & (fx.t_start_s < sent.t_start_s)
            if not sel.any():
                continue
            inside = _in_box(fx.x_px[sel], fx.y_px[sel], [f.box, *f.extra_boxes])
            hits += int(inside.sum())
            total += int(sel.sum())
            per_sentence.append(inside.mean())
    return {
        "in_box_fraction": hits / max(total, 1),
        "sentences": float(len(per_sentence)),
        "median_sentence_fraction": float(np.median(per_sentence)) if per_sentence else float("nan"),
    }


def _pairwise_pearson(vectors: list[np.ndarray]) -> list[float]:
    out = []
    for a, b in combinations(vectors, 2):
        if a.std() > 0 and b.std() > 0:
            out.append(float(np.corrcoef(a, b)[0, 1]))
    return out


def _resample(reading: ReflacxReading, n: int = 100) -> tuple[np.ndarray, np.ndarray]:
    fx = reading.fixations
    assert fx is not None
    t = (fx.t_start_s - fx.t_start_s[0]) / max(fx.t_start_s[-1] - fx.t_start_s[0], 1e-9)
    grid = np.linspace(0, 1, n)
    return np.interp(grid, t, fx.x_px / reading.image_width), np.interp(
        grid, t, fx.y_px / reading.image_height
    )


def inter_reader(readings: list[ReflacxReading], n: int = 4) -> dict[str, float]:
    """Agreement of readers of the same image (phases 1-2) vs readers of different images.

    Returns mean pairwise Pearson of normalised n x n dwell grids (same image, different
    images), and of time-normalised x and y trajectories (same image).
    """
    groups: dict[str, list[ReflacxReading]] = {}
    for r in readings:
        if r.phase in (1, 2) and r.fixations is not None:
            groups.setdefault(r.image_group, []).append(r)
    same, px, py, firsts = [], [], [], []
    for rs in groups.values():
        grids = [dwell_grid(r, n) / max(dwell_grid(r, n).sum(), 1e-9) for r in rs]
        same += _pairwise_pearson(grids)
        firsts.append(grids[0])
        traj = [_resample(r) for r in rs]
        px += _pairwise_pearson([t[0] for t in traj])
        py += _pairwise_pearson([t[1] for t in traj])
    diff = _pairwise_pearson(firsts)
    nan = float("nan")
    return {
        "same_image_grid_r": float(np.mean(same)) if same else nan,
        "same_image_grid_r_max": float(np.max(same)) if same else nan,
        "different_image_grid_r": float(np.mean(diff)) if diff else nan,
        "trajectory_r_x": float(np.mean(px)) if px else nan,
        "trajectory_r_y": float(np.mean(py)) if py else nan,
        "images": float(len(groups)),
    }


def measure(root: Path) -> dict[str, float]:
    """All realism numbers of the phantom at ``root`` (REFLACX part)."""
    truth = load_truth(root)
    res = read_reflacx(Path(root) / "reflacx-xray-localization" / "1.0.0")
    readings = [r for r in res.records if not r.discarded]
    out: dict[str, float] = {}
    out.update({f"dwell_{k}": v for k, v in central_dwell(readings).items()})
    out.update({f"premention_{k}": v for k, v in pre_mention_in_box(readings, truth).items()})
    out.update({f"inter_{k}": v for k, v in inter_reader(readings).items()})
    return out
