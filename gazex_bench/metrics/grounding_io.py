"""Strict readers of the grounding prediction / reference JSONL files.

Formats are documented in :func:`grounding_scores_from_files`.
Every problem raises :class:`~gazex_bench.errors.DataFormatError` naming the file,
the 1-based line and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from gazex_bench.errors import DataFormatError
from gazex_bench.io import is_finite_number, read_jsonl
from gazex_bench.metrics.grounding import GroundingCase, check_boxes, grounding_scores


def _id_of(obj: dict[str, Any], path: Path, lineno: int) -> str:
    if "id" not in obj:
        raise DataFormatError(path, "missing 'id'", row=lineno, field="id")
    value = obj["id"]
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        raise DataFormatError(path, "'id' must be a non-empty string or an integer", row=lineno, field="id")
    return str(value)


def _box_rows(obj: dict[str, Any], path: Path, lineno: int, arities: tuple[int, ...]) -> list[list[float]]:
    if "boxes" not in obj:
        raise DataFormatError(path, "missing 'boxes'", row=lineno, field="boxes")
    boxes = obj["boxes"]
    if not isinstance(boxes, list):
        raise DataFormatError(path, "'boxes' must be a list of boxes", row=lineno, field="boxes")
    rows = []
    for j, box in enumerate(boxes):
        if not isinstance(box, list) or len(box) not in arities:
            want = " or ".join(str(a) for a in arities)
            raise DataFormatError(
                path, f"box {j} must be a list of {want} numbers", row=lineno, field="boxes"
            )
        if not all(is_finite_number(v) for v in box):
            raise DataFormatError(
                path, f"box {j} has a non-finite or non-numeric value", row=lineno, field="boxes"
            )
        rows.append([float(v) for v in box])
    return rows


def _read_refs(path: Path) -> dict[str, tuple[int, GroundingCase]]:
    refs: dict[str, tuple[int, GroundingCase]] = {}
    for lineno, obj in read_jsonl(path):
        sid = _id_of(obj, path, lineno)
        if sid in refs:
            raise DataFormatError(
                path, f"duplicate id {sid!r} (first on line {refs[sid][0]})", row=lineno, field="id"
            )
        rows = _box_rows(obj, path, lineno, (4,))
        if not rows:
            raise DataFormatError(
                path, "a reference phrase needs at least one box", row=lineno, field="boxes"
            )
        gt = check_boxes(np.array(rows), path, lineno)
        size = []
        for key in ("width", "height"):
            value = obj.get(key)
            if not is_finite_number(value) or value <= 0 or float(value) != int(value):
                raise DataFormatError(
                    path, f"'{key}' must be a positive integer (pixels)", row=lineno, field=key
                )
            size.append(int(value))
        refs[sid] = (lineno, GroundingCase(gt_xywh=gt, width=size[0], height=size[1], sample_id=sid))
    if not refs:
        raise DataFormatError(path, "no reference phrases")
    return refs


def _read_preds(path: Path) -> dict[str, tuple[int, np.ndarray, np.ndarray]]:
    preds: dict[str, tuple[int, np.ndarray, np.ndarray]] = {}
    for lineno, obj in read_jsonl(path):
        sid = _id_of(obj, path, lineno)
        if sid in preds:
            raise DataFormatError(
                path, f"duplicate id {sid!r} (first on line {preds[sid][0]})", row=lineno, field="id"
            )
        rows = _box_rows(obj, path, lineno, (4, 5))
        boxes = check_boxes(np.array([r[:4] for r in rows]).reshape(-1, 4), path, lineno)
        scores = np.array([r[4] if len(r) == 5 else 1.0 for r in rows], dtype=float)
        preds[sid] = (lineno, boxes, scores)
    return preds


def read_grounding_files(pred_path: Path, ref_path: Path) -> list[GroundingCase]:
    """Join predictions and references by id (reference file order).

    Raises:
        DataFormatError: any malformed line, a reference id without prediction
            (names the prediction file and the reference line) or a prediction id
            absent from the references.
    """
    refs = _read_refs(ref_path)
    preds = _read_preds(pred_path)
    extra = [sid for sid in preds if sid not in refs]
    if extra:
        lineno = preds[extra[0]][0]
        raise DataFormatError(
            pred_path, f"id {extra[0]!r} is not in the references {ref_path}", row=lineno, field="id"
        )
    cases = []
    for sid, (ref_line, case) in refs.items():
        if sid not in preds:
            raise DataFormatError(
                pred_path, f"no prediction for reference id {sid!r} ({ref_path}, line {ref_line})", field="id"
            )
        _, boxes, scores = preds[sid]
        cases.append(GroundingCase(case.gt_xywh, case.width, case.height, boxes, scores, sid))
    return cases


def grounding_scores_from_files(pred_path: Path, ref_path: Path) -> dict[str, float]:
    """Score a predictions JSONL against a references JSONL (CLI ``metrics grounding``).

    File formats (pixels of the reference image):

    * ``pred_path`` lines ``{"id": …, "boxes": [[x, y, w, h, confidence], …]}``
      (``[x, y, w, h]`` without confidence counts as 1.0; ``[]`` = no prediction).
    * ``ref_path`` lines ``{"id": …, "boxes": [[x, y, w, h], …], "width": W, "height": H}``.

    Returns:
        The keys of :class:`GroundingResult` ``.scores``: ``mIoU``, ``IoU@0.1`` …
        ``IoU@0.5``, ``mAP``, ``AP@0.1`` … ``AP@0.7``, ``Acc@0.1``, ``Acc@0.3``,
        ``Acc@0.5``, ``n_phrases``.

    Raises:
        DataFormatError: bad JSON, missing/duplicate ids on either side, wrong box
            arity, non-finite numbers, negative sizes (naming file, line, field).
    """
    return grounding_scores(read_grounding_files(Path(pred_path), Path(ref_path))).scores
