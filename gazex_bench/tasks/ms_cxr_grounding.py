"""``ms-cxr-grounding``: MS-CXR phrase grounding.

Samples: MS-CXR phrases of the split whose MIMIC-CXR-JPG image exists (else dropped
as ``no_image``). Box answers are scored with :mod:`gazex_bench.metrics.grounding`
(confidence-thresholded merged-mask mIoU — primary —, Acc@τ of the top box); a heat-map
answer is resized (bilinear) to the image and scored with heat-map mIoU and CNR.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from gazex_bench.data.discover import discover
from gazex_bench.data.ms_cxr import read_ms_cxr
from gazex_bench.metrics.grounding import (
    GroundingCase,
    cnr,
    heatmap_iou,
    top_box_hits,
    union_iou_per_threshold,
)
from gazex_bench.metrics.grounding_ap import average_precision
from gazex_bench.models.types import Capability, Grounding, GroundingRequest, Response, ScoredBox
from gazex_bench.tasks.aggregate import mean_with_ci
from gazex_bench.tasks.base import ScoreOptions, ScoreResult, Task, TaskData, TaskSample
from gazex_bench.tasks.common import (
    dataset_folder,
    merge_counts,
    missing_image,
    select_split,
    take_samples,
    train_records,
)

BOX_CONV = "metrics/grounding.py: merged-mask IoU, confidence thresholds 0.1..0.5, per-phrase mean"


class MsCxrGroundingTask(Task):
    """MS-CXR phrase grounding."""

    name = "ms-cxr-grounding"
    title = "MS-CXR phrase grounding"
    description = "MS-CXR: localise a finding phrase (boxes or heat map)"
    headline_metrics = ("miou", "map", "acc@0.1", "acc@0.3", "acc@0.5", "heatmap_miou", "cnr")
    reference_baselines = ("oracle", "random", "chest-box", "center-box")
    capability = Capability.GROUNDING
    dataset = "ms_cxr"
    default_split = "test"
    primary_metric = "miou"
    metric_conventions = {
        "miou": BOX_CONV + " (GazeX §4.5)",
        "acc@0.1": "metrics/grounding.py: top-confidence box COCO IoU >= 0.1 with some GT box",
        "acc@0.3": "metrics/grounding.py: top-confidence box COCO IoU >= 0.3 with some GT box",
        "acc@0.5": "metrics/grounding.py: top-confidence box COCO IoU >= 0.5 with some GT box",
        "heatmap_miou": "metrics/grounding.py: min-max map > t, t=0.1..0.5 vs merged GT mask (BioViL)",
        "cnr": "metrics/grounding.py: |mean(A)-mean(~A)|/sqrt(var(A)+var(~A)) per GT box (BioViL)",
        "map": "metrics/grounding_ap.py: pycocotools-equivalent AP per phrase (own category, all boxes ranked "
        "by confidence), mean over IoU 0.1..0.7, mean over phrases; CI: bootstrap over phrases",
    }

    def load(self, data_root: Path, *, split: str | None, limit: int | None) -> TaskData:
        """Read MS-CXR phrases and resolve their JPGs."""
        folder = dataset_folder(data_root, "ms_cxr")
        result = read_ms_cxr(folder, jpg_root=discover(data_root).mimic_jpg)
        split = split or self.default_split
        chosen = select_split(result.records, split, lambda r: r.split, "MS-CXR")
        dropped: dict[str, int] = {}
        samples = take_samples(chosen, _sample, lambda r: missing_image([r.image_path]), limit, dropped)
        train = [_sample(r) for r in train_records(result.records, lambda r: r.split)]
        return TaskData(
            tuple(samples), tuple(train), "ms-cxr", split, len(chosen), merge_counts(result.skipped, dropped)
        )

    def score(self, data: TaskData, responses: Mapping[str, Response], options: ScoreOptions) -> ScoreResult:
        """Per-phrase IoU / hits (boxes) or heat-map IoU / CNR, means with CIs."""
        per: dict[str, dict[str, float]] = {}
        for s in data.samples:
            per[s.sample_id] = _score_one(s, responses[s.sample_id])
        _add_ap(data, responses, per)
        names = ["miou", "map", "acc@0.1", "acc@0.3", "acc@0.5", "heatmap_miou", "cnr"]
        metrics = {}
        for name in names:
            vals = [per[s.sample_id].get(name, float("nan")) for s in data.samples]
            if any(np.isfinite(vals)):
                metrics[name] = mean_with_ci(vals, options)
        return ScoreResult(per, metrics)


def _add_ap(data: TaskData, responses: Mapping[str, Response], per: dict[str, dict[str, float]]) -> None:
    """Per-phrase AP (mean over IoU 0.1..0.7) as ``map`` for every phrase scored with boxes.

    Failed answers and heat-map-only answers with no box count as no detection (AP 0) when
    the phrase was scored with boxes (``miou`` present).
    """
    ids, preds, scores, gts = [], [], [], []
    for s in data.samples:
        if "miou" not in per[s.sample_id]:
            continue
        resp = responses[s.sample_id]
        parsed = resp.parsed if resp.error is None and isinstance(resp.parsed, Grounding) else Grounding()
        box, conf = _xywh(parsed.boxes)
        box[:, 2:] = np.maximum(box[:, 2:], 0.0)
        ids.append(s.sample_id)
        preds.append(box)
        scores.append(np.where(np.isnan(conf), 1.0, conf))
        gts.append(_xywh(s.reference.boxes)[0])  # type: ignore[union-attr]
    if not ids:
        return
    ap = average_precision(preds, scores, gts)
    for sid, v in zip(ids, ap.mean(axis=0)):
        per[sid]["map"] = float(v)


def _xywh(boxes: tuple[ScoredBox, ...]) -> tuple[np.ndarray, np.ndarray]:
    if not boxes:
        return np.zeros((0, 4)), np.zeros(0)
    arr = np.array(
        [[b.box[0], b.box[1], b.box[2] - b.box[0], b.box[3] - b.box[1]] for b in boxes], dtype=float
    )
    return arr, np.array([b.score for b in boxes], dtype=float)


def _score_one(sample: TaskSample, resp: Response) -> dict[str, float]:
    assert isinstance(sample.reference, Grounding) and isinstance(sample.request, GroundingRequest)
    w, h = sample.request.image_size
    gt, _ = _xywh(sample.reference.boxes)
    parsed = resp.parsed if resp.error is None and isinstance(resp.parsed, Grounding) else Grounding()
    out: dict[str, float] = {}
    if parsed.heatmap is not None:
        heat = _resize(parsed.heatmap, w, h)
        out["heatmap_miou"] = float(heatmap_iou(heat, gt, w, h).mean())
        out["cnr"] = float(cnr(heat, gt, w, h))
    if parsed.boxes or parsed.heatmap is None:
        pred, scores = _xywh(parsed.boxes)
        pred[:, 2:] = np.maximum(pred[:, 2:], 0.0)
        case = GroundingCase(gt, w, h, pred, scores, sample.sample_id)
        out["miou"] = float(union_iou_per_threshold(case).mean())
        for t, hit in zip((0.1, 0.3, 0.5), top_box_hits(case)):
            out[f"acc@{t}"] = float(hit)
    return out


def _resize(heatmap: np.ndarray, width: int, height: int) -> np.ndarray:
    arr = np.asarray(heatmap, dtype=np.float32)
    if arr.shape == (height, width):
        return arr.astype(float)
    from PIL import Image

    return np.asarray(
        Image.fromarray(arr, mode="F").resize((width, height), Image.Resampling.BILINEAR), dtype=float
    )


def _sample(r: object) -> TaskSample:
    boxes = tuple(ScoredBox((x, y, x + w, y + h), 1.0) for x, y, w, h in r.boxes_xywh)  # type: ignore[attr-defined]
    size = (int(r.image_width), int(r.image_height))  # type: ignore[attr-defined]
    path = Path(r.image_path) if r.image_path is not None else Path()  # type: ignore[attr-defined]
    request = GroundingRequest(r.sample_id, (path,), r.label_text, size)  # type: ignore[attr-defined]
    return TaskSample(
        r.sample_id,
        request,
        Grounding(boxes=boxes),
        group=r.dicom_id,  # type: ignore[attr-defined]
        meta={"category": r.category},
    )  # type: ignore[attr-defined]
