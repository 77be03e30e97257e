"""Parsers for the per-reading files of REFLACX (``main_data/<id>/*`` and ``gaze_data/<id>/gaze.csv``).

Formats: ``/work/shared/reference/datasets.md`` section 1 (written by the REFLACX
authors' ``create_main_table.py``: CRLF, no index column, integers as ``str(int)``,
NaN as empty string). Units: seconds from audio start, original-image pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gazex_bench.data._csv import read_table, read_text
from gazex_bench.data.records import Box, Ellipse, Fixations, GazeSamples, Sentence, WordToken
from gazex_bench.errors import DataFormatError

FIXATION_COLUMNS: tuple[str, ...] = (
    "timestamp_start_fixation",
    "timestamp_end_fixation",
    "x_position",
    "y_position",
    "pupil_area_normalized",
    "angular_resolution_x_pixels_per_degree",
    "angular_resolution_y_pixels_per_degree",
    "window_width",
    "window_level",
    "xmin_shown_from_image",
    "ymin_shown_from_image",
    "xmax_shown_from_image",
    "ymax_shown_from_image",
    "xmin_in_screen_coordinates",
    "ymin_in_screen_coordinates",
    "xmax_in_screen_coordinates",
    "ymax_in_screen_coordinates",
)
"""``fixations.csv`` columns in file order."""

GAZE_REQUIRED: tuple[str, ...] = (
    "timestamp_sample",
    "x_position",
    "y_position",
    "angular_resolution_x_pixels_per_degree",
    "angular_resolution_y_pixels_per_degree",
)
"""``gaze.csv`` columns the reader needs (the file has 16; the others are ignored)."""

WORD_COLUMNS: tuple[str, ...] = ("word", "timestamp_start_word", "timestamp_end_word")
BOX_COLUMNS: tuple[str, ...] = ("xmin", "ymin", "xmax", "ymax")

_SHOWN = FIXATION_COLUMNS[9:13]
_SCREEN = FIXATION_COLUMNS[13:17]


def read_fixations(path: Path) -> Fixations:
    """Read ``main_data/<id>/fixations.csv`` into columnar arrays.

    Times, positions and angular resolutions must be present; the other columns may
    be empty (NaN). Rules checked: ``end >= start`` and pixels-per-degree > 0.

    Raises:
        DataFormatError: missing file/column, bad number, truncated row, bad range.
    """
    t = read_table(path)
    t.require(FIXATION_COLUMNS, extra=False)
    strict = {name: t.floats(name) for name in FIXATION_COLUMNS[:4]}
    loose = {name: t.floats(name, allow_empty=True) for name in FIXATION_COLUMNS[4:]}
    start, end = strict["timestamp_start_fixation"], strict["timestamp_end_fixation"]
    bad = np.flatnonzero(end < start)
    if bad.size:
        i = int(bad[0])
        raise t.error(
            i, "timestamp_end_fixation", f"fixation ends ({end[i]:g} s) before it starts ({start[i]:g} s)"
        )
    for name in FIXATION_COLUMNS[5:7]:
        bad = np.flatnonzero(loose[name] <= 0)
        if bad.size:
            raise t.error(int(bad[0]), name, f"value {loose[name][bad[0]]:g} out of range (must be > 0)")
    return Fixations(
        t_start_s=start,
        t_end_s=end,
        x_px=strict["x_position"],
        y_px=strict["y_position"],
        pupil_area_normalized=loose["pupil_area_normalized"],
        ppd_x=loose["angular_resolution_x_pixels_per_degree"],
        ppd_y=loose["angular_resolution_y_pixels_per_degree"],
        window_width=loose["window_width"],
        window_level=loose["window_level"],
        shown_box=_stack(loose, _SHOWN, len(t)),
        screen_box=_stack(loose, _SCREEN, len(t)),
    )


def _stack(cols: dict[str, np.ndarray], names: Sequence[str], n: int) -> np.ndarray:
    if n == 0:
        return np.zeros((0, 4), dtype=np.float64)
    return np.stack([cols[name] for name in names], axis=1)


def read_gaze_file(path: Path) -> GazeSamples:
    """Read ``gaze_data/<id>/gaze.csv``; rows with empty x/y/angular resolution are blinks.

    Blink / track-loss rows are removed and counted in ``GazeSamples.n_missing``
    (GazeX ``dropna``s exactly these columns). ``timestamp_sample`` must be present.
    """
    t = read_table(path)
    t.require(GAZE_REQUIRED)
    ts = t.floats("timestamp_sample")
    cols = {name: t.floats(name, allow_empty=True) for name in GAZE_REQUIRED[1:]}
    keep = np.ones(len(t), dtype=bool)
    for arr in cols.values():
        keep &= np.isfinite(arr)
    x, y = cols["x_position"][keep], cols["y_position"][keep]
    return GazeSamples(
        t_s=ts[keep],
        x_px=x,
        y_px=y,
        ppd_x=cols["angular_resolution_x_pixels_per_degree"][keep],
        ppd_y=cols["angular_resolution_y_pixels_per_degree"][keep],
        n_missing=int((~keep).sum()),
    )


def read_words(path: Path) -> tuple[WordToken, ...]:
    """Read ``timestamps_transcription.csv`` (one row per token; ``.`` and ``,`` are tokens)."""
    t = read_table(path)
    t.require(WORD_COLUMNS, extra=False)
    starts = t.floats("timestamp_start_word")
    ends = t.floats("timestamp_end_word")
    j = t.index["word"]
    out = []
    for i, row in enumerate(t.rows):
        word = row[j].strip()
        if not word:
            raise t.error(i, "word", "empty token")
        out.append(WordToken(word, float(starts[i]), float(ends[i])))
    return tuple(out)


def split_sentences(words: Sequence[WordToken]) -> tuple[Sentence, ...]:
    """Split tokens into sentences at each ``.`` token (REFLACX / GazeX convention).

    ``text = ' '.join(tokens)`` so a sentence ends with `` .``; the interval runs from
    the first token's start to the last token's end. Trailing tokens after the last
    ``.`` (dictation without a final period) form a last sentence whose text does
    *not* end with `` .`` -- they are kept rather than dropped.
    """
    sentences: list[Sentence] = []
    current: list[WordToken] = []
    for token in words:
        current.append(token)
        if token.word == ".":
            sentences.append(_sentence(len(sentences), current))
            current = []
    if current:
        sentences.append(_sentence(len(sentences), current))
    return tuple(sentences)


def _sentence(index: int, tokens: list[WordToken]) -> Sentence:
    return Sentence(
        index=index,
        text=" ".join(t.word for t in tokens),
        t_start_s=tokens[0].t_start_s,
        t_end_s=tokens[-1].t_end_s,
        words=tuple(tokens),
    )


def read_transcription(path: Path) -> str:
    """Read ``transcription.txt`` (one line, no trailing newline; a stray final newline is removed)."""
    return read_text(path).rstrip("\r\n")


def read_chest_box(path: Path) -> Box:
    """Read ``chest_bounding_box.csv``: header ``xmin,ymin,xmax,ymax`` and exactly one row."""
    t = read_table(path)
    t.require(BOX_COLUMNS, extra=False)
    if len(t) != 1:
        raise DataFormatError(path, f"expected exactly one box row, found {len(t)}")
    vals = [t.number(0, name) for name in BOX_COLUMNS]
    box = Box(*(float(v) for v in vals))  # type: ignore[arg-type]
    if box.width < 0 or box.height < 0:
        raise t.error(0, "xmax" if box.width < 0 else "ymax", "negative box size")
    return box


def read_ellipses(path: Path, labels: Sequence[str]) -> tuple[Ellipse, ...]:
    """Read ``anomaly_location_ellipses.csv`` (may have a header and no rows).

    Args:
        path: The file.
        labels: The phase's label columns (same names as the metadata), all boolean here.

    Returns:
        One :class:`Ellipse` per row; its box is the ellipse's bounding box as stored
        (image pixels, not re-ordered), ``labels`` the columns that are True.
    """
    t = read_table(path)
    t.require(BOX_COLUMNS + ("certainty",) + tuple(labels), extra=False)
    out = []
    for i in range(len(t)):
        box = Box(*(float(t.number(i, name)) for name in BOX_COLUMNS))  # type: ignore[arg-type]
        certainty = int(t.integer(i, "certainty", lo=1, hi=5))  # type: ignore[arg-type]
        on = tuple(name for name in labels if t.boolean(i, name))
        out.append(Ellipse(box=box, certainty=certainty, labels=on))
    return tuple(out)
