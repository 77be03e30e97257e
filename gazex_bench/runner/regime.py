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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class RegimeCell:
    """What a table or leaderboard row shows about how its model was trained (one per row).

    ``regime``: ``fine-tuned`` | ``pretrained`` | ``trained`` | ``zero-shot`` (from the run's
    ``training`` block), ``none`` (an untrained reference adapter: oracle, random, ...),
    ``reference`` (a model-independent ceiling or null row), ``unknown`` (a model without a
    training record, e.g. a predictions file or an off-the-shelf checkpoint), ``published`` (a
    leaderboard row copied from a paper).
    ``stage`` / ``tasks`` / ``steps`` / ``samples_seen``: the deciding training stage (the last
    one on the task's data; for ``zero-shot`` the last stage trained on anything), its
    gazex-bench training tasks, optimiser steps and training samples seen (all processes).
    """

    regime: str
    stage: int | None = None
    tasks: tuple[str, ...] = ()
    steps: int | None = None
    samples_seen: int | None = None

    def text(self) -> str:
        """One cell: ``fine-tuned: stage 2 on cxr-vqa, 10 steps, 40 samples`` (see :func:`regime_cell`)."""
        if self.regime in _FIXED_TEXT:
            return _FIXED_TEXT[self.regime]
        where = f"stage {self.stage} on {', '.join(self.tasks) or 'no task'}"
        seen = f", {self.samples_seen} samples" if self.samples_seen is not None else ""
        budget = f"{where}, {self.steps} steps{seen}"
        if self.regime == "zero-shot":
            return (
                f"zero-shot (last trained: {budget})" if self.stage is not None else "zero-shot (untrained)"
            )
        return f"{self.regime}: {budget}"


_FIXED_TEXT = {
    "none": "none (untrained reference adapter)",
    "reference": "reference (ceiling/null row)",
    "unknown": "unknown (no training record)",
    "published": "as published (see source)",
}


def regime_cell(training: Mapping[str, Any] | None, kind: str) -> RegimeCell:
    """The row's :class:`RegimeCell` from run.json ``training`` (:func:`training_block`) and the row kind.

    ``kind``: ``reference`` rows are ``reference``; ``baseline`` rows (reference adapters)
    without a record are ``none``; any other row without a record is ``unknown``.
    """
    if kind == "reference":
        return RegimeCell("reference")
    if not isinstance(training, Mapping) or not training.get("regime"):
        return RegimeCell("none" if kind == "baseline" else "unknown")
    regime = str(training["regime"])
    trained = [
        e for e in training.get("lineage") or [] if isinstance(e, Mapping) and e.get("kind") == "train"
    ]
    if regime == "zero-shot":
        deciding = trained[-1] if trained else None
    else:
        deciding = next((e for e in reversed(trained) if e.get("stage") == training.get("stage")), None)
    if deciding is None:
        return RegimeCell(regime)
    seen = deciding.get("samples_seen")
    return RegimeCell(
        regime,
        stage=deciding.get("stage"),
        tasks=tuple(str(t) for t in deciding.get("tasks") or ()),
        steps=int(deciding.get("steps") or 0),
        samples_seen=int(seen) if isinstance(seen, (int, float)) and not isinstance(seen, bool) else None,
    )


def regime_record(cell: RegimeCell) -> dict[str, Any]:
    """A JSON object of the cell (leaderboard entries' ``training``)."""
    return {
        "regime": cell.regime,
        "stage": cell.stage,
        "tasks": list(cell.tasks),
        "steps": cell.steps,
        "samples_seen": cell.samples_seen,
    }


def regime_from_record(record: Any, kind: str) -> RegimeCell:
    """Inverse of :func:`regime_record`; without a record, the kind's default (see :func:`regime_cell`)."""
    if not isinstance(record, Mapping) or not record.get("regime"):
        return regime_cell(None, kind) if kind != "reported" else RegimeCell("published")
    return RegimeCell(
        str(record["regime"]),
        stage=record.get("stage"),
        tasks=tuple(str(t) for t in record.get("tasks") or ()),
        steps=record.get("steps"),
        samples_seen=record.get("samples_seen"),
    )
