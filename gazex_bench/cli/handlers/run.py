"""Handlers of ``gazex-bench run`` (see :mod:`gazex_bench.cli.run` for the arguments).

Imported only when one of these commands runs (``gazex_bench.cli`` resolves the
``"module:function"`` handler string), so project imports sit at module top.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from gazex_bench.errors import UsageError
from gazex_bench.io import atomic_write_json
from gazex_bench.metrics.stats import fmt_p
from gazex_bench.models.registry import parse_model_args
from gazex_bench.runner.api import RunRequest, run
from gazex_bench.runner.compare import compare_runs
from gazex_bench.runner.data_root import resolve_data_root
from gazex_bench.runner.listing import list_adapters, list_metrics, list_tasks
from gazex_bench.runner.lock import run_lock
from gazex_bench.runner.predict import Shard
from gazex_bench.runner.score import load_run_data, score_run
from gazex_bench.runner.spec import SPEC, read_spec
from gazex_bench.tasks.base import ScoreOptions
from gazex_bench.tasks.registry import get_task


def _options(args: argparse.Namespace) -> Any:
    return ScoreOptions(
        seed=args.ci_seed, n_boot=args.n_boot, chexbert_checkpoint=args.chexbert, meteor=args.meteor
    )


def _shard(args: argparse.Namespace) -> Any:
    try:
        if args.num_shards == "auto":
            count = int(os.environ.get("WORLD_SIZE", "1"))
            index = int(args.shard_index if args.shard_index is not None else os.environ.get("RANK", "0"))
        else:
            count = int(args.num_shards)
            index = int(args.shard_index or 0)
    except ValueError:
        raise UsageError("--num-shards/--shard-index must be integers (or --num-shards auto)") from None
    return None if count == 1 else Shard(index, count)


def _run(args: argparse.Namespace) -> int:
    req = RunRequest(
        task=args.task,
        model=args.model,
        model_args=parse_model_args(args.model_arg),
        task_args=_task_args(args.task_arg),
        data_root=args.data_root,
        split=args.split,
        limit=args.limit,
        out=args.out,
        run_id=args.run_id,
        seed=args.seed,
        shard=_shard(args),
        quiet=args.quiet,
        score=_options(args),
        command=["gazex-bench", *sys.argv[1:]],
        max_failures=args.max_failures,
        wait=args.wait,
    )
    outcome = run(req)
    s = outcome.stats
    sys.stderr.write(
        f"{outcome.run_dir}: {s.n_total} samples, {s.n_done_before} already done, "
        f"{s.n_predicted} predicted, {s.n_errors} errors"
        + (f" ({s.n_failed} generation failures, retried next run)" if s.n_failed else "")
        + "\n"
    )
    if outcome.record is None:
        print(f"shard written; after all shards: gazex-bench score --run {outcome.run_dir}")
        return 0
    _print_metrics(outcome.record)
    return 0


def _task_args(items: list[str]) -> dict[str, Any]:
    """``--task-arg k=v`` → typed dict; paths (``*_map``, ``*path``) are made absolute."""

    out = parse_model_args(items, flag="--task-arg")
    for k, v in out.items():
        if isinstance(v, str) and (k.endswith("_map") or k.endswith("path")):
            out[k] = str(Path(v).expanduser().resolve())
    return out


def _score(args: argparse.Namespace) -> int:
    from dataclasses import replace

    spec = read_spec(args.run)
    task = get_task(spec.task, task_args=spec.task_args)
    data = None
    with run_lock(args.run, wait=args.wait):
        if args.data_root is not None:
            root = str(resolve_data_root(args.data_root).path)
            if root != spec.data_root:  # moved data: same fingerprint required, then the spec follows it
                spec = replace(spec, data_root=root)
                data = load_run_data(args.run, spec, task)
                atomic_write_json(args.run / SPEC, spec.to_json())
        record = score_run(
            args.run, task, options=_options(args), data=data, command=["gazex-bench", *sys.argv[1:]]
        )
    _print_metrics(record)
    return 0


def _print_metrics(record: dict[str, Any]) -> None:
    print(
        f"run {record['run_id']}  task {record['task']['name']}  model {record['model'].get('label') or record['model']['adapter']}  "
        f"n={record['dataset']['n_evaluated']}"
    )
    for name, m in record["metrics"].items():
        star = "*" if name == record["primary_metric"] else " "
        print(
            f"{star} {name:<28} {_fmt(m['value'])}  [{_fmt(m['ci_low'])}, {_fmt(m['ci_high'])}]  n={m['n']}"
        )


def _fmt(x: float | None) -> str:
    return "   nan" if x is None else f"{x:.4f}"


def _compare(args: argparse.Namespace) -> int:
    rec = compare_runs(args.run_a, args.run_b, n_boot=args.n_boot, seed=args.seed, force=args.force)
    if args.out is not None:
        atomic_write_json(args.out, rec)
    if args.json:
        print(json.dumps(rec, indent=2, sort_keys=True))
        return 0
    print(
        f"A = {rec['model_a']} ({rec['run_a']})\nB = {rec['model_b']} ({rec['run_b']})  shared n={rec['n']}"
    )
    check = rec["budget_check"]
    if check["regime_a"] or check["regime_b"]:
        print(f"regimes: A {check['regime_a'] or '-'}; B {check['regime_b'] or '-'}")
    if check["forced"]:
        print(f"FORCED: downstream budgets differ ({'; '.join(check['differences'])})")
    print(
        f"{'metric':<24} {'n':>5} {'a':>8} {'b':>8} {'b-a':>8} {'ci_low':>8} {'ci_high':>8} "
        f"{'p_boot':>9} {'p_wilcox':>8} {'p_holm':>9}"
    )
    for m, r in rec["metrics"].items():
        b = int(r.get("n_boot_valid") or rec["n_boot"] or 1)
        print(
            f"{m:<24} {r['n']:>5} {_fmt(r['a'])} {_fmt(r['b'])} {_fmt(r['diff'])} {_fmt(r['ci_low'])} "
            f"{_fmt(r['ci_high'])} {_fmt_p(r['p_boot'], b, r.get('p_boot_is_bound'))} "
            f"{_fmt(r['wilcoxon_p'])} {_fmt_p(r['p_holm'], b, r.get('p_holm_is_bound'))}"
        )
    print(
        f"bootstrap p floored at 1/B (B = {rec['n_boot']}) before Holm; '< k/B' = upper bound "
        "(no resample crossed 0), never p = 0"
    )
    return 0


def _fmt_p(p: float | None, n_boot: int, bound: bool | None) -> str:
    """A bootstrap p for the compare table: ``< 1/1000`` / ``< 11/1000`` where it is a bound."""
    if p is None:
        return f"{'nan':>9}"
    if bound:
        return f"{fmt_p(p, n_boot, bound=True, name='').strip():>9}"
    return f"{p:>9.4f}"


def _ls(args: argparse.Namespace) -> int:
    sections = {"tasks": list_tasks, "adapters": list_adapters, "metrics": list_metrics}
    for name, fn in sections.items():
        if args.what in (None, name):
            print(f"{name}:")
            for line in fn():
                print(f"  {line}")
    return 0
