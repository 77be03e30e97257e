"""Hand-built REFLACX records for the gaze-preprocessing tests (not a test module)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gazex_bench.data.records import Fixations, GazeSamples, ReflacxReading, Sentence, WordToken


def make_fixations(rows: Sequence[tuple[float, float, float, float, float]]) -> Fixations:
    """Rows ``(t_start_s, t_end_s, x_px, y_px, ppd)`` (original pixels, isotropic ppd)."""
    a = np.asarray(rows, dtype=np.float64).reshape(-1, 5)
    n = len(a)
    return Fixations(
        t_start_s=a[:, 0], t_end_s=a[:, 1], x_px=a[:, 2], y_px=a[:, 3], pupil_area_normalized=np.ones(n),
        ppd_x=a[:, 4], ppd_y=a[:, 4], window_width=np.ones(n), window_level=np.full(n, 0.5),
        shown_box=np.zeros((n, 4)), screen_box=np.zeros((n, 4)),
    )  # fmt: skip


def make_samples(t: np.ndarray, x: np.ndarray, y: np.ndarray, ppd: float) -> GazeSamples:
    """Raw samples with constant pixels-per-degree."""
    n = len(t)
    return GazeSamples(t_s=np.asarray(t, float), x_px=np.asarray(x, float), y_px=np.asarray(y, float),
                       ppd_x=np.full(n, ppd), ppd_y=np.full(n, ppd))  # fmt: skip


def make_sentence(index: int, text: str, t0: float, t1: float) -> Sentence:
    """A sentence whose tokens are spread evenly over ``[t0, t1]`` (text ends with `` .``)."""
    words = text.split()
    edges = np.linspace(t0, t1, len(words) + 1)
    toks = tuple(WordToken(w, float(a), float(b)) for w, a, b in zip(words, edges[:-1], edges[1:]))
    return Sentence(index=index, text=text, t_start_s=t0, t_end_s=t1, words=toks)


def make_reading(
    fixations: Fixations | None, sentences: Sequence[Sentence], *, width: int = 800, height: int = 800,
    reading_id: str = "P300R000001", discarded: bool = False, gaze_path: object = None,
) -> ReflacxReading:  # fmt: skip
    """A minimal reading (phase 3) with the given fixations and sentences."""
    return ReflacxReading(
        reading_id=reading_id, phase=3, split="train", discarded=discarded,
        image="physionet.org/files/mimic-cxr/2.0.0/files/p10/p10000001/s50000001/d1.dcm", dicom_id="d1",
        subject_id="10000001", study_id="50000001", image_width=width, image_height=height, certainty={},
        flags={}, other=(), chest_box=None, ellipses=(), transcription=" ".join(s.text for s in sentences),
        words=tuple(w for s in sentences for w in s.words), sentences=tuple(sentences), fixations=fixations,
        gaze_path=gaze_path,  # type: ignore[arg-type]
    )  # fmt: skip
