"""Toy data and tiny-model settings shared by the gazex_model tests (imported by conftest and tests)."""

from __future__ import annotations

import numpy as np

from gazex_model import prompts as P
from gazex_model.collate import Sample

TEST_SHAPE = dict(
    hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
    vision_embed_dim=32, vision_depth=1, vision_num_heads=2, vocab_size=600,
)  # fmt: skip
"""A ~0.2 M-parameter Qwen2-VL (well under the 5 M test budget)."""


def toy_samples() -> dict[str, list[Sample]]:
    """Two deterministic samples per objective with small images / 4-frame videos."""
    rng = np.random.default_rng(0)
    img = (rng.random((84, 70)) * 255).astype(np.uint8)
    vid = (rng.random((4, 56, 56, 3)) * 255).astype(np.uint8)
    fvp = P.fvp_target(
        [((10, 20, 40, 60), (25, 40)), ((50, 10, 90, 30), (70, 20))], ((10, 10, 90, 60), (50, 35))
    )
    out = {
        "fvp": [Sample("fvp", "fvp", f"f{i}", P.FVP.format(sentence=s), fvp, image=img)
                for i, s in enumerate(["small left effusion .", "enlarged heart ."])],
        "gtm": [Sample("gtm", "gtm_video_report", "g0", P.GTM_VIDEO_REPORT.format(n_frames=4),
                       "heart size is normal . no effusion .", image=img, video=vid),
                Sample("gtm", "gtm_clip_sentence", "g1", P.GTM_CLIP_SENTENCE, "small left effusion .",
                       image=img, video=vid)],
        "sda": [Sample("sda", "sda_clip", "s0", P.SDA_CLIP.format(n_frames=4, sentence="x ."), P.seq_text([3, 1, 4, 2]),
                       video=vid),
                Sample("sda", "sda_global", "s1", P.SDA_GLOBAL.format(n_frames=4),
                       P.sda_global_target([2, 1, 4, 3], "heart normal."), video=vid)],
        "report": [Sample("report", "report", "r0", P.REPORT, "no acute process .", image=img)] * 2,
        "vqa": [Sample("vqa", "vqa", "v0", P.VQA.format(question="is there pneumothorax?"), "no", image=img),
                Sample("vqa", "vqa", "v1", P.VQA.format(question="which view is this image taken?"), "PA view",
                       image=img)],
        "grounding": [Sample("grounding", "grounding", "b0", P.GROUNDING.format(phrase="left effusion"),
                             P.grounding_target([(10, 20, 40, 60)]), image=img)] * 2,
    }  # fmt: skip
    return out


def toy_corpus(pools: dict[str, list[Sample]]) -> list[str]:
    return sorted({t for v in pools.values() for s in v for t in (s.prompt, s.target)})


def tiny_overrides() -> list[str]:
    """``--set`` overrides giving the test shape in a TrainConfig."""
    return [f"model.tiny.{k}={v}" for k, v in TEST_SHAPE.items()]
