"""Optional vLLM backend of ``hf-vlm`` (``--model-arg backend=vllm``).

Used only where ``vllm`` is importable (GPU machines); otherwise a clear
:class:`~gazex_bench.errors.UsageError`. Prompts are built exactly as on the transformers path:
the checkpoint's own processor (:func:`gazex_bench.models.hf_processor.encode`) gives the token
ids, which vLLM receives as ``prompt_token_ids`` with the images as ``multi_modal_data``, so
the chat template and BOS rule are the family's. vLLM's multimodal processor expands the image
placeholders itself, so the ids passed are those of the *unexpanded* prompt (the processor's
rendered chat text tokenized without special tokens added twice). The images-per-prompt limit
is the largest count in the batch, not a constant. Decoding settings map to
``vllm.SamplingParams`` (temperature 0 = greedy). Not exercised by the CPU test suite.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError
from gazex_bench.models.hf_generate import load_images
from gazex_bench.models.hf_processor import (
    apply_pixel_bounds,
    check_chat_template,
    conversations,
    load_processor,
)
from gazex_bench.models.types import GenerationSettings, Request


class VllmBackend:
    """vLLM engine + the checkpoint's processor (for the prompt ids)."""

    def __init__(
        self,
        path: Path,
        *,
        model_type: str,
        pixels: tuple[int | None, int | None],
        system: str | None = None,
        chat_template: str | None = None,
        max_images: int = 8,
    ) -> None:
        try:
            import vllm
        except ImportError:
            raise UsageError("hf-vlm backend=vllm needs the 'vllm' package, which is not installed") from None
        self._vllm = vllm
        self.processor = load_processor(path, model_type)
        if chat_template is not None:
            self.processor.chat_template = chat_template
        self.chat = check_chat_template(self.processor, path, model_type)
        self.system = system
        self.processor_info = {
            "class": type(self.processor).__name__,
            "chat_template": self.chat,
            **apply_pixel_bounds(self.processor, *pixels),
        }
        mm_kwargs = {k: v for k, v in zip(("min_pixels", "max_pixels"), pixels) if v is not None}
        self.engine = vllm.LLM(
            model=str(path), limit_mm_per_prompt={"image": max_images}, mm_processor_kwargs=mm_kwargs or None
        )
        self.device_name = "vllm"

    def prompt_ids(self, requests: Sequence[Request], prompts: Sequence[str]) -> list[list[int]]:
        """Unexpanded prompt ids per request: the processor's chat text, special tokens not added again."""
        tok = self.processor.tokenizer
        if not self.chat:
            return [tok(p, add_special_tokens=True)["input_ids"] for p in prompts]
        convs = conversations([[None] * len(r.image_paths) for r in requests], prompts, self.system)
        for conv in convs:
            for turn in conv:
                turn["content"] = [
                    {"type": c["type"], **({"text": c["text"]} if "text" in c else {})}
                    for c in turn["content"]
                ]
        texts = self.processor.apply_chat_template(convs, add_generation_prompt=True, tokenize=False)
        return [
            tok(t, add_special_tokens=not (tok.bos_token and t.startswith(tok.bos_token)))["input_ids"]
            for t in texts
        ]

    def generate(
        self, requests: Sequence[Request], prompts: Sequence[str], settings: GenerationSettings
    ) -> list[tuple[str, str]]:
        """One ``(decoded text, prompt seen)`` per request."""
        ids = self.prompt_ids(requests, prompts)
        inputs: list[dict[str, Any]] = [
            {"prompt_token_ids": i, "multi_modal_data": {"image": load_images(r.image_paths)}}
            for r, i in zip(requests, ids)
        ]
        params = self._vllm.SamplingParams(
            max_tokens=settings.max_new_tokens,
            temperature=settings.temperature,
            top_p=settings.top_p,
            seed=settings.seed,
        )
        outs = self.engine.generate(inputs, params, use_tqdm=False)
        tok = self.processor.tokenizer
        return [(o.outputs[0].text.strip(), tok.decode(i)) for o, i in zip(outs, ids)]
