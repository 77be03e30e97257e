"""Scoring of the report tasks: NLG metrics + clinical efficacy, each with bootstrap CIs.

* NLG (BLEU-1..4, METEOR, ROUGE-L, CIDEr-D): :func:`gazex_bench.metrics.report.score_reports`
  under the task's text convention, corpus-level values; CIs from the same seeded
  resamples of reports.
* Clinical efficacy: references and hypotheses are labelled by the same labeler — the
  rule-based approximation :func:`gazex_bench.metrics.chexpert_labeler.label_reports`, or
  CheXbert (:class:`gazex_bench.metrics.chexbert.ChexbertLabeler`) when
  ``ScoreOptions.chexbert_checkpoint`` is set (its folder must hold the BERT
  ``config.json`` + ``vocab.txt``). P/R/F1 under each convention of
  :data:`~gazex_bench.tasks.report.base.CE_CONVENTIONS`, recomputed per resample from
  per-report counts (:meth:`ClinicalCounts.take`). The per-sample value stored in
  scores.jsonl is the report's own ``paper-pos`` (example-based) F1.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gazex_bench.metrics import chexpert_labeler as rules
from gazex_bench.metrics.chexbert import ChexbertLabeler
from gazex_bench.metrics.clinical import ClinicalCounts, clinical_counts, prf_from_counts, scores_from_counts
from gazex_bench.metrics.registry import CE_CONVENTIONS, CE_MULTICLASS, NLG_KEYS, ce_key
from gazex_bench.metrics.report import score_reports
from gazex_bench.metrics.stats import IndexStatistic, index_reducer
from gazex_bench.tasks.aggregate import bootstrap_statistic
from gazex_bench.tasks.base import MetricValue, ScoreOptions, ScoreResult


def labeler_id(options: ScoreOptions) -> str:
    """Name of the CE labeler a run uses: ``gazex-rules v<LABELER_VERSION>`` or ``chexbert sha256:<12 hex>``.

    The rule-based version is ``chexpert_labeler.LABELER_VERSION`` (falling back to
    ``LABELER_METADATA["version"]``); CheXbert is named by the SHA-256 of its checkpoint file.
    """
    if options.chexbert_checkpoint is not None:
        return f"chexbert sha256:{_file_sha256(options.chexbert_checkpoint)[:12]}"
    version = getattr(rules, "LABELER_VERSION", None) or getattr(rules, "LABELER_METADATA", {}).get(
        "version", "?"
    )
    return f"gazex-rules v{version}"


_SHA_CACHE: dict[tuple[str, float, int], str] = {}


def _file_sha256(path: Any) -> str:
    st = Path(path).stat()
    key = (str(path), st.st_mtime, st.st_size)
    if key not in _SHA_CACHE:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        _SHA_CACHE[key] = h.hexdigest()
    return _SHA_CACHE[key]


def label_texts(texts: Sequence[str], options: ScoreOptions) -> tuple[list[dict[str, float | None]], str]:
    """Label reports with CheXbert (checkpoint given) or the rule-based labeler; returns labels + :func:`labeler_id`."""
    if options.chexbert_checkpoint is not None:
        ckpt = options.chexbert_checkpoint
        labeler = ChexbertLabeler(ckpt, ckpt.parent)
        return labeler.label_reports(list(texts)), labeler_id(options)
    return rules.label_reports(list(texts)), labeler_id(options)


def ce_statistic(counts: ClinicalCounts, part: str) -> IndexStatistic:
    """CE ``part`` (precision/recall/f1/accuracy) of the reports at the given (resampled) row indices."""
    return lambda idx: scores_from_counts(counts.take(idx))[part]


def clinical_metrics(
    hyps: Sequence[str], refs: Sequence[str], options: ScoreOptions
) -> tuple[dict[str, MetricValue], list[float], Any]:
    """CE metrics with CIs, the per-report ``paper-pos`` F1 and the per-category table."""
    labels, labeler = label_texts(list(refs) + list(hyps), options)
    ref_l, hyp_l = labels[: len(refs)], labels[len(refs) :]
    out: dict[str, MetricValue] = {}
    per_report: list[float] = []
    for conv in (*CE_CONVENTIONS, CE_MULTICLASS):
        counts = clinical_counts(ref_l, hyp_l, conv)
        parts = ("precision", "recall", "f1") + (("accuracy",) if conv == CE_MULTICLASS else ())
        for part in parts:
            mv = bootstrap_statistic(ce_statistic(counts, part), len(refs), options)
            out[ce_key(part, conv)] = MetricValue(
                mv.value,
                mv.n,
                mv.ci_low,
                mv.ci_high,
                f"{mv.ci_method};labeler={labeler}" if mv.ci_method else None,
            )
        if conv == "paper-pos":
            per_report = [scores_from_counts(counts.take(np.array([i])))["f1"] for i in range(len(refs))]
            table = per_category_table(counts, labeler)
    return out, per_report, table


def per_category_table(counts: Any, labeler: str) -> Any:
    """``category, precision, recall, f1, support, labeler``: positive-only counts pooled over samples.

    support = reference reports positive for the category; P/R/F1 are 0 where undefined
    (no prediction / no reference positive), as in :func:`gazex_bench.metrics.clinical.prf_from_counts`.
    """
    import pandas as pd  # noqa: PLC0415 - pandas is heavy; only report scoring needs it

    tp, fp, fn = counts.tp.sum(axis=0), counts.fp.sum(axis=0), counts.fn.sum(axis=0)
    p, r, f = prf_from_counts(tp, fp, fn)
    return pd.DataFrame(
        {
            "category": list(counts.labels),
            "precision": p,
            "recall": r,
            "f1": f,
            "support": (tp + fn).astype(int),
            "labeler": labeler,
        }
    )


def nlg_metrics(
    ids: Sequence[str], hyps: Sequence[str], refs: Sequence[str], text_convention: str, options: ScoreOptions
) -> tuple[dict[str, MetricValue], list[dict[str, float]], dict[str, Any]]:
    """BLEU-1..4, METEOR, ROUGE-L, CIDEr-D via :func:`gazex_bench.metrics.report.score_reports`.

    Returns:
        ``(metrics, per-sample values, conventions meta)``. Per-sample values are
        :meth:`ReportScores.sample_values` (sentence BLEU-1..4, ROUGE-L F, CIDEr-D with test-set
        document frequencies, nltk METEOR), in ``ids`` order.
    """
    res = score_reports(
        dict(zip(ids, hyps)), dict(zip(ids, refs)), convention=text_convention, meteor=options.meteor
    )
    cis = (
        res.bootstrap(n_resamples=options.n_boot, seed=options.seed, level=options.ci_level)
        if options.n_boot > 0
        else {}
    )
    metrics: dict[str, MetricValue] = {}
    for key in NLG_KEYS:
        value = res.values.get(key, float("nan"))
        if not np.isfinite(value):
            continue
        ci = cis.get(key)
        method = (
            f"{ci.method}(n_boot={ci.n_resamples},seed={options.seed},level={options.ci_level})"
            if ci is not None
            else None
        )
        metrics[key] = MetricValue(
            float(value), res.n, ci.low if ci else None, ci.high if ci else None, method
        )
    rows = res.sample_values()
    order = {sid: i for i, sid in enumerate(res.ids)}
    return metrics, [rows[order[sid]] for sid in ids], res.meta()


def score_report_task(
    ids: Sequence[str], hyps: Sequence[str], refs: Sequence[str], text_convention: str, options: ScoreOptions
) -> ScoreResult:
    """All report metrics for one run."""
    metrics, per_sample, _ = nlg_metrics(ids, hyps, refs, text_convention, options)
    ce, per_ce, table = clinical_metrics(hyps, refs, options)
    metrics.update(ce)
    per = {sid: {**per_sample[i], "ce_f1_paper_pos": per_ce[i]} for i, sid in enumerate(ids)}
    status = {"ce_labeler": str(table["labeler"].iloc[0]) if len(table) else labeler_id(options)}
    return ScoreResult(per, metrics, {"clinical_per_category": table}, status=status)


def corpus_functions(
    ids: Sequence[str], hyps: Sequence[str], refs: Sequence[str], text_convention: str, options: ScoreOptions
) -> dict[str, Any]:
    """``metric -> f(weights (n, B)) -> (B,)`` for BLEU-1..4, ROUGE-L, CIDEr-D (DF per resample) and CE F1.

    Row order = ``ids``. The NLG reducers are :meth:`ReportScores.reducer` and the CE F1
    statistics :func:`ce_statistic` — the same definitions the run's own CIs use.
    """
    res = score_reports(dict(zip(ids, hyps)), dict(zip(ids, refs)), convention=text_convention, meteor="none")
    out: dict[str, Any] = {}
    for key in ("bleu1", "bleu2", "bleu3", "bleu4", "rouge_l", "cider_d"):
        stats, reducer = res.reducer(key)  # res.ids == ids: score_reports keeps the references' order
        stats = np.ascontiguousarray(
            stats, dtype=float
        )  # BLAS sums a contiguous copy: same bits as the run's CI path
        out[key] = lambda w, s=stats, r=reducer: r(s, w)
    labels, _ = label_texts(list(refs) + list(hyps), options)
    for conv in CE_CONVENTIONS:
        counts = clinical_counts(labels[: len(refs)], labels[len(refs) :], conv)
        out[ce_key("f1", conv)] = index_reducer(ce_statistic(counts, "f1"))
    return out
