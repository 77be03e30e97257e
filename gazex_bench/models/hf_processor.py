"""Processor loading for ``hf-vlm``, including a torchvision-free Qwen2-VL image path.

``AutoProcessor`` is used whenever it yields a real multimodal processor. It cannot for
Qwen2-VL / Qwen2.5-VL without torchvision (the stock processor requires a video
processor, which requires torchvision; stack.md §2.3), and for a directory without a
processor class it silently returns the bare tokenizer. In both cases
:class:`ImageOnlyQwen2VLProcessor` is built from ``AutoTokenizer`` +
``AutoImageProcessor`` (which picks the PIL backend when torchvision is missing):
images only, same token expansion and tensors as the stock processor.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError

log = logging.getLogger(__name__)

QWEN2VL_CHAT_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}"
    "{% for message in messages %}"
    "{% if loop.first and message['role'] != 'system' %}"
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n"
    "{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' or 'image' in content %}"
    "{% set image_count.value = image_count.value + 1 %}"
    "<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif content['type'] == 'video' or 'video' in content %}<|vision_start|><|video_pad|><|vision_end|>"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}"
    "{% endfor %}<|im_end|>\n{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
"""The standard Qwen2-VL chat template (used when a tokenizer ships none)."""

QWEN_FAMILY = ("qwen2_vl", "qwen2_5_vl")


def _qwen_image_only_class() -> type:
    from transformers import Qwen2VLProcessor
    from transformers.processing_utils import ProcessorMixin

    class ImageOnlyQwen2VLProcessor(Qwen2VLProcessor):  # type: ignore[misc]
        """Qwen2-VL processor with an image processor and a tokenizer only (no video)."""

        attributes = ["image_processor", "tokenizer"]

        def __init__(self, image_processor: Any = None, tokenizer: Any = None,
                     chat_template: str | None = None, **kwargs: Any) -> None:
            self.image_token = "<|image_pad|>"
            self.video_token = "<|video_pad|>"
            self.image_token_id = tokenizer.convert_tokens_to_ids(self.image_token)
            self.video_token_id = tokenizer.convert_tokens_to_ids(self.video_token)
            ProcessorMixin.__init__(self, image_processor, tokenizer, chat_template=chat_template)

    return ImageOnlyQwen2VLProcessor


def load_processor(path: Path, *, min_pixels: int, max_pixels: int) -> Any:
    """Load a processor for the model directory ``path``.

    Args:
        path: Local model directory.
        min_pixels: Lower bound on image area after resizing (Qwen family), pixels.
        max_pixels: Upper bound on image area after resizing (Qwen family), pixels.

    Raises:
        UsageError: no usable processor can be built.
    """
    from transformers import AutoConfig, AutoImageProcessor, AutoProcessor, AutoTokenizer

    model_type = getattr(AutoConfig.from_pretrained(path), "model_type", "")
    proc: Any = None
    if model_type not in QWEN_FAMILY:
        try:
            proc = AutoProcessor.from_pretrained(path)
        except (ImportError, ValueError, OSError, AttributeError) as exc:
            log.info("AutoProcessor failed for %s: %s", path, exc)
        if proc is not None and hasattr(proc, "image_processor") and hasattr(proc, "tokenizer"):
            return proc
        raise UsageError(f"{path}: no multimodal processor could be loaded (model type '{model_type}')")
    size = {"shortest_edge": int(min_pixels), "longest_edge": int(max_pixels)}
    image_processor = AutoImageProcessor.from_pretrained(path, size=size)
    tokenizer = AutoTokenizer.from_pretrained(path)
    template = getattr(tokenizer, "chat_template", None) or QWEN2VL_CHAT_TEMPLATE
    return _qwen_image_only_class()(image_processor=image_processor, tokenizer=tokenizer, chat_template=template)
