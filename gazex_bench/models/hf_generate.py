"""The transformers backend of ``hf-vlm``: option checks, model loading, batched left-padded generation.

Prompts are encoded by :func:`gazex_bench.models.hf_processor.encode` (the family's own
processor), so the ids given to ``generate`` are the ids the processor builds for the same
conversation. Families whose cached generation is wrong with left padding in transformers
5.24 (:data:`UNPADDED_FAMILIES`) are generated one request at a time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError
from gazex_bench.images import open_image
from gazex_bench.models.hf_processor import apply_pixel_bounds, check_chat_template, encode, load_processor
from gazex_bench.models.types import GenerationSettings, Request

log = logging.getLogger(__name__)

DTYPES = {
    "auto": "auto",
    "float32": "float32",
    "fp32": "float32",
    "bfloat16": "bfloat16",
    "bf16": "bfloat16",
    "float16": "float16",
    "fp16": "float16",
    "half": "float16",
}
UNPADDED_FAMILIES = frozenset({"mllama"})
"""Mllama: with left padding, cached generation fails on the cross-attention mask (transformers 5.24:
``The size of tensor a (25) must match the size of tensor b (35)``); one request per forward instead."""


def resolve_device(device: str) -> str:
    """``auto`` → ``cuda:$LOCAL_RANK`` when CUDA is available, else ``cpu``; others checked.

    Raises:
        UsageError: an unknown device, or ``cuda`` without a usable CUDA device.
    """
    import torch

    name = str(device).strip().lower()
    if name == "auto":
        return f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if torch.cuda.is_available() else "cpu"
    if name == "cpu":
        return name
    if name == "cuda" or name.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise UsageError(
                f"hf-vlm: device={device} but CUDA is not available on this machine (use device=cpu)"
            )
        index = name.partition(":")[2]
        if index and (not index.isdigit() or int(index) >= torch.cuda.device_count()):
            raise UsageError(f"hf-vlm: device={device}: only {torch.cuda.device_count()} CUDA device(s)")
        return name
    raise UsageError(f"hf-vlm: device must be auto, cpu, cuda or cuda:N, got '{device}'")


def resolve_dtype(dtype: str, device: str) -> str:
    """Canonical dtype name (``auto`` → float32 on cpu, bfloat16 on cuda).

    Raises:
        UsageError: an unknown dtype, or float16 on cpu.
    """
    name = DTYPES.get(str(dtype).strip().lower())
    if name is None:
        raise UsageError(f"hf-vlm: dtype must be one of {', '.join(DTYPES)}, got '{dtype}'")
    if name == "auto":
        return "float32" if device == "cpu" else "bfloat16"
    if name == "float16" and device == "cpu":
        raise UsageError("hf-vlm: dtype=float16 is not supported on cpu; use float32 (the cpu default)")
    return name


def load_images(paths: Sequence[Path]) -> list[Any]:
    """Open images as RGB PIL images (grey X-rays are replicated to 3 channels)."""
    return [open_image(p, "RGB") for p in paths]  # a decode error is one DataFormatError naming the file


class TransformersBackend:
    """Model + the checkpoint's processor; ``generate`` returns ``(text, prompt seen)`` per request."""

    def __init__(
        self,
        path: Path,
        *,
        model_type: str,
        device: str,
        dtype: str,
        pixels: tuple[int | None, int | None],
        system: str | None = None,
        chat_template: str | None = None,
    ) -> None:
        import torch
        from transformers import AutoModelForImageTextToText

        self.device_name, self.dtype, self.system = device, dtype, system
        self.processor = load_processor(path, model_type)
        if chat_template is not None:
            self.processor.chat_template = chat_template
        self.chat = check_chat_template(self.processor, path, model_type)
        self.processor_info = {
            "class": type(self.processor).__name__,
            "chat_template": self.chat,
            **apply_pixel_bounds(self.processor, *pixels),
        }
        self.one_by_one = model_type in UNPADDED_FAMILIES
        try:
            self.model = AutoModelForImageTextToText.from_pretrained(path, dtype=getattr(torch, dtype))
        except Exception as exc:  # noqa: BLE001 - any load failure (safetensors, config, OOM) is one line
            text = " ".join(str(exc).split())[:300]
            raise UsageError(
                f"hf-vlm: {path}: the model cannot be loaded ({type(exc).__name__}: {text})"
            ) from None
        self.model.to(self.device_name).eval()

    def encode(self, requests: Sequence[Request], prompts: Sequence[str]) -> Any:
        """The processor's batch encoding of ``prompts`` with each request's images (left padded)."""
        images = [load_images(r.image_paths) for r in requests]
        return encode(self.processor, images, prompts, chat=self.chat, system=self.system)

    def generate(
        self, requests: Sequence[Request], prompts: Sequence[str], settings: GenerationSettings
    ) -> list[tuple[str, str]]:
        """Decode the new tokens of each prompt (special tokens skipped), with the prompt the model saw."""
        if self.one_by_one and len(requests) > 1:
            return [self.generate([r], [p], settings)[0] for r, p in zip(requests, prompts)]
        import torch

        enc = self.encode(requests, prompts).to(self.device_name)
        if "pixel_values" in enc and enc["pixel_values"].is_floating_point():
            enc["pixel_values"] = enc["pixel_values"].to(getattr(torch, self.dtype))
        kwargs: dict[str, Any] = {"max_new_tokens": settings.max_new_tokens}
        if settings.temperature > 0:
            torch.manual_seed(settings.seed)
            kwargs.update(do_sample=True, temperature=settings.temperature, top_p=settings.top_p)
        else:
            kwargs.update(do_sample=False)
        with torch.inference_mode():
            out = self.model.generate(**enc, **kwargs)
        n = enc["input_ids"].shape[1]
        tok = self.processor.tokenizer
        texts = [t.strip() for t in tok.batch_decode(out[:, n:], skip_special_tokens=True)]
        seen = [tok.decode(ids[mask.bool()]) for ids, mask in zip(enc["input_ids"], enc["attention_mask"])]
        return list(zip(texts, seen))
