"""``gazex-bench run | score | compare | ls``: the evaluation harness commands.

Thin wrappers over :mod:`gazex_bench.runner`; heavy imports happen inside handlers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``run``, ``score``, ``compare`` and ``ls`` subcommands."""
    _register_run(subparsers)
    p = subparsers.add_parser("score", help="(re)score a run's stored predictions; no model needed")
    p.add_argument("--run", required=True, type=Path, help="run directory (runs/<run_id>)")
    p.add_argument("--data-root", default=None,
                   help="the data's new location if it moved since the run (checked against the run's fingerprint)")
    p.add_argument("--wait", action="store_true", help="wait for another process using the run directory")
    _score_options(p)
    p.set_defaults(handler=_score)
    p = subparsers.add_parser("compare", help="paired bootstrap (corpus metrics recomputed) + Wilcoxon + Holm")
    p.add_argument("run_a", type=Path)
    p.add_argument("run_b", type=Path)
    p.add_argument("--n-boot", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="print the JSON record instead of a table")
    p.add_argument("--out", type=Path, default=None, help="also write the JSON record to FILE (atomically)")
    p.add_argument("--force", action="store_true",
                   help="compare fine-tuned runs even if their downstream budgets differ (recorded in the output)")
    p.set_defaults(handler=_compare)
    p = subparsers.add_parser("ls", help="list tasks, adapters and metrics with their conventions")
    p.add_argument("what", nargs="?", choices=("tasks", "adapters", "metrics"), default=None)
    p.set_defaults(handler=_ls)


def _register_run(subparsers: Any) -> None:
    p = subparsers.add_parser("run", help="run a model on a task: predict, score, write runs/<id>/")
    p.add_argument("--task", required=True, help="task name (gazex-bench ls tasks)")
    p.add_argument("--model", required=True, help="adapter name (gazex-bench ls adapters)")
    p.add_argument("--model-arg", action="append", default=[], metavar="K=V",
                   help="adapter constructor argument; V is parsed as JSON when possible (repeatable)")
    p.add_argument("--task-arg", action="append", default=[], metavar="K=V",
                   help="task option, e.g. radiologist_map=CSV for reflacx-gaze (repeatable; part of the run id)")
    p.add_argument("--data-root", default=None, help="dataset root (default: cached small phantom)")
    p.add_argument("--split", default=None, help="dataset split (default: the task's)")
    p.add_argument("--limit", type=int, default=None, help="evaluate only the first N samples")
    p.add_argument("--out", type=Path, default=Path("runs"), help="parent of run directories")
    p.add_argument("--run-id", default=None, help="run directory name (default: deterministic hash)")
    p.add_argument("--seed", type=int, default=0, help="run seed (part of the run id)")
    p.add_argument("--num-shards", default="auto",
                   help="split samples into N shards by id hash; 'auto' (default) = $WORLD_SIZE under "
                        "accelerate/torchrun (rank 0 then merges and scores), else 1")
    p.add_argument("--shard-index", default=None,
                   help="this process's shard (default: $RANK with --num-shards auto, else 0)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--max-failures", default="all",
                   help="generation failures tolerated before the run exits non-zero: 'all' (default: fail only "
                        "when every sample failed), a count, or a percentage like 10%%")
    p.add_argument("--wait", action="store_true",
                   help="if another process is running in the same run directory, wait for it instead of failing")
    _score_options(p)
    p.set_defaults(handler=_run)


def _score_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples for CIs")
    p.add_argument("--ci-seed", type=int, default=0, help="bootstrap seed")
    p.add_argument("--chexbert", type=Path, default=None,
                   help="CheXbert checkpoint; its folder holds BERT config.json + vocab.txt (default: rule-based labeler)")
    p.add_argument("--meteor", choices=("auto", "jar", "nltk", "none"), default="auto",
                   help="METEOR implementation for report tasks (auto: jar when Java is available)")


def _options(args: argparse.Namespace) -> Any:
    from gazex_bench.tasks.base import ScoreOptions

    return ScoreOptions(seed=args.ci_seed, n_boot=args.n_boot, chexbert_checkpoint=args.chexbert,
                        meteor=args.meteor)


def _shard(args: argparse.Namespace) -> Any:
    from gazex_bench.errors import UsageError
    from gazex_bench.runner.predict import Shard

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
    from gazex_bench.models.registry import parse_model_args
    from gazex_bench.runner.api import RunRequest, run

    req = RunRequest(
        task=args.task, model=args.model, model_args=parse_model_args(args.model_arg),
        task_args=_task_args(args.task_arg),
        data_root=args.data_root, split=args.split, limit=args.limit, out=args.out,
        run_id=args.run_id, seed=args.seed, shard=_shard(args), quiet=args.quiet,
        score=_options(args), command=["gazex-bench", *sys.argv[1:]], max_failures=args.max_failures,
        wait=args.wait,
    )
    outcome = run(req)
    s = outcome.stats
    sys.stderr.write(
        f"{outcome.run_dir}: {s.n_total} samples, {s.n_done_before} already done, "
        f"{s.n_predicted} predicted, {s.n_errors} errors"
        + (f" ({s.n_failed} generation failures, retried next run)" if s.n_failed else "") + "\n"
    )
    if outcome.record is None:
        print(f"shard written; after all shards: gazex-bench score --run {outcome.run_dir}")
        return 0
    _print_metrics(outcome.record)
    return 0


def _task_args(items: list[str]) -> dict[str, Any]:
    """``--task-arg k=v`` → typed dict; paths (``*_map``, ``*path``) are made absolute."""
    from gazex_bench.models.registry import parse_model_args

    out = parse_model_args(items, flag="--task-arg")
    for k, v in out.items():
        if isinstance(v, str) and (k.endswith("_map") or k.endswith("path")):
            out[k] = str(Path(v).expanduser().resolve())
    return out


def _score(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from gazex_bench.io import atomic_write_json
    from gazex_bench.runner.data_root import resolve_data_root
    from gazex_bench.runner.lock import run_lock
    from gazex_bench.runner.score import load_run_data, score_run
    from gazex_bench.runner.spec import SPEC, read_spec
    from gazex_bench.tasks.registry import get_task

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
        record = score_run(args.run, task, options=_options(args), data=data,
                           command=["gazex-bench", *sys.argv[1:]])
    _print_metrics(record)
    return 0


def _print_metrics(record: dict[str, Any]) -> None:
    print(f"run {record['run_id']}  task {record['task']['name']}  model {record['model'].get('label') or record['model']['adapter']}  "
          f"n={record['dataset']['n_evaluated']}")
    for name, m in record["metrics"].items():
        star = "*" if name == record["primary_metric"] else " "
        print(f"{star} {name:<28} {_fmt(m['value'])}  [{_fmt(m['ci_low'])}, {_fmt(m['ci_high'])}]  n={m['n']}")


def _fmt(x: float | None) -> str:
    return "   nan" if x is None else f"{x:.4f}"


def _compare(args: argparse.Namespace) -> int:
    from gazex_bench.io import atomic_write_json
    from gazex_bench.runner.compare import compare_runs

    rec = compare_runs(args.run_a, args.run_b, n_boot=args.n_boot, seed=args.seed, force=args.force)
    if args.out is not None:
        atomic_write_json(args.out, rec)
    if args.json:
        print(json.dumps(rec, indent=2, sort_keys=True))
        return 0
    print(f"A = {rec['model_a']} ({rec['run_a']})\nB = {rec['model_b']} ({rec['run_b']})  shared n={rec['n']}")
    check = rec["budget_check"]
    if check["regime_a"] or check["regime_b"]:
        print(f"regimes: A {check['regime_a'] or '-'}; B {check['regime_b'] or '-'}")
    if check["forced"]:
        print(f"FORCED: downstream budgets differ ({'; '.join(check['differences'])})")
    print(f"{'metric':<24} {'n':>5} {'a':>8} {'b':>8} {'b-a':>8} {'ci_low':>8} {'ci_high':>8} "
          f"{'p_boot':>7} {'p_wilcox':>8} {'p_holm':>7}")
    for m, r in rec["metrics"].items():
        print(f"{m:<24} {r['n']:>5} {_fmt(r['a'])} {_fmt(r['b'])} {_fmt(r['diff'])} {_fmt(r['ci_low'])} "
              f"{_fmt(r['ci_high'])} {_fmt(r['p_boot'])} {_fmt(r['wilcoxon_p'])} {_fmt(r['p_holm'])}")
    return 0


def _ls(args: argparse.Namespace) -> int:
    from gazex_bench.runner.listing import list_adapters, list_metrics, list_tasks

    sections = {"tasks": list_tasks, "adapters": list_adapters, "metrics": list_metrics}
    for name, fn in sections.items():
        if args.what in (None, name):
            print(f"{name}:")
            for line in fn():
                print(f"  {line}")
    return 0
