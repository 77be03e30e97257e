"""Optional vLLM backend of ``hf-vlm`` (``--model-arg backend=vllm``).

Used only where ``vllm`` is importable (GPU machines); otherwise a clear
:class:`~gazex_bench.errors.UsageError`. Prompts are rendered with the model's own
processor chat template and images are passed as ``multi_modal_data``; decoding
settings map to ``vllm.SamplingParams`` (temperature 0 = greedy). Not exercised by
the CPU test suite.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError
from gazex_bench.models.hf_generate import load_images
from gazex_bench.models.hf_processor import load_processor
from gazex_bench.models.types import GenerationSettings, Request


class VllmBackend:
    """vLLM engine + the model's processor (for the chat template only)."""

    def __init__(self, path: Path, *, pixels: tuple[int, int]) -> None:
        try:
            import vllm
        except ImportError:
            raise UsageError("hf-vlm backend=vllm needs the 'vllm' package, which is not installed") from None
        self._vllm = vllm
        self.processor = load_processor(path, min_pixels=pixels[0], max_pixels=pixels[1])
        self.engine = vllm.LLM(model=str(path), limit_mm_per_prompt={"image": 4},
                               mm_processor_kwargs={"min_pixels": pixels[0], "max_pixels": pixels[1]})
        self.device_name = "vllm"

    def generate(self, requests: Sequence[Request], prompts: Sequence[str], settings: GenerationSettings) -> list[str]:
        """One decoded text per prompt."""
        inputs: list[dict[str, Any]] = []
        for r, p in zip(requests, prompts):
            content = [{"type": "image"} for _ in r.image_paths] + [{"type": "text", "text": p}]
            text = self.processor.apply_chat_template([{"role": "user", "content": content}],
                                                      add_generation_prompt=True, tokenize=False)
            inputs.append({"prompt": text, "multi_modal_data": {"image": load_images(r.image_paths)}})
        params = self._vllm.SamplingParams(max_tokens=settings.max_new_tokens, temperature=settings.temperature,
                                           top_p=settings.top_p, seed=settings.seed)
        outs = self.engine.generate(inputs, params, use_tqdm=False)
        return [o.outputs[0].text.strip() for o in outs]
