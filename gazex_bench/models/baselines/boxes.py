"""Fixed-box grounding baselines (they ignore the phrase).

* ``chest-box`` — the typical chest field as fractions of the image:
  ``CHEST_BOX_FRACTIONS = (0.10, 0.10, 0.90, 0.90)`` (xmin, ymin, xmax, ymax);
* ``center-box`` — the central box covering half the width and half the height:
  ``(0.25, 0.25, 0.75, 0.75)``.

Both answer in original-image pixels with confidence 1.
"""

from __future__ import annotations

from collections.abc import Sequence

from gazex_bench.models.baselines.common import Baseline
from gazex_bench.models.types import Capability, Grounding, GroundingRequest, Response, ScoredBox

CHEST_BOX_FRACTIONS: tuple[float, float, float, float] = (0.10, 0.10, 0.90, 0.90)
CENTER_BOX_FRACTIONS: tuple[float, float, float, float] = (0.25, 0.25, 0.75, 0.75)


class _FixedBox(Baseline):
    fractions: tuple[float, float, float, float] = CHEST_BOX_FRACTIONS
    capabilities = frozenset({Capability.GROUNDING})

    def params(self) -> dict[str, list[float]]:
        return {"fractions": list(self.fractions)}

    def ground_phrases(self, requests: Sequence[GroundingRequest]) -> list[Response]:
        """The fixed box scaled to each image."""
        out = []
        for r in requests:
            w, h = r.image_size
            fx0, fy0, fx1, fy1 = self.fractions
            box = (fx0 * w, fy0 * h, fx1 * w, fy1 * h)
            out.append(Response(r.sample_id, None, Grounding(boxes=(ScoredBox(box, 1.0),))))
        return out


class ChestBoxAdapter(_FixedBox):
    """The whole chest field."""

    name = "chest-box"
    fractions = CHEST_BOX_FRACTIONS


class CenterBoxAdapter(_FixedBox):
    """A central box."""

    name = "center-box"
    fractions = CENTER_BOX_FRACTIONS
