"""Readers for IU X-ray (Indiana / Open-i): the R2Gen ``iu_xray`` folder and the Kaggle layout.

Formats: ``/work/shared/reference/datasets.md`` section 3.

* R2Gen: ``iu_xray/annotation.json`` + ``iu_xray/images/<id>/{0,1}.png``.
* Kaggle ``raddar/chest-xrays-indiana-university``: ``indiana_reports.csv``
  (``uid,MeSH,Problems,image,indication,comparison,findings,impression``) and
  ``indiana_projections.csv`` (``uid,filename,projection``), images under
  ``images/images_normalized/``. The Kaggle release has no split, so its records
  carry ``split="unsplit"``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from gazex_bench.data._csv import check_unique, read_table
from gazex_bench.data.mimic import read_r2gen_annotation
from gazex_bench.data.records import ReadResult, ReportSample

KAGGLE_REPORTS = "indiana_reports.csv"
KAGGLE_PROJECTIONS = "indiana_projections.csv"
KAGGLE_IMAGES = Path("images") / "images_normalized"
KAGGLE_SPLIT = "unsplit"
"""``ReportSample.split`` of Kaggle records (the Kaggle release defines no split)."""
PROJECTIONS: tuple[str, ...] = ("Frontal", "Lateral")


def read_iu_annotation(path: Path, image_root: Path | None = None) -> ReadResult[ReportSample]:
    """Read R2Gen ``iu_xray/annotation.json``; images default to ``<its folder>/images``."""
    path = Path(path)
    return read_r2gen_annotation(
        path, "iu-xray", image_root if image_root is not None else path.parent / "images"
    )


def read_iu(root: Path) -> ReadResult[ReportSample]:
    """Read whichever IU layout ``root`` holds (R2Gen ``annotation.json`` first, else Kaggle csvs)."""
    root = Path(root)
    if root.is_file():
        return read_iu_annotation(root)
    if (root / "annotation.json").is_file():
        return read_iu_annotation(root / "annotation.json")
    return read_iu_kaggle(root)


def read_iu_kaggle(root: Path) -> ReadResult[ReportSample]:
    """Read the Kaggle IU X-ray layout: one sample per report ``uid`` with its findings.

    Images are ordered frontal first, then lateral (file name order within each).

    Returns:
        Samples in report-file order, ``sample_id`` = ``uid``. Skipped reasons:
        ``empty_findings`` (report text is empty) and ``no_images`` (uid without a
        projection row); ``skipped['projection_without_report']`` counts image rows
        naming an unknown uid.

    Raises:
        DataFormatError: missing file/column, unknown projection, duplicate uid or
            duplicate image file name.
    """
    root = Path(root)
    images = _read_projections(root / KAGGLE_PROJECTIONS)
    t = read_table(root / KAGGLE_REPORTS)
    t.require(
        ("uid", "findings"), optional=("MeSH", "Problems", "image", "indication", "comparison", "impression")
    )
    seen: dict[object, int] = {}
    skipped: Counter[str] = Counter()
    records = []
    for i in range(len(t)):
        uid = t.text(i, "uid")
        check_unique(t, i, uid, seen, "uid")
        findings = t.text(i, "findings", allow_empty=True)
        if not findings:
            skipped["empty_findings"] += 1
            continue
        views = images.get(uid)
        if not views:
            skipped["no_images"] += 1
            continue
        paths = tuple(root / KAGGLE_IMAGES / name for _, name in sorted(views))
        records.append(ReportSample(uid, "iu-xray", KAGGLE_SPLIT, findings, paths))
    extra = len(set(images) - set(seen))
    if extra:
        skipped["projection_without_report"] = extra
    return ReadResult(records=tuple(records), skipped=skipped, source=root)


def _read_projections(path: Path) -> dict[str, list[tuple[int, str]]]:
    t = read_table(path)
    t.require(("uid", "filename", "projection"))
    out: dict[str, list[tuple[int, str]]] = {}
    seen: dict[object, int] = {}
    for i in range(len(t)):
        name = t.text(i, "filename")
        check_unique(t, i, name, seen, "filename")
        rank = PROJECTIONS.index(t.choice(i, "projection", PROJECTIONS))
        out.setdefault(t.text(i, "uid"), []).append((rank, name))
    return out
