"""Backbone preparation for a run: build/load, then LoRA / full fine-tune / frozen.

Run directory layout (written by :mod:`gazex_model.train`):

* ``base_model/`` — the tiny backbone as initialised (tiny runs only; real checkpoints are
  referenced by path in ``resolved_config.yaml``),
* ``adapter/`` — the LoRA adapter (``method: lora``) or ``model/`` (``method: full``),
* ``processor/`` — the processor used in training.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError
from gazex_model.config import TrainConfig
from gazex_model.loading import load_backbone, resolve_dtype

logger = logging.getLogger(__name__)


_KNOWN_PEFT_WARNINGS: tuple[tuple[str, type[Warning]], ...] = (
    # peft 0.21's PeftModel.__init__ reads model.is_gradient_checkpointing, deprecated by transformers 5 in favour
    # of is_activation_checkpointing: a FutureWarning on every LoRA run and model load; the fix belongs in peft.
    (r"`is_gradient_checkpointing` is deprecated", FutureWarning),
    # tiny-downstream.yaml trains lm_head in full (lora.modules_to_save, docs/training.md), deliberately untying
    # it from the frozen input embeddings of the tiny backbone; peft says so on every wrap and every merge.
    (r"Model has `tie_word_embeddings=True` and a tied layer is part of the adapter", UserWarning),
    (r"Input and output embeddings are no longer tied after merging", UserWarning),
)
"""Library warnings that :func:`_peft_wrapping` silences, each by message and category."""


@contextlib.contextmanager
def _peft_wrapping() -> Iterator[None]:
    """Silence the known, expected peft warnings (:data:`_KNOWN_PEFT_WARNINGS`) inside this block only."""
    with warnings.catch_warnings():
        for message, category in _KNOWN_PEFT_WARNINGS:
            warnings.filterwarnings("ignore", message=message, category=category)
        yield


def tiny_shape(cfg: TrainConfig) -> Any:
    """:class:`~gazex_model.tiny.TinyShape` from the config's tiny + image settings."""
    from gazex_model.tiny import TinyShape

    return TinyShape(
        **dataclasses.asdict(cfg.model.tiny),
        image_side=cfg.model.image_side,
        min_image_side=cfg.model.min_image_side,
    )


def base_dir_for(cfg: TrainConfig, run_dir: Path) -> Path:
    """Directory of the base backbone: ``run_dir/base_model`` for tiny, else the checkpoint path."""
    return run_dir / "base_model" if cfg.model.backbone == "tiny" else Path(cfg.model.backbone)


def read_run_config(run_dir: str | Path) -> TrainConfig:
    """The resolved config of a finished run directory."""
    from gazex_model.config import load_config

    path = Path(run_dir) / "resolved_config.yaml"
    if not path.is_file():
        raise UsageError(f"{run_dir}: not a run directory (no resolved_config.yaml)")
    return load_config(path)


def prepare_base(cfg: TrainConfig, run_dir: Path, corpus: Sequence[str]) -> Path:
    """Make sure the starting backbone exists on disk; build + save the tiny one if needed."""
    if cfg.model.init_from:
        read_run_config(cfg.model.init_from)
        return Path(cfg.model.init_from)
    base = base_dir_for(cfg, run_dir)
    if (base / "config.json").is_file():
        return base
    if cfg.model.backbone != "tiny":
        raise UsageError(
            f"model.backbone {cfg.model.backbone!r}: no config.json there (need a local checkpoint dir)"
        )
    from gazex_model.tiny import build_tiny_backbone, save_backbone

    model, proc = build_tiny_backbone(corpus, tiny_shape(cfg), seed=cfg.seed)
    save_backbone(model, proc, base)
    return base


def _apply_caps(proc: Any, cfg: TrainConfig) -> Any:
    """Set the processor's pixel-area limits from the config (images and video frames)."""
    from gazex_model.processor import NumpyVideoProcessor

    lo, hi = cfg.model.min_image_side**2, cfg.model.image_side**2
    proc.image_processor.size = {"shortest_edge": lo, "longest_edge": hi}
    if isinstance(proc.video_processor, NumpyVideoProcessor):
        proc.video_processor.min_pixels, proc.video_processor.max_pixels = lo, hi
    return proc


def load_for_run(cfg: TrainConfig, base: Path, device_type: str) -> tuple[Any, Any]:
    """Load a backbone directory in the run's dtype with the run's image-size caps."""
    model, proc = load_backbone(
        base, dtype=_run_dtype(cfg, device_type), attn_implementation=cfg.model.attn_implementation
    )
    return model, _apply_caps(proc, cfg)


def load_start(cfg: TrainConfig, run_dir: Path, device: str) -> tuple[Any, Any]:
    """The model a run starts from: its base backbone, or ``init_from``'s trained model (merged).

    Args:
        cfg: The run's config.
        run_dir: The run directory.
        device: Where the run trains (``"cpu"``, ``"cuda"``, ``"cuda:3"``; a bare device type is accepted).
            A stage-1 adapter is merged there, in the dtype this run's config gives on that device (bf16 on
            GPU by default), not on the CPU in fp32.
    """
    device_type = device.split(":")[0]
    if cfg.model.init_from:
        init = Path(cfg.model.init_from)
        model, proc = load_trained(init, read_run_config(init), device=device, merge=True)
        model.to(dtype=_run_dtype(cfg, device_type))
        return model, _apply_caps(proc, cfg)
    return load_for_run(cfg, base_dir_for(cfg, run_dir), device_type)


def _run_dtype(cfg: TrainConfig, device_type: str) -> Any:
    # full fine-tuning keeps fp32 master weights (bf16 autocast on GPU); LoRA/inference load bf16 on GPU
    return resolve_dtype(
        "float32" if cfg.model.dtype == "auto" and cfg.method == "full" else cfg.model.dtype, device_type
    )


def apply_method(model: Any, cfg: TrainConfig) -> Any:
    """Wrap with LoRA (peft), unfreeze everything (full) or freeze (none)."""
    if cfg.method == "lora":
        from peft import LoraConfig, get_peft_model

        lcfg = LoraConfig(
            r=cfg.lora.r,
            lora_alpha=cfg.lora.alpha,
            lora_dropout=cfg.lora.dropout,
            target_modules=cfg.lora.target_modules,
            modules_to_save=list(cfg.lora.modules_to_save) or None,
            task_type="CAUSAL_LM",
        )
        with _peft_wrapping():
            model = get_peft_model(model, lcfg)
    else:
        for p in model.parameters():
            p.requires_grad_(cfg.method == "full")
    if cfg.model.gradient_checkpointing and cfg.method != "none":
        enable = getattr(model, "activation_checkpointing_enable", None)  # newer transformers name
        if enable is not None:
            enable(activation_checkpointing_kwargs={"use_reentrant": False})
        else:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        if hasattr(model, "enable_input_require_grads"):
            model.enable_input_require_grads()
    n_all = sum(p.numel() for p in model.parameters())
    n_train = sum(p.numel() for p in model.parameters() if p.requires_grad)
    logger.info("parameters: %.2f M total, %.3f M trainable (%s)", n_all / 1e6, n_train / 1e6, cfg.method)
    return model


def save_trained(
    model: Any, processor: Any, cfg: TrainConfig, run_dir: Path, state_dict: dict[str, Any] | None = None
) -> Path:
    """Save the adapter (lora) or full weights (full) and the processor; returns the weights dir.

    ``state_dict``: the full state gathered from every process (FSDP / DeepSpeed shards, by
    ``Accelerator.get_state_dict``); without it the unwrapped model's own tensors are saved, which
    under FSDP would be this process's shard only.
    """
    processor.save_pretrained(run_dir / "processor")
    extra = {} if state_dict is None else {"state_dict": state_dict}
    if cfg.method == "lora":
        out = run_dir / "adapter"
        model.save_pretrained(out, **extra)
    elif cfg.method == "full":
        out = run_dir / "model"
        model.save_pretrained(out, **extra)
        processor.save_pretrained(out)
    else:
        out = Path(cfg.model.init_from) if cfg.model.init_from else base_dir_for(cfg, run_dir)
    return out


def load_trained(
    run_dir: str | Path, cfg: TrainConfig, *, device: str = "cpu", merge: bool = False
) -> tuple[Any, Any]:
    """Load the trained model of a run directory (any method) for inference.

    Args:
        run_dir: Output directory of :func:`gazex_model.train.train`.
        cfg: Its resolved config.
        device: torch device string.
        merge: Merge LoRA weights into the base (faster inference, no peft wrapper).
    """
    run_dir = Path(run_dir)
    device_type = device.split(":")[0]
    if cfg.method == "full" and (run_dir / "model" / "config.json").is_file():
        model, proc = load_for_run(cfg, run_dir / "model", device_type)
    else:
        model, proc = load_start(cfg, run_dir, device)
        model.to(device)  # the adapter is attached and merged on the target device
        if cfg.method == "lora" and (run_dir / "adapter").is_dir():
            from peft import PeftModel

            with _peft_wrapping():
                model = PeftModel.from_pretrained(model, run_dir / "adapter")
                if merge:
                    model = model.merge_and_unload()
    model.to(device)
    model.eval()
    return model, proc
