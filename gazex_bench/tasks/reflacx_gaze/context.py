"""The typed state ``reflacx-gaze`` hands from loading to scoring (:attr:`TaskData.context`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gazex_bench.gaze.inputs import ReaderGaze
from gazex_bench.models.types import GazePrediction


@dataclass(frozen=True)
class ImageInfo:
    """One image of the task: its JPG, original size, and its first reading's sentences/gaze."""

    image: Path
    size: tuple[int, int]
    """``(width, height)`` original pixels."""
    sentences: tuple[str, ...]
    """The first reading's sentences (GazeX form): the oracle's setting-1 report."""
    gaze: tuple[GazePrediction | None, ...]
    """The first reading's clusters (+ holistic) per sentence; None = no usable gaze."""


@dataclass(frozen=True)
class GazeContext:
    """What ``reflacx-gaze`` scoring needs beyond the samples.

    Attributes:
        readers: Preprocessed radiologist readings (the alignment's reference side).
        keep: Ids of the evaluated samples (after ``--limit``).
        images: Image group → :class:`ImageInfo` of the evaluated images (setting 1).
        train_images: The same for training images (baselines' ``fit`` of setting 1).
        identities: Whether radiologist identities were supplied (``radiologist_map``).
        labeler_checkpoint: CheXbert checkpoint of the sentence/report categories; None = rule-based.
        labeler_name: The categories labeler's name (run.json ``analysis_status``).
        image_subset: ``scored on N of M images (rule)`` under the ``images`` option; None = all images.
    """

    readers: tuple[ReaderGaze, ...] = ()
    keep: frozenset[str] = frozenset()
    images: Mapping[str, ImageInfo] = field(default_factory=dict)
    train_images: Mapping[str, ImageInfo] = field(default_factory=dict)
    identities: bool = False
    labeler_checkpoint: str | None = None
    labeler_name: str | None = None
    image_subset: str | None = None
