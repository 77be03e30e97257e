"""Model minus null: paired difference of every model row to the task's null rows, with a CI.

A benchmark row is only informative next to what a model-free answer scores. For each
model row (kind ``run`` or ``submission``) and each null of its task that was run
(:data:`NULLS`: ``empty-report`` / ``random`` for reports, ``majority-answer`` for VQA,
``random`` / ``center-box`` for grounding, ``center-bias`` / ``random`` for gaze), the
difference ``model − null`` per metric comes from :func:`gazex_bench.runner.compare.compare_runs`
(the null is run a, the model run b): the same seeded paired percentile bootstrap,
corpus metrics recomputed per resample, cluster resampling where the task groups samples.
It needs the full run folders (``spec.json``, predictions, scores and the data); where they
are missing, the reason is recorded instead of a number.

The result is stored on the model row as extra metrics ``<metric>__minus__<null>`` (value,
ci_low, ci_high, n, ci_method) so the CSV writes them like any metric, and
:func:`not_above_null` flags a metric whose difference is not above zero in the metric's
direction (the CI reaches 0 or beyond on the wrong side).

Reference rows of the gaze task without per-sample values (``shuffled``, the center-bias
prior of the saliency metrics) are compared by value only: ``<metric>__minus__<row>`` with
no CI and ``ci_method = "value difference (reference row has no per-sample values)"``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.runner.compare import compare_runs
from gazex_bench.tables.names import higher_is_better
from gazex_bench.tables.runs import RunSummary

log = logging.getLogger(__name__)

NULLS: Mapping[str, tuple[str, ...]] = {
    "mimic-report": ("empty-report", "random"),
    "iu-report": ("empty-report", "random"),
    "iu-report-zeroshot": ("empty-report", "random"),
    "cxr-vqa": ("majority-answer", "random"),
    "ms-cxr-grounding": ("random", "center-box"),
    "reflacx-gaze": ("center-bias", "random"),
}
"""Null adapters per task, most informative first."""

SEP = "__minus__"


def diff_key(metric: str, null: str) -> str:
    """Column name of ``metric`` minus ``null`` (``bleu4__minus__empty-report``)."""
    return f"{metric}{SEP}{null}"


def not_above_null(metric: str, diff: Mapping[str, Any], declared: Mapping[str, bool] | None = None) -> bool:
    """True when the model is not credibly better than the null on ``metric``.

    Higher-is-better: the CI's lower bound (or, without a CI, the difference) is <= 0;
    lower-is-better: the upper bound (or the difference) is >= 0.
    """
    v = diff.get("value")
    if v is None:
        return False
    if higher_is_better(metric, declared):
        bound = diff.get("ci_low")
        return (bound if bound is not None else v) <= 0
    bound = diff.get("ci_high")
    return (bound if bound is not None else v) >= 0


def _paired(
    null: RunSummary, model: RunSummary, metrics: Sequence[str]
) -> tuple[dict[str, dict], str | None]:
    scoring = (model.raw or {}).get("scoring") or {}
    n_boot, seed, level = (
        int(scoring.get("n_boot", 1000)),
        int((model.raw or {}).get("seeds", {}).get("bootstrap", 0)),
        float(scoring.get("ci_level", 0.95)),
    )
    try:
        rec = compare_runs(null.run_dir, model.run_dir, n_boot=n_boot, seed=seed, level=level)
    except (UsageError, DataFormatError, OSError, KeyError, ValueError) as exc:
        return {}, f"not computed ({str(exc).splitlines()[0][:160]})"
    out = {}
    for m in metrics:
        res = (rec.get("metrics") or {}).get(m)
        if res and res.get("diff") is not None:
            method = f"paired-{res.get('kind', 'mean')}-bootstrap(n_boot={n_boot},seed={seed},level={level}) vs {null.model}"
            out[m] = {
                "value": res["diff"],
                "ci_low": res.get("ci_low"),
                "ci_high": res.get("ci_high"),
                "n": res.get("n"),
                "ci_method": method,
                "p_holm": res.get("p_holm"),
                "p_holm_is_bound": res.get("p_holm_is_bound"),
            }
    return out, None


def _value_only(ref: RunSummary, model: RunSummary, metrics: Sequence[str]) -> dict[str, dict]:
    out = {}
    for m in metrics:
        a, b = (ref.metrics.get(m) or {}).get("value"), (model.metrics.get(m) or {}).get("value")
        if a is not None and b is not None:
            out[m] = {
                "value": b - a,
                "ci_low": None,
                "ci_high": None,
                "n": (model.metrics[m] or {}).get("n"),
                "ci_method": "value difference (reference row has no per-sample values)",
            }
    return out


def _reference_nulls(model: RunSummary, rows: Sequence[RunSummary]) -> list[tuple[str, RunSummary]]:
    """Null reference rows for ``model``: its own shuffled null and the model-independent priors (not ceilings)."""
    out = []
    for r in rows:
        name = r.run_id.split("#", 1)[-1]
        if r.kind != "reference" or name == "inter-radiologist":
            continue
        if name.startswith("shuffled") and not r.run_id.startswith(f"{model.run_id}#"):
            continue
        out.append((name, r))
    return out


def add_null_differences(
    rows: Sequence[RunSummary], metrics: Sequence[str]
) -> tuple[list[RunSummary], list[str], list[str]]:
    """Rows with ``<metric>__minus__<null>`` metrics added to model rows; the diff columns; notes.

    Args:
        rows: One task's rows (runs, baselines, expanded reference rows).
        metrics: The metrics to compare (the table's headline metrics).
    """
    if not rows:
        return [], [], []
    task = rows[0].task
    nulls = [
        next(r for r in rows if r.adapter == name and r.kind == "baseline")
        for name in NULLS.get(task, ())
        if any(r.adapter == name and r.kind == "baseline" for r in rows)
    ]
    out, cols, notes = [], [], []
    for r in rows:
        if r.kind not in ("run", "submission"):
            out.append(r)
            continue
        extra: dict[str, Any] = {}
        for null in nulls:
            diffs, why = _paired(null, r, metrics)
            if why:
                notes.append(f"{r.model} minus {null.model}: {why}")
            extra.update({diff_key(m, null.adapter): d for m, d in diffs.items()})
        for name, ref in _reference_nulls(r, rows):
            extra.update({diff_key(m, name): d for m, d in _value_only(ref, r, metrics).items()})
        cols += [k for k in extra if k not in cols]
        out.append(dataclasses.replace(r, metrics={**r.metrics, **extra}))
    if not nulls:
        notes.append(
            f"no null run for {task} (expected one of: {', '.join(NULLS.get(task, ())) or 'none defined'})"
        )
    return out, _ordered(cols, metrics), notes


def _ordered(cols: Sequence[str], metrics: Sequence[str]) -> list[str]:
    order = {m: i for i, m in enumerate(metrics)}
    return sorted(cols, key=lambda c: (order.get(c.split(SEP)[0], 99), c))
