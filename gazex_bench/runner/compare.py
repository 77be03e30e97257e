"""``gazex-bench compare``: paired tests between two scored runs of the same task.

On the sample ids the two runs share (sorted), per metric:

* ``a``, ``b``: the metric of each run on the shared samples; ``diff`` = b − a;
* ``ci_low``/``ci_high``/``p_boot``: seeded paired percentile bootstrap of the difference —
  both systems are reweighted with the SAME resample weights
  (:func:`gazex_bench.metrics.stats.resample_weights`; cluster resampling when the task
  groups samples, e.g. VQA questions of one study). Corpus metrics (BLEU-1..4, ROUGE-L,
  CIDEr-D with document frequencies recomputed per resample, clinical F1) are recomputed
  on each resample from their per-sample statistics (:meth:`ReportTask.corpus_functions`);
  every other metric (mIoU, accuracy, gaze errors...) is the mean of its per-sample values
  (samples where both runs have a finite value). Two-sided
  ``p = min(1, 2·min(P(diff* ≤ 0), P(diff* ≥ 0)))``;
* ``wilcoxon_p``: Wilcoxon signed-rank on the per-sample values of scores.jsonl
  (``zero_method="wilcox"``; null when all differences are 0 or the metric has no
  per-sample value);
* ``p_holm``: Holm-adjusted ``p_boot`` across the metrics of the record.

Two fine-tuned runs (``run.json`` ``training.regime``) must share their downstream budget
(:mod:`gazex_bench.runner.regime`); otherwise the comparison is refused unless forced, and
``budget_check.forced`` records it.

Record: ``{"run_a","run_b","model_a","model_b","task","n","n_boot","seed","budget_check":{"regime_a",
"regime_b","same_budget","differences","forced"},"metrics":{m:{"a","b","diff","ci_low","ci_high",
"p_boot","wilcoxon_p","p_holm","n","kind"}}}``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from gazex_bench.errors import UsageError
from gazex_bench.io import read_jsonl
from gazex_bench.metrics.stats import holm, mean_reducer, resample_weights, wilcoxon_signed_rank
from gazex_bench.runner.records import load_predictions
from gazex_bench.runner.regime import budget_difference
from gazex_bench.runner.score import load_run_data, read_run_record
from gazex_bench.runner.spec import SCORES, read_spec
from gazex_bench.tasks.base import ScoreOptions
from gazex_bench.tasks.registry import get_task

Corpus = Callable[[np.ndarray], np.ndarray]
"""(n, B) resample weights → (B,) metric values."""


def _scores(run_dir: Path) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for _, obj in read_jsonl(run_dir / SCORES):
        out[str(obj["sample_id"])] = {
            k: float(v) for k, v in (obj.get("metrics") or {}).items() if v is not None
        }
    return out


def _label(rec: Mapping[str, Any]) -> str:
    m = rec.get("model") or {}
    return str(m.get("label") or (m.get("args") or {}).get("label") or m.get("adapter"))


def _clean(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(float(x)) else float(x)


def _paired(
    fa: Corpus, fb: Corpus, n: int, n_boot: int, seed: int, level: float, groups: list[str] | None
) -> dict[str, float | None]:
    """a, b, diff (b − a) and the paired-bootstrap CI / p on the same resample weights."""
    ones = np.ones((n, 1))
    a, b = float(fa(ones)[0]), float(fb(ones)[0])
    out: dict[str, float | None] = {
        "a": _clean(a),
        "b": _clean(b),
        "diff": _clean(b - a),
        "ci_low": None,
        "ci_high": None,
        "p_boot": None,
    }
    if n_boot <= 0 or n < 2:
        return out
    w = resample_weights(n, n_boot, seed, groups)
    diffs = np.asarray(fb(w), float) - np.asarray(fa(w), float)
    diffs = diffs[np.isfinite(diffs)]
    if diffs.size:
        alpha = (1.0 - level) / 2.0
        lo, hi = np.quantile(diffs, [alpha, 1.0 - alpha])
        p = min(1.0, 2.0 * min(float(np.mean(diffs <= 0)), float(np.mean(diffs >= 0))))
        out.update(ci_low=float(lo), ci_high=float(hi), p_boot=p)
    return out


def _mean_fn(values: np.ndarray) -> Corpus:
    return lambda w: mean_reducer(values, w)


def wilcoxon_method() -> str:
    """How ``wilcoxon_p`` was computed (recorded in every comparison): scipy's method and version.

    scipy >= 1.15 (gh-21567) answers ``method='auto'`` with an exact permutation distribution
    for small samples with ties or zero differences, where older versions used the normal
    approximation; the project requires scipy >= 1.15 so p-values do not depend on the install.
    """
    import scipy

    return (
        f"scipy.stats.wilcoxon(method='auto', zero_method='wilcox', two-sided), scipy {scipy.__version__}: "
        "exact for n <= 50, permutation over sign flips for n <= 50 with ties/zeros, normal approximation above"
    )


def _wilcoxon(a: np.ndarray, b: np.ndarray) -> float | None:
    if len(a) < 2:
        return None
    return _clean(wilcoxon_signed_rank(b, a, zero_method="wilcox")[1])


def check_budgets(rec_a: Mapping[str, Any], rec_b: Mapping[str, Any], force: bool) -> dict[str, Any]:
    """The record's ``budget_check``: two fine-tuned runs must share their downstream budget.

    Raises:
        UsageError: both runs fine-tuned with different budgets and ``force`` is False.
    """
    ta, tb = rec_a.get("training"), rec_b.get("training")
    diff = budget_difference(ta, tb)
    if diff and not force:
        raise UsageError(
            f"refusing to compare fine-tuned runs with different downstream budgets ({'; '.join(diff)}); "
            "pass --force to compare anyway"
        )
    return {
        "regime_a": (ta or {}).get("label"),
        "regime_b": (tb or {}).get("label"),
        "same_budget": None if not ((ta or {}).get("budget") and (tb or {}).get("budget")) else not diff,
        "differences": diff,
        "forced": bool(diff and force),
    }


def compare_runs(
    run_a: Path, run_b: Path, *, n_boot: int = 1000, seed: int = 0, level: float = 0.95, force: bool = False
) -> dict[str, Any]:
    """The comparison record (module doc).

    Args:
        force: compare two fine-tuned runs even when their downstream budgets differ (the record's
            ``budget_check.forced`` says so).

    Raises:
        UsageError: unscored runs, different tasks, no shared samples, or fine-tuned runs with
            different downstream budgets (unless ``force``).
    """
    rec_a, rec_b = read_run_record(run_a), read_run_record(run_b)
    task = rec_a["task"]["name"]
    if task != rec_b["task"]["name"]:
        raise UsageError(f"runs are of different tasks: {task} vs {rec_b['task']['name']}")
    budget_check = check_budgets(rec_a, rec_b, force)
    sa, sb = _scores(run_a), _scores(run_b)
    shared = sorted(set(sa) & set(sb))
    if not shared:
        raise UsageError("the two runs share no sample ids")
    corpus_a, corpus_b, groups = _corpus(run_a, run_b, shared)
    metrics: dict[str, dict[str, Any]] = {}
    names = sorted(({m for s in shared for m in sa[s]} & {m for s in shared for m in sb[s]}) | set(corpus_a))
    for m in names:
        pairs = [(sa[s].get(m, math.nan), sb[s].get(m, math.nan)) for s in shared]
        keep = [i for i, (x, y) in enumerate(pairs) if math.isfinite(x) and math.isfinite(y)]
        arr = np.asarray([pairs[i] for i in keep], float).reshape(-1, 2)
        if m in corpus_a:
            row = _paired(corpus_a[m], corpus_b[m], len(shared), n_boot, seed, level, groups)
            row.update(n=len(shared), kind="corpus")
        elif len(keep) >= 1:
            g = None if groups is None else [groups[i] for i in keep]
            row = _paired(_mean_fn(arr[:, 0]), _mean_fn(arr[:, 1]), len(keep), n_boot, seed, level, g)
            row.update(n=len(keep), kind="mean")
        else:
            continue
        row["wilcoxon_p"] = _wilcoxon(arr[:, 0], arr[:, 1]) if len(keep) else None
        metrics[m] = row
    order = sorted(metrics)
    _, adj = holm([math.nan if metrics[m]["p_boot"] is None else metrics[m]["p_boot"] for m in order])
    for m, p in zip(order, adj):
        metrics[m]["p_holm"] = _clean(p)
    return {
        "run_a": str(run_a),
        "run_b": str(run_b),
        "model_a": _label(rec_a),
        "model_b": _label(rec_b),
        "task": task,
        "n": len(shared),
        "n_boot": n_boot,
        "seed": seed,
        "level": level,
        "budget_check": budget_check,
        "wilcoxon_method": wilcoxon_method(),
        "metrics": metrics,
    }


def _corpus(
    run_a: Path, run_b: Path, shared: list[str]
) -> tuple[dict[str, Corpus], dict[str, Corpus], list[str] | None]:
    """Corpus-metric functions of both runs on ``shared`` (empty for tasks without them) and groups."""
    spec_a = read_spec(run_a)
    task = get_task(spec_a.task, task_args=spec_a.task_args)
    if not hasattr(task, "corpus_functions"):
        return {}, {}, None  # mean metrics: sample-level resampling
    out = []
    for run in (run_a, run_b):
        spec = read_spec(run)
        data = load_run_data(run, spec, get_task(spec.task, task_args=spec.task_args))
        preds = load_predictions(run / "predictions.jsonl", task.capability)
        rec = read_run_record(run)
        ckpt = (rec.get("scoring") or {}).get("chexbert_checkpoint")
        opts = ScoreOptions(chexbert_checkpoint=Path(ckpt) if ckpt else None)
        out.append(
            (task.corpus_functions(data, {k: r.response for k, r in preds.items()}, shared, opts), data)
        )
    by_id = {s.sample_id: s for s in out[0][1].samples}
    groups = [str(by_id[s].group or s) if s in by_id else s for s in shared]
    return out[0][0], out[1][0], groups if len(set(groups)) < len(groups) else None
