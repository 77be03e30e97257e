"""The training regime of a scored model, read from the training record its adapter declares.

An adapter may put a training record in its identity (``identity()["training"]``; the
``gazex`` adapter hands over ``gazex_model``'s ``training_record.json``): ``{"lineage": [entry,
...]}``, from the backbone (``stage`` 0) to the scored checkpoint. A training entry names the
gazex-bench ``tasks`` whose training data it used, its ``steps`` (in ``budget``) and its
``budget``. For a task, the regime is:

* ``fine-tuned``: the last entry that trained on the task's data is a stage-2 (downstream) entry;
* ``pretrained``: that entry is a stage-1 (gaze pretraining) entry, e.g. gaze alignment of a
  GazeX model whose FVP objective is the task;
* ``trained``: that entry is unstaged (stage 0);
* ``zero-shot``: no entry used the task's data (e.g. a gaze-pretrained model on reports, or
  IU setting 2 from the MIMIC fine-tune).

Adapters without a record (reference baselines, prediction files) have no regime (None).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

STAGE_NAMES = {1: "pretrained", 2: "fine-tuned"}


def _steps(entry: Mapping[str, Any]) -> int:
    return int((entry.get("budget") or {}).get("steps") or 0)


def training_block(identity: Mapping[str, Any] | None, task: str) -> dict[str, Any] | None:
    """run.json ``training``: regime for ``task``, a label, the deciding budget and a compact lineage.

    Returns:
        ``{"regime", "label", "stage", "steps", "budget", "lineage"}`` or None without a record.
    """
    record = (identity or {}).get("training")
    if not isinstance(record, Mapping) or not isinstance(record.get("lineage"), list):
        return None
    lineage = [e for e in record["lineage"] if isinstance(e, Mapping)]
    trained = [e for e in lineage if e.get("kind") == "train"]
    on_task = [e for e in trained if task in (e.get("tasks") or [])]
    compact = [
        {
            "stage": e.get("stage"),
            "kind": e.get("kind"),
            "name": e.get("name"),
            "steps": _steps(e),
            "tasks": list(e.get("tasks") or []),
            "objectives": dict(e.get("objectives") or {}),
            "samples_seen": (e.get("budget") or {}).get("samples_seen"),
            "wall_seconds": e.get("wall_seconds"),
            "seed": e.get("seed"),
            "config_sha256": e.get("config_sha256"),
            "fingerprint": (e.get("fingerprint") or {}).get("sha256"),
        }
        for e in lineage
    ]
    total = sum(_steps(e) for e in trained)
    if not on_task:
        label = (
            f"zero-shot ({total} training steps, none on this task's data)"
            if trained
            else "zero-shot (untrained)"
        )
        return {
            "regime": "zero-shot",
            "label": label,
            "stage": None,
            "steps": 0,
            "budget": None,
            "lineage": compact,
        }
    last = on_task[-1]
    regime = STAGE_NAMES.get(last.get("stage"), "trained")
    label = f"{regime} (stage {last.get('stage')}, {_steps(last)} steps)"
    return {
        "regime": regime,
        "label": label,
        "stage": last.get("stage"),
        "steps": _steps(last),
        "budget": dict(last.get("budget") or {}),
        "lineage": compact,
    }


def budget_difference(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> list[str]:
    """Budget keys whose values differ between two fine-tuned runs' ``training`` blocks (empty: comparable).

    Only two ``fine-tuned`` runs are checked; any other pair returns an empty list.
    """
    if not a or not b or a.get("regime") != "fine-tuned" or b.get("regime") != "fine-tuned":
        return []
    ba, bb = a.get("budget") or {}, b.get("budget") or {}
    return [
        f"{k} {ba.get(k)!r} vs {bb.get(k)!r}" for k in sorted(set(ba) | set(bb)) if ba.get(k) != bb.get(k)
    ]
