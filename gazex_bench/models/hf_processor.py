"""Processor loading and prompt encoding for ``hf-vlm``: the checkpoint's own processor, torchvision-free.

Loading (:func:`load_processor`):

1. ``AutoProcessor.from_pretrained(path)``: the checkpoint's processor class, its
   ``processor_config.json`` / ``preprocessor_config.json`` settings and its chat template
   (``chat_template.json`` / ``.jinja``, else the tokenizer's). Used whenever it yields a
   processor with an image processor and a tokenizer.
2. Otherwise (the stock class needs a video processor, which needs torchvision —
   Qwen2-VL, Qwen2.5-VL, Qwen3-VL, LLaVA-OneVision, SmolVLM — or no processor class is
   named): the family's processor class (``processor_class`` of the checkpoint, else
   transformers' mapping for the config's ``model_type``) is loaded through a subclass whose
   only sub-processors are ``image_processor`` and ``tokenizer``. The same files are read,
   ``AutoImageProcessor`` picks the PIL backend, so the settings are the checkpoint's.
3. If both fail: one :class:`~gazex_bench.errors.UsageError` line with the first cause (e.g.
   the torchvision import error) and the fallback's.

Encoding (:func:`encode`): ``processor.apply_chat_template([...], tokenize=True,
return_dict=True)`` on a batch of one-turn conversations (images first, then the text), left
padded — the family's own rule, so BOS is added exactly once. Families without a chat template
(PaliGemma) use ``processor(text="<image>"*N + prefix, images=...)``, which builds the documented
``<image>*N + BOS + prefix + "\\n"`` prompt.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Sequence
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
"""The standard Qwen2-VL chat template (for building test checkpoints; never a silent fallback)."""

NO_CHAT_TEMPLATE = frozenset({"paligemma"})
"""Families whose processor takes a plain prefix (no chat template by design)."""

_LOAD_ERRORS = (ImportError, ValueError, OSError, AttributeError, TypeError, KeyError)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:300]}"


def _image_only(base: type) -> type:
    """``base`` with ``image_processor`` and ``tokenizer`` as its only sub-processors (no video).

    ``from_args_and_dict`` passes the checkpoint's processor options (``processor_config.json``,
    chat template) that ``base.__init__`` accepts, as the stock loader does.
    """
    sig = inspect.signature(base.__init__)
    video_arg = "video_processor" in sig.parameters
    accepted = {n for n, p in sig.parameters.items() if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
    accepted -= {"self", "image_processor", "tokenizer", "video_processor"}

    class ImageOnly(base):  # type: ignore[misc, valid-type]
        __doc__ = f"{base.__name__} without a video processor (torchvision-free)."

        def __init__(self, image_processor: Any = None, tokenizer: Any = None, **kwargs: Any) -> None:
            if video_arg:
                kwargs["video_processor"] = None
            base.__init__(self, image_processor=image_processor, tokenizer=tokenizer, **kwargs)

        @classmethod
        def get_attributes(cls) -> list[str]:
            return ["image_processor", "tokenizer"]

        @classmethod
        def from_args_and_dict(cls, args: Any, processor_dict: dict[str, Any], **kwargs: Any) -> Any:
            kwargs.pop("return_unused_kwargs", None)
            merged = {**processor_dict, **kwargs}
            return cls(*args, **{k: v for k, v in merged.items() if k in accepted})

        @classmethod
        def from_dict(cls, processor_dict: dict[str, Any], **kwargs: Any) -> Any:
            """transformers >= 5.25 loads through ``from_dict`` (sub-processors already in the dict),
            whose stock version keeps only ``__init__``'s named arguments: here ``**kwargs``."""
            unused = kwargs.pop("return_unused_kwargs", False)
            merged = {**processor_dict, **kwargs}
            keep = accepted | {"image_processor", "tokenizer"}
            proc = cls(**{k: v for k, v in merged.items() if k in keep})
            return (proc, {k: v for k, v in merged.items() if k not in keep}) if unused else proc

    ImageOnly.__name__ = ImageOnly.__qualname__ = f"ImageOnly{base.__name__}"
    return ImageOnly


def _named_processor_class(path: Path, model_type: str) -> type | None:
    """The processor class a checkpoint names (``processor_class``), else transformers' for ``model_type``."""
    import transformers
    from transformers.models.auto.processing_auto import PROCESSOR_MAPPING_NAMES

    name = None
    for fname in ("processor_config.json", "preprocessor_config.json", "tokenizer_config.json"):
        f = path / fname
        if f.is_file():
            try:
                name = json.loads(f.read_text(encoding="utf-8")).get("processor_class")
            except ValueError:
                continue
            if name:
                break
    name = name or PROCESSOR_MAPPING_NAMES.get(model_type)
    return getattr(transformers, name, None) if name else None


def _is_multimodal(proc: Any) -> bool:
    return hasattr(proc, "image_processor") and hasattr(proc, "tokenizer")


def load_processor(path: Path, model_type: str) -> Any:
    """The checkpoint's processor (see module docstring).

    Raises:
        UsageError: neither the stock processor nor the image-only one loads (one line, first cause).
    """
    from transformers import AutoProcessor

    first = None
    try:
        proc = AutoProcessor.from_pretrained(path)
        if _is_multimodal(proc):
            return proc
        first = f"AutoProcessor gave a {type(proc).__name__} without an image processor"
    except _LOAD_ERRORS as exc:
        first = _one_line(exc)
    log.info("%s: stock processor unavailable (%s); trying the image-only processor", path, first)
    base = _named_processor_class(path, model_type)
    if base is None:
        raise UsageError(f"{path}: no processor for model type '{model_type}': {first}")
    try:
        proc = _image_only(base).from_pretrained(path)
    except _LOAD_ERRORS as exc:
        raise UsageError(
            f"{path}: the {base.__name__} cannot be loaded: {first}; image-only fallback: {_one_line(exc)}"
        ) from None
    return proc


def check_chat_template(proc: Any, path: Path, model_type: str) -> bool:
    """Whether prompts go through the chat template (False only for :data:`NO_CHAT_TEMPLATE` families).

    Raises:
        UsageError: a chat model whose checkpoint ships no chat template.
    """
    has = bool(getattr(proc, "chat_template", None) or getattr(proc.tokenizer, "chat_template", None))
    if has:
        if proc.chat_template is None:  # template only in tokenizer_config.json (older checkpoints)
            proc.chat_template = proc.tokenizer.chat_template
        return True
    if model_type in NO_CHAT_TEMPLATE:
        return False
    raise UsageError(
        f"{path}: no chat template (chat_template.json/.jinja or tokenizer_config.json); "
        "pass one with --model-arg chat_template=FILE"
    )


def apply_pixel_bounds(proc: Any, min_pixels: int | None, max_pixels: int | None) -> dict[str, Any]:
    """Override the image processor's area bounds (pixels) when asked; returns the settings in force.

    Raises:
        UsageError: bounds given for an image processor without ``min_pixels``/``max_pixels``.
    """
    ip = proc.image_processor
    size = getattr(ip, "size", None)
    get = (lambda k: size.get(k)) if isinstance(size, dict) else (lambda k: getattr(size, k, None))
    supported = (
        hasattr(ip, "merge_size") and get("longest_edge") is not None and get("shortest_edge") is not None
    )
    if (min_pixels is not None or max_pixels is not None) and not supported:
        raise UsageError(
            f"hf-vlm: min_pixels/max_pixels are not supported by {type(ip).__name__} "
            "(only area-bounded processors such as Qwen2-VL's); the checkpoint's own size is used"
        )
    if supported and (min_pixels is not None or max_pixels is not None):
        lo = int(min_pixels) if min_pixels is not None else int(get("shortest_edge"))
        hi = int(max_pixels) if max_pixels is not None else int(get("longest_edge"))
        if not 0 < lo <= hi:
            raise UsageError(f"hf-vlm: need 0 < min_pixels <= max_pixels, got {lo} and {hi}")
        if isinstance(size, dict):
            ip.size = {**size, "shortest_edge": lo, "longest_edge": hi}
        else:
            size.shortest_edge, size.longest_edge = lo, hi
    return {"image_processor": type(ip).__name__, "size": _plain(getattr(ip, "size", None))}


def _plain(size: Any) -> Any:
    """A size setting as plain JSON (``SizeDict`` fields that are set)."""
    if size is None or isinstance(size, (int, float)):
        return size
    items = size.items() if isinstance(size, dict) else vars(size).items()
    return {k: v for k, v in items if v is not None}


def conversations(images: Sequence[Sequence[Any]], prompts: Sequence[str], system: str | None) -> list[Any]:
    """One user turn per request: its images first, then the text (optionally after a system turn)."""
    out = []
    for ims, text in zip(images, prompts):
        turn = [
            {
                "role": "user",
                "content": [*({"type": "image", "image": im} for im in ims), {"type": "text", "text": text}],
            }
        ]
        if system:
            turn.insert(0, {"role": "system", "content": [{"type": "text", "text": system}]})
        out.append(turn)
    return out


def encode(
    proc: Any,
    images: Sequence[Sequence[Any]],
    prompts: Sequence[str],
    *,
    chat: bool,
    system: str | None = None,
) -> Any:
    """Token ids + pixel tensors for a left-padded batch, exactly as the family's processor builds them."""
    proc.tokenizer.padding_side = "left"
    if chat:
        return proc.apply_chat_template(
            conversations(images, prompts, system),
            add_generation_prompt=True,
            tokenize=True,
            return_dict=True,
            return_tensors="pt",
            processor_kwargs={"padding": True},
        )
    if system:
        raise UsageError("hf-vlm: a system prompt needs a chat template (this family takes a plain prefix)")
    mark = getattr(proc, "image_token", "") or ""  # documented prefix form: one image token per image first
    texts = [mark * len(ims) + p for ims, p in zip(images, prompts)]
    enc = proc(text=texts, images=[list(ims) for ims in images], padding=True, return_tensors="pt")
    enc.pop("labels", None)  # PaliGemma returns labels for a training suffix; none here
    return enc
