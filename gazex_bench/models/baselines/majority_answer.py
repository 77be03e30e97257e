"""``majority-answer``: the most frequent training answer for the same question.

Key: the question text, lower-cased and stripped (each template instance, e.g.
``is there pleural effusion?``); questions unseen in training get the overall most
frequent answer. Ties break alphabetically.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from gazex_bench.models.baselines.common import Baseline, text_response
from gazex_bench.models.protocols import Example
from gazex_bench.models.types import Capability, Response, VqaRequest


def _top(counter: Counter[str]) -> str:
    return min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]


class MajorityAnswerAdapter(Baseline):
    """Prior-only VQA baseline."""

    name = "majority-answer"
    capabilities = frozenset({Capability.VQA})

    def __init__(self) -> None:
        self._per_q: dict[str, Counter[str]] = {}
        self._all: Counter[str] = Counter()

    def fit(self, examples: Sequence[Example]) -> None:
        """Count training answers per question."""
        for ex in examples:
            if isinstance(ex.request, VqaRequest) and isinstance(ex.reference, str):
                self._per_q.setdefault(ex.request.question.strip().lower(), Counter())[ex.reference] += 1
                self._all[ex.reference] += 1

    def answer_questions(self, requests: Sequence[VqaRequest]) -> list[Response]:
        """The majority answer per question."""
        fallback = _top(self._all) if self._all else "no"
        out = []
        for r in requests:
            counts = self._per_q.get(r.question.strip().lower())
            out.append(text_response(r.sample_id, _top(counts) if counts else fallback))
        return out
