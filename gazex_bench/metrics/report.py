"""Report-generation NLG metrics: BLEU-1..4, METEOR, ROUGE-L, CIDEr-D in one call.

Flows (``convention``):
    * ``r2gen`` (default; what the GazeX paper's tables use): predictions and
      references are cleaned with R2Gen's ``clean_report_mimic_cxr`` and the
      pycocoevalcap scorers are called directly (no PTB tokenizer), as R2Gen's
      ``compute_scores`` does. R2Gen reports no CIDEr; ours is pycocoevalcap's
      CIDEr-D on the same cleaned text.
    * ``coco``: pycocoevalcap ``COCOEvalCap`` flow (PTB tokenisation of both sides).
    * ``r2gen-iu`` / ``none``: see :mod:`gazex_bench.metrics.text_prep`.

Values equal pycocoevalcap 1.2 to 1e-6 (tested). Per-sample statistics are kept
so that :meth:`ReportScores.bootstrap` reweights rows instead of re-scoring text.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from gazex_bench.errors import UsageError
from gazex_bench.metrics.bleu import BleuStats, bleu_from_matrix, compute_bleu_stats, corpus_bleu
from gazex_bench.metrics.cider import CiderStats, compute_cider_stats, corpus_cider
from gazex_bench.metrics.meteor import (
    METEOR_LABELS,
    METEOR_NLTK,
    MeteorResult,
    compute_meteor,
    resolve_meteor,
)
from gazex_bench.metrics.ngram_index import build_index
from gazex_bench.metrics.registry import NLG_KEYS
from gazex_bench.metrics.rouge import RougeStats, compute_rouge_stats, corpus_rouge_l
from gazex_bench.metrics.stats import CI, Reducer, bootstrap_ci, mean_reducer
from gazex_bench.metrics.text_prep import (
    CONVENTION_DESCRIPTIONS,
    CONVENTION_R2GEN,
    check_convention,
    prepare_pairs,
)

METRIC_NAMES: tuple[str, ...] = NLG_KEYS
"""``bleu1 bleu2 bleu3 bleu4 meteor rouge_l cider_d`` (declared in :mod:`gazex_bench.metrics.registry`)."""
DEFAULT_CONVENTION = CONVENTION_R2GEN
CIDER_CHUNK = 64  # resamples per sparse product (memory ~ G * CHUNK * 8 bytes)


@dataclass
class ReportScores:
    """Corpus scores and the per-sample statistics behind them.

    Attributes:
        ids: Sample ids, in scoring order (the references' order).
        convention: Text convention name.
        values: Corpus value per name in :data:`METRIC_NAMES` (METEOR NaN when disabled).
        bleu, rouge, cider: Per-sample statistics.
        meteor: METEOR result (None when disabled).
    """

    ids: list[str]
    convention: str
    values: dict[str, float]
    bleu: BleuStats
    rouge: RougeStats
    cider: CiderStats
    meteor: MeteorResult | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of samples."""
        return len(self.ids)

    def meta(self) -> dict[str, object]:
        """Conventions used: text preprocessing, METEOR implementation, CIDEr-D settings."""
        return {
            "n": self.n,
            "convention": self.convention,
            "convention_description": CONVENTION_DESCRIPTIONS[self.convention],
            "meteor": METEOR_LABELS.get(self.meteor.implementation) if self.meteor else None,
            "bleu": "corpus BLEU, closest ref length (pycocoevalcap 1.2)",
            "rouge": "ROUGE-L F beta=1.2, mean over samples, split(' ') (pycocoevalcap 1.2)",
            "cider": "CIDEr-D sigma=6, clipped, test-set document frequency, x10 (pycocoevalcap 1.2)",
        }

    def bootstrap(
        self,
        metrics: Sequence[str] | None = None,
        n_resamples: int = 1000,
        seed: int = 0,
        level: float = 0.95,
        clusters: Sequence[Hashable] | None = None,
        cider_df: str = "resample",
    ) -> dict[str, CI]:
        """Percentile bootstrap CIs (same resamples for every metric, given the seed).

        Args:
            metrics: Keys from :data:`METRIC_NAMES` (default: all available).
                METEOR from the jar has no bootstrap (its corpus score needs the JVM
                per resample) and is skipped; nltk METEOR is a mean and is supported.
            n_resamples: Number of resamples.
            seed: RNG seed.
            level: Confidence level.
            clusters: Optional cluster label per sample (same order as :attr:`ids`).
            cider_df: ``resample`` (exact: document frequencies recomputed on each
                resample, as re-running pycocoevalcap would) or ``fixed`` (DF of the
                full set held fixed; faster approximation).

        Returns:
            ``{metric: CI}``.
        """
        if cider_df not in ("resample", "fixed"):
            raise UsageError("cider_df must be 'resample' or 'fixed'")
        names = list(metrics) if metrics is not None else list(METRIC_NAMES)
        out: dict[str, CI] = {}
        for name in names:
            stats, reducer = self.reducer(name, cider_df)
            if stats is None or reducer is None:
                continue
            out[name] = bootstrap_ci(stats, reducer, n_resamples, seed, level, clusters)
        return out

    def reducer(self, key: str, cider_df: str = "resample") -> tuple[np.ndarray | None, Reducer | None]:
        """``(per-sample statistics (N, K), reducer)`` of one NLG metric; ``(None, None)`` without one.

        The one definition of each NLG corpus reducer: bootstrap CIs and ``gazex-bench compare``
        both resample through it. METEOR from the jar has none (its corpus score needs the JVM).

        Raises:
            UsageError: ``key`` is not an NLG metric key.
        """
        if key not in METRIC_NAMES:
            raise UsageError(f"unknown metric {key!r}; choose from {', '.join(METRIC_NAMES)}")
        if key.startswith("bleu"):
            k = int(key[-1]) - 1
            return self.bleu.matrix(), lambda s, w: bleu_from_matrix(w.T @ s)[:, k]
        if key == "rouge_l":
            return self.rouge.f, mean_reducer
        if key == "cider_d":
            if cider_df == "fixed":
                return self.cider.sample_scores(), mean_reducer
            return np.zeros((self.n, 1)), lambda s, w: weighted_cider(self.cider, w)
        if self.meteor is None or self.meteor.implementation != METEOR_NLTK:
            return None, None
        return self.meteor.per_sample, mean_reducer

    def sample_values(self) -> list[dict[str, float]]:
        """Per-sample values in :attr:`ids` order: sentence BLEU-1..4, ROUGE-L F, CIDEr-D, nltk METEOR."""
        sent_bleu = bleu_from_matrix(self.bleu.matrix())
        cider = np.ravel(self.cider.sample_scores())
        meteor = self.meteor.per_sample if self.meteor is not None else None
        rows: list[dict[str, float]] = []
        for i in range(self.n):
            row = {f"bleu{k + 1}": float(sent_bleu[i, k]) for k in range(4)}
            row.update(rouge_l=float(self.rouge.f[i]), cider_d=float(cider[i]))
            if meteor is not None:
                row["meteor"] = float(np.ravel(meteor)[i])
            rows.append(row)
        return rows


def weighted_cider(stats: CiderStats, weights: np.ndarray, chunk: int = CIDER_CHUNK) -> np.ndarray:
    """Corpus CIDEr-D for each weight column, with DF recomputed from the weights (exact)."""
    out = np.empty(weights.shape[1])
    for start in range(0, weights.shape[1], chunk):
        w = weights[:, start : start + chunk]
        scores = stats.sample_scores(w)
        out[start : start + chunk] = (w * scores).sum(axis=0) / w.sum(axis=0)
    return out


def _as_ref_list(key: str, value: str | Sequence[str]) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and value and all(isinstance(v, str) for v in value):
        return list(value)
    raise UsageError(f"reference for id {key!r} must be a string or a non-empty list of strings")


def align(
    preds: Mapping[str, str], refs: Mapping[str, str | Sequence[str]]
) -> tuple[list[str], list[str], list[list[str]]]:
    """Check that both sides have the same ids and string texts; return aligned lists (refs' order)."""
    missing_pred = [k for k in refs if k not in preds]
    missing_ref = [k for k in preds if k not in refs]
    if missing_pred or missing_ref:
        parts = []
        if missing_pred:
            parts.append(
                f"{len(missing_pred)} id(s) without prediction: {', '.join(map(str, missing_pred[:5]))}"
            )
        if missing_ref:
            parts.append(
                f"{len(missing_ref)} id(s) without reference: {', '.join(map(str, missing_ref[:5]))}"
            )
        raise UsageError("; ".join(parts))
    ids = list(refs)
    bad = [k for k in ids if not isinstance(preds[k], str)]
    if bad:
        raise UsageError(f"prediction text must be a string (ids: {', '.join(map(str, bad[:5]))})")
    return ids, [preds[k] for k in ids], [_as_ref_list(k, refs[k]) for k in ids]


def score_reports(
    preds: Mapping[str, str],
    refs: Mapping[str, str | Sequence[str]],
    *,
    convention: str = DEFAULT_CONVENTION,
    meteor: str = "auto",
) -> ReportScores:
    """Score generated reports against references.

    Args:
        preds: id -> generated report.
        refs: id -> reference report or list of references (same ids as ``preds``).
        convention: Text convention (``r2gen``, ``r2gen-iu``, ``coco``, ``none``).
        meteor: ``auto`` (jar if java + pycocoevalcap, else nltk), ``jar``, ``nltk`` or ``none``.

    Returns:
        :class:`ReportScores`; with no samples every value is NaN.

    Raises:
        UsageError: ids differ between the two sides, non-string texts, unknown options.
    """
    check_convention(convention)
    impl = resolve_meteor(meteor)
    ids, hyps_raw, refs_raw = align(preds, refs)
    hyps, ref_lists = prepare_pairs(hyps_raw, refs_raw, convention)
    index = build_index([h.split() for h in hyps], [[r.split() for r in rs] for rs in ref_lists])
    bleu = compute_bleu_stats(index)
    rouge = compute_rouge_stats(hyps, ref_lists)
    cider = compute_cider_stats(index)
    met = compute_meteor(hyps, ref_lists, impl) if impl is not None else None
    values = dict(zip(METRIC_NAMES[:4], corpus_bleu(bleu)))
    values["meteor"] = met.corpus if met is not None else math.nan
    values["rouge_l"] = corpus_rouge_l(rouge)
    values["cider_d"] = corpus_cider(cider)
    return ReportScores(ids, convention, {k: values[k] for k in METRIC_NAMES}, bleu, rouge, cider, met)
