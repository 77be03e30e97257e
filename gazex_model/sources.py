"""Build training pools from a data root (real or phantom) through gazex_bench's readers.

REFLACX readings go through :func:`gazex_bench.gaze.preprocess.preprocess_reading` (the
suite's gaze pipeline) and are split with :func:`gazex_model.split.make_split`. Downstream
pools (MIMIC R2Gen reports, Medical-CXR-VQA, MS-CXR) come from their train splits.
Images are read once, converted to gray and downscaled by 4 (PIL ``reduce``, box filter —
GazeX uses OpenCV ``INTER_AREA``, the same area average for integer factors). Memoised builds
(one pickle per part) live in :mod:`gazex_model.pools_cache`.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from gazex_bench.data.cxr_vqa import read_cxr_vqa
from gazex_bench.data.discover import discover, require
from gazex_bench.data.iu_xray import read_iu
from gazex_bench.data.mimic import mimic_jpg_path, read_r2gen_annotation
from gazex_bench.data.ms_cxr import read_ms_cxr
from gazex_bench.data.reflacx import read_reflacx
from gazex_bench.errors import UsageError
from gazex_bench.gaze.preprocess import preprocess_dataset
from gazex_model import prompts as P
from gazex_model.collate import Sample
from gazex_model.config import TrainConfig
from gazex_model.data import ReadingInput, SampleOptions, model_image, reading_samples
from gazex_model.split import SplitManifest, make_split

logger = logging.getLogger(__name__)


@dataclass
class Pools:
    """Train and test pools per objective plus the split and skip counts."""

    train: dict[str, list[Sample]]
    test: dict[str, list[Sample]]
    split: SplitManifest | None
    skipped: Counter[str] = field(default_factory=Counter)
    counts: dict[str, Any] = field(default_factory=dict)


def load_quarter_gray(path: Path) -> np.ndarray:
    """Image file -> gray uint8 at quarter scale ``(H // 4, W // 4)``."""
    with Image.open(path) as im:
        g = im.convert("L")
        w, h = g.size
        g = g.crop((0, 0, w - w % 4, h - h % 4)).reduce(4)
        return np.asarray(g)


def _reading_inputs(
    paths: Any, preset: str, skipped: Counter[str], workers: int = 1, radiologist_map: str | None = None
) -> list[ReadingInput]:
    """Read REFLACX (with radiologist identities when a map is given), run the gaze preprocessing and load
    each reading's quarter-scale image."""
    res = read_reflacx(
        require(paths, "reflacx"), radiologist_map=Path(radiologist_map) if radiologist_map else None
    )
    skipped.update({f"reflacx: {k}": v for k, v in res.skipped.items()})
    jpg = require(paths, "mimic_jpg")
    readings = []
    for r in res.records:
        if r.discarded:
            skipped["reflacx: discarded reading"] += 1
        elif not mimic_jpg_path(jpg, r.subject_id, r.study_id, r.dicom_id).is_file():
            skipped["reflacx: image file missing"] += 1
        else:
            readings.append(r)
    pre = preprocess_dataset(readings, preset, workers=workers, keep_empty=True)
    skipped.update({f"gaze: {k}": v for k, v in pre.skipped.items()})
    by_reading: dict[str, list[Any]] = defaultdict(list)
    for f in pre.records:
        by_reading[f.reading_id].append(f)
    out = []
    for r in readings:
        img = load_quarter_gray(mimic_jpg_path(jpg, r.subject_id, r.study_id, r.dicom_id))
        out.append(
            ReadingInput(r, img, tuple(sorted(by_reading[r.reading_id], key=lambda f: f.sentence_index)))
        )
    return out


def _cap(pools: dict[str, list[Sample]], n: int, seed: int) -> dict[str, list[Sample]]:
    if n <= 0:
        return pools
    rng = np.random.default_rng(seed)
    return {
        k: [v[i] for i in sorted(rng.permutation(len(v))[:n])] if len(v) > n else v for k, v in pools.items()
    }


def gaze_pools(cfg: TrainConfig, paths: Any) -> Pools:
    """REFLACX pools (fvp, gtm, sda, report) split as in the paper."""
    skipped: Counter[str] = Counter()
    inputs = _reading_inputs(
        paths,
        cfg.data.gaze_preset,
        skipped,
        workers=cfg.data.workers,
        radiologist_map=cfg.data.radiologist_map,
    )
    split = make_split(
        [ri.reading for ri in inputs], seed=cfg.data.split_seed, paper_test=cfg.data.test_phase3
    )
    test_ids = set(split.test)
    excluded = _excluded_readers(cfg, inputs)
    opts = SampleOptions(
        cfg.model.image_side, cfg.data.frame_side, cfg.data.max_frames, cfg.seed, cfg.data.coord_format
    )
    train: dict[str, list[Sample]] = {k: [] for k in ("fvp", "gtm", "sda", "report")}
    test: dict[str, list[Sample]] = {k: [] for k in train}
    for ri in inputs:
        dest = test if ri.reading.reading_id in test_ids else train
        if dest is train and ri.reading.radiologist in excluded:
            skipped[f"reflacx: train reading of excluded radiologist {ri.reading.radiologist}"] += 1
            continue
        for k, v in reading_samples(ri, opts, skipped).items():
            dest[k].extend(v)
    counts = {
        "readings": len(inputs),
        "train": {k: len(v) for k, v in train.items()},
        "test": {k: len(v) for k, v in test.items()},
    }
    return Pools(_cap(train, cfg.data.max_samples_per_objective, cfg.seed), test, split, skipped, counts)


def _img_sample(
    objective: str, sid: str, prompt: str, target: str, path: Path | None, side: int, skipped: Counter[str]
) -> Sample | None:
    if path is None or not Path(path).is_file():
        skipped[f"{objective}: image missing"] += 1
        return None
    return Sample(
        objective, objective, sid, prompt, target, image=model_image(load_quarter_gray(Path(path)), side)
    )


def _report_train_records(source: str, paths: Any, skipped: Counter[str]) -> list[Any]:
    """Train-split report records of MIMIC-CXR (R2Gen) or IU X-ray (R2Gen layout; Kaggle has no split)."""
    if source == "mimic":
        res = read_r2gen_annotation(require(paths, "mimic_r2gen"), "mimic-cxr", paths.mimic_r2gen_images)
    else:
        res = read_iu(require(paths, "iu"))
    recs = [r for r in res.records if r.split == "train"]
    if not recs and res.records:
        skipped[f"report ({source}): no train split in the data (e.g. the Kaggle IU layout)"] += len(
            res.records
        )
    return recs


def _report_pool(cfg: TrainConfig, paths: Any, side: int, cap: int, skipped: Counter[str]) -> list[Sample]:
    """Report-generation samples of the configured report source's train split (first image of a study)."""
    recs = _report_train_records(cfg.data.report_source, paths, skipped)[: cap or None]
    return [
        s
        for r in recs
        if (
            s := _img_sample(
                "report",
                r.sample_id,
                P.REPORT,
                r.report,
                r.image_paths[0] if r.image_paths else None,
                side,
                skipped,
            )
        )
    ]


def _vqa_pool(paths: Any, side: int, cap: int, skipped: Counter[str]) -> list[Sample]:
    """Medical-CXR-VQA train-split question/answer samples."""
    res = read_cxr_vqa(require(paths, "vqa"), jpg_root=paths.mimic_jpg)
    recs = [r for r in res.records if r.split == "train"][: cap or None]
    return [
        s
        for r in recs
        if (
            s := _img_sample(
                "vqa",
                r.sample_id,
                P.VQA.format(question=r.question),
                r.answer,
                r.image_path,
                side,
                skipped,
            )
        )
    ]


def _grounding_pool(paths: Any, side: int, cap: int, skipped: Counter[str]) -> list[Sample]:
    """MS-CXR phrase-grounding samples (train split or unsplit), boxes /4 -> quarter-scale targets."""
    res = read_ms_cxr(require(paths, "ms_cxr"), jpg_root=paths.mimic_jpg)
    recs = [r for r in res.records if r.split in ("train", None)][: cap or None]
    return [
        s
        for r in recs
        if (
            s := _img_sample(
                "grounding",
                r.sample_id,
                P.GROUNDING.format(phrase=r.label_text),
                P.grounding_target([(x / 4, y / 4, (x + w) / 4, (y + h) / 4) for x, y, w, h in r.boxes_xywh]),
                r.image_path,
                side,
                skipped,
            )
        )
    ]


def downstream_pools(
    cfg: TrainConfig, paths: Any, objectives: set[str]
) -> tuple[dict[str, list[Sample]], Counter[str]]:
    """Train-split pools of the downstream datasets named in ``objectives``.

    ``report`` (with ``data.report_source: mimic`` / ``iu``) reads the R2Gen ``mimic_cxr`` / ``iu_xray``
    annotation (train split; the first listed image of a study);
    ``vqa`` Medical-CXR-VQA; ``grounding`` MS-CXR (boxes /4 -> quarter-scale targets).
    """
    skipped: Counter[str] = Counter()
    side, cap = cfg.model.image_side, cfg.data.max_samples_per_objective
    pools: dict[str, list[Sample]] = {}
    if "report" in objectives and cfg.data.report_source in ("mimic", "iu"):
        pools["report"] = _report_pool(cfg, paths, side, cap, skipped)
    if "vqa" in objectives:
        pools["vqa"] = _vqa_pool(paths, side, cap, skipped)
    if "grounding" in objectives:
        pools["grounding"] = _grounding_pool(paths, side, cap, skipped)
    return pools, skipped


def build_pools(cfg: TrainConfig, root: str | Path) -> Pools:
    """All pools a config needs from ``root`` (gaze pools always: they give the split + eval set)."""
    paths = discover(Path(root))
    pools = gaze_pools(cfg, paths)
    extra, skipped = downstream_pools(cfg, paths, set(cfg.objectives.active()))
    return merge_pools(pools, extra, skipped)


def merge_pools(pools: Pools, extra: dict[str, list[Sample]], skipped: Counter[str]) -> Pools:
    """A copy of ``pools`` with the downstream train pools ``extra`` added (they replace ``report``)."""
    out = Pools(
        dict(pools.train),
        dict(pools.test),
        pools.split,
        Counter(pools.skipped),
        {**pools.counts, "train": dict(pools.counts.get("train", {}))},
    )
    out.train.update(extra)
    out.skipped.update(skipped)
    out.counts["train"].update({k: len(v) for k, v in extra.items()})
    return out


def _excluded_readers(cfg: TrainConfig, inputs: list[ReadingInput]) -> set[str]:
    """``data.exclude_radiologists`` as a set; every name must be a radiologist of the map (one clear error)."""
    names = {x.strip() for x in cfg.data.exclude_radiologists.split(",") if x.strip()}
    known = {ri.reading.radiologist for ri in inputs if ri.reading.radiologist}
    unknown = sorted(names - known)
    if unknown:
        raise UsageError(
            f"data.exclude_radiologists: {unknown[0]!r} reads no usable reading in "
            f"{cfg.data.radiologist_map} (radiologists: {', '.join(sorted(known)) or 'none'})"
        )
    return names
