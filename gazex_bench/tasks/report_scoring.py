"""Scoring of the report tasks: NLG metrics + clinical efficacy, each with bootstrap CIs.

* NLG (BLEU-1..4, METEOR, ROUGE-L, CIDEr-D): :func:`gazex_bench.metrics.report.score_reports`
  under the task's text convention, corpus-level values; CIs from the same seeded
  resamples of reports.
* Clinical efficacy: references and hypotheses are labelled by the same labeler — the
  rule-based approximation :func:`gazex_bench.metrics.chexpert_labeler.label_reports`, or
  CheXbert (:class:`gazex_bench.metrics.chexbert.ChexbertLabeler`) when
  ``ScoreOptions.chexbert_checkpoint`` is set (its folder must hold the BERT
  ``config.json`` + ``vocab.txt``). P/R/F1 under each convention of
  :data:`~gazex_bench.tasks.report_base.CE_CONVENTIONS`, recomputed per resample from
  per-report counts (:meth:`ClinicalCounts.take`). The per-sample value stored in
  scores.jsonl is the report's own ``paper-pos`` (example-based) F1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from gazex_bench.tasks.aggregate import bootstrap_statistic
from gazex_bench.tasks.base import MetricValue, ScoreOptions, ScoreResult
from gazex_bench.tasks.report_base import CE_CONVENTIONS


def labeler_id(options: ScoreOptions) -> str:
    """Name of the CE labeler a run uses: ``gazex-rules v<LABELER_VERSION>`` or ``chexbert sha256:<12 hex>``.

    The rule-based version is ``chexpert_labeler.LABELER_VERSION`` (falling back to
    ``LABELER_METADATA["version"]``); CheXbert is named by the SHA-256 of its checkpoint file.
    """
    if options.chexbert_checkpoint is not None:
        return f"chexbert sha256:{_file_sha256(options.chexbert_checkpoint)[:12]}"
    from gazex_bench.metrics import chexpert_labeler as rules

    version = getattr(rules, "LABELER_VERSION", None) or getattr(rules, "LABELER_METADATA", {}).get("version", "?")
    return f"gazex-rules v{version}"


_SHA_CACHE: dict[tuple[str, float, int], str] = {}


def _file_sha256(path: Any) -> str:
    import hashlib
    from pathlib import Path

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
        from gazex_bench.metrics.chexbert import ChexbertLabeler

        ckpt = options.chexbert_checkpoint
        labeler = ChexbertLabeler(ckpt, ckpt.parent)
        return labeler.label_reports(list(texts)), labeler_id(options)
    from gazex_bench.metrics.chexpert_labeler import label_reports

    return label_reports(list(texts)), labeler_id(options)


def clinical_metrics(
    hyps: Sequence[str], refs: Sequence[str], options: ScoreOptions
) -> tuple[dict[str, MetricValue], list[float], Any]:
    """CE metrics with CIs, the per-report ``paper-pos`` F1 and the per-category table."""
    from gazex_bench.metrics.clinical import clinical_counts, scores_from_counts

    labels, labeler = label_texts(list(refs) + list(hyps), options)
    ref_l, hyp_l = labels[: len(refs)], labels[len(refs):]
    out: dict[str, MetricValue] = {}
    per_report: list[float] = []
    for conv in (*CE_CONVENTIONS, "paper-multiclass"):
        counts = clinical_counts(ref_l, hyp_l, conv)
        key = conv.replace("-", "_")
        parts = ("precision", "recall", "f1") + (("accuracy",) if conv == "paper-multiclass" else ())
        for part in parts:
            mv = bootstrap_statistic(lambda idx, c=counts, p=part: scores_from_counts(c.take(idx))[p],
                                     len(refs), options)
            out[f"ce_{part}_{key}"] = MetricValue(mv.value, mv.n, mv.ci_low, mv.ci_high,
                                                  f"{mv.ci_method};labeler={labeler}" if mv.ci_method else None)
        if conv == "paper-pos":
            per_report = [scores_from_counts(counts.take(np.array([i])))["f1"] for i in range(len(refs))]
            table = per_category_table(counts, labeler)
    return out, per_report, table


def per_category_table(counts: Any, labeler: str) -> Any:
    """``category, precision, recall, f1, support, labeler``: positive-only counts pooled over samples.

    support = reference reports positive for the category; P/R/F1 are 0 where undefined
    (no prediction / no reference positive), as in :func:`gazex_bench.metrics.clinical.prf_from_counts`.
    """
    import pandas as pd

    from gazex_bench.metrics.clinical import prf_from_counts

    tp, fp, fn = counts.tp.sum(axis=0), counts.fp.sum(axis=0), counts.fn.sum(axis=0)
    p, r, f = prf_from_counts(tp, fp, fn)
    return pd.DataFrame({"category": list(counts.labels), "precision": p, "recall": r, "f1": f,
                         "support": (tp + fn).astype(int), "labeler": labeler})


NLG_NAMES: dict[str, str] = {
    "BLEU-1": "bleu1", "BLEU-2": "bleu2", "BLEU-3": "bleu3", "BLEU-4": "bleu4",
    "METEOR": "meteor", "ROUGE-L": "rouge_l", "CIDEr-D": "cider_d",
}
"""metrics/report.py name → run.json metric name."""


def nlg_metrics(
    ids: Sequence[str], hyps: Sequence[str], refs: Sequence[str], text_convention: str, options: ScoreOptions
) -> tuple[dict[str, MetricValue], list[dict[str, float]], dict[str, Any]]:
    """BLEU-1..4, METEOR, ROUGE-L, CIDEr-D via :func:`gazex_bench.metrics.report.score_reports`.

    Returns:
        ``(metrics, per-sample values, conventions meta)``. Per-sample values are the
        sentence-level BLEU-1..4 (pycocoevalcap arithmetic on one row), ROUGE-L F, CIDEr-D
        (test-set document frequencies) and METEOR when computed per sample (nltk).
    """
    from gazex_bench.metrics.bleu import bleu_from_matrix
    from gazex_bench.metrics.report import score_reports

    res = score_reports(dict(zip(ids, hyps)), dict(zip(ids, refs)), convention=text_convention,
                        meteor=options.meteor)
    order = {sid: i for i, sid in enumerate(res.ids)}
    cis = res.bootstrap(n_resamples=options.n_boot, seed=options.seed, level=options.ci_level) if options.n_boot > 0 else {}
    metrics: dict[str, MetricValue] = {}
    for name, key in NLG_NAMES.items():
        value = res.values.get(name, float("nan"))
        if not np.isfinite(value):
            continue
        ci = cis.get(name)
        method = (f"{ci.method}(n_boot={ci.n_resamples},seed={options.seed},level={options.ci_level})"
                  if ci is not None else None)
        metrics[key] = MetricValue(float(value), res.n, ci.low if ci else None, ci.high if ci else None, method)
    sent_bleu = bleu_from_matrix(res.bleu.matrix())
    cider = res.cider.sample_scores()
    meteor = res.meteor.per_sample if res.meteor is not None and res.meteor.per_sample is not None else None
    per: list[dict[str, float]] = []
    for sid in ids:
        i = order[sid]
        row = {f"bleu{k + 1}": float(sent_bleu[i, k]) for k in range(4)}
        row.update(rouge_l=float(res.rouge.f[i]), cider_d=float(np.ravel(cider)[i]))
        if meteor is not None:
            row["meteor"] = float(np.ravel(meteor)[i])
        per.append(row)
    return metrics, per, res.meta()


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
    """``metric → f(weights (n, B)) → (B,)`` for BLEU-1..4, ROUGE-L, CIDEr-D (DF per resample) and CE F1.

    Row order = ``ids``. CE F1 per convention of :data:`CE_CONVENTIONS` is recomputed from the
    resampled per-report counts (weights → repeated indices).
    """
    from gazex_bench.metrics.bleu import bleu_from_matrix
    from gazex_bench.metrics.clinical import clinical_counts, scores_from_counts
    from gazex_bench.metrics.report import score_reports, weighted_cider
    from gazex_bench.metrics.stats import mean_reducer

    res = score_reports(dict(zip(ids, hyps)), dict(zip(ids, refs)), convention=text_convention, meteor="none")
    pos = np.array([res.ids.index(i) for i in ids])
    bleu, rouge = res.bleu.matrix()[pos], np.asarray(res.rouge.f, float)[pos]
    inv = np.argsort(pos)
    out: dict[str, Any] = {f"bleu{k + 1}": (lambda w, k=k: bleu_from_matrix(w.T @ bleu)[:, k]) for k in range(4)}
    out["rouge_l"] = lambda w: mean_reducer(rouge, w)
    out["cider_d"] = lambda w: weighted_cider(res.cider, w[inv])
    labels, _ = label_texts(list(refs) + list(hyps), options)
    for conv in CE_CONVENTIONS:
        counts = clinical_counts(labels[: len(refs)], labels[len(refs):], conv)
        out[f"ce_f1_{conv.replace('-', '_')}"] = lambda w, c=counts: np.array(
            [scores_from_counts(c.take(np.repeat(np.arange(w.shape[0]), w[:, b].astype(int))))["f1"]
             for b in range(w.shape[1])])
    return out
