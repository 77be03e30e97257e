"""``gazex-bench metrics``: score prediction files against reference files.

``metrics report --pred P --ref R [--convention r2gen|r2gen-iu|coco|none] [--meteor auto|jar|nltk|none] [--json]``
    P and R are JSONL files of ``{"id": str, "text": str}`` (a reference ``text`` may
    also be a non-empty list of strings: multiple references). With ``--json`` one
    JSON object with exactly the metric keys ``bleu1 bleu2 bleu3 bleu4 meteor rouge_l
    cider_d`` (the keys of run.json, :mod:`gazex_bench.metrics.registry`) is printed (METEOR is null with ``--meteor none``); the conventions go
    to stderr (logging, INFO). Default convention: ``r2gen`` (R2Gen cleaning then the
    pycocoevalcap scorers, as in the GazeX paper's tables).
``metrics grounding --pred P --ref R [--json]``
    Delegates to :func:`gazex_bench.metrics.grounding_io.grounding_scores_from_files`.

Malformed input (bad JSON, missing/duplicate ids, non-string text, NaN) exits 2
with one line.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
from pathlib import Path
from typing import Any

from gazex_bench.errors import DataFormatError
from gazex_bench.io import read_jsonl
from gazex_bench.metrics.grounding_io import grounding_scores_from_files
from gazex_bench.metrics.registry import metric_title
from gazex_bench.metrics.report import METRIC_NAMES, score_reports

logger = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    """Add the ``metrics`` command group."""
    group = subparsers.add_parser("metrics", help="score predictions against references")
    sub = group.add_subparsers(dest="metrics_command", metavar="SUBCOMMAND", parser_class=type(group))
    rep = sub.add_parser("report", help="BLEU-1..4, METEOR, ROUGE-L, CIDEr-D of generated reports")
    rep.add_argument("--pred", required=True, type=Path, help="JSONL of {id, text} predictions")
    rep.add_argument("--ref", required=True, type=Path, help="JSONL of {id, text} references")
    rep.add_argument("--convention", default="r2gen", choices=["r2gen", "r2gen-iu", "coco", "none"])
    rep.add_argument("--meteor", default="auto", choices=["auto", "jar", "nltk", "none"])
    rep.add_argument("--json", action="store_true", help="print one JSON object with the seven metric keys")
    rep.set_defaults(handler=_report)
    gr = sub.add_parser("grounding", help="phrase-grounding mIoU / mAP")
    gr.add_argument("--pred", required=True, type=Path)
    gr.add_argument("--ref", required=True, type=Path)
    gr.add_argument("--json", action="store_true")
    gr.set_defaults(handler=_grounding)
    group.set_defaults(handler=lambda args: (group.print_help(), 2)[1])


def _read_texts(path: Path, *, allow_list: bool) -> dict[str, Any]:
    """Read a ``{id, text}`` JSONL file strictly (duplicates, types, empty file)."""
    out: dict[str, Any] = {}
    for lineno, obj in read_jsonl(path):
        key = obj.get("id")
        if isinstance(key, bool) or not isinstance(key, (str, int)):
            raise DataFormatError(path, "'id' must be a string or integer", row=lineno, field="id")
        key = str(key)
        if key in out:
            raise DataFormatError(path, f"duplicate id {key!r}", row=lineno, field="id")
        text = obj.get("text")
        ok = isinstance(text, str) or (
            allow_list and isinstance(text, list) and text and all(isinstance(t, str) for t in text)
        )
        if not ok:
            want = "a string or a non-empty list of strings" if allow_list else "a string"
            raise DataFormatError(path, f"'text' must be {want}", row=lineno, field="text")
        out[key] = text
    return out


def _check_ids(pred_path: Path, preds: dict[str, Any], ref_path: Path, refs: dict[str, Any]) -> None:
    no_pred = [k for k in refs if k not in preds]
    if no_pred:
        shown = ", ".join(no_pred[:5]) + (" ..." if len(no_pred) > 5 else "")
        raise DataFormatError(pred_path, f"{len(no_pred)} reference id(s) have no prediction: {shown}")
    no_ref = [k for k in preds if k not in refs]
    if no_ref:
        shown = ", ".join(no_ref[:5]) + (" ..." if len(no_ref) > 5 else "")
        raise DataFormatError(ref_path, f"{len(no_ref)} prediction id(s) have no reference: {shown}")


def _json_value(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _report(args: argparse.Namespace) -> int:
    preds = _read_texts(args.pred, allow_list=False)
    refs = _read_texts(args.ref, allow_list=True)
    _check_ids(args.pred, preds, args.ref, refs)
    scores = score_reports(preds, refs, convention=args.convention, meteor=args.meteor)
    meta = scores.meta()
    logger.info("conventions: %s", json.dumps(meta, sort_keys=True))
    if args.json:
        print(json.dumps({k: _json_value(scores.values[k]) for k in METRIC_NAMES}))
        return 0
    print(f"n = {meta['n']}  convention = {meta['convention']} ({meta['convention_description']})")
    print(f"METEOR = {meta['meteor']}")
    for k in METRIC_NAMES:
        v = scores.values[k]
        print(f"  {metric_title(k):<8} {'n/a' if math.isnan(v) else f'{v:.6f}'}")
    return 0


def _grounding(args: argparse.Namespace) -> int:
    result = grounding_scores_from_files(args.pred, args.ref)
    if args.json:
        print(json.dumps({k: _json_value(v) for k, v in result.items()}))
        return 0
    for k, v in result.items():
        print(f"  {k:<12} {v}")
    return 0
