"""Turn prompt/target samples into Qwen2-VL model inputs (chat template + labels).

Training batches are right-padded with ``labels = input_ids`` masked to -100 on the prompt
and padding; generation batches are left-padded prompts. ``mm_token_type_ids`` is kept
(transformers 5 requires it with vision inputs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gazex_model.prompts import split_placeholders


@dataclass(frozen=True)
class Sample:
    """One training / inference example.

    Images are ``(H, W)`` or ``(H, W, 3)`` uint8 arrays; videos ``(T, H, W, 3)`` uint8.
    The prompt contains at most one ``<image>`` and one ``<video>`` placeholder.
    """

    objective: str
    """Objective group (fvp, gtm, sda, report, vqa, grounding)."""
    task: str
    """Fine-grained task name (e.g. gtm_video_report, sda_clip)."""
    sample_id: str
    prompt: str
    target: str
    image: np.ndarray | None = None
    video: np.ndarray | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def _rgb(img: np.ndarray) -> np.ndarray:
    return np.repeat(img[..., None], 3, axis=-1) if img.ndim == 2 else img


def _render(processor: Any, prompt: str) -> str:
    msgs = [{"role": "user", "content": split_placeholders(prompt)}]
    return processor.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)


def _vision(samples: list[Sample]) -> tuple[list[Any] | None, list[Any] | None]:
    images = [_rgb(s.image) for s in samples if s.image is not None]
    videos = [np.stack([_rgb(f) for f in s.video]) for s in samples if s.video is not None]
    return (images or None), (videos or None)


def encode_for_generation(processor: Any, samples: list[Sample]) -> Any:
    """Left-padded prompts (generation prompt appended) as a ``BatchFeature`` of tensors."""
    texts = [_render(processor, s.prompt) for s in samples]
    images, videos = _vision(samples)
    tok = processor.tokenizer
    old = tok.padding_side
    tok.padding_side = "left"
    try:
        return processor(text=texts, images=images, videos=videos, return_tensors="pt", padding=True)
    finally:
        tok.padding_side = old


def encode_for_training(processor: Any, samples: list[Sample], max_length: int = 0) -> Any:
    """Right-padded prompt+target+``<|im_end|>`` with labels on the target tokens only.

    Args:
        processor: The Qwen2-VL processor.
        samples: Batch items.
        max_length: If > 0, sequences longer than this raise ``ValueError`` (the caller
            filters samples beforehand and counts them).

    Returns:
        ``BatchFeature`` with input_ids, attention_mask, mm_token_type_ids, labels and the
        vision tensors.
    """
    import torch

    prompts = [_render(processor, s.prompt) for s in samples]
    eos = processor.tokenizer.eos_token or "<|im_end|>"
    texts = [p + s.target + eos for p, s in zip(prompts, samples)]
    images, videos = _vision(samples)
    tok = processor.tokenizer
    old = tok.padding_side
    tok.padding_side = "right"
    try:
        enc = processor(text=texts, images=images, videos=videos, return_tensors="pt", padding=True)
    finally:
        tok.padding_side = old
    labels = enc["input_ids"].clone()
    labels[enc["attention_mask"] == 0] = -100
    for i, s in enumerate(samples):
        n_target = len(tok(s.target + eos, add_special_tokens=False)["input_ids"])
        n_real = int(enc["attention_mask"][i].sum())
        labels[i, : n_real - n_target] = -100
    if max_length and enc["input_ids"].shape[1] > max_length:
        raise ValueError(f"sequence length {enc['input_ids'].shape[1]} > max_length {max_length}")
    enc["labels"] = labels
    assert isinstance(labels, torch.Tensor)
    return enc


def approx_length(processor: Any, sample: Sample) -> int:
    """Token count of a training sequence without running the vision processor.

    Text tokens of the rendered prompt + target + eos, plus ``(h/28)*(w/28)`` merged tokens
    per image and ``ceil(T/2)*(h/28)*(w/28)`` per video (exact when sides are multiples of
    28, which :mod:`gazex_model.data` guarantees; otherwise an estimate).
    """
    tok = processor.tokenizer
    n = len(
        tok(
            _render(processor, sample.prompt) + sample.target + (tok.eos_token or ""),
            add_special_tokens=False,
        )["input_ids"]
    )
    if sample.image is not None:
        h, w = sample.image.shape[:2]
        n += (h // 28) * (w // 28) - 1
    if sample.video is not None:
        t, h, w = sample.video.shape[:3]
        n += -(-t // 2) * (h // 28) * (w // 28) - 1
    return n
