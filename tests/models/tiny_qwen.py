"""Build a tiny random Qwen2-VL (~0.3 M params) with a byte-level BPE tokenizer, offline.

Saved with ``save_pretrained``: model, tokenizer (with the standard Qwen2-VL chat
template) and the PIL image processor — no processor class, so
``AutoProcessor`` returns only the tokenizer and the adapter's torchvision-free
fallback processor is exercised (stack.md §2.3).
"""

from __future__ import annotations

import json
from pathlib import Path

PRETOK = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
    r"""|\s*[\r\n]+|\s+(?!\S)|\s+"""
)
SPECIAL = [
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|vision_pad|>",
    "<|image_pad|>",
    "<|video_pad|>",
]
CORPUS = [
    "the heart size is normal . the lungs are clear . no pleural effusion or pneumothorax .",
    "there is a small left pleural effusion . mild cardiomegaly . yes no left right area",
    "answer the question about this chest x-ray with a short phrase . question : is there edema ?",
    "locate the region described by opacity . (120,340),(560,780) boxes coordinates 0 to 1000",
    "generate the findings section of the radiology report for this chest x-ray .",
] * 20


def build_tiny_qwen2vl(out: Path) -> Path:
    """Create the tiny model directory ``out`` and return it."""
    import torch
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import Qwen2Tokenizer, Qwen2VLConfig, Qwen2VLForConditionalGeneration
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

    from gazex_bench.models.hf_processor import QWEN2VL_CHAT_TEMPLATE

    torch.manual_seed(0)
    tk = Tokenizer(models.BPE())
    tk.normalizer = normalizers.NFC()
    tk.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(PRETOK), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tk.decoder = decoders.ByteLevel()
    tk.train_from_iterator(
        CORPUS, trainers.BpeTrainer(vocab_size=600, initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    )
    m = json.loads(tk.to_str())["model"]
    merges = [tuple(x) if isinstance(x, list) else tuple(x.split(" ")) for x in m["merges"]]
    tok = Qwen2Tokenizer(
        vocab=m["vocab"], merges=merges, unk_token=None, eos_token="<|im_end|>", pad_token="<|endoftext|>"
    )
    tok.add_special_tokens({"additional_special_tokens": SPECIAL})
    tok.chat_template = QWEN2VL_CHAT_TEMPLATE
    ids = tok.convert_tokens_to_ids
    hid, heads = 64, 4
    half = hid // heads // 2
    sec = [half - 2 * (half // 3), half // 3, half // 3]
    cfg = Qwen2VLConfig(
        text_config=dict(
            vocab_size=len(tok),
            hidden_size=hid,
            intermediate_size=128,
            num_hidden_layers=2,
            num_attention_heads=heads,
            num_key_value_heads=2,
            max_position_embeddings=4096,
            rope_parameters={"rope_type": "default", "rope_theta": 1e4, "mrope_section": sec},
            bos_token_id=ids("<|im_start|>"),
            eos_token_id=ids("<|im_end|>"),
            pad_token_id=ids("<|endoftext|>"),
        ),
        vision_config=dict(
            depth=1,
            embed_dim=32,
            hidden_size=hid,
            num_heads=2,
            mlp_ratio=2,
            patch_size=14,
            spatial_merge_size=2,
            temporal_patch_size=2,
        ),
        image_token_id=ids("<|image_pad|>"),
        video_token_id=ids("<|video_pad|>"),
        vision_start_token_id=ids("<|vision_start|>"),
        vision_end_token_id=ids("<|vision_end|>"),
    )
    model = Qwen2VLForConditionalGeneration(cfg)
    model.generation_config.eos_token_id = ids("<|im_end|>")
    model.generation_config.pad_token_id = ids("<|endoftext|>")
    ip = Qwen2VLImageProcessorPil(
        min_pixels=28 * 28, max_pixels=112 * 112, patch_size=14, merge_size=2, temporal_patch_size=2
    )
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    ip.save_pretrained(out)
    return out
