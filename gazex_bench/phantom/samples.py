"""Raw ``gaze.csv`` samples consistent with the simulated fixations.

The phantom samples at ``hz`` (tiny/small 50 Hz, paper 25 Hz; real EyeLink data are
1000 Hz) to keep files small. Inside a fixation a sample is the fixation position plus
~0.1 degree of jitter; between fixations (saccades) it is interpolated linearly; during
blinks x, y, pupil and angular resolution are empty. Times are seconds from audio start
on the phantom's sampling grid, 3 decimals.
"""

from __future__ import annotations

import numpy as np

GAZE_HEADER = (
    "timestamp_sample,x_position,y_position,pupil_area_normalized,angular_resolution_x_pixels_per_degree,"
    "angular_resolution_y_pixels_per_degree,window_width,window_level,xmin_shown_from_image,ymin_shown_from_image,"
    "xmax_shown_from_image,ymax_shown_from_image,xmin_in_screen_coordinates,ymin_in_screen_coordinates,"
    "xmax_in_screen_coordinates,ymax_in_screen_coordinates"
)


def gaze_samples(
    fix: dict[str, np.ndarray], blink_before: np.ndarray, hz: float, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Sample the gaze signal of one reading.

    Args:
        fix: Fixation columns (see :func:`~gazex_bench.phantom.gaze_sim.fixation_columns`).
        blink_before: Bool per fixation: the gap before it is a blink.
        hz: Sampling rate.
        rng: The reading's generator.

    Returns:
        Columns ``t``, ``x``, ``y`` (float, NaN in blinks), ``pupil``, ``idx`` (fixation
        whose screen state applies) and ``valid`` (bool).
    """
    ts0, te0 = fix["timestamp_start_fixation"], fix["timestamp_end_fixation"]
    t0 = np.floor(ts0[0] * 1000 - 40) / 1000
    n = int((te0[-1] + 0.04 - t0) * hz) + 1
    t = t0 + np.arange(n) / hz
    idx = np.clip(np.searchsorted(ts0, t, side="right") - 1, 0, len(ts0) - 1)
    nxt = np.minimum(idx + 1, len(ts0) - 1)
    inside = (t >= ts0[idx]) & (t < te0[idx])
    fx, fy = fix["x_position"].astype(float), fix["y_position"].astype(float)
    gap = np.maximum(ts0[nxt] - te0[idx], 1e-6)
    frac = np.clip((t - te0[idx]) / gap, 0.0, 1.0)
    x = np.where(inside, fx[idx], fx[idx] + frac * (fx[nxt] - fx[idx]))
    y = np.where(inside, fy[idx], fy[idx] + frac * (fy[nxt] - fy[idx]))
    jitter = 0.1 * fix["angular_resolution_x_pixels_per_degree"][idx]
    x = x + rng.normal(0, 1, n) * jitter
    y = y + rng.normal(0, 1, n) * jitter
    before = t < ts0[0]
    blink = (~inside) & blink_before[nxt] & (t > te0[idx]) & ~before
    state = np.where(inside | before, idx, nxt)
    pupil = fix["pupil_area_normalized"][state] + rng.normal(0, 0.005, n)
    return {
        "t": np.round(t, 3),
        "x": np.rint(x),
        "y": np.rint(y),
        "pupil": np.round(pupil, 3),
        "idx": state,
        "valid": ~blink,
    }


def gaze_csv(fix: dict[str, np.ndarray], s: dict[str, np.ndarray]) -> str:
    """The ``gaze.csv`` text (LF line ends) of one reading.

    The screen-state columns depend only on the fixation in force, so they are formatted
    once per fixation and indexed per sample.
    """
    ppd = fix["angular_resolution_x_pixels_per_degree"].tolist()
    ppdy = fix["angular_resolution_y_pixels_per_degree"].tolist()
    ww, wl = fix["window_width"].tolist(), fix["window_level"].tolist()
    geo = np.concatenate([fix["shown"], fix["screen"]], axis=1).tolist()
    state = [f"{a!r},{b!r}," + ",".join(map(str, g)) for a, b, g in zip(ww, wl, geo)]
    with_ppd = [f"{p},{q},{st}" for p, q, st in zip(ppd, ppdy, state)]
    blank = [f",,,,,{st}" for st in state]
    idx = s["idx"].tolist()
    t = s["t"].tolist()
    x = s["x"].astype(np.int64).tolist()
    y = s["y"].astype(np.int64).tolist()
    pupil = s["pupil"].tolist()
    lines = [GAZE_HEADER]
    for i, ok in enumerate(s["valid"].tolist()):
        k = idx[i]
        lines.append(f"{t[i]!r},{x[i]},{y[i]},{pupil[i]!r},{with_ppd[k]}" if ok else f"{t[i]!r},{blank[k]}")
    return "\n".join(lines) + "\n"
