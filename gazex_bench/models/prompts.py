"""Default prompt templates of the generic adapters, one per capability.

Placeholders: ``{question}``, ``{phrase}``, ``{finding}``. Coordinates asked for are
integers 0–1000 over image width/height (``norm1000``, the Qwen2-VL grounding
convention), matching the parsers' default for ``hf-vlm``. Every template can be
overridden with a model arg (``prompt_report=...``, ``prompt_vqa=...``,
``prompt_grounding=...``, ``prompt_gaze_finding=...``, ``prompt_gaze_trajectory=...``).
"""

from __future__ import annotations

from gazex_bench.errors import UsageError
from gazex_bench.models.types import GazeRequest, GroundingRequest, ReportRequest, Request, VqaRequest

DEFAULT_PROMPTS: dict[str, str] = {
    "report": "Generate the findings section of the radiology report for this chest X-ray.",
    "vqa": "Answer the question about this chest X-ray with a short phrase. Question: {question}",
    "grounding": (
        "Locate the region described by '{phrase}' in this chest X-ray. Answer with bounding boxes "
        "(x0,y0),(x1,y1) using integer coordinates from 0 to 1000."
    ),
    "gaze_finding": (
        "Given this chest X-ray and the finding '{finding}', list the areas a radiologist looks at, in order, "
        "as (xmin,ymin)(xmax,ymax)(cx,cy) using integer coordinates from 0 to 1000."
    ),
    "gaze_trajectory": (
        "List, in order, the points (x,y) a radiologist's gaze visits when reading this chest X-ray, "
        "using integer coordinates from 0 to 1000."
    ),
}


def render_prompt(request: Request, templates: dict[str, str]) -> str:
    """The prompt text for ``request`` from ``templates`` (keys as :data:`DEFAULT_PROMPTS`)."""
    if isinstance(request, ReportRequest):
        return request.instruction or templates["report"]
    if isinstance(request, VqaRequest):
        return templates["vqa"].format(question=request.question)
    if isinstance(request, GroundingRequest):
        return templates["grounding"].format(phrase=request.phrase)
    if isinstance(request, GazeRequest):
        if request.finding is None:
            return templates["gaze_trajectory"]
        return templates["gaze_finding"].format(finding=request.finding)
    raise TypeError(f"not a request: {type(request).__name__}")


PROMPT_TEMPLATE_VERSION = 2
"""Bumped whenever :data:`DEFAULT_PROMPTS`, :data:`PRESETS` or the encoding rules change (part of the
``hf-vlm`` run key). v2: prompts encoded by the family's processor (``apply_chat_template``)."""


PRESETS: dict[str, dict[str, str]] = {
    "medgemma": {
        "system": "You are an expert radiologist.",
        "report": "Describe this X-ray",
        "source": "google/medgemma-4b-it model card, 'Run model with the pipeline API' example "
        "(https://huggingface.co/google/medgemma-4b-it)",
    },
    "llava-rad": {
        "report": "Describe the findings of the chest x-ray.\n",
        "source": "microsoft/LLaVA-Rad README inference example, query '<image>\\nDescribe the findings of the "
        "chest x-ray.\\n' (https://github.com/microsoft/LLaVA-Rad); the image placeholder comes from the "
        "chat template here",
    },
    "maira-2": {
        "report": "Provide a description of the findings in the radiology study in comparison to the prior "
        "frontal image. INDICATION: None. TECHNIQUE: None. COMPARISON: None.",
        "source": "microsoft/maira-2 model card / processor format_and_preprocess_reporting_input (findings "
        "instruction with INDICATION, TECHNIQUE, COMPARISON sections; https://huggingface.co/microsoft/maira-2)",
    },
    "chexagent": {
        "report": 'Describe "Findings"',
        "source": "StanfordAIMI/CheXagent-8b model card, step 4 'Generate the Findings section' uses "
        "prompt 'Describe \"<anatomy>\"' (https://huggingface.co/StanfordAIMI/CheXagent-8b); here the "
        "whole findings section is asked for in the same form",
    },
    "lingshu": {
        "report": "Describe this image.",
        "source": "lingshu-medical-mllm/Lingshu-7B model card, transformers example (Qwen2.5-VL chat template; "
        "https://huggingface.co/lingshu-medical-mllm/Lingshu-7B)",
    },
    "radfm": {
        "vqa": "{question}",
        "report": "Can you provide a radiology report for this medical image?",
        "source": "chaoyi-wu/RadFM quick demo (question given as plain text after the image; "
        "https://github.com/chaoyi-wu/RadFM)",
    },
    "huatuogpt-vision": {
        "vqa": "{question}",
        "report": "What does the picture show?",
        "source": "FreedomIntelligence/HuatuoGPT-Vision README, 'Chat with HuatuoGPT-Vision' example query "
        "(https://github.com/FreedomIntelligence/HuatuoGPT-Vision)",
    },
}
"""Named prompt sets (``--model-arg preset=NAME``): per-capability templates (keys as
:data:`DEFAULT_PROMPTS`), an optional ``system`` message and the ``source`` they come from.
Capabilities a preset leaves out keep :data:`DEFAULT_PROMPTS`. A preset only changes the text:
the encoding is always the checkpoint's own processor and chat template."""


def preset_templates(name: str | None) -> tuple[dict[str, str], str | None, str | None]:
    """``(templates, system, source)`` of preset ``name`` (None: the defaults).

    Raises:
        UsageError: unknown preset.
    """
    if name is None:
        return dict(DEFAULT_PROMPTS), None, None
    if name not in PRESETS:
        raise UsageError(f"hf-vlm: unknown preset '{name}' (known: {', '.join(sorted(PRESETS))})")
    p = PRESETS[name]
    templates = {**DEFAULT_PROMPTS, **{k: v for k, v in p.items() if k in DEFAULT_PROMPTS}}
    return templates, p.get("system"), p["source"]
