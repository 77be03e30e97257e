"""The transformers backend of ``hf-vlm``: batched, left-padded generation."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gazex_bench.models.hf_processor import load_processor
from gazex_bench.models.types import GenerationSettings, Request

log = logging.getLogger(__name__)


def load_images(paths: Sequence[Path]) -> list[Any]:
    """Open images as RGB PIL images (grey X-rays are replicated to 3 channels)."""
    from PIL import Image

    out = []
    for p in paths:
        with Image.open(p) as im:
            out.append(im.convert("RGB"))
    return out


class TransformersBackend:
    """Holds model + processor; ``generate`` returns one decoded text per prompt."""

    def __init__(self, path: Path, *, device: str, dtype: str, pixels: tuple[int, int]) -> None:
        import torch
        from transformers import AutoModelForImageTextToText

        from gazex_bench.models.hf_vlm import default_device

        self.device_name = default_device(device)
        torch_dtype = {"auto": None, "float32": torch.float32, "bfloat16": torch.bfloat16,
                       "float16": torch.float16}[dtype]
        if torch_dtype is None:
            torch_dtype = torch.float32 if self.device_name == "cpu" else torch.bfloat16
        self.processor = load_processor(path, min_pixels=pixels[0], max_pixels=pixels[1])
        self.processor.tokenizer.padding_side = "left"
        self.model = AutoModelForImageTextToText.from_pretrained(path, dtype=torch_dtype)
        self.model.to(self.device_name).eval()

    def _encode(self, requests: Sequence[Request], prompts: Sequence[str]) -> Any:
        texts, images = [], []
        for r, p in zip(requests, prompts):
            content = [{"type": "image"} for _ in r.image_paths] + [{"type": "text", "text": p}]
            msgs = [{"role": "user", "content": content}]
            texts.append(self.processor.apply_chat_template(msgs, add_generation_prompt=True, tokenize=False))
            images.append(load_images(r.image_paths))
        return self.processor(text=texts, images=images, padding=True, return_tensors="pt")

    def generate(self, requests: Sequence[Request], prompts: Sequence[str], settings: GenerationSettings) -> list[str]:
        """Decode the new tokens of each prompt (special tokens skipped)."""
        import torch

        enc = self._encode(requests, prompts).to(self.device_name)
        kwargs: dict[str, Any] = {"max_new_tokens": settings.max_new_tokens}
        if settings.temperature > 0:
            torch.manual_seed(settings.seed)
            kwargs.update(do_sample=True, temperature=settings.temperature, top_p=settings.top_p)
        else:
            kwargs.update(do_sample=False)
        with torch.inference_mode():
            out = self.model.generate(**enc, **kwargs)
        new = out[:, enc["input_ids"].shape[1]:]
        return [t.strip() for t in self.processor.tokenizer.batch_decode(new, skip_special_tokens=True)]
