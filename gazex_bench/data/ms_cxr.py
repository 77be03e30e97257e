"""Reader for MS-CXR phrase grounding (PhysioNet ``ms-cxr`` 0.1 and 1.1.0).

Format: ``/work/shared/reference/datasets.md`` section 5. The CSV has one row per
**box**; rows with the same ``(dicom_id, label_text)`` form one phrase. Boxes are
``x,y,w,h`` (top-left corner + size) in original-image pixels. v1.1.0 adds a
``split`` column (required when the file name says v1.1.0); v1.0.0 has none.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazex_bench.data._csv import Table, find_variant, read_table, read_text
from gazex_bench.data.records import MS_CXR_CATEGORIES, GroundingPhrase, ReadResult, short_hash
from gazex_bench.errors import DataFormatError
from gazex_bench.io import FieldValueError, is_finite_number, loads_json

CSV_FILES: tuple[str, ...] = ("MS_CXR_Local_Alignment_v1.1.0.csv", "MS_CXR_Local_Alignment_v1.0.0.csv")
JSON_FILES: tuple[str, ...] = ("MS_CXR_Local_Alignment_v1.1.0.json", "MS_CXR_Local_Alignment_v1.0.0.json")
CSV_COLUMNS: tuple[str, ...] = (
    "dicom_id", "category_name", "label_text", "path", "x", "y", "w", "h", "image_width", "image_height",
)  # fmt: skip
SPLITS: tuple[str, ...] = ("train", "val", "test")


@dataclass
class _Phrase:
    """A phrase being assembled from its box rows."""

    dicom_id: str
    category: str
    label_text: str
    path: str
    width: int
    height: int
    split: str | None
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)


def box_problem(x: float, y: float, w: float, h: float, width: float, height: float) -> str | None:
    """Why an ``(x, y, w, h)`` box is invalid inside a ``width x height`` image, or None.

    Rules: ``w, h > 0`` (no negative or empty boxes) and the box lies inside
    ``[0, width] x [0, height]`` (image pixels).
    """
    if w <= 0 or h <= 0:
        return f"box size must be positive, got w={w:g}, h={h:g}"
    if x < 0 or y < 0 or x + w > width or y + h > height:
        return f"box ({x:g}, {y:g}, {w:g}, {h:g}) lies outside the {width:g}x{height:g} image"
    return None


def find_csv(path_or_dir: Path) -> Path:
    """The CSV itself, or the newest known MS-CXR CSV in a folder."""
    path = Path(path_or_dir)
    return find_variant(path, CSV_FILES) if path.is_dir() else path


def read_ms_cxr(path_or_dir: Path, *, jpg_root: Path | None = None) -> ReadResult[GroundingPhrase]:
    """Read the MS-CXR CSV and group its box rows into phrases.

    Args:
        path_or_dir: ``MS_CXR_Local_Alignment_v1.x.0.csv`` or the ``ms-cxr/<version>`` folder.
        jpg_root: MIMIC-CXR-JPG root; ``image_path`` = ``jpg_root/<path with .jpg>`` (existence and
            decoding are checked by the task).

    Returns:
        Phrases in order of first appearance; ``stats['boxes']`` counts box rows.

    Raises:
        DataFormatError: missing column, unknown category, negative-size or out-of-image
            box, rows of one phrase disagreeing on category/path/size/split.
    """
    path = find_csv(path_or_dir)
    t = read_table(path)
    needs_split = "v1.1.0" in path.name
    t.require(CSV_COLUMNS + (("split",) if needs_split else ()), optional=("split",))
    groups: dict[tuple[str, str], _Phrase] = {}
    for i in range(len(t)):
        _add_csv_row(t, i, groups, "split" in t.index)
    return _finish(groups, path, jpg_root)


def _add_csv_row(t: Table, i: int, groups: dict[tuple[str, str], _Phrase], has_split: bool) -> None:
    x, y, w, h = (float(t.number(i, k)) for k in ("x", "y", "w", "h"))  # type: ignore[arg-type]
    width = int(t.integer(i, "image_width", lo=1))  # type: ignore[arg-type]
    height = int(t.integer(i, "image_height", lo=1))  # type: ignore[arg-type]
    problem = box_problem(x, y, w, h, width, height)
    if problem:
        raise t.error(i, "w" if w <= 0 else "h" if h <= 0 else "x", problem)
    new = _Phrase(
        dicom_id=t.text(i, "dicom_id"),
        category=t.choice(i, "category_name", MS_CXR_CATEGORIES),
        label_text=t.text(i, "label_text"),
        path=t.text(i, "path"),
        width=width,
        height=height,
        split=t.choice(i, "split", SPLITS) if has_split else None,
    )
    _merge(groups, new, (x, y, w, h), lambda f, m: t.error(i, f, m))


def _merge(
    groups: dict[tuple[str, str], _Phrase],
    new: _Phrase,
    box: tuple[float, float, float, float],
    error: Callable[[str, str], DataFormatError],
) -> None:
    key = (new.dicom_id, new.label_text)
    old = groups.setdefault(key, new)
    for name in ("category", "path", "width", "height", "split"):
        if getattr(old, name) != getattr(new, name):
            msg = f"phrase rows disagree on {name}: {getattr(old, name)!r} vs {getattr(new, name)!r}"
            raise error(name, msg)
    old.boxes.append(box)


def _finish(
    groups: dict[tuple[str, str], _Phrase], source: Path, jpg_root: Path | None
) -> ReadResult[GroundingPhrase]:
    records = []
    stats: Counter[str] = Counter()
    for p in groups.values():
        image = None
        if jpg_root is not None and p.path:
            image = Path(jpg_root) / Path(p.path).with_suffix(".jpg")  # existence checked by the task
        records.append(
            GroundingPhrase(
                sample_id=f"{p.dicom_id}/{short_hash(p.label_text)}",
                dicom_id=p.dicom_id,
                category=p.category,
                label_text=p.label_text,
                path=p.path,
                boxes_xywh=tuple(p.boxes),
                image_width=p.width,
                image_height=p.height,
                split=p.split,
                image_path=image,
            )  # fmt: skip
        )
        stats["boxes"] += len(p.boxes)
    return ReadResult(records=tuple(records), source=source, stats=stats)


def read_ms_cxr_coco(json_path: Path, *, jpg_root: Path | None = None) -> ReadResult[GroundingPhrase]:
    """Read the COCO-style MS-CXR JSON (``images``, ``annotations``, ``categories``).

    Annotations with the same ``(image_id, label_text)`` form one phrase; ``dicom_id``
    is the image ``file_name`` up to its first dot; ``path`` is the image ``path`` key
    (or ``file_name``); a ``split`` key on the image or annotation is used if present.
    Error rows are 1-based indices into ``annotations``.
    """
    path = Path(json_path)
    if path.is_dir():
        path = find_variant(path, JSON_FILES)
    try:
        obj = loads_json(read_text(path))  # NaN / Infinity / 1e999 rejected, naming the field
    except FieldValueError as exc:
        raise DataFormatError(path, str(exc), field=exc.field) from None
    except json.JSONDecodeError as exc:
        raise DataFormatError(path, f"not valid JSON ({exc.msg}, line {exc.lineno})") from None
    for key in ("images", "annotations", "categories"):
        if not isinstance(obj, dict) or not isinstance(obj.get(key), list):
            raise DataFormatError(path, f"missing list '{key}'", field=key)
    images = {img.get("id"): img for img in obj["images"] if isinstance(img, dict)}
    cats = {c.get("id"): c.get("name") for c in obj["categories"] if isinstance(c, dict)}
    groups: dict[tuple[str, str], _Phrase] = {}
    for k, ann in enumerate(obj["annotations"], start=1):
        _add_coco_annotation(path, k, ann, images, cats, groups)
    return _finish(groups, path, jpg_root)


def _add_coco_annotation(
    path: Path,
    k: int,
    ann: Any,
    images: dict[Any, dict[str, Any]],
    cats: dict[Any, Any],
    groups: dict[tuple[str, str], _Phrase],
) -> None:
    def err(f: str, m: str) -> DataFormatError:
        return DataFormatError(path, f"annotation: {m}", row=k, field=f)

    if not isinstance(ann, dict):
        raise err("annotations", "must be an object")
    img = images.get(ann.get("image_id"))
    if img is None:
        raise err("image_id", f"unknown image_id {ann.get('image_id')!r}")
    category = cats.get(ann.get("category_id"))
    if category not in MS_CXR_CATEGORIES:
        raise err("category_id", f"unknown category {ann.get('category_id')!r} ({category!r})")
    bbox = ann.get("bbox")
    if not (
        isinstance(bbox, list) and len(bbox) == 4 and all(is_finite_number(v) for v in bbox)
    ):  # before float()
        raise err("bbox", f"bbox must be [x, y, w, h] numbers, got {bbox!r}")
    width, height = img.get("width"), img.get("height")
    if not (
        is_finite_number(width)
        and is_finite_number(height)
        and isinstance(width, int)
        and isinstance(height, int)
        and 0 < width < 2**31
        and 0 < height < 2**31
    ):
        raise err("width", f"image {img.get('id')!r} needs positive integer width/height")
    x, y, w, h = (float(v) for v in bbox)
    problem = box_problem(x, y, w, h, width, height)
    if problem:
        raise err("bbox", problem)
    label = ann.get("label_text")
    if not isinstance(label, str) or not label.strip():
        raise err("label_text", "missing or empty label_text")
    name = str(img.get("file_name") or img.get("path") or "")
    split = img.get("split", ann.get("split"))
    new = _Phrase(
        Path(name).name.split(".")[0],
        category,
        label.strip(),
        str(img.get("path") or name),
        width,
        height,
        split,
    )
    _merge(groups, new, (x, y, w, h), err)
