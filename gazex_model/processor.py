"""Qwen2-VL processor that works without torchvision (numpy video patchifier).

The stock ``Qwen2VLProcessor`` needs ``Qwen2VLVideoProcessor``, which needs torchvision;
:class:`XrayQwen2VLProcessor` keeps the image processor + tokenizer and patchifies videos
with numpy in exactly the stock layout (``Qwen2VLVideoProcessor`` patchify order).
Videos are lists of frames (PIL images or ``(H, W[, 3])`` uint8 arrays, all one size).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image
from transformers import Qwen2VLProcessor
from transformers.feature_extraction_utils import BatchFeature
from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import smart_resize
from transformers.processing_utils import ProcessorMixin

CLIP_MEAN = np.array([0.48145466, 0.4578275, 0.40821073], np.float32)
CLIP_STD = np.array([0.26862954, 0.26130258, 0.27577711], np.float32)

QWEN2VL_CHAT_TEMPLATE = (
    "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}"
    "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}"
    "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n"
    "{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}"
    "{% set image_count.value = image_count.value + 1 %}"
    "{% if add_vision_id %}Picture {{ image_count.value }}: {% endif %}"
    "<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif content['type'] == 'video' or 'video' in content %}"
    "{% set video_count.value = video_count.value + 1 %}"
    "{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}"
    "<|vision_start|><|video_pad|><|vision_end|>"
    "{% elif 'text' in content %}{{ content['text'] }}{% endif %}{% endfor %}<|im_end|>\n"
    "{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
"""The standard Qwen2-VL chat template (default system prompt, vision placeholders)."""


def _frame_array(frame: Any, size: tuple[int, int]) -> np.ndarray:
    """One frame -> float32 ``(H, W, 3)`` in [0, 1], resized (bicubic) to ``size`` = (h, w)."""
    img = frame if isinstance(frame, Image.Image) else Image.fromarray(np.asarray(frame, np.uint8))
    img = img.convert("RGB")
    if img.size != (size[1], size[0]):
        img = img.resize((size[1], size[0]), Image.BICUBIC)
    return np.asarray(img, np.float32) / 255.0


def _frame_hw(frame: Any) -> tuple[int, int]:
    if isinstance(frame, Image.Image):
        return frame.size[1], frame.size[0]
    arr = np.asarray(frame)
    return int(arr.shape[0]), int(arr.shape[1])


class NumpyVideoProcessor:
    """Patchify videos like ``Qwen2VLVideoProcessor`` with numpy only.

    Args:
        image_processor: The Qwen2-VL image processor whose patch/merge/temporal sizes and
            pixel limits (``size`` shortest/longest edge, in pixels of area) are reused.
    """

    def __init__(self, image_processor: Any) -> None:
        self.patch_size = int(image_processor.patch_size)
        self.merge_size = int(image_processor.merge_size)
        self.temporal_patch_size = int(image_processor.temporal_patch_size)
        self.min_pixels = int(image_processor.size["shortest_edge"])
        self.max_pixels = int(image_processor.size["longest_edge"])

    def _one(self, video: Any) -> tuple[np.ndarray, list[int]]:
        p, m, tps = self.patch_size, self.merge_size, self.temporal_patch_size
        frames = list(video)
        h, w = _frame_hw(frames[0])
        rh, rw = smart_resize(h, w, p * m, self.min_pixels, self.max_pixels)
        x = np.stack([_frame_array(f, (rh, rw)) for f in frames])
        x = ((x - CLIP_MEAN) / CLIP_STD).transpose(0, 3, 1, 2)
        if pad := -x.shape[0] % tps:
            x = np.concatenate([x, np.repeat(x[-1:], pad, 0)])
        t, c, hh, ww = x.shape
        gt, gh, gw = t // tps, hh // p, ww // p
        x = x.reshape(gt, tps, c, gh // m, m, p, gw // m, m, p).transpose(0, 3, 6, 4, 7, 2, 1, 5, 8)
        return x.reshape(gt * gh * gw, c * tps * p * p), [gt, gh, gw]

    def __call__(self, videos: Any, return_tensors: str | None = None, **_: Any) -> BatchFeature:
        """Patchify a list of videos; returns ``pixel_values_videos`` and ``video_grid_thw``."""
        if isinstance(videos, np.ndarray) and videos.ndim in (3, 4):
            videos = [videos]
        out, grids = [], []
        for video in videos:
            patches, grid = self._one(video)
            out.append(patches)
            grids.append(grid)
        data = {"pixel_values_videos": np.concatenate(out), "video_grid_thw": np.array(grids)}
        return BatchFeature(data, tensor_type=return_tensors)


class XrayQwen2VLProcessor(Qwen2VLProcessor):
    """``Qwen2VLProcessor`` with a numpy video processor (no torchvision needed).

    Save with ``save_pretrained`` and reload with ``XrayQwen2VLProcessor.from_pretrained``
    (``AutoProcessor`` does not know this class and returns only the tokenizer).
    """

    def __init__(
        self,
        image_processor: Any = None,
        tokenizer: Any = None,
        chat_template: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.image_token = "<|image_pad|>"
        self.video_token = "<|video_pad|>"
        self.image_token_id = tokenizer.convert_tokens_to_ids(self.image_token)
        self.video_token_id = tokenizer.convert_tokens_to_ids(self.video_token)
        ProcessorMixin.__init__(self, image_processor, tokenizer, chat_template=chat_template)
        self._video_proc = NumpyVideoProcessor(image_processor)

    @property
    def video_processor(self) -> NumpyVideoProcessor:  # type: ignore[override]
        """The numpy patchifier (replaces the torchvision-backed video processor)."""
        return self._video_proc
