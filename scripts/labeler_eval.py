"""Score the gazex-rules labeler (or a CheXbert checkpoint) on the hand-labelled sentence sets.

Usage: ``python scripts/labeler_eval.py [--part dev|heldout|legacy|all] [--chexbert CKPT] [--misses]``.
Prints, per CheXpert class, the support and F1 for positive / negative / uncertain labels
(:mod:`gazex_bench.metrics.chexpert_rules.sentence_eval`).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from gazex_bench.data.records import CHEXPERT_LABELS
from gazex_bench.errors import GazexError
from gazex_bench.metrics.chexpert_rules.sentence_eval import exact_rate, read_sentences, score_sentences

FIX = Path(__file__).resolve().parents[1] / "tests" / "fixtures"
PARTS = {
    "dev": FIX / "labeler" / "iu_sentences_dev.tsv",
    "heldout": FIX / "labeler" / "iu_sentences_heldout.tsv",
    "legacy": FIX / "chexpert_sentences.tsv",
}


def _fmt(x: float) -> str:
    return "   -  " if math.isnan(x) else f"{x:6.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", default="all", choices=[*PARTS, "all", "iu"])
    ap.add_argument(
        "--chexbert", type=Path, default=None, help="CheXbert checkpoint (config.json + vocab.txt beside it)"
    )
    ap.add_argument("--misses", action="store_true", help="print the sentences the labeler gets wrong")
    args = ap.parse_args(argv)
    if args.chexbert is not None:
        from gazex_bench.metrics.chexbert import ChexbertLabeler

        labeler = ChexbertLabeler(args.chexbert, args.chexbert.parent).label_reports
        name = f"CheXbert {args.chexbert}"
    else:
        from gazex_bench.metrics.chexpert_labeler import LABELER_VERSION, label_reports

        labeler, name = label_reports, f"gazex-rules v{LABELER_VERSION}"
    parts = {"all": list(PARTS), "iu": ["dev", "heldout"]}.get(args.part, [args.part])
    rows = [r for p in parts for r in read_sentences(PARTS[p])]
    scores = score_sentences(rows, labeler)
    print(
        f"{name} on {'+'.join(parts)}: {len(rows)} sentences, {exact_rate(rows, labeler):.1%} exactly right"
    )
    print(
        f"{'class':<27s} {'n_pos':>5s} {'F1pos':>6s} {'n_neg':>5s} {'F1neg':>6s} {'n_unc':>5s} {'F1unc':>6s}"
    )
    for c in CHEXPERT_LABELS:
        p, n, u = scores[(c, 1.0)], scores[(c, 0.0)], scores[(c, -1.0)]
        print(f"{c:<27s} {p.support:5d} {_fmt(p.f1)} {n.support:5d} {_fmt(n.f1)} {u.support:5d} {_fmt(u.f1)}")
    if args.misses:
        for r, got in zip(rows, labeler([r.text for r in rows])):
            diff = {k: (r.labels[k], got.get(k)) for k in CHEXPERT_LABELS if got.get(k) != r.labels[k]}
            if diff:
                print("MISS", r.text, {k[:12]: v for k, v in diff.items()})
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (GazexError, OSError) as exc:  # one line, exit 2 (charter: bad input)
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
