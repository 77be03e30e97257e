"""Shared pieces of the baselines: base class, pixel embeddings, frame conversions."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gazex_bench.gaze.types import QUARTER
from gazex_bench.images import open_image
from gazex_bench.models.types import Capability, Response

ALL_CAPABILITIES: frozenset[Capability] = frozenset(Capability)


class Baseline:
    """Base of the reference baselines: name, capabilities, identity, batch size."""

    name: str = ""
    capabilities: frozenset[Capability] = frozenset()
    batch_size: int = 64

    def identity(self) -> dict[str, Any]:
        """``{"adapter": name, "kind": "baseline", "params": {...}}``."""
        return {"adapter": self.name, "kind": "baseline", "params": self.params()}

    def params(self) -> dict[str, Any]:
        """Constructor parameters (recorded in run.json)."""
        return {}


def text_response(sample_id: str, text: str) -> Response:
    """A response whose raw and parsed output are ``text``."""
    return Response(sample_id=sample_id, raw=text, parsed=text)


def pixel_embedding(paths: Sequence[Path], side: int = 16) -> np.ndarray:
    """Unit-norm embedding of an image: ``side``×``side`` grey thumbnail, z-scored.

    Multi-view studies average the per-view vectors before normalising. Pixels are
    resampled with PIL's BOX filter (area average).
    """
    from PIL import Image

    vecs = []
    for p in paths:
        thumb = open_image(p, "L").resize((side, side), Image.Resampling.BOX)  # decode errors name the file
        v = np.asarray(thumb, dtype=np.float64).ravel()
        v = (v - v.mean()) / (v.std() + 1e-8)
        vecs.append(v)
    mean = np.mean(vecs, axis=0) if vecs else np.zeros(side * side)
    return mean / (np.linalg.norm(mean) + 1e-12)


def quarter_size(image_size: tuple[int, int]) -> tuple[float, float]:
    """``(width, height)`` of the quarter-scale gaze frame for an original image size."""
    return image_size[0] * QUARTER, image_size[1] * QUARTER
