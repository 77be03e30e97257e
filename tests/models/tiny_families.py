"""Tiny random checkpoints of the transformers image-text-to-text families, built offline.

Each :func:`build` writes a directory laid out like a hub checkpoint: ``config.json`` +
``model.safetensors`` (random weights, < 1 M parameters), tokenizer files (a byte-level BPE
trained here on a small corpus, with the family's special tokens, and a BOS-adding
post-processor where the family's tokenizer adds BOS), ``preprocessor_config.json`` (the
PIL image processor, small sizes) and ``chat_template.json`` with the family's chat
template. Templates are shortened from the hub ``chat_template.json`` files of the named
checkpoints (same structure: role markers, image placeholders, BOS handling, generation
prompt). PaliGemma ships none (its processor builds ``<image>* + BOS + prefix + "\\n"``).

The processor class is named in ``preprocessor_config.json`` / ``tokenizer_config.json``
(``processor_class``) as on the hub, so ``AutoProcessor`` resolves the family's class; for
families whose stock processor needs a video processor (torchvision) that load fails here,
which is what the adapter's torchvision-free path must handle.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

CORPUS = [
    "the heart size is normal . the lungs are clear . no pleural effusion or pneumothorax .",
    "there is a small left pleural effusion . mild cardiomegaly . yes no left right area",
    "answer the question about this chest x-ray with a short phrase . question : is there edema ?",
    "locate the region described by opacity . (120,340),(560,780) boxes coordinates 0 to 1000",
    "generate the findings section of the radiology report for this chest x-ray . user assistant system",
] * 10

QWEN_TEMPLATE = (  # Qwen/Qwen2-VL-2B-Instruct chat_template.json (default system prompt)
    "{% set image_count = namespace(value=0) %}{% for message in messages %}"
    "{% if loop.first and message['role'] != 'system' %}<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
    "<|im_start|>{{ message['role'] }}\n{% if message['content'] is string %}{{ message['content'] }}<|im_end|>\n"
    "{% else %}{% for content in message['content'] %}{% if content['type'] == 'image' %}"
    "<|vision_start|><|image_pad|><|vision_end|>{% elif content['type'] == 'text' %}{{ content['text'] }}{% endif %}"
    "{% endfor %}<|im_end|>\n{% endif %}{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
QWEN3_TEMPLATE = (  # Qwen/Qwen3-VL-2B-Instruct: no default system prompt
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif content['type'] == 'text' %}{{ content['text'] }}{% endif %}{% endfor %}{% endif %}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
LLAVA_TEMPLATE = (  # llava-hf/llava-1.5-7b-hf: no BOS in the template (the tokenizer adds it)
    "{% for message in messages %}{% if message['role'] != 'system' %}{{ message['role'].upper() + ': ' }}{% endif %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}{{ '<image>\n' }}{% endfor %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{{ content['text'] + ' ' }}"
    "{% endfor %}{% endfor %}{% if add_generation_prompt %}{{ 'ASSISTANT:' }}{% endif %}"
)
LLAVA_NEXT_TEMPLATE = (  # llava-hf/llava-v1.6-mistral-7b-hf
    "{% for message in messages %}{% if message['role'] == 'user' %}{{ '[INST] ' }}{% endif %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}{{ '<image>\n' }}{% endfor %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{{ content['text'] }}{% endfor %}"
    "{% if message['role'] == 'user' %}{{ ' [/INST]' }}{% endif %}{% endfor %}"
)
ONEVISION_TEMPLATE = (  # llava-hf/llava-onevision-qwen2-0.5b-ov-hf
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + ' ' }}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}{{ '<image>' }}{% endfor %}"
    "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{{ '\n' + content['text'] }}"
    "{% endfor %}{{ '<|im_end|>\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
IDEFICS3_TEMPLATE = (  # HuggingFaceM4/Idefics3-8B-Llama3: BOS in the template
    "<|begin_of_text|>{% for message in messages %}{{ message['role'] | capitalize }}"
    "{% if message['content'][0]['type'] == 'image' %}{{ ':' }}{% else %}{{ ': ' }}{% endif %}"
    "{% for line in message['content'] %}{% if line['type'] == 'text' %}{{ line['text'] }}"
    "{% elif line['type'] == 'image' %}{{ '<image>' }}{% endif %}{% endfor %}<end_of_utterance>\n{% endfor %}"
    "{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}"
)
GEMMA3_TEMPLATE = (  # google/gemma-3-4b-it: {{ bos_token }} first, the tokenizer adds BOS too
    "{{ bos_token }}{% for message in messages %}"
    "{% set role = 'model' if message['role'] == 'assistant' else message['role'] %}"
    "{{ '<start_of_turn>' + role + '\n' }}{% if message['content'] is string %}{{ message['content'] | trim }}"
    "{% else %}{% for item in message['content'] %}{% if item['type'] == 'image' %}{{ '<start_of_image>' }}"
    "{% elif item['type'] == 'text' %}{{ item['text'] | trim }}{% endif %}{% endfor %}{% endif %}"
    "{{ '<end_of_turn>\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<start_of_turn>model\n' }}{% endif %}"
)
MLLAMA_TEMPLATE = (  # meta-llama/Llama-3.2-11B-Vision-Instruct (no tools, no date)
    "{{- bos_token }}{% for message in messages %}"
    "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' }}"
    "{% if message['content'] is string %}{{- message['content'] }}{% else %}{% for content in message['content'] %}"
    "{% if content['type'] == 'image' %}{{ '<|image|>' }}{% elif content['type'] == 'text' %}{{ content['text'] }}"
    "{% endif %}{% endfor %}{% endif %}{{- '<|eot_id|>' }}{% endfor %}"
    "{% if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
)

QWEN_TOKENS = [
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|vision_pad|>",
    "<|image_pad|>",
    "<|video_pad|>",
]


def _tokenizer(
    bos: str | None,
    eos: str,
    pad: str,
    special: list[str],
    add_bos: bool,
    extra: dict[str, str] | None = None,
) -> Any:
    """Byte-level BPE (trained on :data:`CORPUS`) in a ``PreTrainedTokenizerFast``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tokens = [
        t for t in dict.fromkeys([*(x for x in (bos, eos, pad) if x), *special, *(extra or {}).values()])
    ]
    tk = Tokenizer(models.BPE())
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    tk.train_from_iterator(
        CORPUS,
        trainers.BpeTrainer(
            vocab_size=400, special_tokens=tokens, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
        ),
    )
    if add_bos and bos:
        tk.post_processor = processors.TemplateProcessing(
            single=f"{bos} $A", pair=f"{bos} $A {bos} $B", special_tokens=[(bos, tk.token_to_id(bos))]
        )
    kw: dict[str, Any] = {"bos_token": bos, "eos_token": eos, "pad_token": pad}
    if extra:
        kw["extra_special_tokens"] = extra
    tok = PreTrainedTokenizerFast(tokenizer_object=tk, **kw)
    tok.add_special_tokens({"additional_special_tokens": [t for t in special if t not in (bos, eos, pad)]})
    return tok


def _text(tok: Any, hid: int = 32, **kw: Any) -> dict[str, Any]:
    ids = tok.convert_tokens_to_ids
    out = dict(
        vocab_size=len(tok),
        hidden_size=hid,
        intermediate_size=64,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=4096,
        eos_token_id=ids(tok.eos_token),
        pad_token_id=ids(tok.pad_token),
        bos_token_id=ids(tok.bos_token) if tok.bos_token else None,
    )
    out.update(kw)
    return out


def _qwen(kind: str) -> tuple[Any, Any, Any, str]:
    from transformers import AutoConfig
    from transformers.models.qwen2_vl.image_processing_pil_qwen2_vl import Qwen2VLImageProcessorPil

    tok = _tokenizer(None, "<|im_end|>", "<|endoftext|>", ["<|endoftext|>", *QWEN_TOKENS], add_bos=False)
    ids = tok.convert_tokens_to_ids
    head = 16
    half = head // 2
    sec = [half - 2 * (half // 3), half // 3, half // 3]
    rope = {"rope_type": "default", "rope_theta": 1e4, "mrope_section": sec}
    text = _text(tok, hid=32, rope_parameters=rope, head_dim=head)
    if kind == "qwen3_vl":
        rope = {"rope_type": "default", "rope_theta": 1e4, "mrope_section": sec, "mrope_interleaved": True}
        text = _text(tok, hid=32, rope_parameters=rope, head_dim=head)
        vision = dict(
            depth=1,
            hidden_size=32,
            intermediate_size=64,
            num_heads=2,
            out_hidden_size=32,
            patch_size=16,
            spatial_merge_size=2,
            temporal_patch_size=2,
            num_position_embeddings=64,
            deepstack_visual_indexes=[0],
        )
        patch = 16
    elif kind == "qwen2_5_vl":
        vision = dict(
            depth=1,
            hidden_size=32,
            intermediate_size=64,
            num_heads=2,
            out_hidden_size=32,
            patch_size=14,
            spatial_merge_size=2,
            temporal_patch_size=2,
            window_size=56,
            fullatt_block_indexes=[0],
        )
        patch = 14
    else:
        vision = dict(
            depth=1,
            embed_dim=32,
            hidden_size=32,
            num_heads=2,
            mlp_ratio=2,
            patch_size=14,
            spatial_merge_size=2,
            temporal_patch_size=2,
        )
        patch = 14
    cfg = AutoConfig.for_model(
        kind,
        text_config=text,
        vision_config=vision,
        image_token_id=ids("<|image_pad|>"),
        video_token_id=ids("<|video_pad|>"),
        vision_start_token_id=ids("<|vision_start|>"),
        vision_end_token_id=ids("<|vision_end|>"),
    )
    ip = Qwen2VLImageProcessorPil(
        min_pixels=32 * 32, max_pixels=64 * 64, patch_size=patch, merge_size=2, temporal_patch_size=2
    )
    return cfg, tok, ip, QWEN3_TEMPLATE if kind == "qwen3_vl" else QWEN_TEMPLATE


def _siglip_vision(image_size: int = 32, patch: int = 8, hid: int = 32) -> dict[str, Any]:
    return dict(
        model_type="siglip_vision_model",
        hidden_size=hid,
        intermediate_size=64,
        num_hidden_layers=1,
        num_attention_heads=2,
        image_size=image_size,
        patch_size=patch,
    )


def _clip_vision(image_size: int = 32, patch: int = 8) -> dict[str, Any]:
    return dict(
        model_type="clip_vision_model",
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        image_size=image_size,
        patch_size=patch,
        projection_dim=32,
    )


def _llava(kind: str) -> tuple[Any, Any, Any, str | None]:
    from transformers import AutoConfig
    from transformers.models.llava.image_processing_pil_llava import LlavaImageProcessorPil
    from transformers.models.llava_next.image_processing_pil_llava_next import LlavaNextImageProcessorPil
    from transformers.models.llava_onevision.image_processing_pil_llava_onevision import (
        LlavaOnevisionImageProcessorPil,
    )

    if kind == "llava_onevision":
        tok = _tokenizer(
            None,
            "<|im_end|>",
            "<|endoftext|>",
            ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<image>", "<video>"],
            add_bos=False,
        )
    else:
        tok = _tokenizer("<s>", "</s>", "<pad>", ["<unk>", "<image>", "[INST]", "[/INST]"], add_bos=True)
    ids = tok.convert_tokens_to_ids
    size = {"height": 32, "width": 32}
    common: dict[str, Any] = dict(
        text_config=dict(model_type="llama" if kind != "llava_onevision" else "qwen2", **_text(tok)),
        vision_config=_clip_vision() if kind != "llava_onevision" else _siglip_vision(),
        image_token_id=ids("<image>"),
        vision_feature_layer=-1,
    )
    if kind == "llava":
        ip = LlavaImageProcessorPil(size={"shortest_edge": 32}, crop_size=size)
        return AutoConfig.for_model(kind, **common), tok, ip, LLAVA_TEMPLATE
    grid = [[32, 32], [32, 64], [64, 32]]
    if kind == "llava_next":
        ip = LlavaNextImageProcessorPil(size={"shortest_edge": 32}, crop_size=size, image_grid_pinpoints=grid)
        return AutoConfig.for_model(kind, image_grid_pinpoints=grid, **common), tok, ip, LLAVA_NEXT_TEMPLATE
    ip = LlavaOnevisionImageProcessorPil(size=size, image_grid_pinpoints=grid)
    cfg = AutoConfig.for_model(kind, image_grid_pinpoints=grid, video_token_id=ids("<video>"), **common)
    return cfg, tok, ip, ONEVISION_TEMPLATE


def _idefics3() -> tuple[Any, Any, Any, str]:
    from transformers import Idefics3Config
    from transformers.models.idefics3.image_processing_pil_idefics3 import Idefics3ImageProcessorPil

    tok = _tokenizer(
        "<|begin_of_text|>",
        "<end_of_utterance>",
        "<pad>",
        ["<fake_token_around_image>", "<image>", "<end_of_utterance>", "<global-img>"],
        add_bos=True,
    )
    cfg = Idefics3Config(
        text_config=dict(model_type="llama", **_text(tok)),
        vision_config=dict(
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=1,
            num_attention_heads=2,
            image_size=32,
            patch_size=8,
        ),
        image_token_id=tok.convert_tokens_to_ids("<image>"),
        scale_factor=2,
    )
    ip = Idefics3ImageProcessorPil(size={"longest_edge": 64}, max_image_size={"longest_edge": 32})
    return cfg, tok, ip, IDEFICS3_TEMPLATE


def _smolvlm() -> tuple[Any, Any, Any, str]:
    from transformers import SmolVLMConfig
    from transformers.models.smolvlm.image_processing_pil_smolvlm import SmolVLMImageProcessorPil

    tok = _tokenizer(
        "<|im_start|>",
        "<end_of_utterance>",
        "<pad>",
        ["<fake_token_around_image>", "<image>", "<end_of_utterance>", "<global-img>"],
        add_bos=False,
    )
    cfg = SmolVLMConfig(
        text_config=dict(model_type="llama", **_text(tok)),
        vision_config=dict(
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=1,
            num_attention_heads=2,
            image_size=32,
            patch_size=8,
        ),
        image_token_id=tok.convert_tokens_to_ids("<image>"),
        scale_factor=2,
    )
    ip = SmolVLMImageProcessorPil(size={"longest_edge": 64}, max_image_size={"longest_edge": 32})
    return cfg, tok, ip, IDEFICS3_TEMPLATE.replace("<|begin_of_text|>", "<|im_start|>")


def _paligemma() -> tuple[Any, Any, Any, None]:
    from transformers import PaliGemmaConfig
    from transformers.models.siglip.image_processing_pil_siglip import SiglipImageProcessorPil

    tok = _tokenizer("<bos>", "<eos>", "<pad>", ["<image>"], add_bos=True, extra={"image_token": "<image>"})
    cfg = PaliGemmaConfig(
        text_config=dict(model_type="gemma", head_dim=16, **_text(tok)),
        vision_config=_siglip_vision(),
        image_token_id=tok.convert_tokens_to_ids("<image>"),
        projection_dim=32,
    )
    ip = SiglipImageProcessorPil(size={"height": 32, "width": 32})
    ip.image_seq_length = 16
    return cfg, tok, ip, None


def _gemma3() -> tuple[Any, Any, Any, str]:
    from transformers import Gemma3Config
    from transformers.models.gemma3.image_processing_pil_gemma3 import Gemma3ImageProcessorPil

    extra = {
        "boi_token": "<start_of_image>",
        "eoi_token": "<end_of_image>",
        "image_token": "<image_soft_token>",
    }
    tok = _tokenizer(
        "<bos>", "<eos>", "<pad>", ["<start_of_turn>", "<end_of_turn>"], add_bos=True, extra=extra
    )
    ids = tok.convert_tokens_to_ids
    cfg = Gemma3Config(
        text_config=dict(head_dim=16, sliding_window=64, **_text(tok)),
        vision_config=_siglip_vision(),
        mm_tokens_per_image=4,
        boi_token_id=ids("<start_of_image>"),
        eoi_token_id=ids("<end_of_image>"),
        image_token_id=ids("<image_soft_token>"),
    )
    ip = Gemma3ImageProcessorPil(size={"height": 32, "width": 32})
    return cfg, tok, ip, GEMMA3_TEMPLATE


def _mllama() -> tuple[Any, Any, Any, str]:
    from transformers import MllamaConfig
    from transformers.models.mllama.image_processing_pil_mllama import MllamaImageProcessorPil

    special = ["<|image|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|python_tag|>"]
    tok = _tokenizer("<|begin_of_text|>", "<|eot_id|>", "<|finetune_right_pad_id|>", special, add_bos=True)
    image_id = tok.convert_tokens_to_ids("<|image|>")
    text = _text(tok, cross_attention_layers=[0], rope_parameters={"rope_type": "default", "rope_theta": 1e4})
    text["num_hidden_layers"] = 2
    text["vocab_size"] = len(tok) + 8
    cfg = MllamaConfig(
        text_config=text,
        image_token_index=image_id,
        vision_config=dict(
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=1,
            num_global_layers=1,
            attention_heads=2,
            image_size=32,
            patch_size=8,
            max_num_tiles=2,
            intermediate_layers_indices=[0],
            vision_output_dim=64,
            supported_aspect_ratios=[[1, 1], [1, 2], [2, 1]],
        ),
    )
    ip = MllamaImageProcessorPil(size={"height": 32, "width": 32}, max_image_tiles=2)
    return cfg, tok, ip, MLLAMA_TEMPLATE


PROCESSOR_CLASS = {
    "qwen2_vl": "Qwen2VLProcessor",
    "qwen2_5_vl": "Qwen2_5_VLProcessor",
    "qwen3_vl": "Qwen3VLProcessor",
    "llava": "LlavaProcessor",
    "llava_next": "LlavaNextProcessor",
    "llava_onevision": "LlavaOnevisionProcessor",
    "idefics3": "Idefics3Processor",
    "smolvlm": "SmolVLMProcessor",
    "paligemma": "PaliGemmaProcessor",
    "gemma3": "Gemma3Processor",
    "mllama": "MllamaProcessor",
}
"""Family (config ``model_type``) → the processor class a hub checkpoint names."""

UNLOADABLE: dict[str, Callable[[], tuple[Any, Any, Any, str | None]]] = {"smolvlm": _smolvlm}
"""Families that cannot load in this environment (SmolVLM: torchvision for the stock processor,
``num2words`` for the processor class itself), for the one-line-reason test."""

FAMILIES: dict[str, Callable[[], tuple[Any, Any, Any, str | None]]] = {
    "qwen2_vl": lambda: _qwen("qwen2_vl"),
    "qwen2_5_vl": lambda: _qwen("qwen2_5_vl"),
    "qwen3_vl": lambda: _qwen("qwen3_vl"),
    "llava": lambda: _llava("llava"),
    "llava_next": lambda: _llava("llava_next"),
    "llava_onevision": lambda: _llava("llava_onevision"),
    "idefics3": _idefics3,
    "paligemma": _paligemma,
    "gemma3": _gemma3,
    "mllama": _mllama,
}

PROCESSOR_KWARGS: dict[str, dict[str, Any]] = {
    "llava": {"patch_size": 8, "vision_feature_select_strategy": "default", "num_additional_image_tokens": 1},
    "llava_next": {
        "patch_size": 8,
        "vision_feature_select_strategy": "default",
        "num_additional_image_tokens": 1,
    },
    "llava_onevision": {
        "num_image_tokens": 16,
        "vision_feature_select_strategy": "full",
        "vision_aspect_ratio": "anyres_max_9",
    },
    "idefics3": {"image_seq_len": 4},
    "smolvlm": {"image_seq_len": 4},
    "gemma3": {"image_seq_length": 4},
}
"""processor_config.json entries matching the tiny vision towers (token counts per image)."""


def build(family: str, out: Path) -> Path:
    """Write the tiny ``family`` checkpoint to ``out`` (see module docstring) and return it."""
    import torch
    from transformers import AutoModelForImageTextToText

    torch.manual_seed(0)
    cfg, tok, ip, template = {**FAMILIES, **UNLOADABLE}[family]()
    model = AutoModelForImageTextToText.from_config(cfg)
    gen = model.generation_config
    gen.eos_token_id = tok.convert_tokens_to_ids(tok.eos_token)
    gen.pad_token_id = tok.convert_tokens_to_ids(tok.pad_token)
    if tok.bos_token:
        gen.bos_token_id = tok.convert_tokens_to_ids(tok.bos_token)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    ip.save_pretrained(out)
    cls = PROCESSOR_CLASS[family]
    for name in ("preprocessor_config.json", "tokenizer_config.json"):
        obj = json.loads((out / name).read_text())
        obj["processor_class"] = cls
        (out / name).write_text(json.dumps(obj, indent=2))
    proc_cfg = {"processor_class": cls, **PROCESSOR_KWARGS.get(family, {})}
    (out / "processor_config.json").write_text(json.dumps(proc_cfg, indent=2))
    if template is not None:
        (out / "chat_template.json").write_text(json.dumps({"chat_template": template}, indent=2))
    return out
