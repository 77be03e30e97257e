"""Benchmark: where one demo ``reflacx-gaze`` row spends its time, and the generation batch size.

Usage::

    .venv/bin/python benchmarks/bench_demo_eval.py WORK [--model gazex/stage2-gaze] [--n 128]
        [--batches 8,16,32,64] [--threads 1]

``WORK`` is a finished demo work folder (``runs/demo/work``: ``data/`` = the phantom, ``models/``).
Generation only (no scoring): the first ``--n`` finding requests (setting 2) of the demo's
``reflacx-gaze`` data (phase 2, the phantom's radiologist map) are answered by the ``gazex``
adapter at each generation batch size, the harness handing the adapter chunks of that size.
Prints CPU seconds (user + system of this process) and wall seconds per batch size, the ratio
to the first batch size, and the fraction of answers whose text equals the first batch size's
(greedy decoding of a padded batch may differ in the last float bits). Use ``nice`` and
``--threads 1`` on a shared machine: CPU seconds are the load-independent number.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def main() -> int:
    """Time generation per batch size; return an exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("work", type=Path)
    ap.add_argument("--model", default="gazex/stage2-gaze")
    ap.add_argument("--n", type=int, default=128)
    ap.add_argument("--batches", default="8,16,32,64")
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    import torch

    torch.set_num_threads(a.threads)
    from gazex_bench.models.registry import build_adapter_registry, create_adapter
    from gazex_bench.runner.loading import load_task_data
    from gazex_bench.tasks.registry import build_task_registry

    data_root = a.work / "data"
    task = build_task_registry().get("reflacx-gaze")(
        radiologist_map=str(data_root / "phantom_truth" / "radiologists.csv"), phases="2"
    )
    task.quiet = True
    data = load_task_data(task, data_root, split="all", limit=None)
    reqs = [s.request for s in data.samples if s.meta.get("kind") == "finding"][: a.n]
    first: list[str] | None = None
    base = None
    print(f"{len(reqs)} finding requests, model {a.model}, {a.threads} torch thread(s)")
    print("| batch | CPU s | wall s | CPU ratio to first | same text as first |")
    print("|---|---|---|---|---|")
    for bs in [int(b) for b in a.batches.split(",")]:
        adapter = create_adapter(
            "gazex", build_adapter_registry(), path=str(a.work / "models" / a.model), batch_size=bs
        )
        adapter.predict_gaze(reqs[:bs])  # warm-up (first-call allocations), not timed
        t0, c0 = time.perf_counter(), _cpu()
        texts = [r.raw for i in range(0, len(reqs), bs) for r in adapter.predict_gaze(reqs[i : i + bs])]
        cpu, wall = _cpu() - c0, time.perf_counter() - t0
        first = first or texts
        base = base or cpu
        same = sum(x == y for x, y in zip(texts, first)) / len(texts)
        print(f"| {bs} | {cpu:.1f} | {wall:.1f} | {cpu / base:.2f} | {same:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
