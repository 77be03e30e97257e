"""Readers for MIMIC-CXR (raw reports), MIMIC-CXR-JPG (tables) and R2Gen ``annotation.json``.

Formats: ``/work/shared/reference/datasets.md`` sections 2-3. Ids (subject, study,
dicom) are kept as strings. Tables may be plain ``.csv`` or ``.csv.gz``; the split
table's column order is UNVERIFIED, so every table is read by column name.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gazex_bench.data._csv import check_unique, closest, find_variant, read_table, read_text
from gazex_bench.data.mimic_sections import split_sections
from gazex_bench.data.records import (
    CHEXPERT_LABELS,
    ChexpertLabels,
    MimicImage,
    MimicReport,
    ReadResult,
    ReportSample,
)
from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.io import FieldValueError, loads_json

logger = logging.getLogger(__name__)

R2GEN_SPLITS: tuple[str, ...] = ("train", "val", "test")
"""Top-level keys of an R2Gen ``annotation.json`` (exactly these)."""
REPORT_DATASETS: tuple[str, ...] = ("mimic-cxr", "iu-xray")
MIMIC_SPLITS: tuple[str, ...] = ("train", "validate", "test")
METADATA_CSV = "mimic-cxr-2.0.0-metadata.csv"
SPLIT_CSV = "mimic-cxr-2.0.0-split.csv"
CHEXPERT_CSV = "mimic-cxr-2.0.0-chexpert.csv"
NEGBIO_CSV = "mimic-cxr-2.0.0-negbio.csv"
_REPORT_RE = re.compile(r"^s(\d+)\.txt$")
_LABEL_VALUES = frozenset({1.0, 0.0, -1.0})


def mimic_jpg_path(jpg_root: Path, subject_id: str, study_id: str, dicom_id: str) -> Path:
    """``<jpg_root>/files/p<first 2 digits>/p<subject>/s<study>/<dicom_id>.jpg`` (not checked)."""
    return (
        Path(jpg_root)
        / "files"
        / f"p{subject_id[:2]}"
        / f"p{subject_id}"
        / f"s{study_id}"
        / f"{dicom_id}.jpg"
    )


# --------------------------------------------------------------------------- R2Gen annotation.json


def read_r2gen_annotation(path: Path, dataset: str, image_root: Path) -> ReadResult[ReportSample]:
    """Read an R2Gen ``annotation.json`` (MIMIC-CXR or IU X-ray).

    Args:
        path: The JSON file: ``{"train": [...], "val": [...], "test": [...]}``.
        dataset: ``mimic-cxr`` or ``iu-xray`` (stored in each record).
        image_root: Folder the entries' ``image_path`` values are relative to.

    Returns:
        Samples in file order (train, val, test). Entries with an empty report are
        skipped under ``empty_report``. Error rows are 1-based entry indices within a split.

    Raises:
        DataFormatError: not JSON, keys other than exactly train/val/test, a bad entry
            (``image_path`` not a non-empty list of strings, missing ``id``/``report``),
            a ``split`` field that disagrees with its key, a duplicate ``id``.
        UsageError: unknown ``dataset``.
    """
    if dataset not in REPORT_DATASETS:
        raise UsageError(f"dataset must be one of {', '.join(REPORT_DATASETS)}, got {dataset!r}")
    path = Path(path)
    obj = _load_json(path)
    _check_split_keys(path, obj)
    records: list[ReportSample] = []
    skipped: Counter[str] = Counter()
    seen: dict[str, str] = {}
    for split in R2GEN_SPLITS:
        entries = obj[split]
        if not isinstance(entries, list):
            raise DataFormatError(path, f"'{split}' must be a list of entries", field=split)
        for k, entry in enumerate(entries, start=1):
            rec = _r2gen_entry(path, split, k, entry, dataset, Path(image_root))
            if rec.sample_id in seen:
                raise DataFormatError(
                    path,
                    f"duplicate id {rec.sample_id!r} in '{split}' (also in '{seen[rec.sample_id]}')",
                    row=k,
                    field="id",
                )
            seen[rec.sample_id] = split
            if not rec.report.strip():
                skipped["empty_report"] += 1
                continue
            records.append(rec)
    return ReadResult(records=tuple(records), skipped=skipped, source=path)


def _load_json(path: Path) -> Any:
    text = read_text(path)
    try:
        return loads_json(text)  # NaN / Infinity / 1e999 rejected, naming the field
    except FieldValueError as exc:
        raise DataFormatError(path, str(exc), field=exc.field) from None
    except json.JSONDecodeError as exc:
        raise DataFormatError(path, f"not valid JSON ({exc.msg}, line {exc.lineno})") from None


def _check_split_keys(path: Path, obj: Any) -> None:
    if not isinstance(obj, dict):
        raise DataFormatError(path, "top level must be an object with keys train, val, test")
    for key in obj:
        if key not in R2GEN_SPLITS:
            guess = closest(str(key), R2GEN_SPLITS)
            hint = f"; did you mean '{guess}'?" if guess else ""
            raise DataFormatError(
                path, f"unexpected top-level key '{key}' (expected train, val, test){hint}", field=str(key)
            )
    for key in R2GEN_SPLITS:
        if key not in obj:
            raise DataFormatError(path, f"missing top-level key '{key}'", field=key)


def _r2gen_entry(path: Path, split: str, k: int, entry: Any, dataset: str, image_root: Path) -> ReportSample:
    def bad(field: str, msg: str) -> DataFormatError:
        return DataFormatError(path, f"'{split}' entry: {msg}", row=k, field=field)

    if not isinstance(entry, dict):
        raise bad("id", "entry must be an object")
    for key in ("id", "report", "image_path"):
        if key not in entry:
            guess = closest(key, [str(x) for x in entry])
            raise bad(key, f"missing key '{key}'" + (f" (found '{guess}' - misspelt?)" if guess else ""))
    sid, report, images = entry["id"], entry["report"], entry["image_path"]
    if not isinstance(sid, (str, int)) or isinstance(sid, bool) or not str(sid).strip():
        raise bad("id", f"id must be a non-empty string, got {sid!r}")
    if not isinstance(report, str):
        raise bad("report", f"report must be a string, got {type(report).__name__}")
    if not isinstance(images, list) or not images or not all(isinstance(p, str) and p for p in images):
        raise bad("image_path", f"image_path must be a non-empty list of strings, got {images!r}")
    if "split" in entry and entry["split"] != split:
        raise bad("split", f"split {entry['split']!r} disagrees with its top-level key '{split}'")
    return ReportSample(
        sample_id=str(sid),
        dataset=dataset,
        split=split,
        report=report,
        image_paths=tuple(image_root / p for p in images),
        study_id=_opt_id(entry.get("study_id")),
        subject_id=_opt_id(entry.get("subject_id")),
    )


def _opt_id(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


# --------------------------------------------------------------------------- raw reports


def read_mimic_reports(reports_root: Path, study_ids: Iterable[str] | None = None) -> ReadResult[MimicReport]:
    """Read raw MIMIC-CXR reports ``files/pXX/p<subject>/s<study>.txt`` and split their sections.

    Args:
        reports_root: The ``mimic-cxr/2.0.0`` folder (or its ``files/`` folder).
        study_ids: Only these studies (strings of digits); None reads all.

    Returns:
        Reports sorted by path. ``stats['no_findings']`` / ``stats['no_impression']``
        count reports without those sections (still returned; ``findings`` is None).
        ``skipped['study_not_found']`` counts requested ids without a report;
        ``skipped['not_a_report_file']`` other files in the tree.

    Raises:
        DataFormatError: no ``files/`` tree (e.g. only ``mimic-cxr-reports.zip``), non-UTF-8 text.
    """
    root = Path(reports_root)
    base = root / "files" if (root / "files").is_dir() else root
    if not base.is_dir():
        raise DataFormatError(base, "reports folder not found")
    wanted = None if study_ids is None else {str(s) for s in study_ids}
    paths, skipped = _report_paths(base, wanted)
    if not paths and wanted is None:
        zipped = root / "mimic-cxr-reports.zip"
        hint = f" (extract {zipped.name} first)" if zipped.is_file() else ""
        raise DataFormatError(base, f"no reports found under pXX/p<subject>/s<study>.txt{hint}")
    records: list[MimicReport] = []
    stats: Counter[str] = Counter()
    for path in paths:
        sections = split_sections(read_text(path))
        for name in ("findings", "impression"):
            if not sections.get(name):
                stats[f"no_{name}"] += 1
        records.append(
            MimicReport(study_id=path.stem[1:], subject_id=path.parent.name[1:], path=path, sections=sections)
        )
    if wanted is not None:
        missing = len(wanted - {r.study_id for r in records})
        if missing:
            skipped["study_not_found"] += missing
    return ReadResult(records=tuple(records), skipped=skipped, source=root, stats=stats)


def _report_paths(base: Path, wanted: set[str] | None) -> tuple[list[Path], Counter[str]]:
    skipped: Counter[str] = Counter()
    out: list[Path] = []
    for group in sorted(os.scandir(base), key=lambda e: e.name):
        if not (group.is_dir() and group.name.startswith("p")):
            skipped["not_a_report_file"] += 1
            continue
        for subject in sorted(os.scandir(group.path), key=lambda e: e.name):
            if not subject.is_dir():
                skipped["not_a_report_file"] += 1
                continue
            for entry in sorted(os.scandir(subject.path), key=lambda e: e.name):
                m = _REPORT_RE.match(entry.name)
                if entry.is_dir():
                    continue  # study image folders of a combined tree
                if not m:
                    skipped["not_a_report_file"] += 1
                elif wanted is None or m.group(1) in wanted:
                    out.append(Path(entry.path))
    return out, skipped


# --------------------------------------------------------------------------- MIMIC-CXR-JPG tables


def read_chexpert_labels(path: Path) -> ReadResult[ChexpertLabels]:
    """Read ``mimic-cxr-2.0.0-chexpert.csv`` or ``-negbio.csv`` (plain or ``.gz``; or a folder holding it).

    Values: ``1.0`` / ``0.0`` / ``-1.0``, empty = not mentioned (None). One row per study.

    Raises:
        DataFormatError: missing label column, value outside {1, 0, -1}, duplicate study_id.
    """
    path = Path(path)
    if path.is_dir():
        path = find_variant(path, [CHEXPERT_CSV, NEGBIO_CSV])
    t = read_table(path)
    t.require(("subject_id", "study_id") + CHEXPERT_LABELS)
    seen: dict[object, int] = {}
    records = []
    for i in range(len(t)):
        study = t.numeric_id(i, "study_id")
        check_unique(t, i, study, seen, "study_id")
        values: dict[str, float | None] = {}
        for name in CHEXPERT_LABELS:
            v = t.number(i, name, allow_empty=True)
            if v is not None and v not in _LABEL_VALUES:
                raise t.error(i, name, f"value {v:g} out of range (expected 1.0, 0.0, -1.0 or empty)")
            values[name] = v
        records.append(
            ChexpertLabels(study_id=study, subject_id=t.numeric_id(i, "subject_id"), values=values)
        )
    return ReadResult(records=tuple(records), source=path)


def read_mimic_images(jpg_root: Path, *, check_files: bool = True) -> ReadResult[MimicImage]:
    """Read ``mimic-cxr-2.0.0-metadata.csv`` joined (by ``dicom_id``) with ``-split.csv``.

    Args:
        jpg_root: The ``mimic-cxr-jpg/<version>`` folder.
        check_files: Set ``jpg_path`` only where the JPG exists (when ``files/`` exists).

    Returns:
        One record per metadata row, in file order. ``stats['not_in_split']`` counts
        images without a split row (``split=None``), ``stats['jpg_missing']`` images
        whose JPG is absent; ``skipped['split_row_without_metadata']`` split rows
        naming an unknown dicom_id.
    """
    root = Path(jpg_root)
    splits = _read_split(find_variant(root, [SPLIT_CSV]))
    t = read_table(find_variant(root, [METADATA_CSV]))
    t.require(("dicom_id", "subject_id", "study_id", "ViewPosition", "Rows", "Columns"))
    files = check_files and (root / "files").is_dir()
    seen: dict[object, int] = {}
    stats: Counter[str] = Counter()
    records = []
    for i in range(len(t)):
        dicom = t.text(i, "dicom_id")
        check_unique(t, i, dicom, seen, "dicom_id")
        subject, study = t.numeric_id(i, "subject_id"), t.numeric_id(i, "study_id")
        jpg: Path | None = mimic_jpg_path(root, subject, study, dicom)
        if not files or not jpg.is_file():  # type: ignore[union-attr]
            jpg = None
            stats["jpg_missing"] += int(files)
        split = splits.get(dicom)
        stats["not_in_split"] += int(split is None)
        view = t.text(i, "ViewPosition", allow_empty=True) or None
        rows = t.integer(i, "Rows", lo=1, allow_empty=True)
        cols = t.integer(i, "Columns", lo=1, allow_empty=True)
        records.append(MimicImage(dicom, study, subject, split, view, rows, cols, jpg))
    skipped: Counter[str] = Counter()
    extra = len(set(splits) - set(seen))
    if extra:
        skipped["split_row_without_metadata"] = extra
    return ReadResult(records=tuple(records), skipped=skipped, source=root, stats=+stats)


def _read_split(path: Path) -> dict[str, str]:
    t = read_table(path)
    t.require(("dicom_id", "study_id", "subject_id", "split"))
    out: dict[str, str] = {}
    seen: dict[object, int] = {}
    for i in range(len(t)):
        dicom = t.text(i, "dicom_id")
        check_unique(t, i, dicom, seen, "dicom_id")
        out[dicom] = t.choice(i, "split", MIMIC_SPLITS)
    return out
