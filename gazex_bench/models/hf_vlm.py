"""``hf-vlm``: any transformers image-text-to-text model from a local directory, prompt-exact.

Loads ``AutoModelForImageTextToText`` and the checkpoint's own processor
(:mod:`gazex_bench.models.hf_processor`; torchvision-free where the stock one needs it),
renders one prompt text per request from the capability's template
(:mod:`gazex_bench.models.prompts`, or a named ``preset``) and encodes it with the family's
chat template through the processor, generates in left-padded batches (greedy unless
``temperature > 0``) and parses the text with :mod:`gazex_bench.models.parsers`.

Model args (``--model-arg k=v``; anything else is an error): ``path`` (required), ``device``
(``auto`` → ``cuda:$LOCAL_RANK`` when available, else ``cpu``), ``dtype`` (``auto`` → float32
on cpu, bfloat16 on cuda), ``max_new_tokens``, ``batch_size``, ``temperature``, ``top_p``,
``seed``, ``min_pixels``/``max_pixels`` (override the checkpoint's image area bounds; only for
area-bounded processors such as Qwen2-VL's), ``capabilities`` (comma list; default all four),
``grounding_coords``/``gaze_coords`` (``norm1000`` default), ``preset`` (a named prompt set),
``system`` (a system message), ``chat_template`` (a Jinja file replacing the checkpoint's),
``prompt_<name>`` overrides, ``backend`` (``transformers`` or ``vllm``).

Every option is checked before the model loads; a bad value is one :class:`UsageError` line.
A failing ``generate`` makes generation failures (:func:`generation_failed`), which the runner
counts, never scores and retries on resume.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError
from gazex_bench.models.hf_checkpoint import check_checkpoint, fingerprint
from gazex_bench.models.hf_generate import TransformersBackend, resolve_device, resolve_dtype
from gazex_bench.models.parsers import COORD_SYSTEMS as COORDS
from gazex_bench.models.parsers import parse_output
from gazex_bench.models.prompts import (
    DEFAULT_PROMPTS,
    PROMPT_TEMPLATE_VERSION,
    preset_templates,
    render_prompt,
)
from gazex_bench.models.types import (
    Capability,
    GenerationSettings,
    Request,
    Response,
    capability_of,
    generation_failed,
)
from gazex_bench.models.vllm_backend import VllmBackend

log = logging.getLogger(__name__)


def _capabilities(spec: str | Sequence[str] | None) -> frozenset[Capability]:
    if spec is None:
        return frozenset(Capability)
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    try:
        return frozenset(Capability(s.strip()) for s in items if s.strip())
    except ValueError as exc:
        raise UsageError(
            f"hf-vlm: capabilities: {exc}; choose from {[c.value for c in Capability]}"
        ) from None


def _number(
    name: str, value: Any, kind: type, lo: float, hi: float | None = None, lo_open: bool = False
) -> Any:
    """``value`` as ``kind`` within ``[lo, hi]`` (``(lo, hi]`` when ``lo_open``), else one UsageError line."""
    try:
        if isinstance(value, bool) or (kind is int and isinstance(value, float) and not value.is_integer()):
            raise ValueError
        out = kind(value)
    except (TypeError, ValueError):
        raise UsageError(
            f"hf-vlm: {name} must be {'an integer' if kind is int else 'a number'}, got {value!r}"
        ) from None
    if (out <= lo if lo_open else out < lo) or (hi is not None and out > hi):
        bounds = f"{'>' if lo_open else '>='} {lo}" + (f" and <= {hi}" if hi is not None else "")
        raise UsageError(f"hf-vlm: {name} must be {bounds}, got {value!r}")
    return out


@dataclass(frozen=True)
class HfVlmOptions:
    """Checked model args (see module docstring)."""

    path: Path
    model_type: str
    device: str
    dtype: str
    settings: GenerationSettings
    capabilities: frozenset[Capability]
    coords: dict[Capability, str]
    pixels: tuple[int | None, int | None]
    backend: str
    preset: str | None
    preset_source: str | None
    system: str | None
    chat_template: str | None
    templates: dict[str, str]


_OPTION_NAMES: tuple[str, ...] = (
    "path",
    "device",
    "dtype",
    "max_new_tokens",
    "batch_size",
    "temperature",
    "top_p",
    "seed",
    "min_pixels",
    "max_pixels",
    "capabilities",
    "grounding_coords",
    "gaze_coords",
    "backend",
    "preset",
    "system",
    "chat_template",
)
"""The named model args of :func:`parse_options` (``prompt_<kind>`` come on top)."""


def _check_prompt_args(prompts: dict[str, str]) -> None:
    """UsageError naming every extra arg that is not ``prompt_<kind>`` of a known prompt kind."""
    unknown = sorted(k for k in prompts if not k.startswith("prompt_") or k[7:] not in DEFAULT_PROMPTS)
    if unknown:
        known = [*_OPTION_NAMES, *(f"prompt_{k}" for k in DEFAULT_PROMPTS)]
        raise UsageError(f"hf-vlm: unknown model arg(s) {', '.join(unknown)} (known: {', '.join(known)})")


def _check_backend_coords(backend: str, grounding_coords: str, gaze_coords: str) -> None:
    """UsageError for an unknown backend or coordinate convention."""
    if backend not in ("transformers", "vllm"):
        raise UsageError(f"hf-vlm: backend must be 'transformers' or 'vllm', got '{backend}'")
    for name, value in (("grounding_coords", grounding_coords), ("gaze_coords", gaze_coords)):
        if value not in COORDS:
            raise UsageError(f"hf-vlm: {name} must be one of {', '.join(COORDS)}, got '{value}'")


def _settings(
    max_new_tokens: Any, temperature: Any, top_p: Any, batch_size: Any, seed: Any
) -> GenerationSettings:
    """Checked generation settings (UsageError naming the first bad value)."""
    return GenerationSettings(
        _number("max_new_tokens", max_new_tokens, int, 1),
        _number("temperature", temperature, float, 0.0),
        _number("top_p", top_p, float, 0.0, 1.0, lo_open=True),
        _number("batch_size", batch_size, int, 1),
        _number("seed", seed, int, 0),
    )


def _read_chat_template(chat_template: str | None) -> str | None:
    """The chat-template file's text (None when not given); UsageError when the file is missing."""
    if chat_template is None:
        return None
    f = Path(str(chat_template)).expanduser()
    if not f.is_file():
        raise UsageError(f"hf-vlm: chat_template file not found: {f}")
    return f.read_text(encoding="utf-8")


def parse_options(
    path: str | None = None,
    device: str = "auto",
    dtype: str = "auto",
    max_new_tokens: Any = 128,
    batch_size: Any = 4,
    temperature: Any = 0.0,
    top_p: Any = 1.0,
    seed: Any = 0,
    min_pixels: Any = None,
    max_pixels: Any = None,
    capabilities: str | None = None,
    grounding_coords: str = "norm1000",
    gaze_coords: str = "norm1000",
    backend: str = "transformers",
    preset: str | None = None,
    system: str | None = None,
    chat_template: str | None = None,
    **prompts: str,
) -> HfVlmOptions:
    """Check every model arg (no model is loaded).

    Raises:
        UsageError: a missing path, an unusable checkpoint folder, an unknown option or a bad value.
    """
    if not path:
        raise UsageError("hf-vlm needs --model-arg path=<local model directory>")
    root = Path(str(path)).expanduser()
    _check_prompt_args(prompts)
    model_type = check_checkpoint(root)
    _check_backend_coords(backend, grounding_coords, gaze_coords)
    settings = _settings(max_new_tokens, temperature, top_p, batch_size, seed)
    pixels = tuple(
        None if v is None else _number(n, v, int, 1)
        for n, v in (("min_pixels", min_pixels), ("max_pixels", max_pixels))
    )
    dev = resolve_device(device) if backend == "transformers" else "vllm"
    templates, preset_system, source = preset_templates(preset)
    templates.update({k[7:]: v for k, v in prompts.items()})
    template_text = _read_chat_template(chat_template)
    return HfVlmOptions(
        root,
        model_type,
        dev,
        resolve_dtype(dtype, dev) if backend == "transformers" else str(dtype),
        settings,
        _capabilities(capabilities),
        {Capability.GROUNDING: grounding_coords, Capability.GAZE: gaze_coords},
        pixels,  # type: ignore[arg-type]
        backend,
        preset,
        source,
        system if system is not None else preset_system,
        template_text,
        templates,
    )


class HfVlmAdapter:
    """Generic transformers VLM adapter (see module docstring for model args)."""

    name = "hf-vlm"
    capabilities: frozenset[Capability] = frozenset(Capability)
    """All four by default; restrict with ``--model-arg capabilities=report,vqa``."""
    location_args = ("path",)
    """The checkpoint's content is in the run key, so its folder is not part of the run id."""

    def __init__(self, **model_args: Any) -> None:
        self.options = opts = parse_options(**model_args)
        self.path, self.settings, self.templates = opts.path, opts.settings, opts.templates
        self.batch_size = opts.settings.batch_size
        self.capabilities = opts.capabilities
        self.coords = opts.coords
        self._backend = self._load_backend()

    @classmethod
    def run_key(cls, **model_args: Any) -> dict[str, Any]:
        """Checkpoint content fingerprint + resolved dtype/device kind + template version (run id part)."""
        opts = parse_options(**model_args)
        return {
            "checkpoint": fingerprint(opts.path),
            "dtype": opts.dtype,
            "device": opts.device.partition(":")[0],
            "generation": opts.settings.to_dict(),
            "prompt_template_version": PROMPT_TEMPLATE_VERSION,
        }

    def _load_backend(self) -> Any:
        o = self.options
        if o.backend == "vllm":
            return VllmBackend(
                o.path,
                model_type=o.model_type,
                pixels=o.pixels,
                system=o.system,
                chat_template=o.chat_template,
            )

        return TransformersBackend(
            o.path,
            model_type=o.model_type,
            device=o.device,
            dtype=o.dtype,
            pixels=o.pixels,
            system=o.system,
            chat_template=o.chat_template,
        )

    def identity(self) -> dict[str, Any]:
        """Checkpoint fingerprint, family, processor, backend, device, dtype, generation, prompts."""
        o = self.options
        return {
            "adapter": self.name,
            "path": str(o.path.resolve()),
            "model_type": o.model_type,
            "checkpoint": fingerprint(o.path),
            "backend": o.backend,
            "device": o.device,
            "dtype": o.dtype,
            "generation": self.settings.to_dict(),
            "processor": getattr(self._backend, "processor_info", None),
            "overrides": {
                k: v
                for k, v in (
                    ("min_pixels", o.pixels[0]),
                    ("max_pixels", o.pixels[1]),
                    ("chat_template", o.chat_template),
                )
                if v is not None
            },
            "preset": o.preset,
            "preset_source": o.preset_source,
            "system": o.system,
            "prompt_template_version": PROMPT_TEMPLATE_VERSION,
            "prompts": self.templates,
            "coords": {k.value: v for k, v in self.coords.items()},
        }

    def _run(self, requests: Sequence[Request]) -> list[Response]:
        prompts = [render_prompt(r, self.templates) for r in requests]
        try:
            results = self._backend.generate(requests, prompts, self.settings)
        except (
            RuntimeError,
            ValueError,
            OSError,
            TypeError,
            IndexError,
        ) as exc:  # one failing batch must not kill the run
            log.warning("generation failed for a batch of %d: %s", len(requests), exc)
            reason = "out_of_memory" if "out of memory" in str(exc).lower() else "generation_error"
            msg = f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
            return [generation_failed(r.sample_id, reason, msg, prompt=p) for r, p in zip(requests, prompts)]
        out = []
        for r, (text, seen) in zip(requests, results):
            cap = capability_of(r)
            parsed = parse_output(cap, text, r, coords=self.coords.get(cap))
            err = None if parsed is not None else "no parsable output"
            out.append(Response(r.sample_id, text, parsed, err, prompt=seen))
        return out

    generate_reports = _run
    answer_questions = _run
    ground_phrases = _run
    predict_gaze = _run


def default_device(device: str) -> str:
    """Back-compat alias of :func:`gazex_bench.models.hf_generate.resolve_device`."""
    return resolve_device(device)
