"""Training pools memoised on disk: cache keys, a data-root fingerprint and the tiny backbone's text corpus.

:func:`cached_pools` builds the pools of :mod:`gazex_model.sources` in parts (the gaze pools once,
each downstream pool once) and keeps each as ``pools-<sha1(key)>.pkl``; the key
(:func:`pools_cache_key`) holds the data root, a content fingerprint of its metadata files, the data
settings, the image side and the seed, so a regenerated phantom or a changed setting is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections import Counter
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from gazex_bench.data.discover import discover
from gazex_bench.io import atomic_write_bytes
from gazex_model.collate import Sample
from gazex_model.config import ObjectiveWeights, TrainConfig
from gazex_model.data import corpus_of
from gazex_model.sources import Pools, build_pools, downstream_pools, gaze_pools, merge_pools

DOWNSTREAM_OBJECTIVES: tuple[str, ...] = ("report", "vqa", "grounding")
"""Objectives whose pools :func:`downstream_pools` builds (the gaze pools never depend on the weights)."""


def data_fingerprint(root: str | Path) -> str:
    """Cheap content fingerprint of a data root: sha256 over the REFLACX metadata CSVs and R2Gen annotations.

    Hashes the bytes of ``<reflacx>/main_data/metadata_phase_{1,2,3}.csv``, ``mimic_cxr/annotation.json``
    and the IU annotation (wherever :func:`~gazex_bench.data.discover.discover` finds them; a missing
    file contributes its name only), so a phantom regenerated at the same path gets a new key.
    """
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


def pools_cache_key(cfg: TrainConfig, root: str | Path, objective: str | None = None) -> str:
    """JSON key of one cached part of :func:`cached_pools`: root, data fingerprint, data settings, image side, seed.

    ``objective=None`` keys the gaze pools (fvp, gtm, sda, reflacx report, split), which no objective
    weight changes, so every stage-1 variant shares one build; a downstream ``objective`` keys its
    train pool (with the report source for ``report``).
    """
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
    path = Path(cache_dir) / f"pools-{hashlib.sha1(key.encode()).hexdigest()[:16]}.pkl"
    if path in _MEMO:
        return _MEMO[path]
    if path.is_file():
        with path.open("rb") as fh:
            value = pickle.load(fh)
    else:
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
    return merge_pools(gaze, extra, skipped)


def backbone_corpus(cfg: TrainConfig, root: str | Path, cache_dir: str | Path | None) -> list[str]:
    """Text a tiny backbone's tokenizer is trained on: every pool of ``root``, whatever the config weights.

    Gaze pools (train + test) and the train pools of every downstream objective (MIMIC and IU
    reports, VQA, grounding) whose dataset the root holds, so every variant trained on one data
    root with one seed starts from the same tiny backbone (the bare backbone of the protocol).
    """
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
