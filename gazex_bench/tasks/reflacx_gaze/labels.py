"""CheXpert categories of REFLACX finding sentences and generated reports (paper §3.2).

Labeler: the rule-based CheXpert approximation
(:func:`gazex_bench.metrics.chexpert_labeler.label_report`, ``gazex-rules``) by default, or
CheXbert (the paper's labeler) with the ``reflacx-gaze`` task option ``chexbert=PATH``
(:class:`SentenceLabeler`). The reference categories are fixed when the task data is built, so
the scorer's ``--chexbert`` (report tasks) does not change them. A text's categories are the
observations labelled positive (1) or uncertain (−1), excluding ``No Finding``. A sentence gets ONE category: the first of its categories in
CheXpert order (so reference and model sentences follow the same rule); a sentence
without a positive/uncertain observation is uncategorised (``None``) and is not matched
in setting 1.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gazex_bench.data.records import CHEXPERT_LABELS
from gazex_bench.errors import UsageError
from gazex_bench.metrics.chexbert import ChexbertLabeler
from gazex_bench.metrics.chexpert_labeler import label_reports

LABELER = "gazex-rules (rule-based CheXpert approximation)"
NO_FINDING = "No Finding"
_SPLIT = re.compile(r"(?<!\d)\.(?!\d)|\.(?=\s|$)|[!?\n]")


class SentenceLabeler:
    """CheXpert categories of texts, by the rule-based labeler or a local CheXbert checkpoint.

    Labels are cached per text (REFLACX repeats sentences), and :meth:`categories_many`
    labels the unseen texts of a list in one CheXbert batch.

    Args:
        checkpoint: ``chexbert.pth`` (BERT ``config.json`` + ``vocab.txt`` in its folder, as the
            scorer's ``--chexbert``), or None for the rule-based labeler.
    """

    def __init__(self, checkpoint: Path | None = None) -> None:
        self.checkpoint = checkpoint
        self._cache: dict[str, frozenset[str]] = {}
        self._chexbert: Any = None

    @property
    def name(self) -> str:
        """Labeler id recorded with the run."""
        return LABELER if self.checkpoint is None else f"chexbert ({self.checkpoint.name})"

    def categories_many(self, texts: Sequence[str]) -> list[frozenset[str]]:
        """Positive or uncertain observations (``No Finding`` excluded) of each text."""
        todo = sorted({t for t in texts if t and t.strip() and t not in self._cache})
        if todo:
            for t, labels in zip(todo, self._label(todo)):
                self._cache[t] = frozenset(
                    k for k, v in labels.items() if k != NO_FINDING and v is not None and v != 0.0
                )
        return [self._cache.get(t, frozenset()) for t in texts]

    def categories(self, text: str) -> frozenset[str]:
        """Categories of one text (see :meth:`categories_many`)."""
        return self.categories_many([text])[0]

    def sentence_category(self, sentence: str) -> str | None:
        """The first (CheXpert order) positive/uncertain category of one sentence, or None."""
        cats = self.categories(sentence)
        return next((c for c in CHEXPERT_LABELS if c in cats), None)

    def _label(self, texts: list[str]) -> list[dict[str, float | None]]:
        if self.checkpoint is None:
            return label_reports(texts)
        if self._chexbert is None:
            self._chexbert = ChexbertLabeler(self.checkpoint, self.checkpoint.parent)
        return self._chexbert.label_reports(texts)


_LABELERS: dict[str, SentenceLabeler] = {}


def labeler_for(checkpoint: str | Path | None) -> SentenceLabeler:
    """The (process-wide, cached) labeler of ``checkpoint`` (None = rule-based).

    Raises:
        UsageError: the checkpoint file does not exist.
    """
    path = None if checkpoint in (None, "") else Path(str(checkpoint)).expanduser().resolve()
    if path is not None and not path.is_file():
        raise UsageError(f"chexbert: checkpoint file not found: {path}")
    key = str(path)
    if key not in _LABELERS:
        _LABELERS[key] = SentenceLabeler(path)
    return _LABELERS[key]


def categories(text: str) -> frozenset[str]:
    """Positive or uncertain CheXpert observations of ``text`` (rule-based; ``No Finding`` excluded)."""
    return labeler_for(None).categories(text)


def sentence_category(sentence: str) -> str | None:
    """The first (CheXpert order) positive/uncertain category of one sentence (rule-based), or None."""
    return labeler_for(None).sentence_category(sentence)


def split_report(text: str) -> list[str]:
    """Sentences of a generated report: split at ``.`` (not inside numbers), ``!``, ``?``, newlines.

    Each sentence is returned in the GazeX finding form: stripped text followed by `` .``.
    """
    parts = [p.strip() for p in _SPLIT.split(text or "")]
    return [f"{p} ." for p in parts if p]
