"""Compare the gazex-rules labeler with the Open-i MeSH codes on every IU report with findings.

Usage: ``python scripts/labeler_vs_openi_mesh.py [TSV] [--u-ones]``; TSV defaults to the
fixture ``tests/fixtures/labeler/iu_reports_mesh.tsv.gz`` (see its README for source and
licence). Prints per-class counts, precision, recall and F1, and the macro F1.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from gazex_bench.errors import GazexError
from gazex_bench.metrics.chexpert_labeler import LABELER_VERSION, label_reports
from gazex_bench.metrics.chexpert_rules.openi_mesh import compare_with_mesh, macro_f1, read_iu_mesh

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "labeler" / "iu_reports_mesh.tsv.gz"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tsv", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--u-ones", action="store_true", help="count uncertain (-1) calls as positive")
    args = ap.parse_args(argv)
    reports = [r for r in read_iu_mesh(args.tsv) if r.findings.strip()]
    t0 = time.perf_counter()
    scores = compare_with_mesh(reports, label_reports, uncertain_positive=args.u_ones)
    dt = time.perf_counter() - t0
    print(
        f"gazex-rules v{LABELER_VERSION} vs Open-i MeSH, {len(reports)} IU reports with findings "
        f"({'u-ones' if args.u_ones else 'u-zeros'}; {dt:.1f} s)"
    )
    print(f"{'class':<18s} {'TP':>5s} {'FP':>5s} {'FN':>5s} {'prec':>6s} {'rec':>6s} {'F1':>6s}")
    for s in scores:
        print(f"{s.cls:<18s} {s.tp:5d} {s.fp:5d} {s.fn:5d} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}")
    print(f"macro F1 {macro_f1(scores):.3f}; min F1 {min(s.f1 for s in scores):.3f}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (GazexError, OSError) as exc:  # one line, exit 2 (charter: bad input)
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
