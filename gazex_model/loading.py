"""Load a Qwen2-VL backbone + processor from a local directory (tiny or a real 2B checkpoint).

One loader for both scales. The processor is the stock one (``AutoProcessor``) when the
directory holds a stock ``Qwen2VLProcessor`` config *and* torchvision is importable;
otherwise :class:`~gazex_model.processor.XrayQwen2VLProcessor` built from the same files
(tokenizer + image processor + chat template), which gives identical tensors.
"""

from __future__ import annotations

import importlib.util
import json
import logging
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError

logger = logging.getLogger(__name__)


def resolve_dtype(name: str, device_type: str) -> Any:
    """Map ``auto|float32|bfloat16|float16`` to a torch dtype (auto: fp32 on CPU, bf16 on GPU)."""
    import torch

    if name == "auto":
        return torch.bfloat16 if device_type == "cuda" else torch.float32
    table = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
    if name not in table:
        raise UsageError(f"unknown dtype {name!r} (use auto, float32, bfloat16 or float16)")
    return table[name]


def _has_torchvision() -> bool:
    if importlib.util.find_spec("torchvision") is None:
        return False
    try:
        import torchvision  # noqa: F401
    except Exception:  # broken builds raise on import (torch 2.13 CPU + torchvision 0.28)
        return False
    return True


def _stock_processor_config(path: Path) -> bool:
    """True when the directory's processor files name the stock ``Qwen2VLProcessor``."""
    for name in ("processor_config.json", "preprocessor_config.json"):
        cfg = path / name
        if cfg.is_file():
            try:
                cls = json.loads(cfg.read_text()).get("processor_class")
            except ValueError:
                continue
            if cls is not None:
                return cls == "Qwen2VLProcessor"
    return False


def load_processor(path: str | Path) -> Any:
    """Load the processor saved in ``path`` (stock when possible, else the numpy-video one)."""
    from gazex_model.processor import XrayQwen2VLProcessor

    path = Path(path)
    if _stock_processor_config(path) and _has_torchvision():
        from transformers import AutoProcessor

        proc = AutoProcessor.from_pretrained(path)
        if hasattr(proc, "video_processor"):
            return proc
    try:
        return XrayQwen2VLProcessor.from_pretrained(path)
    except Exception:  # stock dir without our class entry: build from parts
        from transformers import AutoImageProcessor, AutoTokenizer

        from gazex_model.processor import QWEN2VL_CHAT_TEMPLATE

        tok = AutoTokenizer.from_pretrained(path)
        ip = AutoImageProcessor.from_pretrained(path)
        template = getattr(tok, "chat_template", None) or QWEN2VL_CHAT_TEMPLATE
        return XrayQwen2VLProcessor(image_processor=ip, tokenizer=tok, chat_template=template)


def load_backbone(
    path: str | Path, *, dtype: Any = None, attn_implementation: str = "sdpa"
) -> tuple[Any, Any]:
    """Load ``(model, processor)`` from a local directory (``HF_HUB_OFFLINE`` safe).

    Args:
        path: Directory with ``config.json`` + weights + processor files.
        dtype: torch dtype (None = float32).
        attn_implementation: ``sdpa`` (default), ``eager`` (needed for attention maps)
            or ``flash_attention_2`` on GPUs that have it.

    Raises:
        UsageError: ``path`` is not a directory with a ``config.json``.
    """
    import torch
    from transformers import AutoModelForImageTextToText

    path = Path(path)
    if not (path / "config.json").is_file():
        raise UsageError(f"{path}: not a model directory (no config.json); pass a local checkpoint dir")
    model = AutoModelForImageTextToText.from_pretrained(
        path, dtype=dtype or torch.float32, attn_implementation=attn_implementation
    )
    processor = load_processor(path)
    tok = processor.tokenizer
    if model.generation_config.pad_token_id is None:
        model.generation_config.pad_token_id = tok.pad_token_id
    logger.info("loaded %s from %s", type(model).__name__, path)
    return model, processor
