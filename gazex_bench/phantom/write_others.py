"""Writing IU X-ray (R2Gen form), Medical-CXR-VQA questions and MS-CXR v1.1.0.

Formats per datasets.md §3.1, §4.2-4.3 and §5.2-5.3. VQA and MS-CXR refer to the
phantom's frontal MIMIC images.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from gazex_bench.data.records import MS_CXR_CATEGORIES
from gazex_bench.io import atomic_write_bytes
from gazex_bench.phantom.csvfmt import csv_text
from gazex_bench.phantom.entities import R2GEN_SPLIT, IuCase, Study
from gazex_bench.phantom.findings import FindingSpec
from gazex_bench.phantom.phrases import finding_statement, severity_word
from gazex_bench.phantom.spec import KINDS, entity_rng

IU_DIR = Path("iu_xray")
VQA_FILE = Path("medical-cxr-vqa-dataset") / "1.0.0" / "medical-cxr-vqa-questions.csv"
MSCXR_DIR = Path("ms-cxr") / "1.1.0"
VQA_COLUMNS = ("study_id", "subject_id", "dicom_id", "question_type", "question", "answer", "split")
MSCXR_COLUMNS = (
    "dicom_id",
    "category_name",
    "label_text",
    "path",
    "x",
    "y",
    "w",
    "h",
    "image_width",
    "image_height",
    "split",
)
_ZONE_WORD = {"upper": "upper lung", "middle": "mid lung", "lower": "lower lung"}


def write_iu(root: Path, cases: list[IuCase], images: dict[str, tuple[bytes, bytes]] | None) -> None:
    """Write ``iu_xray/annotation.json`` and (if given) ``images/<id>/{0,1}.png``."""
    ann: dict[str, list[dict[str, object]]] = {"train": [], "val": [], "test": []}
    for c in cases:
        ann[c.split].append(
            {
                "id": c.uid,
                "report": c.report,
                "image_path": [f"{c.uid}/0.png", f"{c.uid}/1.png"],
                "split": c.split,
            }
        )
        if images is not None:
            front, lat = images[c.uid]
            atomic_write_bytes(root / IU_DIR / "images" / c.uid / "0.png", front)
            atomic_write_bytes(root / IU_DIR / "images" / c.uid / "1.png", lat)
    atomic_write_bytes(root / IU_DIR / "annotation.json", json.dumps(ann, ensure_ascii=False).encode("utf-8"))


def location_answer(f: FindingSpec) -> str:
    """VQA location answer, e.g. ``left lower lung area``."""
    if f.side == "bilateral":
        return "left lung area and right lung area"
    return f"{f.side} {_ZONE_WORD.get(f.zone, 'mid lung')} area"


def vqa_questions(st: Study, rng: np.random.Generator) -> list[tuple[str, str, str]]:
    """(question_type, question, answer) triples of one study from the six templates."""
    fs = [f for f in st.findings if f.kind != "support_device"]
    names = [KINDS[f.kind].vqa for f in fs]
    q: list[tuple[str, str, str]] = [
        ("abnormality", "is there evidence of any abnormalities in this image?", "yes" if fs else "no")
    ]
    other_view = "AP" if st.view == "PA" else "PA"
    asked = str(rng.choice([st.view, other_view]))
    q += [
        ("view", "which view is this image taken?", f"{st.view} view"),
        ("view", f"is this {asked} view?", "yes" if asked == st.view else "no"),
    ]
    absent = [
        k
        for k in ("pleural_effusion", "pneumothorax", "edema", "cardiomegaly", "atelectasis")
        if k not in {f.kind for f in fs}
    ]
    if absent:
        q.append(
            ("presence", f"is there evidence of {KINDS[str(rng.choice(absent))].vqa} in this image?", "no")
        )
    if not fs:
        return q
    q.append(("abnormality", "what abnormalities are seen in this image?", ", ".join(names)))
    for f, x in zip(fs, names):
        q.append(
            (
                "presence",
                str(rng.choice([f"is there {x}?", f"is there evidence of {x} in this image?"])),
                "yes",
            )
        )
        q.append(("level", f"what level is the {x}?", severity_word(f)))
        q.append(("type", f"what type is the {x}?", f.descriptor))
        if f.side in ("left", "right"):
            loc = f"{f.side} {_ZONE_WORD.get(f.zone, 'mid lung')}"
            q.append(
                (
                    "location",
                    str(rng.choice([f"where in the image is the {x} located?", f"where is the {x}?"])),
                    location_answer(f),
                )
            )
            q.append(("location", f"is the {x} located on the left side or right side?", f"{f.side} side"))
            q.append(("presence", f"is there {x} in the {loc} area?", "yes"))
            if sum(1 for g in fs if g.side == f.side and g.zone == f.zone) == 1:
                q.append(("abnormality", f"what abnormalities are seen in the {loc}?", x))
        elif f.side == "bilateral":
            q.append(("presence", f"is the {x} bilateral?", "yes"))
            q.append(("location", f"where is the {x}?", location_answer(f)))
    return q


def write_vqa(root: Path, seed: int, studies: list[Study]) -> int:
    """Write the Medical-CXR-VQA question CSV (frontal images); returns the row count."""
    rows = []
    for st in sorted(studies, key=lambda s: (s.subject_id, s.study_id)):
        rng = entity_rng(seed, "vqa", st.index)
        for qt, qu, an in vqa_questions(st, rng):
            rows.append([st.study_id, st.subject_id, st.dicom_id, qt, qu, an, R2GEN_SPLIT[st.split]])
    atomic_write_bytes(root / VQA_FILE, csv_text(VQA_COLUMNS, rows).encode("utf-8"))
    return len(rows)


def mscxr_rows(seed: int, studies: list[Study]) -> list[list[object]]:
    """One row per box for findings in the 8 MS-CXR categories."""
    rows: list[list[object]] = []
    for st in sorted(studies, key=lambda s: (s.subject_id, s.study_id)):
        rng = entity_rng(seed, "ms-cxr", st.index)
        path = f"files/{st.jpg_rel}"
        for i, f in enumerate(st.findings):
            cat = KINDS[f.kind].ms_cxr
            if cat is None:
                continue
            text = finding_statement(f, i, rng).text
            text = text[:1].upper() + text[1:]
            for b in f.extra_boxes or (f.box,):
                rows.append(
                    [
                        st.dicom_id,
                        cat,
                        text,
                        path,
                        b[0],
                        b[1],
                        b[2] - b[0],
                        b[3] - b[1],
                        st.anatomy.width,
                        st.anatomy.height,
                        R2GEN_SPLIT[st.split],
                    ]
                )
    return rows


def write_mscxr(root: Path, seed: int, studies: list[Study]) -> int:
    """Write ``MS_CXR_Local_Alignment_v1.1.0.{csv,json}``; returns the number of box rows."""
    rows = mscxr_rows(seed, studies)
    atomic_write_bytes(
        root / MSCXR_DIR / "MS_CXR_Local_Alignment_v1.1.0.csv", csv_text(MSCXR_COLUMNS, rows).encode("utf-8")
    )
    cats = {name: i + 1 for i, name in enumerate(MS_CXR_CATEGORIES)}
    images: dict[str, dict[str, object]] = {}
    anns = []
    for r in rows:
        dicom, cat, text, path, x, y, w, h, iw, ih, _split = r
        if dicom not in images:
            images[str(dicom)] = {
                "id": len(images) + 1,
                "file_name": f"{dicom}.jpg",
                "width": iw,
                "height": ih,
                "path": path,
            }
        anns.append(
            {
                "id": len(anns) + 1,
                "image_id": images[str(dicom)]["id"],
                "category_id": cats[str(cat)],
                "bbox": [x, y, w, h],
                "area": int(w) * int(h),
                "iscrowd": 0,
                "width": iw,
                "height": ih,
                "label_text": text,
            }
        )
    coco = {
        "images": list(images.values()),
        "annotations": anns,
        "categories": [{"id": i, "name": n} for n, i in cats.items()],
    }
    atomic_write_bytes(
        root / MSCXR_DIR / "MS_CXR_Local_Alignment_v1.1.0.json",
        json.dumps(coco, ensure_ascii=False).encode("utf-8"),
    )
    return len(rows)
