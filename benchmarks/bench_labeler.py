"""Benchmark: gazex-rules labeling speed on the 3,337 IU X-ray reports with findings.

Run: ``.venv/bin/python benchmarks/bench_labeler.py [--baseline CHECKOUT] [--repeat 3]``
Times ``label_reports`` over every report of ``tests/fixtures/labeler/iu_reports_mesh.tsv.gz``
(best of ``--repeat`` with the per-sentence cache cleared, and once more warm). ``--baseline`` times the labeler of another checkout of this repository
(e.g. a worktree of an older commit) in a subprocess on the same reports and prints the ratio. The
reference implementation (stanfordmlgroup/chexpert-labeler: NegBio + BLLIP parser + Java) cannot run
here; its paper-era speed is not compared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "labeler" / "iu_reports_mesh.tsv.gz"
_TIMER = """
import json, sys, time
from gazex_bench.metrics import chexpert_labeler as L
texts = json.load(sys.stdin)
clear = getattr(getattr(L, "sentence_mentions", None), "cache_clear", lambda: None)
best = float("inf")
for _ in range(int(sys.argv[1])):
    clear()
    t = time.perf_counter(); L.label_reports(texts); best = min(best, time.perf_counter() - t)
t = time.perf_counter(); L.label_reports(texts); warm = time.perf_counter() - t
version = getattr(L, "LABELER_VERSION", L.LABELER_METADATA.get("version"))
print(json.dumps({"seconds": best, "warm": warm, "version": version}))
"""


def _time(checkout: Path, texts: list[str], repeat: int) -> dict[str, float | str]:
    env = {**os.environ, "PYTHONPATH": str(checkout), "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", _TIMER, str(repeat)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=checkout,
    )
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, default=None, help="another checkout of this repository")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from gazex_bench.metrics.chexpert_rules.openi_mesh import read_iu_mesh

    texts = [r.text for r in read_iu_mesh(FIXTURE) if r.findings.strip()]
    words = sum(len(t.split()) for t in texts)
    rows = [("this checkout", _time(ROOT, texts, args.repeat))]
    if args.baseline is not None:
        rows.append((f"baseline {args.baseline}", _time(args.baseline.resolve(), texts, args.repeat)))
    print(f"{len(texts)} IU reports, {words} words, best of {args.repeat}, one process, OMP_NUM_THREADS=1")
    for name, r in rows:
        s = float(r["seconds"])
        print(
            f"  {name:<28s} v{r['version']:<5s} cold {s:5.2f} s ({1e3 * s / len(texts):.2f} ms/report), "
            f"warm sentence cache {float(r['warm']):5.2f} s"
        )
    if len(rows) == 2:
        print(
            f"  cold ratio this / baseline: {float(rows[0][1]['seconds']) / float(rows[1][1]['seconds']):.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
