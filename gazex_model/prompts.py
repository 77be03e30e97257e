"""Every prompt template and target format of GazeX training, in one place.

Task prompts 1-6 are verbatim from GazeX's ``preprocessing_scripts/Create_Training_Data.py``
(LLaMA-Factory sharegpt format; ``<image>``/``<video>`` are the vision placeholders that
:func:`split_placeholders` turns into chat-template content items). Where the reference
elides text with ``...`` (tasks 4-6), the elided middle is written out here as our own
wording and marked ``# ours``. Downstream prompts (VQA, grounding, plain report) are ours.

Coordinates in targets are integers in the quarter-scale image frame (original px / 4).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

IMAGE = "<image>"
VIDEO = "<video>"

# 1. Gaze video + image -> report (GTM, verbatim).
GTM_VIDEO_REPORT = (
    "<video>This video contains {n_frames} frames of a radiologist's eye-tracking data while examining an "
    "X-ray image. Each frame shows where the radiologist focused their gaze at that point in time. <image> "
    "This is the corresponding X-ray image. Using the gaze patterns and the image, generate a detailed "
    "description or diagnosis that reflects the radiologist's interpretation, guided by their attention over time."
)
# 2. Image -> report with the radiologist's interpretation pattern (GTM, verbatim).
GTM_IMAGE_REPORT = (
    "<image> Given an X-ray image, using the radiologist's interpretation pattern, generate a detailed "
    "description or diagnosis for the image."
)
# 3. Finding clip -> sentence (GTM, verbatim).
GTM_CLIP_SENTENCE = (
    "<video>This video contains a radiologist's gazing data while examining an X-ray image <image>. Each frame "
    "shows where the radiologist focused their gaze at that point in time. Generate a description that reflects "
    "the radiologist's interpretation, guided by their attention over time."
)
# 4. Attention extraction (FVP). Start and end verbatim; the middle sentence is ours.
FVP = (
    "<image>Given an X-ray image and a radiologist's description '{sentence}', mimic a radiologist's "
    "interpretation pattern to identify visual clues and an overall observation area. "
    "Give each area as a bounding box and its centroid in pixels of the image downscaled by 4, "  # ours
    "using the structure: 'visual clues: [(xmin1, ymin1)(xmax1, ymax1)(centroidx1, centroidy1), (xmin2, ...), "
    "...], observation: [(xmin, ymin)(xmax, ymax)(centroidx, centroidy)]'."
)
FVP_NO_CLUSTERS = (
    "<image>Given an X-ray image and a radiologist's description '{sentence}', mimic a radiologist's "
    "interpretation pattern to identify an overall observation area. "  # ours (reference: "Output ... observation area")
    "Output visual clues and observation area using the structure: "
    "'observation: [(xmin, ymin)(xmax, ymax)(centroidx, centroidy)]'."
)
# 5. Sequence ordering, whole reading (SDA). Start and answer format verbatim; middle ours.
SDA_GLOBAL = (
    "<video>Given a shuffled radiologist's eye-tracking video with {n_frames} frames, "
    "analyze the video to identify the correct sequence of gazing and describe the findings. "  # ours
    "Provide your answer in the following format <seq>32145</seq><description>description1,description2,..."
    "</descriptions>."
)
# 6. Sequence ordering, finding clip (SDA). Middle and answer format verbatim, opening ours.
SDA_CLIP = (
    "<video>Given a shuffled radiologist's eye-tracking video with {n_frames} frames "  # ours
    "for description '{sentence}', analyze the video to identify the correct sequence of gazing to reach the "
    "diagnosis. Provide your answer in the following format <seq>32145</seq>, "
    "where each digit is the original position of the frame."  # ours
)
# Inference prompt of GazeX (basic_examine_chest_xray.json), verbatim.
INSPECT = "<image>Given an X-ray image, mimic a radiologist's eye-tracking pattern and generate a description of the image."

# Downstream / baseline prompts (ours).
REPORT = "<image>Generate the findings section of the radiology report for this chest X-ray."
VQA = "<image>Answer the question about this chest X-ray with a short phrase. Question: {question}"
GROUNDING = (
    "<image>Locate the region described by '{phrase}' in this chest X-ray. Answer with bounding boxes in pixels "
    "of the image downscaled by 4 using the structure: 'boxes: [(xmin, ymin)(xmax, ymax), ...]'."
)

SEQ_SEPARATOR = ","
"""Separator between frame indices in ``<seq>`` when a video has more than 9 frames.

GazeX concatenates single digits (``<seq>32145</seq>``), unambiguous only up to 9 frames.
With >= 10 frames we write 1-based indices joined by ``,`` (``<seq>3,10,1,...</seq>``);
the parser accepts both forms.
"""


def split_placeholders(prompt: str) -> list[dict[str, str]]:
    """Split a LLaMA-Factory prompt at ``<image>``/``<video>`` into chat content items."""
    items: list[dict[str, str]] = []
    for part in re.split(r"(<image>|<video>)", prompt):
        if part == IMAGE:
            items.append({"type": "image"})
        elif part == VIDEO:
            items.append({"type": "video"})
        elif part:
            items.append({"type": "text", "text": part})
    return items


COORD_FORMATS = ("gazex", "fixed3", "norm100")
"""FVP coordinate formats.

* ``gazex``: quarter-scale pixels, int-cast, no padding (GazeX's exact targets).
* ``fixed3``: the same pixels zero-padded to 3 digits, e.g. ``(049,103)`` (ours).
* ``norm100``: a 100 x 100 grid over the image, ``int(x / width * 100)`` clipped to 0..99, so
  every coordinate is exactly 2 digits and independent of the image's size (ours; Qwen2-VL's
  own grounding uses the same idea on a 1000 grid). Decoded back to quarter-scale pixels at
  the bin centre, ``(n + 0.5) * width / 100``, by :func:`decode_point`.
"""

Frame = tuple[float, float]
"""(width, height) of the quarter-scale image, pixels: the frame ``norm100`` is relative to."""


def _check(coord_format: str) -> None:
    if coord_format not in COORD_FORMATS:
        raise ValueError(f"coord_format must be one of {COORD_FORMATS}, got {coord_format!r}")


def _coord(v: float, extent: float | None, coord_format: str) -> str:
    if coord_format == "norm100":
        if not extent:
            raise ValueError("coord_format norm100 needs the image frame (width, height)")
        return f"{min(99, max(0, int(v / extent * 100))):02d}"
    return f"{int(v):03d}" if coord_format == "fixed3" else str(int(v))


def decode_point(pt: Sequence[float], coord_format: str, frame: Frame | None) -> tuple[float, float]:
    """Model-text coordinates -> quarter-scale pixels (identity except for ``norm100``)."""
    _check(coord_format)
    if coord_format != "norm100":
        return (float(pt[0]), float(pt[1]))
    if frame is None:
        raise ValueError("coord_format norm100 needs the image frame (width, height)")
    return ((float(pt[0]) + 0.5) * frame[0] / 100.0, (float(pt[1]) + 0.5) * frame[1] / 100.0)


def box_text(
    box: Sequence[float],
    centroid: Sequence[float] | None = None,
    coord_format: str = "gazex",
    frame: Frame | None = None,
) -> str:
    """``(x0,y0)(x1,y1)[(cx,cy)]`` in ``coord_format`` (GazeX spacing: none).

    Args:
        box: ``(x0, y0, x1, y1)`` quarter-scale pixels.
        centroid: ``(cx, cy)`` quarter-scale pixels, or None.
        coord_format: One of :data:`COORD_FORMATS` (``fixed3`` gives e.g. ``(049,103)``).
        frame: Quarter-scale image ``(width, height)``; required by ``norm100``.
    """
    _check(coord_format)
    w, h = frame if frame is not None else (None, None)

    def pt(x: float, y: float) -> str:
        return f"({_coord(x, w, coord_format)},{_coord(y, h, coord_format)})"

    s = pt(box[0], box[1]) + pt(box[2], box[3])
    return s + pt(centroid[0], centroid[1]) if centroid is not None else s


def narrow_box(box: Sequence[float], percentage: float) -> tuple[float, float, float, float]:
    """GazeX ``narrow_bbox_by_percentage``: shrink each side by ``percentage`` % of the size.

    GazeX passes 0.35 (clusters) and 0.15 (holistic) and divides by 100, so the shrink is
    0.35 % / 0.15 % of the width/height per side (practically a no-op after int-casting).
    """
    x0, y0, x1, y1 = box
    dx, dy = (x1 - x0) * percentage / 100.0, (y1 - y0) * percentage / 100.0
    return (x0 + dx, y0 + dy, x1 - dx, y1 - dy)


def fvp_target(
    clusters: Sequence[tuple[Sequence[float], Sequence[float]]],
    holistic: tuple[Sequence[float], Sequence[float]],
    coord_format: str = "gazex",
    frame: Frame | None = None,
) -> str:
    """FVP target string.

    Args:
        clusters: ``(box, centroid)`` per gaze cluster in temporal order (quarter-scale px).
        holistic: ``(box, centroid)`` of the finding's holistic summary.
        coord_format: ``gazex`` (paper), ``fixed3`` or ``norm100`` (ours); see :data:`COORD_FORMATS`.
        frame: Quarter-scale image ``(width, height)``, px; required by ``norm100``.

    Returns:
        ``visual clues : [(x0,y0)(x1,y1)(cx,cy),(...)] observation : [(x0,y0)(x1,y1)(cx,cy)]``,
        or ``observation : [...]`` alone when there are no clusters.
    """
    hb, hc = holistic
    obs = "observation : [" + box_text(narrow_box(hb, 0.15), hc, coord_format, frame) + "]"
    if not clusters:
        return obs
    clues = ",".join(box_text(narrow_box(b, 0.35), c, coord_format, frame) for b, c in clusters)
    return f"visual clues : [{clues}] {obs}"


def seq_text(order: Sequence[int]) -> str:
    """``<seq>…</seq>`` for 1-based original positions listed in shuffled-frame order."""
    if len(order) <= 9:
        body = "".join(str(i) for i in order)
    else:
        body = SEQ_SEPARATOR.join(str(i) for i in order)
    return f"<seq>{body}</seq>"


def sda_global_target(order: Sequence[int], transcription: str) -> str:
    """GazeX task-5 target: ``<seq>…</seq><description>{transcription}</descriptions>``."""
    return f"{seq_text(order)}<description>{transcription}</descriptions>"


def grounding_target(boxes: Sequence[Sequence[float]]) -> str:
    """``boxes: [(x0,y0)(x1,y1),(…)]`` in quarter-scale px (our downstream format)."""
    return "boxes: [" + ",".join(box_text(b) for b in boxes) + "]"
