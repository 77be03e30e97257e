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

Bootstrap p-values are floored at ``1/B`` BEFORE Holm (:func:`gazex_bench.metrics.stats.holm_floored`):
when no resample crosses 0 the raw p is 0, which only says ``p < 1/B``. ``p_boot_is_bound`` /
``p_holm_is_bound`` mark the values that are such upper bounds (printed ``p < 1/B``, ``p_Holm < m/B``
by :func:`gazex_bench.metrics.stats.fmt_p`); ``p_floor`` = 1/B. ``n_boot_valid`` appears where fewer
than B resamples gave a finite difference (the floor is then ``1/n_boot_valid``).

Two fine-tuned runs (``run.json`` ``training.regime``) must share their downstream budget
(:mod:`gazex_bench.runner.regime`); otherwise the comparison is refused unless forced, and
``budget_check.forced`` records it.

Record (``schema_version`` 2): ``{"schema_version","run_a","run_b","model_a","model_b","task","n","n_boot",
"p_floor","seed","level","budget_check":{"regime_a","regime_b","same_budget","differences","forced"},
"wilcoxon_method","metrics":{m:{"a","b","diff","ci_low","ci_high","p_boot","p_boot_is_bound","wilcoxon_p",
"p_holm","p_holm_is_bound","n","kind"[,"n_boot_valid"]}}}``. Version 1 records (no ``schema_version``:
raw p of 0 and Holm on raw p) are upgraded on reading by :func:`read_compare_record`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.io import read_jsonl
from gazex_bench.metrics.stats import (
    holm_floored,
    mean_reducer,
    paired_p,
    resample_weights,
    wilcoxon_signed_rank,
)
from gazex_bench.runner.records import load_predictions
from gazex_bench.runner.regime import budget_difference
from gazex_bench.runner.score import load_run_data, read_run_record
from gazex_bench.runner.spec import SCORES, read_spec
from gazex_bench.tasks.base import ScoreOptions
from gazex_bench.tasks.registry import get_task

Corpus = Callable[[np.ndarray], np.ndarray]
"""(n, B) resample weights → (B,) metric values."""
SCHEMA_VERSION = 2
"""Compare-record format; 2 = p-values floored at 1/B before Holm, with ``*_is_bound`` flags."""


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
    """a, b, diff (b − a) and the paired-bootstrap CI / raw p on the same resample weights.

    ``p_boot`` is the RAW two-sided p (0 when no resample crosses 0); :func:`compare_runs` floors it
    at ``1/n_boot_valid`` before Holm. ``n_boot_valid``: resamples with a finite difference.
    """
    ones = np.ones((n, 1))
    a, b = float(fa(ones)[0]), float(fb(ones)[0])
    out: dict[str, float | None] = {
        "a": _clean(a),
        "b": _clean(b),
        "diff": _clean(b - a),
        "ci_low": None,
        "ci_high": None,
        "p_boot": None,
        "n_boot_valid": 0,
    }
    if n_boot <= 0 or n < 2:
        return out
    w = resample_weights(n, n_boot, seed, groups)
    ra, rb = np.asarray(fa(w), float), np.asarray(fb(w), float)
    finite = np.isfinite(rb - ra)
    ra, rb = ra[finite], rb[finite]
    diffs = rb - ra
    if diffs.size:
        alpha = (1.0 - level) / 2.0
        lo, hi = np.quantile(diffs, [alpha, 1.0 - alpha])
        p = paired_p(rb, ra)
        out.update(ci_low=float(lo), ci_high=float(hi), p_boot=p, n_boot_valid=int(diffs.size))
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
    _floor_and_adjust(metrics, n_boot)
    return {
        "schema_version": SCHEMA_VERSION,
        "run_a": str(run_a),
        "run_b": str(run_b),
        "model_a": _label(rec_a),
        "model_b": _label(rec_b),
        "task": task,
        "n": len(shared),
        "n_boot": n_boot,
        "p_floor": 1.0 / n_boot if n_boot > 0 else None,
        "seed": seed,
        "level": level,
        "budget_check": budget_check,
        "wilcoxon_method": wilcoxon_method(),
        "metrics": metrics,
    }


def _floor_and_adjust(metrics: dict[str, dict[str, Any]], n_boot: int) -> None:
    """Floor each raw ``p_boot`` at 1/B (B = its finite resamples), Holm over the record, flag bounds."""
    order = sorted(metrics)
    raw = [math.nan if metrics[m]["p_boot"] is None else metrics[m]["p_boot"] for m in order]
    valid = [max(1, int(metrics[m].pop("n_boot_valid", n_boot) or n_boot)) for m in order]
    fh = holm_floored(raw, valid) if order else None
    for i, m in enumerate(order):
        row = metrics[m]
        row["p_boot"] = _clean(fh.p[i]) if fh is not None else None
        row["p_boot_is_bound"] = bool(fh.p_is_bound[i]) if fh is not None else False
        row["p_holm"] = _clean(fh.p_holm[i]) if fh is not None else None
        row["p_holm_is_bound"] = bool(fh.p_holm_is_bound[i]) if fh is not None else False
        if valid[i] < n_boot and row["p_boot"] is not None:
            row["n_boot_valid"] = valid[i]


def read_compare_record(path: Path) -> dict[str, Any]:
    """A compare record (``--out`` / the demo's ``<runs>/compare/*.json``) in the current schema.

    Version 1 records (no ``schema_version``; raw bootstrap p of 0 where no resample crossed 0 and
    Holm on the raw values) are upgraded: ``p_boot`` floored at ``1/n_boot`` and Holm recomputed over
    the record's metrics with a ``p_boot`` (the same family), ``upgraded_from_schema`` = 1.

    Raises:
        DataFormatError: not JSON, not an object, or a schema version this code does not read.
    """
    try:
        rec = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFormatError(path, f"not a readable compare record ({str(exc).splitlines()[0]})") from None
    if not isinstance(rec, dict) or not isinstance(rec.get("metrics"), dict):
        raise DataFormatError(path, "not a compare record (no metrics object)", field="metrics")
    version = rec.get("schema_version", 1)
    if version == SCHEMA_VERSION:
        return rec
    if version != 1:
        raise DataFormatError(
            path,
            f"compare schema_version {version!r}; this gazex-bench reads 1 and {SCHEMA_VERSION}",
            field="schema_version",
        )
    n_boot = int(rec.get("n_boot") or 0)
    if n_boot <= 0:
        raise DataFormatError(path, "version-1 compare record without a positive n_boot", field="n_boot")
    _floor_and_adjust(rec["metrics"], n_boot)
    rec.update(schema_version=SCHEMA_VERSION, upgraded_from_schema=1, p_floor=1.0 / n_boot)
    return rec


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
