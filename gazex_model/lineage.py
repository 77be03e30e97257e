"""Training record of a run: checkpoint lineage and budget (``training_record.json``).

Written by :func:`gazex_model.train.train` at the end of every run; the ``gazex`` adapter
hands it to the harness (``run.json`` → ``model.identity.training``), so a scored run says
how the checkpoint it scored was trained.

Record (``schema: 1``)::

    {"schema": 1, "run_dir": str, "lineage": [entry, ...]}

``lineage`` runs from the backbone to this run: ``[backbone, stage 1, stage 2]`` for a
fine-tuned GazeX, ``[backbone, stage 2]`` for the no-gaze baseline, ``[backbone, stage 1]``
for a gaze-pretrained (zero-shot on downstream tasks) model. The backbone entry is
``{"stage": 0, "kind": "backbone", "name", "path", "fingerprint"}``; a training entry is
``{"stage", "kind": "train", "name", "path", "seed", "method", "config_sha256", "config",
"objectives", "tasks", "budget", "seen", "data", "wall_seconds", "resumed", "git"}`` where

* ``tasks``: the gazex-bench tasks whose training data the stage used (FVP → ``reflacx-gaze``;
  reports → ``mimic-report`` / ``iu-report`` by ``data.report_source``; VQA → ``cxr-vqa``;
  grounding → ``ms-cxr-grounding``);
* ``budget``: what two fine-tunes must share to be compared (steps, batch, processes, lr
  schedule, objectives and weights, samples seen, training-data SHA-256);
* ``seen``: micro-batches and samples drawn per objective (summed over ``metrics.jsonl``,
  main process; every process draws its own batches, so multiply by ``processes`` for the total);
* ``data``: data root, its fingerprint and each training pool's size and SHA-256.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gazex_bench.io import atomic_write_json
from gazex_model.collate import Sample
from gazex_model.config import TrainConfig, config_to_dict

RECORD = "training_record.json"
SCHEMA = 1
CONTENT_HASH_LIMIT = 256 * 2**20
"""Backbone folders up to this many bytes are hashed by content; larger ones by file names and sizes."""

REPORT_TASKS: dict[str, tuple[str, ...]] = {"mimic": ("mimic-report",), "iu": ("iu-report",), "reflacx": ()}
"""``data.report_source`` -> the gazex-bench tasks a ``report`` objective trains for (REFLACX
transcriptions: no report task; the gaze fine-tune trains them for ``reflacx-gaze``'s trajectories and
setting 1, a task its FVP objective already names)."""


def trained_tasks(cfg: TrainConfig) -> list[str]:
    """The gazex-bench tasks whose training data the config's active objectives use."""
    active = cfg.objectives.active()
    out: list[str] = []
    if "fvp" in active:
        out.append("reflacx-gaze")
    if "report" in active:
        out += REPORT_TASKS[cfg.data.report_source]
    if "vqa" in active:
        out.append("cxr-vqa")
    if "grounding" in active:
        out.append("ms-cxr-grounding")
    return out


def dir_fingerprint(path: Path) -> dict[str, Any]:
    """SHA-256 of a folder: relative names + contents (names + sizes above :data:`CONTENT_HASH_LIMIT`)."""
    files = sorted(p for p in Path(path).rglob("*") if p.is_file())
    total = sum(p.stat().st_size for p in files)
    by_content = total <= CONTENT_HASH_LIMIT
    h = hashlib.sha256()
    for p in files:
        h.update(str(p.relative_to(path)).encode() + b"\0")
        h.update(p.read_bytes() if by_content else str(p.stat().st_size).encode())
        h.update(b"\0")
    return {"sha256": h.hexdigest(), "method": "content" if by_content else "names+sizes", "bytes": total}


def pools_fingerprint(pools: Mapping[str, Sequence[Sample]]) -> dict[str, dict[str, Any]]:
    """Objective -> ``{"n", "sha256"}`` over each sample's id, prompt and target (in pool order)."""
    out = {}
    for name, samples in sorted(pools.items()):
        h = hashlib.sha256()
        for s in samples:
            h.update("\0".join((s.sample_id, s.prompt, s.target)).encode() + b"\1")
        out[name] = {"n": len(samples), "sha256": h.hexdigest()}
    return out


def read_record(run_dir: str | Path) -> dict[str, Any] | None:
    """The training record of a run directory, or None when it has none (runs before the record existed)."""
    path = Path(run_dir) / RECORD
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def parent_lineage(cfg: TrainConfig, base_dir: Path) -> list[dict[str, Any]]:
    """Lineage up to (excluding) this run: ``init_from``'s lineage, else the backbone entry."""
    if cfg.model.init_from:
        parent = read_record(cfg.model.init_from)
        if parent is not None:
            return list(parent["lineage"])
        return [
            {
                "stage": None,
                "kind": "unrecorded",
                "path": str(Path(cfg.model.init_from).resolve()),
                "note": f"{cfg.model.init_from} has no {RECORD}",
            }
        ]
    name = cfg.model.backbone if cfg.model.backbone != "tiny" else "tiny (built from the data's text, seeded)"
    return [
        {
            "stage": 0,
            "kind": "backbone",
            "name": name,
            "path": str(Path(base_dir).resolve()),
            "fingerprint": dir_fingerprint(base_dir),
        }
    ]


def seen_from_metrics(metrics_path: Path, batch_size: int) -> dict[str, dict[str, int]]:
    """Micro-batches and samples per objective from ``metrics.jsonl`` (last line per step wins: resume-safe)."""
    by_step: dict[int, dict[str, int]] = {}
    if metrics_path.is_file():
        for line in metrics_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                by_step[int(rec["step"])] = {k: int(v) for k, v in (rec.get("batches") or {}).items()}
    batches: dict[str, int] = {}
    for counts in by_step.values():
        for k, v in counts.items():
            batches[k] = batches.get(k, 0) + v
    return {
        "micro_batches": dict(sorted(batches.items())),
        "samples": {k: v * batch_size for k, v in sorted(batches.items())},
    }


def budget(
    cfg: TrainConfig,
    steps: int,
    processes: int,
    seen: Mapping[str, Mapping[str, int]],
    pools_fp: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """The budget two fine-tunes must share to be compared (see module doc)."""
    active = cfg.objectives.active()
    data = hashlib.sha256(
        json.dumps({k: pools_fp[k]["sha256"] for k in active if k in pools_fp}, sort_keys=True).encode()
    ).hexdigest()
    return {
        "steps": steps,
        "batch_size": cfg.batch_size,
        "grad_accum": cfg.grad_accum,
        "processes": processes,
        "samples_seen": sum(seen["samples"].values()) * processes,
        "method": cfg.method,
        "lora_r": cfg.lora.r if cfg.method == "lora" else None,
        "lr": cfg.lr,
        "scheduler": cfg.scheduler,
        "warmup_steps": cfg.warmup_steps,
        "weight_decay": cfg.weight_decay,
        "objectives": active,
        "training_data_sha256": data,
    }


def stage_entry(
    cfg: TrainConfig,
    run_dir: Path,
    *,
    steps: int,
    processes: int,
    config_text: str,
    pools_fp: Mapping[str, Mapping[str, Any]],
    data_summary: Mapping[str, Any],
    seconds: float,
    resumed: bool,
    git: Mapping[str, Any],
) -> dict[str, Any]:
    """The lineage entry of the run in ``run_dir`` (see module doc)."""
    seen = seen_from_metrics(run_dir / "metrics.jsonl", cfg.batch_size)
    return {
        "stage": cfg.stage,
        "kind": "train" if steps > 0 else "materialise",
        "name": cfg.name,
        "path": str(Path(run_dir).resolve()),
        "seed": cfg.seed,
        "method": cfg.method,
        "config_sha256": hashlib.sha256(config_text.encode()).hexdigest(),
        "config": config_to_dict(cfg),
        "objectives": cfg.objectives.active(),
        "tasks": trained_tasks(cfg) if steps > 0 else [],
        "budget": budget(cfg, steps, processes, seen, pools_fp),
        "seen": seen,
        "data": {
            "root": data_summary.get("root"),
            "fingerprint": data_summary.get("fingerprint"),
            "pools": dict(pools_fp),
        },
        "wall_seconds": round(seconds, 3),
        "resumed": resumed,
        "git": dict(git),
    }


def write_record(run_dir: Path, lineage: list[dict[str, Any]]) -> Path:
    """Write ``training_record.json`` atomically."""
    return atomic_write_json(
        Path(run_dir) / RECORD,
        {"schema": SCHEMA, "run_dir": str(Path(run_dir).resolve()), "lineage": lineage},
    )


def model_fingerprint(run_dir: str | Path) -> dict[str, Any]:
    """Content fingerprint of a run's trained model (its run-id key in the harness).

    SHA-256 over the resolved config, the trained weights folder (``adapter/`` or ``model/``;
    none for ``method: none``) and the start: ``init_from``'s fingerprint (recursive) or the
    backbone fingerprint recorded at training (not re-hashed). Identical runs (same recipe,
    same bytes) get identical fingerprints wherever their folders live.
    """
    run_dir = Path(run_dir)
    from gazex_model.modeling import read_run_config

    cfg = read_run_config(run_dir)
    h = hashlib.sha256((run_dir / "resolved_config.yaml").read_bytes())
    for sub in ("adapter", "model"):
        if (run_dir / sub).is_dir():
            h.update(sub.encode() + dir_fingerprint(run_dir / sub)["sha256"].encode())
    if cfg.model.init_from:
        h.update(b"init_from" + model_fingerprint(cfg.model.init_from)["sha256"].encode())
    else:
        rec = read_record(run_dir)
        first = rec["lineage"][0] if rec else {}
        base = (first.get("fingerprint") or {}).get("sha256") if first.get("kind") == "backbone" else None
        h.update(b"backbone" + (base or str(cfg.model.backbone)).encode())
    return {"sha256": h.hexdigest()}
