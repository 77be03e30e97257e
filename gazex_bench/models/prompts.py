"""Default prompt templates of the generic adapters, one per capability.

Placeholders: ``{question}``, ``{phrase}``, ``{finding}``. Coordinates asked for are
integers 0–1000 over image width/height (``norm1000``, the Qwen2-VL grounding
convention), matching the parsers' default for ``hf-vlm``. Every template can be
overridden with a model arg (``prompt_report=...``, ``prompt_vqa=...``,
``prompt_grounding=...``, ``prompt_gaze_finding=...``, ``prompt_gaze_trajectory=...``).
"""

from __future__ import annotations

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
