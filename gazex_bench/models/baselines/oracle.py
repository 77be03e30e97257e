"""``oracle``: returns each evaluated sample's reference — the upper bound of every metric.

It is the only adapter that sees references (via
:class:`~gazex_bench.models.protocols.ReadsReferences`). A task whose oracle does
not reach the metric maximum has a scoring bug; the test suite checks this.
"""

from __future__ import annotations

from collections.abc import Sequence

from gazex_bench.models.baselines.common import ALL_CAPABILITIES, Baseline
from gazex_bench.models.protocols import Example
from gazex_bench.models.types import Parsed, Request, Response, failed


class OracleAdapter(Baseline):
    """Answers with the reference (report text, answer, boxes, gaze clusters)."""

    name = "oracle"
    capabilities = ALL_CAPABILITIES

    def __init__(self) -> None:
        self._refs: dict[str, Parsed] = {}

    def set_references(self, examples: Sequence[Example]) -> None:
        """Store the references of the evaluated samples."""
        self._refs = {ex.request.sample_id: ex.reference for ex in examples}

    def _answer(self, requests: Sequence[Request]) -> list[Response]:
        out = []
        for r in requests:
            if r.sample_id not in self._refs:
                out.append(failed(r.sample_id, "oracle has no reference for this sample"))
                continue
            ref = self._refs[r.sample_id]
            out.append(Response(r.sample_id, ref if isinstance(ref, str) else None, ref))
        return out

    generate_reports = _answer
    answer_questions = _answer
    ground_phrases = _answer
    predict_gaze = _answer
