"""Simulating one REFLACX reading: fixations, dictation with word times, raw samples.

Timeline (seconds from audio start): a systematic sweep over anatomical regions
(:mod:`~gazex_bench.phantom.scan`); at the stop where a sentence belongs,
``pre_mention_s`` of gaze on its target (the finding's box, or the regions a normal
statement is about), then the words, spoken while gaze lingers and moves on; a short
review at the end. Positions are original-image
pixels; a few fixations glance off the image (negative x: the report window left of
the image area), as in real recordings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gazex_bench.phantom.styles import (
    IMAGE_AREA_X0,
    PIXEL_PITCH_CM,
    REGION_WEIGHT,
    SCREEN_H,
    SCREEN_W,
    RadStyle,
)

BoxInt = tuple[int, int, int, int]
SURVEY_FIXATION_S = 0.8
"""Seconds of survey gaze per unit of ``survey_per_region`` x region weight."""
SURVEY_TIME_SIGMA = 0.1
"""Lognormal sigma of the time spent at one stop."""


@dataclass
class Timeline:
    """Fixations being built (parallel lists)."""

    t: float
    t_start: list[float] = field(default_factory=list)
    t_end: list[float] = field(default_factory=list)
    x: list[float] = field(default_factory=list)
    y: list[float] = field(default_factory=list)
    target: list[str] = field(default_factory=list)
    zoom_box: list[BoxInt | None] = field(default_factory=list)
    blink_before: list[bool] = field(default_factory=list)


@dataclass(frozen=True)
class SimSentence:
    """A dictated sentence: its words with times and what it is about."""

    text: str
    finding_id: str | None
    words: tuple[tuple[str, float, float], ...]


@dataclass(frozen=True)
class SimReading:
    """Output of :func:`simulate_reading` (arrays of equal length per fixation)."""

    fixations: dict[str, np.ndarray]
    """Columns named as in ``fixations.csv`` (times s, positions image px)."""
    targets: tuple[str, ...]
    sentences: tuple[SimSentence, ...]
    blink_before: np.ndarray
    """Bool per fixation: the gap before it is a blink (samples empty)."""


class GazeSimulator:
    """Builds one reading for one radiologist style on one image.

    Args:
        style: The radiologist.
        rng: The reading's generator.
        width: Image width, px.
        height: Image height, px.
    """

    def __init__(self, style: RadStyle, rng: np.random.Generator, width: int, height: int) -> None:
        self.style, self.rng, self.w, self.h = style, rng, width, height
        self.tl = Timeline(t=float(rng.uniform(0.2, 0.8)))
        self._log_median = math.log(style.fix_median_s)
        self.schedule = self.tl.t
        """Time (s) at which the current survey stop is planned to end."""
        self._period = style.fix_median_s * math.exp(style.fix_sigma**2 / 2) + 0.05

    def _dur(self) -> float:
        return min(1.6, max(0.08, float(self.rng.lognormal(self._log_median, self.style.fix_sigma))))

    def fixate(
        self, box: BoxInt, target: str, zoom: BoxInt | None = None, spread: float | None = None
    ) -> None:
        """Append one fixation around the centre of ``box`` (clipped to it)."""
        s = self.style.spread if spread is None else spread
        x0, y0, x1, y1 = box
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        dx, dy = self.rng.standard_normal(2).tolist()
        x = min(x1, max(x0, cx + dx * (s * (x1 - x0) + 2)))
        y = min(y1, max(y0, cy + dy * (s * (y1 - y0) + 2)))
        self._append(x, y, target, zoom)

    def _append(self, x: float, y: float, target: str, zoom: BoxInt | None) -> None:
        u, v = self.rng.random(2).tolist()
        blink = u < 0.06
        gap = 0.1 + 0.1 * v if blink else 0.02 + 0.04 * v
        start = self.tl.t + (gap if self.tl.t_start else 0.0)
        end = start + self._dur()
        tl = self.tl
        tl.t_start.append(start), tl.t_end.append(end), tl.x.append(x), tl.y.append(y)
        (
            tl.target.append(target),
            tl.zoom_box.append(zoom),
            tl.blink_before.append(blink and bool(tl.t_end[:-1])),
        )
        tl.t = end

    def glance_off_image(self) -> None:
        """A fixation on the report window left of the image (negative image x)."""
        self._append(
            -float(self.rng.uniform(15, 0.15 * self.w)),
            float(self.rng.uniform(0.2, 0.8) * self.h),
            "off_image",
            None,
        )

    def visit(self, box: BoxInt, name: str) -> None:
        """Survey one stop of the sweep until the reader's schedule says to move on.

        The schedule advances by ``survey_per_region`` x weight x the reader's ``region_gain`` x ``SURVEY_FIXATION_S`` x
        lognormal(0, ``SURVEY_TIME_SIGMA``) seconds per stop; fixations (at least one) go on
        until the schedule time, so rounding to whole fixations does not accumulate along the
        sweep and readers' time shares per stop stay close. Each fixation's y follows the
        elapsed share of the stop down the box (top to bottom); x is scattered around the box
        centre, or drifts across the box with the reader's ``x_sweep`` habit (+1 towards image
        right, -1 towards image left).
        """
        gain = self.style.region_gain.get(name, 1.0)
        seconds = self.style.survey_per_region * REGION_WEIGHT.get(name, 1.0) * gain * SURVEY_FIXATION_S
        t0 = self.tl.t
        self.schedule = max(self.schedule, t0 - self._period) + seconds * float(
            self.rng.lognormal(0.0, SURVEY_TIME_SIGMA)
        )
        span = max(self.schedule - t0, 1e-3)
        x0, y0, x1, y1 = box
        band = (y1 - y0) * 0.3
        sweep, half = self.style.x_sweep, (x1 - x0) * 0.5
        while True:
            frac = min(1.0, (self.tl.t - t0 + self._period / 2) / span)
            yk = y0 + (y1 - y0) * frac
            xk = (x0 + x1) / 2 + sweep * (frac - 0.5) * (x1 - x0) * 0.6
            sub = (
                round(max(x0, xk - half)),
                round(max(y0, yk - band)),
                round(min(x1, xk + half)),
                round(min(y1, yk + band)),
            )
            self.fixate(sub, name)
            if self.tl.t + self._period / 2 >= self.schedule:
                break

    def attend(
        self,
        boxes: list[tuple[BoxInt, str]],
        seconds: float,
        zoom: BoxInt | None = None,
        compare: tuple[BoxInt, str] | None = None,
    ) -> None:
        """Fixate the targets in turn (an equal share of the time each) until ``seconds`` have passed.

        With ``compare`` given, after every third fixation on the target or later a fixation is a
        comparison glance at that box (the mirror-image region of the other lung) with probability
        ``style.compare_prob``, so at least three in four fixations stay on the target.
        """
        t_stop, on_target = self.tl.t + seconds, 0
        for k, (box, name) in enumerate(boxes):
            t_k = self.tl.t + (t_stop - self.tl.t) / (len(boxes) - k)
            while self.tl.t < t_k:
                if compare is not None and on_target >= 3 and self.rng.random() < self.style.compare_prob:
                    self.fixate(compare[0], compare[1], zoom)
                    on_target = 0
                else:
                    self.fixate(box, name, zoom)
                    on_target += 1

    def speak(self, text: str, t0: float) -> tuple[tuple[str, float, float], ...]:
        """Word tokens with times (2 decimals) for ``text`` starting at ``t0``; '.'/',' are zero-length tokens."""
        tokens = text.replace(".", " .").replace(",", " ,").split(" ")
        out = []
        t = t0
        rate = self.style.words_per_s / 2.6
        for tok in tokens:
            if tok in (".", ","):
                out.append((tok, round(t, 2), round(t, 2)))
                t += float(self.rng.uniform(0.15, 0.35))
                continue
            d = (0.12 + 0.055 * len(tok)) / rate * float(self.rng.uniform(0.85, 1.15))
            start = t
            t = start + d
            out.append((tok, round(start, 2), round(t, 2)))
            t += float(self.rng.uniform(0.02, 0.1))
        return tuple(out)


def screen_geometry(width: int, height: int, shown: BoxInt, distance_cm: float) -> tuple[BoxInt, int]:
    """Where ``shown`` (image px) is drawn on the 3840x2160 screen and image px per degree.

    The shown part is scaled to fit the image area (x >= 660) keeping its aspect ratio.

    Returns:
        ``(screen_box, ppd)``: integer screen rectangle and image pixels per degree.
    """
    sw, sh = shown[2] - shown[0], shown[3] - shown[1]
    avail_w, avail_h = SCREEN_W - IMAGE_AREA_X0, SCREEN_H
    scale = min(avail_w / sw, avail_h / sh)
    dw, dh = sw * scale, sh * scale
    x0 = IMAGE_AREA_X0 + (avail_w - dw) / 2
    y0 = (avail_h - dh) / 2
    screen_ppd = 1.0 / math.degrees(2 * math.atan(PIXEL_PITCH_CM / (2 * distance_cm)))
    return (round(x0), round(y0), round(x0 + dw), round(y0 + dh)), max(1, round(screen_ppd / scale))


def fixation_columns(sim: GazeSimulator, distance_cm: float) -> dict[str, np.ndarray]:
    """Turn the timeline into the ``fixations.csv`` columns (zoom, windowing, pupil, geometry)."""
    tl, rng, n = sim.tl, sim.rng, len(sim.tl.t_start)
    full = (0, 0, sim.w, sim.h)
    t = np.asarray(tl.t_start)
    drift = distance_cm + 2.0 * np.sin(t / 9.0 + rng.uniform(0, 6.28))
    shown = np.zeros((n, 4), np.int64)
    screen = np.zeros((n, 4), np.int64)
    ppd = np.zeros(n, np.int64)
    for i in range(n):
        sh = tl.zoom_box[i] or full
        screen_box, ppd[i] = screen_geometry(sim.w, sim.h, sh, float(drift[i]))
        shown[i], screen[i] = sh, screen_box
    ww = np.ones(n)
    wl = np.full(n, 0.5)
    if rng.random() < 0.25:
        k = int(rng.integers(0, n))
        ww[k:], wl[k:] = round(float(rng.uniform(0.7, 0.9)), 5), round(float(rng.uniform(0.42, 0.55)), 5)
    pupil = 1.0 + 0.06 * np.sin(t / 5.0 + rng.uniform(0, 6.28)) + rng.normal(0, 0.02, n) + rng.normal(0, 0.05)
    return {
        "timestamp_start_fixation": np.round(t, 3),
        "timestamp_end_fixation": np.round(np.asarray(tl.t_end), 3),
        "x_position": np.rint(tl.x).astype(np.int64),
        "y_position": np.rint(tl.y).astype(np.int64),
        "pupil_area_normalized": np.round(pupil, 3),
        "angular_resolution_x_pixels_per_degree": ppd,
        "angular_resolution_y_pixels_per_degree": ppd.copy(),
        "window_width": ww,
        "window_level": wl,
        "shown": shown,
        "screen": screen,
    }


def zoom_box_for(box: BoxInt, width: int, height: int) -> BoxInt:
    """A x2 zoom rectangle (half the image size) centred on ``box``, inside the image."""
    zw, zh = width // 2, height // 2
    cx, cy = (box[0] + box[2]) // 2, (box[1] + box[3]) // 2
    x0 = int(np.clip(cx - zw // 2, 0, width - zw))
    y0 = int(np.clip(cy - zh // 2, 0, height - zh))
    return (x0, y0, x0 + zw, y0 + zh)
