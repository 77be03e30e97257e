"""``random``: seeded chance-level answers for every capability.

* report — a training report drawn uniformly (no training data: empty text);
* vqa — uniformly one of the distinct training answers seen for the same question
  text (yes/no questions → chance 0.5), else of all training answers;
* grounding — one box with uniform random corners inside the image;
* gaze — 1–3 clusters / 8 trajectory points uniform in the quarter-scale frame.

Each sample's draw uses ``numpy.random.default_rng([seed, crc32(sample_id)])``, so
answers do not depend on batching, order, sharding or resume.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from gazex_bench.models.baselines.common import ALL_CAPABILITIES, Baseline, quarter_size, text_response
from gazex_bench.models.protocols import Example
from gazex_bench.models.types import (
    GazePrediction,
    GazeRequest,
    Grounding,
    GroundingRequest,
    PredictedCluster,
    ReportRequest,
    Response,
    ScoredBox,
    VqaRequest,
)

_YES_NO = {"yes", "no"}


class RandomAdapter(Baseline):
    """Seeded random answers (chance level)."""

    name = "random"
    capabilities = ALL_CAPABILITIES

    def __init__(self, seed: int = 0) -> None:
        self.seed = int(seed)
        self._reports: list[str] = []
        self._answers: dict[str, list[str]] = {}
        self._all_answers: list[str] = []

    def params(self) -> dict[str, int]:
        return {"seed": self.seed}

    def _rng(self, sample_id: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, zlib.crc32(sample_id.encode("utf-8"))])

    def fit(self, examples: Sequence[Example]) -> None:
        """Collect training reports and answers (the pools to draw from)."""
        for ex in examples:
            if isinstance(ex.request, ReportRequest) and isinstance(ex.reference, str):
                self._reports.append(ex.reference)
            elif isinstance(ex.request, VqaRequest) and isinstance(ex.reference, str):
                pool = self._answers.setdefault(ex.request.question.strip().lower(), [])
                if ex.reference not in pool:
                    pool.append(ex.reference)
                if ex.reference not in self._all_answers:
                    self._all_answers.append(ex.reference)

    def generate_reports(self, requests: Sequence[ReportRequest]) -> list[Response]:
        """A random training report per request."""
        pool = sorted(self._reports)
        return [
            text_response(r.sample_id, pool[self._rng(r.sample_id).integers(len(pool))] if pool else "")
            for r in requests
        ]

    def answer_questions(self, requests: Sequence[VqaRequest]) -> list[Response]:
        """A random candidate answer per question."""
        out = []
        for r in requests:
            pool = self._pool(r.question)
            out.append(text_response(r.sample_id, pool[self._rng(r.sample_id).integers(len(pool))]))
        return out

    def _pool(self, question: str) -> list[str]:
        """The candidates for ``question``: its training answers, both of yes/no for a yes/no question.

        A yes/no question whose training answers happen to be all "yes" still gets a coin flip: the
        baseline is chance level, not a per-question majority vote (that is ``majority-answer``).
        """
        seen = self._answers.get(question.strip().lower()) or self._all_answers or ["yes", "no"]
        if {a.strip().lower() for a in seen} <= _YES_NO:
            return sorted(_YES_NO)
        return sorted(seen)

    def ground_phrases(self, requests: Sequence[GroundingRequest]) -> list[Response]:
        """One uniformly random box inside the image."""
        out = []
        for r in requests:
            w, h = r.image_size
            xs, ys = np.sort(self._rng(r.sample_id).uniform(0, 1, (2, 2)), axis=1)
            box = (float(xs[0] * w), float(ys[0] * h), float(xs[1] * w), float(ys[1] * h))
            out.append(Response(r.sample_id, None, Grounding(boxes=(ScoredBox(box, 1.0),))))
        return out

    def predict_gaze(self, requests: Sequence[GazeRequest]) -> list[Response]:
        """Random clusters (finding) or trajectory points (image), quarter-scale pixels."""
        out = []
        for r in requests:
            rng = self._rng(r.sample_id)
            qw, qh = quarter_size(r.image_size)
            if r.finding is None:
                pts = tuple((float(x * qw), float(y * qh)) for x, y in rng.uniform(0, 1, (8, 2)))
                out.append(Response(r.sample_id, None, GazePrediction(points=pts)))
                continue
            clusters = []
            for x, y in rng.uniform(0, 1, (int(rng.integers(1, 4)), 2)):
                cx, cy = float(x * qw), float(y * qh)
                box = (
                    max(0.0, cx - qw / 10),
                    max(0.0, cy - qh / 10),
                    min(qw, cx + qw / 10),
                    min(qh, cy + qh / 10),
                )
                clusters.append(PredictedCluster((cx, cy), box))
            out.append(Response(r.sample_id, None, GazePrediction(clusters=tuple(clusters))))
        return out
