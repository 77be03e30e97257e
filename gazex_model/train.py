"""Training loop on 🤗 accelerate: one code path for 1 CPU, 1 GPU or many GPUs.

Multi-GPU / DeepSpeed / FSDP come from an accelerate config file
(``accelerate launch --config_file configs/accelerate/<x>.yaml -m gazex_model.cli ...``);
this module only uses the :class:`accelerate.Accelerator` API. Numerics: fp32 on CPU,
bf16 (weights + autocast) on GPU unless the config says otherwise.

Every run writes into its output directory: ``resolved_config.yaml``, ``run_info.json``
(git commit + dirty flag, versions, device, data counts, timings), ``metrics.jsonl`` (one
line per optimiser step with the loss of each objective seen in that step),
``checkpoints/step_XXXXXX/`` (trainable weights only, optimiser, scheduler, RNG, sampler, step;
:mod:`gazex_model.checkpoint`), the
final ``adapter/`` (or ``model/``) + ``processor/`` and ``training_record.json`` (lineage
backbone -> stage 1 -> stage 2 and the budget; :mod:`gazex_model.lineage`).

Two-stage protocol (docs/training.md): stage 1 (``stage: 1``) trains gaze objectives from the
backbone; stage 2 (``stage: 2``) fine-tunes a stage-1 run (``model.init_from: <run dir>``) or
the bare backbone on one downstream task.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError
from gazex_bench.io import atomic_write_json, atomic_write_text, dumps_jsonl_line
from gazex_model.checkpoint import (
    latest_checkpoint,
    restore_checkpoint,
    save_checkpoint,
    trainable_only_load,
    trainable_only_save,
)
from gazex_model.collate import Sample, approx_length, encode_for_training
from gazex_model.config import TrainConfig, dump_config
from gazex_model.lineage import parent_lineage, pools_fingerprint, stage_entry, write_record
from gazex_model.modeling import apply_method, base_dir_for, load_start, prepare_base, save_trained
from gazex_model.runinfo import device_info, git_state, versions
from gazex_model.sampling import ObjectiveSampler

logger = logging.getLogger(__name__)


@dataclass
class TrainData:
    """Training pools and the text used to build a tiny tokenizer."""

    pools: dict[str, list[Sample]]
    """Objective -> train-split samples."""
    corpus: list[str]
    """Report / prompt / target text (tiny BPE training corpus)."""
    summary: dict[str, Any] = field(default_factory=dict)
    """Counts and skip reasons (copied into run_info.json)."""


@dataclass
class RunResult:
    """What :func:`train` returns."""

    run_dir: Path
    steps: int
    final_losses: dict[str, float]
    seconds: float
    step_seconds_median: float | None


def _mixed_precision(cfg: TrainConfig) -> str:
    import torch

    if cfg.mixed_precision != "auto":
        return cfg.mixed_precision
    return "bf16" if torch.cuda.is_available() and cfg.model.dtype in ("auto", "bfloat16") else "no"


def _filter_long(
    pools: dict[str, list[Sample]], proc: Any, max_length: int, skips: dict[str, int]
) -> dict[str, list[Sample]]:
    """Drop (and count) samples whose prompt+target exceed ``max_length`` tokens."""
    out: dict[str, list[Sample]] = {}
    for name, samples in pools.items():
        keep = [s for s in samples if max_length <= 0 or approx_length(proc, s) <= max_length]
        if len(keep) < len(samples):
            skips[f"{name}: longer than max_length"] = len(samples) - len(keep)
        out[name] = keep
    return out


def _write_start(cfg: TrainConfig, run_dir: Path, data: TrainData) -> None:
    atomic_write_text(run_dir / "resolved_config.yaml", dump_config(cfg))
    info = {"git": git_state(), "versions": versions(), "device": device_info(), "data": data.summary}
    atomic_write_json(run_dir / "run_info.json", info)


def _update_info(run_dir: Path, extra: dict[str, Any]) -> None:
    info = json.loads((run_dir / "run_info.json").read_text())
    info.update(extra)
    atomic_write_json(run_dir / "run_info.json", info)


def _optimizer(model: Any, cfg: TrainConfig, steps: int, processes: int) -> tuple[Any, Any]:
    """AdamW + schedule. accelerate's prepared scheduler advances ``processes`` times per optimiser step,
    so warm-up and total length are both counted in those units (warm-up = ``warmup_steps`` optimiser steps
    whatever the number of processes)."""
    import torch
    from transformers import get_scheduler

    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    name = {"cosine": "cosine", "linear": "linear", "constant": "constant_with_warmup"}[cfg.scheduler]
    sched = get_scheduler(
        name, opt, num_warmup_steps=cfg.warmup_steps * processes, num_training_steps=max(steps * processes, 1)
    )
    return opt, sched


def _one_step(
    acc: Any,
    model: Any,
    proc: Any,
    opt: Any,
    sched: Any,
    sampler: ObjectiveSampler,
    cfg: TrainConfig,
    step: int = 0,
) -> dict[str, list[float]]:
    """One optimiser step (``grad_accum`` micro-batches); returns objective -> losses."""
    losses: dict[str, list[float]] = defaultdict(list)
    model.train()
    for _ in range(cfg.grad_accum):
        name, batch = sampler.next(step)
        enc = encode_for_training(proc, batch).to(acc.device)
        with acc.accumulate(model), acc.autocast():
            loss = model(**enc).loss
            acc.backward(loss)
            if acc.sync_gradients and cfg.max_grad_norm > 0:
                acc.clip_grad_norm_(model.parameters(), cfg.max_grad_norm)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
        losses[name].append(float(loss.detach().float().item()))
    return losses


def _setup(cfg: TrainConfig, run_dir: Path, data: TrainData, resume: bool) -> tuple[Any, ...]:
    import torch
    from accelerate import Accelerator
    from accelerate.utils import set_seed

    if cfg.num_threads > 0:
        torch.set_num_threads(cfg.num_threads)
    acc = Accelerator(mixed_precision=_mixed_precision(cfg), gradient_accumulation_steps=cfg.grad_accum)
    _warn_lost_backend(acc)
    set_seed(cfg.seed)
    ckpt = latest_checkpoint(run_dir)
    if ckpt is not None and not resume:
        raise UsageError(f"{run_dir}: has checkpoints; pass --resume to continue or choose a new --out")
    if acc.is_main_process:  # build/save the tiny backbone once, then every process loads it
        prepare_base(cfg, run_dir, data.corpus)
    acc.wait_for_everyone()
    model, proc = load_start(cfg, run_dir, str(acc.device))
    model = apply_method(model, cfg)
    return acc, model, proc, ckpt


def _warn_lost_backend(acc: Any) -> None:
    """Say loudly when the accelerate config asked for FSDP / DeepSpeed but accelerate runs without it
    (e.g. ``num_processes: 1`` with an FSDP config falls back to a plain single-process run)."""
    import os

    for env, kind in (("ACCELERATE_USE_FSDP", "FSDP"), ("ACCELERATE_USE_DEEPSPEED", "DEEPSPEED")):
        if os.environ.get(env, "false").lower() in ("1", "true") and acc.distributed_type.value != kind:
            logger.warning(
                "accelerate config asks for %s but this run uses %s with %d process(es): %s is NOT active "
                "(FSDP/DeepSpeed need num_processes > 1 or an explicit single-GPU setup)",
                kind,
                acc.distributed_type.value,
                acc.num_processes,
                kind,
            )


def _configure_deepspeed(acc: Any, cfg: TrainConfig) -> None:
    """Fill DeepSpeed's ``auto`` micro-batch size (no dataloader is prepared, so accelerate cannot infer it and
    ``acc.prepare`` would fail) and check accumulation / clipping against the run config (one clear error on a
    mismatch; ``auto`` is left for accelerate to fill from the Accelerator)."""
    plugin = getattr(acc.state, "deepspeed_plugin", None)
    if acc.distributed_type.value != "DEEPSPEED" or plugin is None:
        return
    ds = plugin.deepspeed_config
    if ds.get("train_micro_batch_size_per_gpu", "auto") == "auto":
        ds["train_micro_batch_size_per_gpu"] = cfg.batch_size
    for key, want in (
        ("gradient_accumulation_steps", cfg.grad_accum),
        ("gradient_clipping", cfg.max_grad_norm),
    ):
        have = ds.get(key, "auto")
        if have != "auto" and float(have) != float(want):
            raise UsageError(
                f"accelerate DeepSpeed config: {key} = {have} but the run config says {want}; make them equal"
            )


def _materialise(
    acc: Any, model: Any, proc: Any, cfg: TrainConfig, run_dir: Path, data: TrainData, t0: float
) -> RunResult:
    """Save the untrained variant (``method: none`` / ``max_steps: 0``) with its run info and record."""
    if acc.is_main_process:
        save_trained(acc.unwrap_model(model), proc, cfg, run_dir)
        _update_info(run_dir, {"steps": 0, "seconds": time.perf_counter() - t0})
        _write_training_record(cfg, run_dir, data, {}, 0, acc.num_processes, time.perf_counter() - t0, False)
    return RunResult(run_dir, 0, {}, time.perf_counter() - t0, None)


def _save_final(
    acc: Any,
    model: Any,
    proc: Any,
    cfg: TrainConfig,
    run_dir: Path,
    data: TrainData,
    state: Any,
    pools: dict[str, list[Sample]],
    skips: dict[str, int],
    sampler: ObjectiveSampler,
    steps: int,
    times: list[float],
    t0: float,
    resumed: bool,
) -> None:
    """Main process after training: save the model, complete run_info.json, write training_record.json."""
    save_trained(acc.unwrap_model(model), proc, cfg, run_dir, state_dict=state)
    med = sorted(times)[len(times) // 2] if times else None
    _update_info(
        run_dir,
        {
            "steps": steps,
            "seconds": time.perf_counter() - t0,
            "step_seconds_median": med,
            "skipped": skips,
            "dropped_objectives": sampler.dropped,
            "samples_per_objective": {k: len(v) for k, v in pools.items()},
        },
    )
    active = {k: v for k, v in pools.items() if k in cfg.objectives.active()}
    _write_training_record(
        cfg, run_dir, data, active, steps, acc.num_processes, time.perf_counter() - t0, resumed
    )


def train(cfg: TrainConfig, run_dir: str | Path, data: TrainData, *, resume: bool = False) -> RunResult:
    """Train (or, with ``method: none`` / ``max_steps: 0``, just materialise) a GazeX variant.

    Args:
        cfg: Resolved configuration.
        run_dir: Output directory (created).
        data: Training pools + tokenizer corpus.
        resume: Continue from the latest checkpoint in ``run_dir``.

    Returns:
        Summary with the step count, last loss per objective, wall time and median step time.
    """
    t0 = time.perf_counter()
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    acc, model, proc, ckpt = _setup(cfg, run_dir, data, resume)
    if acc.is_main_process:
        _write_start(cfg, run_dir, data)
    steps = cfg.max_steps if cfg.method != "none" else 0
    if steps == 0:
        return _materialise(acc, model, proc, cfg, run_dir, data, t0)
    skips: dict[str, int] = {}
    pools = _filter_long(data.pools, proc, cfg.model.max_length, skips)
    sampler = ObjectiveSampler(
        pools,
        cfg.objectives.active(),
        cfg.batch_size,
        cfg.seed + acc.process_index,
        cfg.objective_start.steps(steps),
    )
    opt, sched = _optimizer(model, cfg, steps, acc.num_processes)
    _configure_deepspeed(acc, cfg)
    model, opt, sched = acc.prepare(model, opt, sched)
    acc.register_save_state_pre_hook(trainable_only_save)
    acc.register_load_state_pre_hook(trainable_only_load)
    start = restore_checkpoint(acc, ckpt, sampler) if ckpt is not None else 0
    final, times = _loop(acc, model, proc, opt, sched, sampler, cfg, run_dir, start, steps)
    acc.wait_for_everyone()
    state = (
        acc.get_state_dict(model) if acc.distributed_type.value in ("FSDP", "DEEPSPEED") else None
    )  # collective
    if acc.is_main_process:
        _save_final(
            acc,
            model,
            proc,
            cfg,
            run_dir,
            data,
            state,
            pools,
            skips,
            sampler,
            steps,
            times,
            t0,
            ckpt is not None,
        )
    med = sorted(times)[len(times) // 2] if times else None
    return RunResult(run_dir, steps, final, time.perf_counter() - t0, med)


def _write_training_record(
    cfg: TrainConfig,
    run_dir: Path,
    data: TrainData,
    pools: dict[str, list[Sample]],
    steps: int,
    processes: int,
    seconds: float,
    resumed: bool,
) -> None:
    """``training_record.json``: the starting model's lineage + this run's entry (:mod:`gazex_model.lineage`)."""
    lineage = parent_lineage(cfg, base_dir_for(cfg, run_dir))
    entry = stage_entry(
        cfg,
        run_dir,
        steps=steps,
        processes=processes,
        config_text=dump_config(cfg),
        pools_fp=pools_fingerprint(pools),
        data_summary=data.summary,
        seconds=seconds,
        resumed=resumed,
        git=git_state(),
    )
    write_record(run_dir, [*lineage, entry])


def _loop(
    acc: Any,
    model: Any,
    proc: Any,
    opt: Any,
    sched: Any,
    sampler: ObjectiveSampler,
    cfg: TrainConfig,
    run_dir: Path,
    start: int,
    steps: int,
) -> tuple[dict[str, float], list[float]]:
    """Run optimiser steps ``start..steps-1``; append metrics; checkpoint; return last losses + step times."""
    final: dict[str, float] = {}
    times: list[float] = []
    log_path = run_dir / "metrics.jsonl"
    for step in range(start, steps):
        ts = time.perf_counter()
        losses = _one_step(acc, model, proc, opt, sched, sampler, cfg, step)
        dt = time.perf_counter() - ts
        times.append(dt)
        means = {k: sum(v) / len(v) for k, v in losses.items()}
        final.update(means)
        if acc.is_main_process:
            rec = {
                "step": step + 1,
                "lr": float(sched.get_last_lr()[0]),
                "losses": means,
                "batches": {k: len(v) for k, v in losses.items()},
                "loss": sum(sum(v) for v in losses.values()) / cfg.grad_accum,
                "step_s": round(dt, 4),
            }
            with log_path.open("a", encoding="utf-8") as fh:
                fh.write(dumps_jsonl_line(rec))
            if (step + 1) % max(cfg.log_every, 1) == 0:
                logger.info("step %d/%d loss %.4f %s (%.3f s)", step + 1, steps, rec["loss"], means, dt)
        if cfg.save_every > 0 and (step + 1) % cfg.save_every == 0 and step + 1 < steps:
            save_checkpoint(acc, run_dir, step + 1, sampler, cfg.keep_checkpoints)
    save_checkpoint(acc, run_dir, steps, sampler, cfg.keep_checkpoints)
    return final, times
