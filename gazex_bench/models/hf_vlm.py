"""``hf-vlm``: any transformers image-text-to-text model from a local directory.

Loads ``AutoModelForImageTextToText`` + a processor (:mod:`gazex_bench.models.hf_processor`;
torchvision-free for Qwen2-VL / Qwen2.5-VL), renders one prompt per request from the
capability's template (:mod:`gazex_bench.models.prompts`), generates in left-padded
batches (greedy unless ``temperature > 0``) and parses the text with
:mod:`gazex_bench.models.parsers`.

Model args (``--model-arg k=v``): ``path`` (required), ``device`` (``auto`` → cuda
``LOCAL_RANK`` when available, else cpu), ``dtype`` (``auto`` → float32 on cpu,
bfloat16 on cuda), ``max_new_tokens``, ``batch_size``, ``temperature``, ``top_p``,
``seed``, ``min_pixels``/``max_pixels`` (image area bounds), ``capabilities``
(comma list; default all four), ``grounding_coords``/``gaze_coords``
(``norm1000`` default), ``prompt_<name>`` overrides, ``backend`` (``transformers`` or
``vllm`` — the latter only where vLLM is importable, see
:mod:`gazex_bench.models.vllm_backend`).
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError
from gazex_bench.models.parsers import parse_output
from gazex_bench.models.prompts import DEFAULT_PROMPTS, render_prompt
from gazex_bench.models.types import Capability, GenerationSettings, Request, Response, capability_of, generation_failed

log = logging.getLogger(__name__)


def _capabilities(spec: str | Sequence[str] | None) -> frozenset[Capability]:
    if spec is None:
        return frozenset(Capability)
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    try:
        return frozenset(Capability(s.strip()) for s in items if s.strip())
    except ValueError as exc:
        raise UsageError(f"capabilities: {exc}; choose from {[c.value for c in Capability]}") from None


class HfVlmAdapter:
    """Generic transformers VLM adapter (see module docstring for model args)."""

    name = "hf-vlm"
    capabilities: frozenset[Capability] = frozenset(Capability)
    """All four by default; restrict with ``--model-arg capabilities=report,vqa``."""

    def __init__(self, path: str | None = None, device: str = "auto", dtype: str = "auto",
                 max_new_tokens: int = 128, batch_size: int = 4, temperature: float = 0.0,
                 top_p: float = 1.0, seed: int = 0, min_pixels: int = 28 * 28, max_pixels: int = 448 * 448,
                 capabilities: str | None = None, grounding_coords: str = "norm1000",
                 gaze_coords: str = "norm1000", backend: str = "transformers", **prompts: str) -> None:
        if not path:
            raise UsageError("hf-vlm needs --model-arg path=<local model directory>")
        self.path = Path(path).expanduser()
        if not self.path.is_dir():
            raise UsageError(f"hf-vlm: model directory not found: {self.path}")
        unknown = sorted(k for k in prompts if k.removeprefix("prompt_") not in DEFAULT_PROMPTS)
        if unknown:
            raise UsageError(f"hf-vlm: unknown model args {unknown}")
        self.templates = {**DEFAULT_PROMPTS, **{k.removeprefix("prompt_"): v for k, v in prompts.items()}}
        self.settings = GenerationSettings(int(max_new_tokens), float(temperature), float(top_p), int(batch_size), int(seed))
        self.batch_size = self.settings.batch_size
        self.capabilities = _capabilities(capabilities)
        self.coords = {Capability.GROUNDING: grounding_coords, Capability.GAZE: gaze_coords}
        self.pixels = (int(min_pixels), int(max_pixels))
        self.backend_name = backend
        self._backend = self._load_backend(backend, device, dtype)

    def _load_backend(self, backend: str, device: str, dtype: str) -> Any:
        if backend == "transformers":
            from gazex_bench.models.hf_generate import TransformersBackend

            return TransformersBackend(self.path, device=device, dtype=dtype, pixels=self.pixels)
        if backend == "vllm":
            from gazex_bench.models.vllm_backend import VllmBackend

            return VllmBackend(self.path, pixels=self.pixels)
        raise UsageError(f"hf-vlm: backend must be 'transformers' or 'vllm', got '{backend}'")

    def identity(self) -> dict[str, Any]:
        """Model path, config hash, backend, generation settings, prompt templates."""
        cfg = self.path / "config.json"
        cfg_sha = hashlib.sha256(cfg.read_bytes()).hexdigest() if cfg.is_file() else None
        return {
            "adapter": self.name, "path": str(self.path.resolve()), "config_sha256": cfg_sha,
            "backend": self.backend_name, "device": getattr(self._backend, "device_name", None),
            "generation": self.settings.to_dict(), "pixels": {"min": self.pixels[0], "max": self.pixels[1]},
            "prompts": self.templates, "coords": {k.value: v for k, v in self.coords.items()},
        }

    def _run(self, requests: Sequence[Request]) -> list[Response]:
        prompts = [render_prompt(r, self.templates) for r in requests]
        try:
            texts = self._backend.generate(requests, prompts, self.settings)
        except (RuntimeError, ValueError, OSError) as exc:  # one failing batch must not kill the run
            log.warning("generation failed for a batch of %d: %s", len(requests), exc)
            reason = "out_of_memory" if "out of memory" in str(exc).lower() else "generation_error"
            msg = f"{type(exc).__name__}: {exc}".splitlines()[0]
            return [generation_failed(r.sample_id, reason, msg, prompt=p) for r, p in zip(requests, prompts)]
        out = []
        for r, p, text in zip(requests, prompts, texts):
            cap = capability_of(r)
            parsed = parse_output(cap, text, r, coords=self.coords.get(cap))
            err = None if parsed is not None else "no parsable output"
            out.append(Response(r.sample_id, text, parsed, err, prompt=p))
        return out

    generate_reports = _run
    answer_questions = _run
    ground_phrases = _run
    predict_gaze = _run


def default_device(device: str) -> str:
    """``auto`` → ``cuda:$LOCAL_RANK`` when CUDA is available, else ``cpu``."""
    if device != "auto":
        return device
    import torch

    if torch.cuda.is_available():
        return f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}"
    return "cpu"
