"""``nearest-report``: the training report of the most similar training image.

Similarity: cosine of :func:`~gazex_bench.models.baselines.common.pixel_embedding`
(16×16 grey thumbnail, z-scored, unit norm; multi-view studies average their views).
Ties go to the first training sample in dataset order.

Leave-one-out rule: with ``--split all`` the evaluated samples include the training split
the baseline is fitted on, so for each query every training entry with the query's sample
id OR any image path in common with the query is excluded (an evaluated sample never
retrieves its own report, even under another id).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gazex_bench.models.baselines.common import Baseline, pixel_embedding, text_response
from gazex_bench.models.protocols import Example
from gazex_bench.models.types import Capability, ReportRequest, Response, failed


class NearestReportAdapter(Baseline):
    """Retrieval baseline for report generation."""

    name = "nearest-report"
    capabilities = frozenset({Capability.REPORT})

    def __init__(self, side: int = 16) -> None:
        self.side = int(side)
        self._emb: np.ndarray = np.zeros((0, self.side * self.side))
        self._reports: list[str] = []
        self._ids: list[str] = []
        self._paths: list[frozenset[str]] = []

    def params(self) -> dict[str, int]:
        return {"side": self.side}

    def fit(self, examples: Sequence[Example]) -> None:
        """Embed every training image that has a report."""
        pairs = [
            (ex.request, ex.reference)
            for ex in examples
            if isinstance(ex.request, ReportRequest) and isinstance(ex.reference, str)
        ]
        self._reports = [ref for _, ref in pairs]
        self._ids = [req.sample_id for req, _ in pairs]
        self._paths = [frozenset(str(p) for p in req.image_paths) for req, _ in pairs]
        self._emb = (
            np.stack([pixel_embedding(req.image_paths, self.side) for req, _ in pairs])
            if pairs
            else np.zeros((0, self.side * self.side))
        )

    def generate_reports(self, requests: Sequence[ReportRequest]) -> list[Response]:
        """Return the nearest training report per request."""
        if len(self._reports) < 2:
            return [
                failed(r.sample_id, "nearest-report has no training reports (empty train split)")
                for r in requests
            ]
        out = []
        for r in requests:
            sims = self._emb @ pixel_embedding(r.image_paths, self.side)
            own = {str(p) for p in r.image_paths}
            sims[
                [i for i, sid in enumerate(self._ids) if sid == r.sample_id or self._paths[i] & own]
            ] = -np.inf
            if not np.isfinite(sims).any():
                out.append(failed(r.sample_id, "nearest-report: no training report left after leave-one-out"))
                continue
            out.append(text_response(r.sample_id, self._reports[int(np.argmax(sims))]))
        return out
