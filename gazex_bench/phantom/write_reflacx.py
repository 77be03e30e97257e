"""Writing REFLACX 1.0.0 (``reflacx-xray-localization/1.0.0``) exactly as datasets.md §1.

CRLF line endings, no index column, integers as integers, NaN as empty, booleans
``True``/``False``; ``transcription.txt`` has no trailing newline; discarded readings
get a metadata row, a ``main_data/<id>/`` folder with only the chest box and the
ellipses, and an empty ``gaze_data/<id>/`` folder.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gazex_bench.io import atomic_write_bytes
from gazex_bench.phantom.csvfmt import csv_text, format_rows
from gazex_bench.phantom.entities import Study
from gazex_bench.phantom.reading import ReadingSim, kind_label, reflacx_labels
from gazex_bench.phantom.samples import gaze_csv, gaze_samples
from gazex_bench.phantom.spec import REFLACX_BOOL_LABELS

REFLACX_DIR = Path("reflacx-xray-localization") / "1.0.0"
FIX_HEADER = (
    "timestamp_start_fixation,timestamp_end_fixation,x_position,y_position,pupil_area_normalized,"
    "angular_resolution_x_pixels_per_degree,angular_resolution_y_pixels_per_degree,window_width,window_level,"
    "xmin_shown_from_image,ymin_shown_from_image,xmax_shown_from_image,ymax_shown_from_image,"
    "xmin_in_screen_coordinates,ymin_in_screen_coordinates,xmax_in_screen_coordinates,ymax_in_screen_coordinates"
)


@dataclass(frozen=True)
class ReadingRow:
    """One REFLACX reading to write."""

    reading_id: str
    phase: int
    radiologist: str
    discarded: bool
    study: Study
    sim: ReadingSim


def _crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


def dcm_image_path(st: Study) -> str:
    """The metadata ``image`` column (MIMIC-CXR DICOM path from ``physionet.org`` on)."""
    return f"physionet.org/files/mimic-cxr/2.0.0/files/p{st.subject_id[:2]}/p{st.subject_id}/s{st.study_id}/{st.dicom_id}.dcm"


def label_values(row: ReadingRow) -> list[object]:
    """Label column values of a reading in its phase's sorted column order."""
    by_label: dict[str, int] = {}
    for kind, c in row.sim.certainty.items():
        lab = kind_label(kind, row.phase)
        by_label[lab] = max(by_label.get(lab, 0), c)
    out: list[object] = []
    for lab in reflacx_labels(row.phase):
        if lab in REFLACX_BOOL_LABELS:
            out.append(bool(by_label.get(lab, 0) > 0))
        elif lab == "Other":
            out.append("")
        else:
            out.append(by_label.get(lab, 0))
    return out


def metadata_row(row: ReadingRow) -> list[object]:
    """One ``metadata_phase_<p>.csv`` row of a reading."""
    st = row.study
    return [
        row.reading_id,
        st.split,
        row.discarded,
        dcm_image_path(st),
        st.dicom_id,
        st.subject_id,
        st.anatomy.width,
        st.anatomy.height,
        *label_values(row),
    ]


def metadata_csv(rows: list[list[object]], phase: int) -> bytes:
    """``metadata_phase_<p>.csv`` from :func:`metadata_row` rows: sorted by id (phases 1-2) or image (phase 3)."""
    header = [
        "id",
        "split",
        "eye_tracking_data_discarded",
        "image",
        "dicom_id",
        "subject_id",
        "image_size_x",
        "image_size_y",
        *reflacx_labels(phase),
    ]
    key = (lambda r: str(r[0])) if phase in (1, 2) else (lambda r: (str(r[3]), str(r[0])))
    return _crlf(csv_text(header, sorted(rows, key=key)))


def _ellipses_csv(row: ReadingRow) -> bytes:
    labels = reflacx_labels(row.phase)
    body = []
    for e in row.sim.ellipses:
        lab = kind_label(e.kind, row.phase)
        body.append([*e.box, e.certainty, *[name == lab for name in labels]])
    return _crlf(csv_text(["xmin", "ymin", "xmax", "ymax", "certainty", *labels], body))


def _fixations_csv(fix: dict[str, np.ndarray]) -> bytes:
    geo = [",".join(map(str, g)) for g in np.concatenate([fix["shown"], fix["screen"]], axis=1).tolist()]
    names = [
        "timestamp_start_fixation",
        "timestamp_end_fixation",
        "x_position",
        "y_position",
        "pupil_area_normalized",
        "angular_resolution_x_pixels_per_degree",
        "angular_resolution_y_pixels_per_degree",
        "window_width",
        "window_level",
    ]
    cols = [fix[n].tolist() for n in names] + [geo]
    rows = format_rows("%r,%r,%d,%d,%r,%d,%d,%r,%r,%s", cols)
    return _crlf(FIX_HEADER + "\n" + "\n".join(rows) + "\n")


def _words(row: ReadingRow) -> tuple[bytes, bytes]:
    assert row.sim.sim is not None
    sents = row.sim.sim.sentences
    text = " ".join(s.text for s in sents)
    words = [w for s in sents for w in s.words]
    body = [[w, float(a), float(b)] for w, a, b in words]
    return _crlf(csv_text(["word", "timestamp_start_word", "timestamp_end_word"], body)), text.encode("utf-8")


def write_folder(folder: Path, files: dict[str, bytes]) -> None:
    """Create ``folder`` holding ``files`` atomically: written into a sibling temp folder, then renamed.

    One rename per folder instead of one temp file + rename per file (the phantom writes
    ~18,000 small REFLACX files at paper size; file creation dominates on slow filesystems).
    An existing ``folder`` is replaced.
    """
    tmp = folder.parent / f".{folder.name}.tmp{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        tmp.mkdir(parents=True)
        for name, data in files.items():
            with open(tmp / name, "wb") as fh:
                fh.write(data)
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_reading(root: Path, row: ReadingRow, hz: float, rng: np.random.Generator) -> int:
    """Write one reading's ``main_data/<id>/`` and ``gaze_data/<id>/`` folders; returns the gaze sample count."""
    b = row.sim.chest_box
    main = {
        "chest_bounding_box.csv": _crlf(f"xmin,ymin,xmax,ymax\n{b[0]},{b[1]},{b[2]},{b[3]}\n"),
        "anomaly_location_ellipses.csv": _ellipses_csv(row),
    }
    gaze: dict[str, bytes] = {}
    n = 0
    if not row.discarded and row.sim.sim is not None:
        fix = row.sim.sim.fixations
        main["fixations.csv"] = _fixations_csv(fix)
        main["timestamps_transcription.csv"], main["transcription.txt"] = _words(row)
        s = gaze_samples(fix, row.sim.sim.blink_before, hz, rng)
        gaze["gaze.csv"] = _crlf(gaze_csv(fix, s))
        n = int(s["t"].shape[0])
    write_folder(root / REFLACX_DIR / "main_data" / row.reading_id, main)
    write_folder(root / REFLACX_DIR / "gaze_data" / row.reading_id, gaze)
    return n


def write_metadata(root: Path, rows: dict[int, list[list[object]]]) -> None:
    """Write the three ``metadata_phase_<p>.csv`` files from per-phase metadata rows."""
    for phase in (1, 2, 3):
        atomic_write_bytes(
            root / REFLACX_DIR / "main_data" / f"metadata_phase_{phase}.csv",
            metadata_csv(rows.get(phase, []), phase),
        )
