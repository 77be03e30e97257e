"""GazeX training samples (FVP, GTM, SDA, plain report) from one REFLACX reading.

Input is a reading, its quarter-scale gray image and the gaze preprocessing output
(:class:`~gazex_bench.gaze.types.FindingGaze` per dictated sentence). Targets follow
GazeX's ``Create_Training_Data.py`` (see :mod:`gazex_model.prompts`); coordinates are
integers in the quarter-scale frame. Shuffles are seeded per reading (stable across runs).

Per reading:

* FVP — one sample per finding with a holistic summary (``observation`` only when the
  finding has no clusters).
* GTM — attention video (cluster frames of multi-cluster findings + each finding's
  holistic frame, evenly subsampled to ``max_frames``) + image -> report; image -> report
  ("interpretation pattern" prompt); finding clip (cluster frames + holistic) + image ->
  sentence, for findings with >= 2 clusters.
* SDA — shuffled holistic frames (>= 2) -> ``<seq>..</seq><description>transcription</descriptions>``;
  shuffled finding clips (>= 2 frames) -> ``<seq>..</seq>``.
* report (no-gaze baseline) — image -> report with the plain prompt.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gazex_bench.data.records import ReflacxReading
from gazex_bench.gaze.types import FindingGaze
from gazex_model import prompts as P
from gazex_model.collate import Sample
from gazex_model.frames import finding_frames, fit_side, resize_gray, subsample


@dataclass(frozen=True)
class ReadingInput:
    """One reading ready for sample building."""

    reading: ReflacxReading
    image_quarter: np.ndarray
    """Gray uint8 image at quarter scale (original / 4), the coordinate frame of targets."""
    findings: tuple[FindingGaze, ...]


@dataclass(frozen=True)
class SampleOptions:
    """Sizes used when building samples (pixels / frame counts)."""

    image_side: int = 84
    frame_side: int = 56
    max_frames: int = 8
    seed: int = 0
    coord_format: str = "gazex"
    """FVP coordinate format (:data:`gazex_model.prompts.COORD_FORMATS`)."""


def report_text(reading: ReflacxReading) -> str:
    """GazeX report target: ``' '.join(patch_sentences)`` (sentences end with `` .``)."""
    if reading.sentences:
        return " ".join(s.text for s in reading.sentences)
    return (reading.transcription or "").strip()


def _rng(reading_id: str, seed: int, salt: int) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(reading_id.encode()), salt + 1])


def _shuffle(frames: Sequence[np.ndarray], rng: np.random.Generator) -> tuple[np.ndarray, list[int]]:
    """Shuffle frames; return the video and the 1-based original positions in shown order."""
    perm = rng.permutation(len(frames))
    if len(frames) > 1 and np.all(perm == np.arange(len(frames))):
        perm = np.roll(perm, 1)
    return np.stack([frames[i] for i in perm]), [int(i) + 1 for i in perm]


def fvp_samples(ri: ReadingInput, image: np.ndarray, coord_format: str = "gazex") -> list[Sample]:
    """FVP samples of one reading (see module docstring); ``coord_format`` as in :func:`~gazex_model.prompts.fvp_target`."""
    out = []
    for f in ri.findings:
        if f.holistic is None:
            continue
        clusters = [(c.box, c.centroid) for c in f.clusters]
        frame = (float(ri.image_quarter.shape[1]), float(ri.image_quarter.shape[0]))
        target = P.fvp_target(clusters, (f.holistic.box, f.holistic.centroid), coord_format, frame)
        tmpl = P.FVP if clusters else P.FVP_NO_CLUSTERS
        meta = {
            "reading_id": ri.reading.reading_id,
            "sentence_index": f.sentence_index,
            "sentence": f.sentence,
            "holistic_centroid": list(f.holistic.centroid),
            "holistic_box": list(f.holistic.box),
            "quarter_hw": list(ri.image_quarter.shape[:2]),
        }
        sid = f"{ri.reading.reading_id}/s{f.sentence_index}"
        out.append(
            Sample(
                "fvp",
                "fvp" if clusters else "fvp_no_clusters",
                sid,
                tmpl.format(sentence=f.sentence),
                target,
                image=image,
                meta=meta,
            )
        )
    return out


def _video_parts(
    ri: ReadingInput, opts: SampleOptions
) -> list[tuple[FindingGaze, list[np.ndarray], np.ndarray | None]]:
    qhw = ri.image_quarter.shape[:2]
    hw = fit_side(qhw[0], qhw[1], opts.frame_side)
    small = resize_gray(ri.image_quarter, hw)
    return [(f, *finding_frames(small, f.clusters, f.holistic, qhw)) for f in ri.findings]


_Part = tuple[FindingGaze, list[np.ndarray], np.ndarray | None]
"""One finding's gaze: the finding, its cluster frames and its holistic frame (None without one)."""


def _sda_global(ri: ReadingInput, report: str, parts: list[_Part], opts: SampleOptions) -> Sample | None:
    """The reading's global SDA sample (shuffled holistic frames), None with fewer than 2 of them."""
    holistic = [hol for _, _, hol in parts if hol is not None]
    if len(holistic) < 2:
        return None
    rid = ri.reading.reading_id
    vid, order = _shuffle(subsample(holistic, opts.max_frames), _rng(rid, opts.seed, -1))
    desc = (ri.reading.transcription or report).strip()
    return Sample(
        "sda",
        "sda_global",
        f"{rid}/sda",
        P.SDA_GLOBAL.format(n_frames=len(vid)),
        P.sda_global_target(order, desc),
        video=vid,
        meta={"order": order},
    )


def _sentence_samples(rid: str, image: np.ndarray, parts: list[_Part], opts: SampleOptions) -> list[Sample]:
    """Per-sentence GTM clip and SDA clip samples of the findings with >= 2 cluster frames and a holistic one."""
    out: list[Sample] = []
    for f, cl, hol in parts:
        if len(cl) < 2 or hol is None:
            continue
        clip = subsample([*cl, hol], opts.max_frames)
        sid = f"{rid}/s{f.sentence_index}"
        out.append(
            Sample(
                "gtm",
                "gtm_clip_sentence",
                sid + "/clip",
                P.GTM_CLIP_SENTENCE,
                f.sentence,
                image=image,
                video=np.stack(clip),
            )
        )
        vid, order = _shuffle(clip, _rng(rid, opts.seed, f.sentence_index))
        out.append(
            Sample(
                "sda",
                "sda_clip",
                sid + "/sda",
                P.SDA_CLIP.format(n_frames=len(vid), sentence=f.sentence),
                P.seq_text(order),
                video=vid,
                meta={"order": order},
            )
        )
    return out


def gtm_sda_samples(
    ri: ReadingInput, image: np.ndarray, opts: SampleOptions, skips: Counter[str]
) -> list[Sample]:
    """GTM and SDA samples of one reading (see module docstring)."""
    rid = ri.reading.reading_id
    report = report_text(ri.reading)
    parts = _video_parts(ri, opts)
    out = [Sample("gtm", "gtm_image_report", f"{rid}/image_report", P.GTM_IMAGE_REPORT, report, image=image)]
    full = [fr for _, cl, hol in parts for fr in ([*cl, hol] if hol is not None else cl)]
    if full:
        vid = np.stack(subsample(full, opts.max_frames))
        out.append(
            Sample(
                "gtm",
                "gtm_video_report",
                f"{rid}/video_report",
                P.GTM_VIDEO_REPORT.format(n_frames=len(vid)),
                report,
                image=image,
                video=vid,
            )
        )
    else:
        skips["reading without gaze frames"] += 1
    sda = _sda_global(ri, report, parts, opts)
    if sda is not None:
        out.append(sda)
    return out + _sentence_samples(rid, image, parts, opts)


def model_image(image_quarter: np.ndarray, side: int) -> np.ndarray:
    """The quarter-scale image resized to the model input (area ~ ``side**2``, 28-multiples)."""
    h, w = image_quarter.shape[:2]
    return resize_gray(image_quarter, fit_side(h, w, side))


def reading_samples(
    ri: ReadingInput, opts: SampleOptions, skips: Counter[str] | None = None
) -> dict[str, list[Sample]]:
    """All objective pools of one reading: ``fvp``, ``gtm``, ``sda``, ``report``."""
    skips = skips if skips is not None else Counter()
    image = model_image(ri.image_quarter, opts.image_side)
    pools: dict[str, list[Sample]] = {"fvp": fvp_samples(ri, image, opts.coord_format), "gtm": [], "sda": []}
    for s in gtm_sda_samples(ri, image, opts, skips):
        pools[s.objective].append(s)
    report = report_text(ri.reading)
    pools["report"] = [
        Sample("report", "report", f"{ri.reading.reading_id}/report", P.REPORT, report, image=image)
    ]
    if not pools["fvp"]:
        skips["reading without FVP sample (no gaze)"] += 1
    return pools


def corpus_of(pools: dict[str, list[Sample]]) -> list[str]:
    """Prompt and target text of all samples (tiny BPE training corpus)."""
    return sorted({t for v in pools.values() for s in v for t in (s.prompt, s.target)})
