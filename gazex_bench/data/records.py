"""Frozen, typed records for the five datasets, keyed by the datasets' own ids.

Coordinate frames and units (everywhere in this module unless a field says otherwise):

* **Image pixels** are pixels of the *original* image as stored by the dataset
  (DICOM columns/rows for REFLACX and MIMIC-CXR; the PNG for IU X-ray), origin at
  the top-left corner, x to the right, y downward. Continuous coordinates: pixel
  ``(i, j)`` covers ``[i, i+1) x [j, j+1)``.
* **Times** are seconds relative to the start of the REFLACX audio recording.
* Boxes are ``(xmin, ymin, xmax, ymax)`` in image pixels unless named ``xywh``.

Ids are never row numbers: REFLACX reading id (``P102R108387``), MIMIC ``dicom_id`` /
``study_id`` / ``subject_id`` (strings of digits kept as strings), IU uid / R2Gen id
(``CXR2384_IM-0942``). Where a dataset has no id of its own (Medical-CXR-VQA
questions, MS-CXR phrases) the id is derived from native fields, see each record.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar, cast

import numpy as np

T = TypeVar("T")


def short_hash(text: str, n: int = 10) -> str:
    """Stable short hex digest of ``text`` (SHA-1), used to derive ids from native fields."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


@dataclass(frozen=True)
class ReadResult(Generic[T]):
    """What a reader returns: the records plus every skipped item counted by reason."""

    records: tuple[T, ...]
    """Records in file order (or sorted by id where the reader says so)."""
    skipped: Counter[str] = field(default_factory=Counter)
    """Reason -> number of items not turned into records (nothing is dropped silently)."""
    source: Path | None = None
    """The file or directory that was read."""
    stats: Counter[str] = field(default_factory=Counter)
    """Informational counts about records that *were* returned (e.g. REFLACX readings
    with ``discarded=True``, MIMIC reports without FINDINGS); never skips."""

    def __len__(self) -> int:
        return len(self.records)


# --------------------------------------------------------------------------- REFLACX


@dataclass(frozen=True)
class Box:
    """Axis-aligned box ``(xmin, ymin, xmax, ymax)`` in image pixels."""

    xmin: float
    ymin: float
    xmax: float
    ymax: float

    @property
    def center(self) -> tuple[float, float]:
        """Box centre ``(x, y)`` in the same frame."""
        return ((self.xmin + self.xmax) / 2.0, (self.ymin + self.ymax) / 2.0)

    @property
    def width(self) -> float:
        """``xmax - xmin``."""
        return self.xmax - self.xmin

    @property
    def height(self) -> float:
        """``ymax - ymin``."""
        return self.ymax - self.ymin


@dataclass(frozen=True)
class Ellipse:
    """One abnormality ellipse of ``anomaly_location_ellipses.csv``.

    The stored box is the axis-aligned bounding box of the ellipse (image pixels);
    centre = box centre, semi-axes = half width / half height (REFLACX authors).
    """

    box: Box
    certainty: int
    """1 Unlikely, 2 Less likely, 3 Possibly, 4 Suspicious for/Probably, 5 Consistent with."""
    labels: tuple[str, ...]
    """Label columns that are True on this row (same names as the phase's metadata)."""


@dataclass(frozen=True)
class Fixations:
    """Columnar fixations of one reading (``main_data/<id>/fixations.csv``).

    All arrays have the same length n. Positions are original-image pixels; times
    are seconds from audio start; angular resolution is image pixels per degree of
    visual angle at the zoom in force during the fixation.
    """

    t_start_s: np.ndarray
    t_end_s: np.ndarray
    x_px: np.ndarray
    y_px: np.ndarray
    pupil_area_normalized: np.ndarray
    ppd_x: np.ndarray
    """``angular_resolution_x_pixels_per_degree``."""
    ppd_y: np.ndarray
    """``angular_resolution_y_pixels_per_degree``."""
    window_width: np.ndarray
    window_level: np.ndarray
    shown_box: np.ndarray
    """(n, 4) ``x/ymin/max_shown_from_image`` (image pixels)."""
    screen_box: np.ndarray
    """(n, 4) ``x/ymin/max_in_screen_coordinates`` (3840x2160 screen pixels)."""

    def __len__(self) -> int:
        return int(self.t_start_s.shape[0])

    @property
    def duration_s(self) -> np.ndarray:
        """Fixation durations in seconds (``end - start``)."""
        return cast("np.ndarray", self.t_end_s - self.t_start_s)


@dataclass(frozen=True)
class GazeSamples:
    """Raw eye-tracker samples of one reading (``gaze_data/<id>/gaze.csv``).

    Rows with empty x/y (blinks, track loss) are removed by the reader and counted.
    Same units as :class:`Fixations`; ``t_s`` is ``timestamp_sample``.
    """

    t_s: np.ndarray
    x_px: np.ndarray
    y_px: np.ndarray
    ppd_x: np.ndarray
    ppd_y: np.ndarray
    n_missing: int = 0
    """Samples dropped because x, y or angular resolution was empty."""

    def __len__(self) -> int:
        return int(self.t_s.shape[0])


@dataclass(frozen=True)
class WordToken:
    """One row of ``timestamps_transcription.csv`` (punctuation is its own token)."""

    word: str
    t_start_s: float
    t_end_s: float


@dataclass(frozen=True)
class Sentence:
    """A dictated sentence: the tokens up to and including a ``.`` token.

    ``text`` is ``' '.join(words)`` and therefore ends with `` .`` (the GazeX form);
    the interval runs from the first word's start to the last token's end.
    """

    index: int
    """0-based position of the sentence in the reading."""
    text: str
    t_start_s: float
    t_end_s: float
    words: tuple[WordToken, ...]


@dataclass(frozen=True)
class ReflacxReading:
    """One REFLACX reading (one radiologist reading one image)."""

    reading_id: str
    """E.g. ``P102R108387``; ``reading_id[:4]`` groups the readings of one image in phases 1-2."""
    phase: int
    split: str
    """MIMIC split of the image: ``train`` / ``validate`` / ``test``."""
    discarded: bool
    """``eye_tracking_data_discarded``: no fixations, gaze or transcript exist."""
    image: str
    """The metadata ``image`` path (``physionet.org/files/mimic-cxr/2.0.0/files/...dcm``)."""
    dicom_id: str
    subject_id: str
    study_id: str
    """Parsed from ``image`` (``s<study_id>`` folder)."""
    image_width: int
    image_height: int
    certainty: Mapping[str, int]
    """Certainty label columns of the phase (0 = not selected, 1-5 as in :class:`Ellipse`)."""
    flags: Mapping[str, bool]
    """Boolean label columns (``Support devices``; phase 1 also ``Quality issue``)."""
    other: tuple[str, ...]
    """The ``Other`` column split on ``|`` (empty tuple if blank)."""
    chest_box: Box | None
    ellipses: tuple[Ellipse, ...]
    transcription: str | None
    words: tuple[WordToken, ...]
    sentences: tuple[Sentence, ...]
    fixations: Fixations | None
    gaze_path: Path | None
    """``gaze_data/<id>/gaze.csv`` if present; load it with the REFLACX reader's gaze function."""
    radiologist: str | None = None
    """From an optional mapping file (identity is not in the released data), else None."""

    @property
    def image_group(self) -> str:
        """Id shared by all readings of one image: ``id[:4]`` in phases 1-2, else the dicom_id."""
        return self.reading_id[:4] if self.phase in (1, 2) else self.dicom_id


# --------------------------------------------------------------------------- MIMIC-CXR / IU X-ray


@dataclass(frozen=True)
class ReportSample:
    """One report-generation sample (R2Gen ``annotation.json`` entry or equivalent).

    For MIMIC-CXR ``sample_id`` is the R2Gen ``id`` (the dicom_id); for IU X-ray it is
    the R2Gen id / Open-i uid form (``CXR2384_IM-0942``) or the Kaggle ``uid``.
    """

    sample_id: str
    dataset: str
    """``mimic-cxr`` or ``iu-xray``."""
    split: str
    """``train`` / ``val`` / ``test`` (R2Gen split names)."""
    report: str
    """Reference text as stored (findings section for R2Gen files)."""
    image_paths: tuple[Path, ...]
    """Absolute image paths (MIMIC: one frontal JPG; IU: two views)."""
    study_id: str | None = None
    subject_id: str | None = None


@dataclass(frozen=True)
class MimicReport:
    """A raw MIMIC-CXR free-text report (``files/pXX/p<subject>/s<study>.txt``)."""

    study_id: str
    subject_id: str
    path: Path
    sections: Mapping[str, str]
    """Normalised section name (``findings``, ``impression``, ...) -> text (whitespace-collapsed)."""

    @property
    def findings(self) -> str | None:
        """The FINDINGS section, or None when the report has none."""
        return self.sections.get("findings")

    @property
    def impression(self) -> str | None:
        """The IMPRESSION section, or None."""
        return self.sections.get("impression")


CHEXPERT_LABELS: tuple[str, ...] = (
    "Atelectasis",
    "Cardiomegaly",
    "Consolidation",
    "Edema",
    "Enlarged Cardiomediastinum",
    "Fracture",
    "Lung Lesion",
    "Lung Opacity",
    "No Finding",
    "Pleural Effusion",
    "Pleural Other",
    "Pneumonia",
    "Pneumothorax",
    "Support Devices",
)
"""The 14 CheXpert observations in ``mimic-cxr-2.0.0-chexpert.csv`` column order."""


@dataclass(frozen=True)
class ChexpertLabels:
    """One row of ``mimic-cxr-2.0.0-chexpert.csv`` / ``-negbio.csv`` (per study).

    Values: 1.0 positive, 0.0 negative, -1.0 uncertain, None = not mentioned.
    """

    study_id: str
    subject_id: str
    values: Mapping[str, float | None]


@dataclass(frozen=True)
class MimicImage:
    """One row of ``mimic-cxr-2.0.0-metadata.csv`` joined with the split file."""

    dicom_id: str
    study_id: str
    subject_id: str
    split: str | None
    """``train`` / ``validate`` / ``test`` (MIMIC split names), None if not in the split file."""
    view_position: str | None
    """``PA``, ``AP``, ``LATERAL``, ... (may be empty in the real data)."""
    rows: int | None
    columns: int | None
    jpg_path: Path | None
    """``files/pXX/p<subject>/s<study>/<dicom_id>.jpg`` if it exists on disk."""


# --------------------------------------------------------------------------- Medical-CXR-VQA

VQA_QUESTION_TYPES: tuple[str, ...] = ("abnormality", "presence", "view", "location", "level", "type")


@dataclass(frozen=True)
class VqaSample:
    """One Medical-CXR-VQA question-answer pair.

    The released CSV has no question id, so ``sample_id`` is
    ``f"{study_id}/{short_hash(question)}"`` (unique per study in the real data; a
    repeated (study, question) pair is reported as a duplicate id).
    """

    sample_id: str
    study_id: str
    subject_id: str
    dicom_id: str | None
    question_type: str
    question: str
    answer: str
    split: str | None
    image_path: Path | None = None
    """Resolved MIMIC-CXR-JPG frontal image, when the JPG tree is available."""


# --------------------------------------------------------------------------- MS-CXR


MS_CXR_CATEGORIES: tuple[str, ...] = (
    "Atelectasis",
    "Cardiomegaly",
    "Consolidation",
    "Edema",
    "Lung Opacity",
    "Pleural Effusion",
    "Pneumonia",
    "Pneumothorax",
)


@dataclass(frozen=True)
class GroundingPhrase:
    """One MS-CXR phrase with all its boxes (CSV rows with the same dicom_id + label_text).

    ``sample_id`` is ``f"{dicom_id}/{short_hash(label_text)}"``.
    """

    sample_id: str
    dicom_id: str
    category: str
    label_text: str
    path: str
    """The CSV ``path`` column (``files/p10/p<subject>/s<study>/<dicom_id>.<ext>``)."""
    boxes_xywh: tuple[tuple[float, float, float, float], ...]
    """Boxes ``(x, y, w, h)``: top-left corner and size in original-image pixels."""
    image_width: int
    image_height: int
    split: str | None
    """``train`` / ``val`` / ``test`` in v1.1.0; None in v1.0.0."""
    image_path: Path | None = None
    """Resolved MIMIC-CXR-JPG image, when available."""
