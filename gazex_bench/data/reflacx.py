"""Reader for REFLACX (PhysioNet ``reflacx-xray-localization`` 1.0.0).

Layout and schemas: ``/work/shared/reference/datasets.md`` section 1. The root is the
``reflacx-xray-localization/1.0.0`` folder holding ``main_data/`` and ``gaze_data/``.
Coordinates are original-image (DICOM) pixels; times are seconds from audio start.

Example:
    >>> result = read_reflacx(Path("data/reflacx-xray-localization/1.0.0"))  # doctest: +SKIP
    >>> reading = result.records[0]; gaze = read_gaze(reading)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gazex_bench.data._csv import Table, check_unique, read_table
from gazex_bench.data._reflacx_files import (
    read_chest_box,
    read_ellipses,
    read_fixations,
    read_gaze_file,
    read_transcription,
    read_words,
    split_sentences,
)
from gazex_bench.data.records import GazeSamples, ReadResult, ReflacxReading, WordToken
from gazex_bench.errors import DataFormatError, UsageError

logger = logging.getLogger(__name__)

PHASES: tuple[int, ...] = (1, 2, 3)

META_COLUMNS: tuple[str, ...] = (
    "id", "split", "eye_tracking_data_discarded", "image", "dicom_id", "subject_id", "image_size_x", "image_size_y",
)  # fmt: skip
"""Fixed leading columns of ``metadata_phase_<p>.csv``; the label columns follow."""

PHASE1_LABELS: tuple[str, ...] = (
    "Airway wall thickening", "Atelectasis", "Consolidation", "Emphysema", "Enlarged cardiac silhouette",
    "Fibrosis", "Fracture", "Groundglass opacity", "Mass", "Nodule", "Other", "Pleural effusion",
    "Pleural thickening", "Pneumothorax", "Pulmonary edema", "Quality issue", "Support devices",
    "Wide mediastinum",
)  # fmt: skip
PHASE23_LABELS: tuple[str, ...] = (
    "Abnormal mediastinal contour", "Acute fracture", "Atelectasis", "Consolidation",
    "Enlarged cardiac silhouette", "Enlarged hilum", "Groundglass opacity", "Hiatal hernia",
    "High lung volume / emphysema", "Interstitial lung disease", "Lung nodule or mass", "Other",
    "Pleural abnormality", "Pneumothorax", "Pulmonary edema", "Support devices",
)  # fmt: skip
PHASE_LABELS: dict[int, tuple[str, ...]] = {1: PHASE1_LABELS, 2: PHASE23_LABELS, 3: PHASE23_LABELS}
"""Label columns of each phase, in the sorted order the authors wrote them."""

BOOL_LABELS: frozenset[str] = frozenset({"Support devices", "Quality issue"})
"""Label columns stored as ``True``/``False`` in the metadata (all others but ``Other`` are certainties 0-5)."""

SPLITS: tuple[str, ...] = ("train", "validate", "test")
_ID_RE = re.compile(r"^P([123])\d\dR\d+$")
_STUDY_RE = re.compile(r"^s(\d+)$")


@dataclass(frozen=True)
class _Meta:
    """One parsed metadata row (everything but the per-reading files)."""

    reading_id: str
    phase: int
    split: str
    discarded: bool
    image: str
    dicom_id: str
    subject_id: str
    study_id: str
    width: int
    height: int
    certainty: dict[str, int]
    flags: dict[str, bool]
    other: tuple[str, ...]


def read_reflacx(
    root: Path,
    *,
    radiologist_map: Path | None = None,
    load_fixations: bool = True,
    phases: Iterable[int] = PHASES,
) -> ReadResult[ReflacxReading]:
    """Read every reading of the requested phases.

    Args:
        root: The ``reflacx-xray-localization/1.0.0`` folder.
        radiologist_map: Optional CSV ``reading_id,radiologist`` (identity is not in the
            released files); readings not in it get ``radiologist=None``.
        load_fixations: Parse ``fixations.csv`` (set False for a fast metadata pass).
        phases: Phases to read (subset of 1, 2, 3).

    Returns:
        Readings in metadata order, phase by phase. Discarded readings are included
        with ``discarded=True`` and no fixations/transcript, and counted in
        ``stats['discarded']``. ``gaze.csv`` is never loaded here (see ``gaze_path`` and
        :func:`read_gaze`). ``skipped['folder_not_in_metadata']`` counts ``main_data``
        folders of the requested phases that no metadata row names.

    Raises:
        DataFormatError: any file, column, value or duplicate-id problem.
        UsageError: an unknown phase.
    """
    root = Path(root)
    phases = tuple(sorted(set(phases)))
    if not phases or any(p not in PHASES for p in phases):
        raise UsageError(f"REFLACX phases must be among 1, 2, 3, got {phases}")
    names = read_radiologist_map(radiologist_map) if radiologist_map is not None else {}
    metas = _read_all_metadata(root, phases)
    stats: Counter[str] = Counter()
    records = [_build_reading(root, m, load_fixations, names.get(m.reading_id), stats) for m in metas]
    skipped: Counter[str] = Counter()
    orphans = _orphan_folders(root, phases, {m.reading_id for m in metas})
    if orphans:
        skipped["folder_not_in_metadata"] = orphans
    logger.info("REFLACX %s: %d readings (%s)", root, len(records), dict(stats))
    return ReadResult(records=tuple(records), skipped=skipped, source=root, stats=stats)


def read_gaze(path_or_reading: Path | str | ReflacxReading) -> GazeSamples:
    """Load the raw gaze samples of one reading (``gaze_data/<id>/gaze.csv``).

    Args:
        path_or_reading: The ``gaze.csv`` path or a reading (uses its ``gaze_path``).

    Returns:
        Samples without blink/track-loss rows (counted in ``n_missing``); seconds and
        original-image pixels.
    """
    if isinstance(path_or_reading, ReflacxReading):
        reading = path_or_reading
        if reading.gaze_path is None:
            why = "it was discarded" if reading.discarded else "gaze.csv was not found"
            raise DataFormatError(
                Path("gaze_data") / reading.reading_id / "gaze.csv", f"reading has no gaze data ({why})"
            )
        return read_gaze_file(reading.gaze_path)
    return read_gaze_file(Path(path_or_reading))


def read_radiologist_map(path: Path) -> dict[str, str]:
    """Read a CSV ``reading_id,radiologist`` (one row per reading id; ids unique)."""
    t = read_table(Path(path))
    t.require(("reading_id", "radiologist"))
    out: dict[str, str] = {}
    seen: dict[object, int] = {}
    for i in range(len(t)):
        rid = t.text(i, "reading_id")
        check_unique(t, i, rid, seen, "reading_id")
        out[rid] = t.text(i, "radiologist")
    return out


def _read_all_metadata(root: Path, phases: tuple[int, ...]) -> list[_Meta]:
    main = root / "main_data"
    if not main.is_dir():
        raise DataFormatError(main, "REFLACX main_data folder not found")
    metas: list[_Meta] = []
    seen: dict[str, str] = {}
    for phase in phases:
        path = main / f"metadata_phase_{phase}.csv"
        t = read_table(path)
        t.require(META_COLUMNS + PHASE_LABELS[phase], extra=False)
        for i in range(len(t)):
            meta = _parse_meta_row(t, i, phase)
            if meta.reading_id in seen:
                raise t.error(
                    i,
                    "id",
                    f"duplicate reading id {meta.reading_id!r} (first seen in {seen[meta.reading_id]})",
                )
            seen[meta.reading_id] = f"{path.name} row {t.row_numbers[i]}"
            metas.append(meta)
    return metas


def _parse_meta_row(t: Table, i: int, phase: int) -> _Meta:
    rid = t.text(i, "id")
    m = _ID_RE.match(rid)
    if not m or int(m.group(1)) != phase:
        raise t.error(i, "id", f"reading id {rid!r} is not of the form P{phase}xxR<digits>")
    image = t.text(i, "image")
    parts = image.split("/")
    sm = _STUDY_RE.match(parts[-2]) if len(parts) >= 3 else None
    if sm is None:
        raise t.error(i, "image", f"cannot parse the study folder s<study_id> from {image!r}")
    certainty: dict[str, int] = {}
    flags: dict[str, bool] = {}
    for name in PHASE_LABELS[phase]:
        if name in BOOL_LABELS:
            flags[name] = t.boolean(i, name)
        elif name != "Other":
            certainty[name] = int(t.integer(i, name, lo=0, hi=5))  # type: ignore[arg-type]
    other_raw = t.cell(i, "Other").strip()
    other = tuple(s.strip() for s in other_raw.split("|") if s.strip()) if other_raw else ()
    return _Meta(
        reading_id=rid,
        phase=phase,
        split=t.choice(i, "split", SPLITS),
        discarded=t.boolean(i, "eye_tracking_data_discarded"),
        image=image,
        dicom_id=t.text(i, "dicom_id"),
        subject_id=t.text(i, "subject_id"),
        study_id=sm.group(1),
        width=int(t.integer(i, "image_size_x", lo=1)),  # type: ignore[arg-type]
        height=int(t.integer(i, "image_size_y", lo=1)),  # type: ignore[arg-type]
        certainty=certainty,
        flags=flags,
        other=other,
    )


def _build_reading(
    root: Path, m: _Meta, load_fixations: bool, radiologist: str | None, stats: Counter[str]
) -> ReflacxReading:
    folder = root / "main_data" / m.reading_id
    if not folder.is_dir():
        raise DataFormatError(folder, f"reading folder missing (listed in metadata_phase_{m.phase}.csv)")
    chest = read_chest_box(folder / "chest_bounding_box.csv")
    ellipses = read_ellipses(folder / "anomaly_location_ellipses.csv", PHASE_LABELS[m.phase])
    transcription, fixations, gaze_path = None, None, None
    words: tuple[WordToken, ...] = ()
    stats[f"phase_{m.phase}"] += 1
    if m.discarded:
        stats["discarded"] += 1
    else:
        transcription = read_transcription(folder / "transcription.txt")
        words = read_words(folder / "timestamps_transcription.csv")
        if load_fixations:
            fixations = read_fixations(folder / "fixations.csv")
            stats["fixations"] += len(fixations)
        elif not (folder / "fixations.csv").is_file():
            raise DataFormatError(folder / "fixations.csv", "file not found")
        gaze = root / "gaze_data" / m.reading_id / "gaze.csv"
        gaze_path = gaze if gaze.is_file() else None
        if gaze_path is None:
            stats["gaze_file_missing"] += 1
    sentences = split_sentences(words)
    stats["sentences"] += len(sentences)
    return ReflacxReading(
        reading_id=m.reading_id, phase=m.phase, split=m.split, discarded=m.discarded, image=m.image,
        dicom_id=m.dicom_id, subject_id=m.subject_id, study_id=m.study_id, image_width=m.width,
        image_height=m.height, certainty=m.certainty, flags=m.flags, other=m.other, chest_box=chest,
        ellipses=ellipses, transcription=transcription, words=words, sentences=sentences,
        fixations=fixations, gaze_path=gaze_path, radiologist=radiologist,
    )  # fmt: skip


def _orphan_folders(root: Path, phases: tuple[int, ...], known: set[str]) -> int:
    prefixes = tuple(f"P{p}" for p in phases)
    n = 0
    for entry in (root / "main_data").iterdir():
        if entry.is_dir() and entry.name.startswith(prefixes) and entry.name not in known:
            n += 1
    return n


def image_groups(readings: Iterable[ReflacxReading]) -> dict[str, list[ReflacxReading]]:
    """Group readings of the same image (``image_group``: ``id[:4]`` in phases 1-2, else dicom_id)."""
    groups: dict[str, list[ReflacxReading]] = {}
    for r in readings:
        groups.setdefault(r.image_group, []).append(r)
    return groups
