"""Writing MIMIC-CXR-JPG 2.1.0, MIMIC-CXR 2.0.0 reports and the R2Gen ``mimic_cxr`` annotation.

Layouts per datasets.md §2. The JPG tables: ``metadata``, ``split`` and ``chexpert`` are
gzip-compressed (``mtime=0``, deterministic), ``negbio`` is plain CSV, so both reader
paths are exercised. Pixels are JPEG quality 92, no EXIF, no timestamps.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import numpy as np
from PIL import Image

from gazex_bench.data.records import CHEXPERT_LABELS
from gazex_bench.io import atomic_write_bytes
from gazex_bench.phantom.csvfmt import csv_text
from gazex_bench.phantom.entities import R2GEN_SPLIT, Study
from gazex_bench.phantom.reports import findings_text

JPG_DIR = Path("mimic-cxr-jpg") / "2.1.0"
REPORTS_DIR = Path("mimic-cxr") / "2.0.0"
R2GEN_MIMIC = Path("mimic_cxr") / "annotation.json"
META_COLUMNS = (
    "dicom_id",
    "subject_id",
    "study_id",
    "PerformedProcedureStepDescription",
    "ViewPosition",
    "Rows",
    "Columns",
    "StudyDate",
    "StudyTime",
    "ProcedureCodeSequence_CodeMeaning",
    "ViewCodeSequence_CodeMeaning",
    "PatientOrientationCodeSequence_CodeMeaning",
)


def jpeg_bytes(pixels: np.ndarray) -> bytes:
    """Deterministic grayscale JPEG encoding."""
    buf = io.BytesIO()
    Image.fromarray(pixels, mode="L").save(buf, format="JPEG", quality=92, optimize=False, progressive=False)
    return buf.getvalue()


def png_bytes(pixels: np.ndarray) -> bytes:
    """Deterministic grayscale PNG encoding (no metadata chunks)."""
    buf = io.BytesIO()
    Image.fromarray(pixels, mode="L").save(buf, format="PNG", compress_level=6)
    return buf.getvalue()


def _gz(text: str) -> bytes:
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


def write_study_images(root: Path, st: Study, front: np.ndarray, lateral: np.ndarray | None) -> None:
    """Write the study's JPGs into ``files/pXX/p<subject>/s<study>/``."""
    folder = root / JPG_DIR / "files" / f"p{st.subject_id[:2]}" / f"p{st.subject_id}" / f"s{st.study_id}"
    atomic_write_bytes(folder / f"{st.dicom_id}.jpg", jpeg_bytes(front))
    if lateral is not None and st.lateral_dicom_id is not None:
        atomic_write_bytes(folder / f"{st.lateral_dicom_id}.jpg", jpeg_bytes(lateral))


def write_report(root: Path, st: Study) -> None:
    """Write the raw report ``files/pXX/p<subject>/s<study>.txt``."""
    path = (
        root / REPORTS_DIR / "files" / f"p{st.subject_id[:2]}" / f"p{st.subject_id}" / f"s{st.study_id}.txt"
    )
    atomic_write_bytes(path, st.report_text.encode("utf-8"))


def _meta_rows(st: Study) -> list[list[object]]:
    desc = "CHEST (PA AND LAT)" if st.view == "PA" else "CHEST (PORTABLE AP)"
    orient = "Erect" if st.view == "PA" else "Recumbent"
    front_code = "postero-anterior" if st.view == "PA" else "antero-posterior"
    w, h = st.anatomy.width, st.anatomy.height
    rows = [
        [
            st.dicom_id,
            st.subject_id,
            st.study_id,
            desc,
            st.view,
            h,
            w,
            st.study_date,
            st.study_time,
            desc,
            front_code,
            orient,
        ]
    ]
    if st.lateral_dicom_id:
        rows.append(
            [
                st.lateral_dicom_id,
                st.subject_id,
                st.study_id,
                desc,
                "LATERAL",
                h,
                w,
                st.study_date,
                st.study_time,
                desc,
                "lateral",
                orient,
            ]
        )
    return rows


def _label_row(st: Study, negbio: bool) -> list[object]:
    vals: list[object] = [st.subject_id, st.study_id]
    for name in CHEXPERT_LABELS:
        v = st.plan.labels.get(name)
        if negbio and name == "Pneumonia" and v == -1.0:
            v = None
        vals.append(None if v is None else float(v))
    return vals


def write_tables(root: Path, studies: list[Study]) -> None:
    """Write ``mimic-cxr-2.0.0-{metadata,split,chexpert}.csv.gz`` and ``-negbio.csv``."""
    studies = sorted(studies, key=lambda s: (s.subject_id, s.study_id))
    meta = [r for st in studies for r in _meta_rows(st)]
    split = [[r[0], st.study_id, st.subject_id, st.split] for st in studies for r in _meta_rows(st)]
    base = root / JPG_DIR
    atomic_write_bytes(base / "mimic-cxr-2.0.0-metadata.csv.gz", _gz(csv_text(META_COLUMNS, meta)))
    atomic_write_bytes(
        base / "mimic-cxr-2.0.0-split.csv.gz",
        _gz(csv_text(["dicom_id", "study_id", "subject_id", "split"], split)),
    )
    header = ["subject_id", "study_id", *CHEXPERT_LABELS]
    atomic_write_bytes(
        base / "mimic-cxr-2.0.0-chexpert.csv.gz",
        _gz(csv_text(header, [_label_row(s, False) for s in studies])),
    )
    atomic_write_bytes(
        base / "mimic-cxr-2.0.0-negbio.csv",
        csv_text(header, [_label_row(s, True) for s in studies]).encode("utf-8"),
    )


def write_r2gen(root: Path, studies: list[Study]) -> int:
    """Write ``mimic_cxr/annotation.json`` (frontal images of studies with FINDINGS); returns entries written."""
    ann: dict[str, list[dict[str, object]]] = {"train": [], "val": [], "test": []}
    for st in sorted(studies, key=lambda s: (s.subject_id, s.study_id)):
        if not st.plan.has_findings_section:
            continue
        split = R2GEN_SPLIT[st.split]
        ann[split].append(
            {
                "id": st.dicom_id,
                "study_id": int(st.study_id),
                "subject_id": int(st.subject_id),
                "report": findings_text(st.plan),
                "image_path": [st.jpg_rel],
                "split": split,
            }
        )
    atomic_write_bytes(root / R2GEN_MIMIC, json.dumps(ann, ensure_ascii=False).encode("utf-8"))
    return sum(len(v) for v in ann.values())
