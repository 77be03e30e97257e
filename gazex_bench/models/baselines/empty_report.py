"""``empty-report``: answers every report request with the empty string.

The null of clinical efficacy: a CheXpert-style labeler (CheXpert itself, CheXbert and
``gazex-rules``) gives "No Finding" to a report without any positive mention, so the
empty report is labelled exactly like a normal study. Its CE F1 is therefore the score
of "always normal" — under ``paper-pos`` (14 labels incl. No Finding) and, with the
empty-set rule, under ``paper-pos-13`` it equals the share of normal references
(:mod:`gazex_bench.metrics.clinical`). Its NLG metrics are 0. A model that does not beat
this row on CE F1 has learnt nothing a labeler can see.
"""

from __future__ import annotations

from collections.abc import Sequence

from gazex_bench.models.baselines.common import Baseline, text_response
from gazex_bench.models.types import Capability, ReportRequest, Response


class EmptyReportAdapter(Baseline):
    """Report baseline that writes nothing."""

    name = "empty-report"
    capabilities = frozenset({Capability.REPORT})

    def generate_reports(self, requests: Sequence[ReportRequest]) -> list[Response]:
        """One empty report per request."""
        return [text_response(r.sample_id, "") for r in requests]
