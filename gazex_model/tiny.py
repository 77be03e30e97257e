"""Tiny Qwen2-VL factory: a few-M-parameter model + processor that train on CPU in minutes.

Everything is built locally (no hub access): a BPE tokenizer trained on the given corpus,
a random-init ``Qwen2VLForConditionalGeneration`` whose rotary ``mrope_section`` sums to
``head_dim / 2``, and :class:`~gazex_model.processor.XrayQwen2VLProcessor`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gazex_model.config import TinyModelSettings

logger = logging.getLogger(__name__)

PATCH = 14
MERGE = 2


@dataclass(frozen=True)
class TinyShape(TinyModelSettings):
    """Size of the tiny backbone (text decoder + vision tower): the config's
    :class:`~gazex_model.config.TinyModelSettings` (one set of defaults) plus the image sides.

    ``image_side`` (pixels) is the model-input side: images are resized so their area is at
    most ``image_side**2`` (multiple of 28 per side; 56 -> 4 merged tokens, 112 -> 16).
    """

    image_side: int = 84
    min_image_side: int = 56


def mrope_section(head_dim: int) -> list[int]:
    """Split ``head_dim / 2`` rotary frequencies into (temporal, height, width) sections.

    Qwen2-VL-2B uses ``[16, 24, 24]`` for head_dim 128; for a tiny head the same rule
    ``[half - 2*(half//3), half//3, half//3]`` keeps the sum equal to ``head_dim // 2``.
    """
    if head_dim % 2:
        raise ValueError(f"head_dim must be even, got {head_dim}")
    half = head_dim // 2
    return [half - 2 * (half // 3), half // 3, half // 3]


def build_processor(tokenizer: Any, image_side: int, min_image_side: int = 56) -> Any:
    """Wrap ``tokenizer`` with a PIL Qwen2-VL image processor capped at ``image_side**2`` pixels."""
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

    from gazex_model.processor import QWEN2VL_CHAT_TEMPLATE, XrayQwen2VLProcessor

    ip = Qwen2VLImageProcessorPil(
        min_pixels=min_image_side * min_image_side,
        max_pixels=image_side * image_side,
        patch_size=PATCH,
        merge_size=MERGE,
        temporal_patch_size=2,
    )
    return XrayQwen2VLProcessor(image_processor=ip, tokenizer=tokenizer, chat_template=QWEN2VL_CHAT_TEMPLATE)


def build_tiny_config(tokenizer: Any, shape: TinyShape) -> Any:
    """``Qwen2VLConfig`` for ``shape`` with the tokenizer's special-token ids."""
    from transformers import Qwen2VLConfig

    ids = tokenizer.convert_tokens_to_ids
    head_dim = shape.hidden_size // shape.num_attention_heads
    eos, pad = ids("<|im_end|>"), ids("<|endoftext|>")
    text = dict(
        vocab_size=len(tokenizer),
        hidden_size=shape.hidden_size,
        intermediate_size=shape.intermediate_size,
        num_hidden_layers=shape.num_hidden_layers,
        num_attention_heads=shape.num_attention_heads,
        num_key_value_heads=shape.num_key_value_heads,
        max_position_embeddings=4096,
        rope_parameters={
            "rope_type": "default",
            "rope_theta": 10000.0,
            "mrope_section": mrope_section(head_dim),
        },
        bos_token_id=pad,
        eos_token_id=eos,
        pad_token_id=pad,
        tie_word_embeddings=True,
    )
    vision = dict(
        depth=shape.vision_depth,
        embed_dim=shape.vision_embed_dim,
        hidden_size=shape.hidden_size,
        num_heads=shape.vision_num_heads,
        mlp_ratio=2,
        patch_size=PATCH,
        spatial_merge_size=MERGE,
        temporal_patch_size=2,
    )
    return Qwen2VLConfig(
        text_config=text,
        vision_config=vision,
        image_token_id=ids("<|image_pad|>"),
        video_token_id=ids("<|video_pad|>"),
        vision_start_token_id=ids("<|vision_start|>"),
        vision_end_token_id=ids("<|vision_end|>"),
        tie_word_embeddings=True,
    )


def build_tiny_backbone(corpus: Iterable[str], shape: TinyShape, seed: int = 0) -> tuple[Any, Any]:
    """Train the tokenizer on ``corpus`` and build a random-init tiny model + processor.

    Args:
        corpus: Text used to train the BPE (reports, prompts, targets).
        shape: Model size.
        seed: torch seed for the random initialisation (same seed -> same weights).

    Returns:
        ``(model, processor)``; model in fp32, eval mode.
    """
    import torch
    from transformers import Qwen2VLForConditionalGeneration

    from gazex_model.tokenizer import train_bpe_tokenizer

    tok = train_bpe_tokenizer(corpus, vocab_size=shape.vocab_size)
    proc = build_processor(tok, shape.image_side, shape.min_image_side)
    cfg = build_tiny_config(tok, shape)
    torch.manual_seed(seed)
    model = Qwen2VLForConditionalGeneration(cfg)
    model.generation_config.eos_token_id = cfg.text_config.eos_token_id
    model.generation_config.pad_token_id = cfg.text_config.pad_token_id
    model.generation_config.bos_token_id = cfg.text_config.bos_token_id
    model.eval()
    n = sum(p.numel() for p in model.parameters())
    logger.info("tiny Qwen2-VL built: %.2f M parameters, vocab %d", n / 1e6, len(tok))
    return model, proc


def save_backbone(model: Any, processor: Any, out_dir: str | Path) -> Path:
    """``save_pretrained`` model and processor into one directory (the loader's input)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    processor.save_pretrained(out)
    return out
