"""Project-trained byte-level BPE tokenizer wrapped in the real ``Qwen2Tokenizer``.

Used only by the tiny backbone (a real Qwen2-VL checkpoint ships its own tokenizer).
The pre-tokenizer is Qwen2's regex, so digits are split one per token (coordinates are
spelled digit by digit, as with the real Qwen2 tokenizer).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

QWEN2_PRETOKENIZE_REGEX = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
"""The Qwen2 pre-tokenizer split pattern (one digit per pre-token)."""

SPECIAL_TOKENS: tuple[str, ...] = (
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|vision_pad|>",
    "<|image_pad|>",
    "<|video_pad|>",
)
"""Qwen2-VL control tokens added as special tokens (``<|endoftext|>`` is the pad token)."""

BASE_CORPUS: tuple[str, ...] = (
    "You are a helpful assistant.",
    "visual clues : [(12,34)(56,78)(90,11),(1,2)(3,4)(5,6)] observation : [(0,0)(9,9)(4,4)]",
    "<seq>3214</seq><description>a,b</descriptions>",
    "yes no left side right side PA view AP view area",
)
"""Strings always mixed into the BPE corpus so the prompt/target syntax gets compact merges."""


def train_bpe_tokenizer(corpus: Iterable[str], vocab_size: int = 1000):  # -> Qwen2Tokenizer
    """Train a byte-level BPE on ``corpus`` and wrap it in a ``Qwen2Tokenizer``.

    Args:
        corpus: Training sentences (report text, prompts, targets).
        vocab_size: Upper bound on BPE merges + alphabet; small corpora stop earlier.

    Returns:
        A ``transformers.Qwen2Tokenizer`` with eos ``<|im_end|>``, pad ``<|endoftext|>``
        and the Qwen2-VL special tokens.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import Qwen2Tokenizer

    tk = Tokenizer(models.BPE())
    tk.normalizer = normalizers.NFC()
    tk.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(QWEN2_PRETOKENIZE_REGEX), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tk.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=["<|endoftext|>"],
        show_progress=False,
    )
    tk.train_from_iterator([*BASE_CORPUS, *corpus], trainer)
    model = json.loads(tk.to_str())["model"]
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in model["merges"]]
    tok = Qwen2Tokenizer(
        vocab=model["vocab"],
        merges=merges,
        unk_token=None,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
    )
    tok.add_special_tokens({"additional_special_tokens": list(SPECIAL_TOKENS)})
    return tok
