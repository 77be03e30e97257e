"""Training checkpoints on 🤗 accelerate: trainable weights only, written atomically, resumed exactly.

A checkpoint ``<run>/checkpoints/step_XXXXXX/`` holds the trainable tensors (LoRA adapter or full
weights, never the frozen base), optimiser, scheduler, every process's RNG and objective-sampler
state, and ``trainer_state.json`` (step + sampler); it is written to ``step_XXXXXX.tmp`` and renamed
once complete, so an interrupted save is never resumed from.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError
from gazex_bench.io import atomic_write_json
from gazex_model.sampling import ObjectiveSampler

logger = logging.getLogger(__name__)


def latest_checkpoint(run_dir: Path) -> Path | None:
    """Newest complete checkpoint (``step_XXXXXX`` with ``trainer_state.json``; ``.tmp`` dirs are partial)."""
    ckpts = sorted(
        d
        for d in (run_dir / "checkpoints").glob("step_*")
        if not d.name.endswith(".tmp") and (d / "trainer_state.json").is_file()
    )
    return ckpts[-1] if ckpts else None


def _trainable_names(model: Any) -> set[str]:
    return {n for n, p in model.named_parameters() if p.requires_grad}


def trainable_only_save(models: list[Any], weights: list[dict[str, Any]], output_dir: str) -> None:
    """accelerate save-state pre-hook: keep only trainable tensors (LoRA adapter / full weights), not the frozen base."""
    for i, (model, w) in enumerate(zip(models, weights)):
        keep = _trainable_names(model)
        weights[i] = {k: v for k, v in w.items() if k in keep}


def trainable_only_load(models: list[Any], input_dir: str) -> None:
    """accelerate load-state pre-hook: load the trainable tensors ourselves (exact key check), skip the default load."""
    from safetensors.torch import load_file

    for i, model in enumerate(models):
        path = Path(input_dir) / ("model.safetensors" if i == 0 else f"model_{i}.safetensors")
        state = load_file(str(path))
        want = _trainable_names(model)
        if set(state) != want:
            raise UsageError(
                f"{path}: checkpoint holds {len(state)} tensors, the model trains {len(want)} "
                f"(first difference: {sorted(set(state) ^ want)[:1]}); not this run's checkpoint"
            )
        try:
            model.load_state_dict(state, strict=False)
        except RuntimeError as exc:  # same names, other shapes (e.g. another LoRA rank)
            raise UsageError(
                f"{path}: checkpoint tensors do not fit this run's model ({str(exc).splitlines()[-1].strip()})"
            ) from None
    models.clear()  # nothing left for accelerate's full-model loader


def save_checkpoint(acc: Any, run_dir: Path, step: int, sampler: ObjectiveSampler, keep: int) -> None:
    """Trainable weights + optimiser + scheduler + RNG + sampler, written to ``step_X.tmp`` then renamed.

    Single device / DDP: the frozen base is dropped by :func:`trainable_only_save`; DeepSpeed:
    ``exclude_frozen_parameters``; FSDP: each rank writes its shard (accelerate's FSDP saver).
    Every process writes its RNG state; the main process renames after all have finished, so an
    interrupted save leaves only a ``.tmp`` directory that :func:`latest_checkpoint` ignores.
    """
    final = run_dir / "checkpoints" / f"step_{step:06d}"
    tmp = final.with_name(final.name + ".tmp")
    if acc.is_main_process:
        shutil.rmtree(tmp, ignore_errors=True)
    acc.wait_for_everyone()
    kwargs = {"exclude_frozen_parameters": True} if acc.distributed_type.value == "DEEPSPEED" else {}
    acc.save_state(str(tmp), **kwargs)
    atomic_write_json(
        tmp / f"sampler_{acc.process_index}.json", sampler.state()
    )  # each process draws its own batches
    acc.wait_for_everyone()
    if acc.is_main_process:
        atomic_write_json(tmp / "trainer_state.json", {"step": step, "sampler": sampler.state()})
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
        done = sorted(d for d in (run_dir / "checkpoints").glob("step_*") if not d.name.endswith(".tmp"))
        for old in done[:-keep] if keep > 0 else []:
            shutil.rmtree(old, ignore_errors=True)
    acc.wait_for_everyone()


def restore_checkpoint(acc: Any, ckpt: Path, sampler: ObjectiveSampler) -> int:
    """Load ``ckpt`` into the prepared objects and ``sampler`` (this process's own sampler state when saved);
    returns the step it was taken at."""
    acc.load_state(str(ckpt))
    state = json.loads((ckpt / "trainer_state.json").read_text())
    own = ckpt / f"sampler_{acc.process_index}.json"
    sampler.load_state(json.loads(own.read_text()) if own.is_file() else state["sampler"])
    logger.info("resumed from %s at step %d", ckpt, int(state["step"]))
    return int(state["step"])
