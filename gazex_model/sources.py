"""Build training pools from a data root (real or phantom) through gazex_bench's readers.

REFLACX readings go through :func:`gazex_bench.gaze.preprocess.preprocess_reading` (the
suite's gaze pipeline) and are split with :func:`gazex_model.split.make_split`. Downstream
pools (MIMIC R2Gen reports, Medical-CXR-VQA, MS-CXR) come from their train splits.
Images are read once, converted to gray and downscaled by 4 (PIL ``reduce``, box filter —
GazeX uses OpenCV ``INTER_AREA``, the same area average for integer factors).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from gazex_bench.errors import UsageError
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
    from collections import defaultdict

    from gazex_bench.data.discover import require
    from gazex_bench.data.mimic import mimic_jpg_path
    from gazex_bench.data.reflacx import read_reflacx
    from gazex_bench.gaze.preprocess import preprocess_dataset

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
    from gazex_bench.data.discover import require

    if source == "mimic":
        from gazex_bench.data.mimic import read_r2gen_annotation

        res = read_r2gen_annotation(require(paths, "mimic_r2gen"), "mimic-cxr", paths.mimic_r2gen_images)
    else:
        from gazex_bench.data.iu_xray import read_iu

        res = read_iu(require(paths, "iu"))
    recs = [r for r in res.records if r.split == "train"]
    if not recs and res.records:
        skipped[f"report ({source}): no train split in the data (e.g. the Kaggle IU layout)"] += len(
            res.records
        )
    return recs


def downstream_pools(
    cfg: TrainConfig, paths: Any, objectives: set[str]
) -> tuple[dict[str, list[Sample]], Counter[str]]:
    """Train-split pools of the downstream datasets named in ``objectives``.

    ``report`` (with ``data.report_source: mimic`` / ``iu``) reads the R2Gen ``mimic_cxr`` / ``iu_xray``
    annotation (train split; the first listed image of a study);
    ``vqa`` Medical-CXR-VQA; ``grounding`` MS-CXR (boxes /4 -> quarter-scale targets).
    """
    from gazex_bench.data.discover import require

    skipped: Counter[str] = Counter()
    side, cap = cfg.model.image_side, cfg.data.max_samples_per_objective
    pools: dict[str, list[Sample]] = {}
    if "report" in objectives and cfg.data.report_source in ("mimic", "iu"):
        recs = _report_train_records(cfg.data.report_source, paths, skipped)[: cap or None]
        pools["report"] = [
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
    if "vqa" in objectives:
        from gazex_bench.data.cxr_vqa import read_cxr_vqa

        res = read_cxr_vqa(require(paths, "vqa"), jpg_root=paths.mimic_jpg)
        recs = [r for r in res.records if r.split == "train"][: cap or None]
        pools["vqa"] = [
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
    if "grounding" in objectives:
        from gazex_bench.data.ms_cxr import read_ms_cxr

        res = read_ms_cxr(require(paths, "ms_cxr"), jpg_root=paths.mimic_jpg)
        recs = [r for r in res.records if r.split in ("train", None)][: cap or None]
        pools["grounding"] = [
            s
            for r in recs
            if (
                s := _img_sample(
                    "grounding",
                    r.sample_id,
                    P.GROUNDING.format(phrase=r.label_text),
                    P.grounding_target(
                        [(x / 4, y / 4, (x + w) / 4, (y + h) / 4) for x, y, w, h in r.boxes_xywh]
                    ),
                    r.image_path,
                    side,
                    skipped,
                )
            )
        ]
    return pools, skipped


def build_pools(cfg: TrainConfig, root: str | Path) -> Pools:
    """All pools a config needs from ``root`` (gaze pools always: they give the split + eval set)."""
    from gazex_bench.data.discover import discover

    paths = discover(Path(root))
    pools = gaze_pools(cfg, paths)
    extra, skipped = downstream_pools(cfg, paths, set(cfg.objectives.active()))
    return _merge(pools, extra, skipped)


def _merge(pools: Pools, extra: dict[str, list[Sample]], skipped: Counter[str]) -> Pools:
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


DOWNSTREAM_OBJECTIVES: tuple[str, ...] = ("report", "vqa", "grounding")
"""Objectives whose pools :func:`downstream_pools` builds (the gaze pools never depend on the weights)."""


def data_fingerprint(root: str | Path) -> str:
    """Cheap content fingerprint of a data root: sha256 over the REFLACX metadata CSVs and R2Gen annotations.

    Hashes the bytes of ``<reflacx>/main_data/metadata_phase_{1,2,3}.csv``, ``mimic_cxr/annotation.json``
    and the IU annotation (wherever :func:`~gazex_bench.data.discover.discover` finds them; a missing
    file contributes its name only), so a phantom regenerated at the same path gets a new key.
    """
    import hashlib

    from gazex_bench.data.discover import discover

    paths = discover(Path(root))
    files: list[Path] = []
    if paths.reflacx is not None:
        files += [Path(paths.reflacx) / "main_data" / f"metadata_phase_{i}.csv" for i in (1, 2, 3)]
    if paths.mimic_r2gen is not None:
        files.append(Path(paths.mimic_r2gen))
    if paths.iu is not None and (Path(paths.iu) / "annotation.json").is_file():
        files.append(Path(paths.iu) / "annotation.json")
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode() + b"\0")
        if f.is_file():
            h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


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


def pools_cache_key(cfg: TrainConfig, root: str | Path, objective: str | None = None) -> str:
    """JSON key of one cached part of :func:`cached_pools`: root, data fingerprint, data settings, image side, seed.

    ``objective=None`` keys the gaze pools (fvp, gtm, sda, reflacx report, split), which no objective
    weight changes, so every stage-1 variant shares one build; a downstream ``objective`` keys its
    train pool (with the report source for ``report``).
    """
    import json
    from dataclasses import asdict

    data = asdict(cfg.data)
    if (
        data.get("coord_format") == "gazex"
    ):  # the default: keep keys of caches built before the option existed
        data.pop("coord_format")
    for k in ("report_source", "max_samples_per_objective", "workers"):
        data.pop(k, None)
    if not data.get("exclude_radiologists") and not data.get("radiologist_map"):  # defaults: keep older keys
        data.pop("exclude_radiologists", None)
        data.pop("radiologist_map", None)
    key = {
        "root": str(Path(root).resolve()),
        "fingerprint": data_fingerprint(root),
        "data": data,
        "side": cfg.model.image_side,
        "seed": cfg.seed,
        "v": 3,
    }
    if objective is not None:
        key = {
            **key,
            "objective": objective,
            "cap": cfg.data.max_samples_per_objective,
            "source": cfg.data.report_source if objective == "report" else None,
        }
    else:
        key["cap"] = cfg.data.max_samples_per_objective
    return json.dumps(key, sort_keys=True)


_MEMO: dict[str, Any] = {}
"""Pickles already loaded in this process (the protocol runner trains many variants in one process)."""


def _cached(cache_dir: Path, key: str, build: Any) -> Any:
    """``build()`` memoised as ``pools-<sha1(key)>.pkl`` under ``cache_dir`` (and in memory)."""
    import hashlib
    import pickle

    path = Path(cache_dir) / f"pools-{hashlib.sha1(key.encode()).hexdigest()[:16]}.pkl"
    if path in _MEMO:
        return _MEMO[path]
    if path.is_file():
        with path.open("rb") as fh:
            value = pickle.load(fh)
    else:
        from gazex_bench.io import atomic_write_bytes

        value = build()
        atomic_write_bytes(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    _MEMO[path] = value
    return value


def cached_pools(cfg: TrainConfig, root: str | Path, cache_dir: str | Path | None) -> Pools:
    """:func:`build_pools` memoised in parts: the gaze pools once, each downstream pool once.

    Pickles keyed by :func:`pools_cache_key`; delete the cache dir to rebuild. ``cache_dir=None`` disables it.
    """
    if cache_dir is None:
        return build_pools(cfg, root)
    from gazex_bench.data.discover import discover

    gaze = _cached(Path(cache_dir), pools_cache_key(cfg, root), lambda: gaze_pools(cfg, discover(Path(root))))
    extra: dict[str, list[Sample]] = {}
    skipped: Counter[str] = Counter()
    for obj in (k for k in DOWNSTREAM_OBJECTIVES if k in cfg.objectives.active()):
        if obj == "report" and cfg.data.report_source == "reflacx":
            continue  # the gaze pools' report pool
        part, sk = _cached(
            Path(cache_dir),
            pools_cache_key(cfg, root, obj),
            lambda o=obj: downstream_pools(cfg, discover(Path(root)), {o}),
        )
        extra.update(part)
        skipped.update(sk)
    return _merge(gaze, extra, skipped)


def backbone_corpus(cfg: TrainConfig, root: str | Path, cache_dir: str | Path | None) -> list[str]:
    """Text a tiny backbone's tokenizer is trained on: every pool of ``root``, whatever the config weights.

    Gaze pools (train + test) and the train pools of every downstream objective (MIMIC and IU
    reports, VQA, grounding) whose dataset the root holds, so every variant trained on one data
    root with one seed starts from the same tiny backbone (the bare backbone of the protocol).
    """
    from dataclasses import replace

    from gazex_bench.data.discover import discover
    from gazex_model.config import ObjectiveWeights
    from gazex_model.data import corpus_of

    paths = discover(Path(root))
    texts: set[str] = set()
    for source, objs in (("mimic", {"report": 1.0, "vqa": 1.0, "grounding": 1.0}), ("iu", {"report": 1.0})):
        objs = {k: v for k, v in objs.items() if _has_dataset(paths, k, source)}
        c = replace(
            cfg,
            objectives=ObjectiveWeights(**{"fvp": 1.0, "gtm": 1.0, "sda": 1.0, **objs}),
            data=replace(cfg.data, report_source=source),
        )
        pools = cached_pools(c, root, cache_dir)
        texts.update(corpus_of(pools.train), corpus_of(pools.test))
    return sorted(texts)


def _has_dataset(paths: Any, objective: str, source: str) -> bool:
    field_name = {"vqa": "vqa", "grounding": "ms_cxr"}.get(
        objective, "mimic_r2gen" if source == "mimic" else "iu"
    )
    return getattr(paths, field_name, None) is not None
