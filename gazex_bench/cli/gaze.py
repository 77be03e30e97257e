"""``gazex-bench gaze ...``: gaze preprocessing (and, later, gaze analyses).

COORDINATION NOTE (for the gaze-analyses helper): this module is owned by the gaze
preprocessing. To add ``gaze analyze`` (or more), write a function
``register_<name>(sub) -> None`` in your own module (e.g. ``gazex_bench/cli/gaze_analyze.py``)
that adds a subparser to ``sub`` and sets its handler, then add one line to
``_EXTRA_SUBCOMMANDS`` below. ``register`` stays small.

``gazex-bench gaze preprocess --data-root DIR --preset paper|gazex-code --out DIR
[--videos] [--limit N] [--workers N] [--sentences all|abnormal] [--mimic-jpg DIR]``
writes ``findings.jsonl`` (one :class:`~gazex_bench.gaze.types.FindingGaze` per line),
``summary.json`` (skip counts by reason, stats, preset) and, with ``--videos``,
``videos/<reading_id>/manifest.json`` + PNG frames.
"""

from __future__ import annotations

import argparse
import importlib
import json
from pathlib import Path
from typing import Any

# (module, function) pairs called with the ``gaze`` subparsers object; see note above.
_EXTRA_SUBCOMMANDS: tuple[tuple[str, str], ...] = ()


def register(subparsers: Any) -> None:
    """Add the ``gaze`` command group."""
    gaze = subparsers.add_parser("gaze", help="gaze preprocessing and analyses")
    sub = gaze.add_subparsers(dest="gaze_command", metavar="SUBCOMMAND", parser_class=type(gaze))
    _register_preprocess(sub)
    for module, func in _EXTRA_SUBCOMMANDS:
        getattr(importlib.import_module(module), func)(sub)
    gaze.set_defaults(handler=lambda args: _no_subcommand(gaze))


def _no_subcommand(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _register_preprocess(sub: Any) -> None:
    p = sub.add_parser("preprocess", help="REFLACX -> per-finding gaze clusters, boxes, centroids (+ videos)")
    p.add_argument("--data-root", type=Path, required=True, help="data root (or the reflacx-xray-localization/1.0.0 folder)")  # fmt: skip
    p.add_argument("--preset", default="paper", help="paper (Methods 4.1) or gazex-code (public GazeX scripts)")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--videos", action="store_true", help="also write attention videos (PNG frames + manifest)")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N readings")
    p.add_argument("--workers", type=int, default=1, help="worker processes (results do not depend on it)")
    p.add_argument("--sentences", choices=("all", "abnormal"), default="all", help="which sentences are findings")
    p.add_argument("--mimic-jpg", type=Path, default=None, metavar="DIR", help="mimic-cxr-jpg/<version> for video backgrounds")  # fmt: skip
    p.set_defaults(handler=_preprocess)


def _reflacx_root(data_root: Path) -> Path:
    from gazex_bench.data.discover import discover
    from gazex_bench.errors import UsageError

    if (data_root / "main_data").is_dir():
        return data_root
    found = discover(data_root).reflacx
    if found is None:
        raise UsageError(f"no REFLACX folder (reflacx-xray-localization/1.0.0 or main_data/) under {data_root}")
    return Path(found)


def _preprocess(args: argparse.Namespace) -> int:
    from gazex_bench.data.reflacx import read_reflacx
    from gazex_bench.errors import UsageError
    from gazex_bench.gaze.findings_io import write_findings_jsonl
    from gazex_bench.gaze.preprocess import preprocess_dataset
    from gazex_bench.gaze.presets import get_preset
    from gazex_bench.io import atomic_write_json

    preset = get_preset(args.preset)
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be >= 0")
    read = read_reflacx(_reflacx_root(args.data_root), load_fixations=preset.source == "fixations")
    readings = list(read.records)[: args.limit]
    result = preprocess_dataset(readings, preset, workers=args.workers, sentences=args.sentences)
    write_findings_jsonl(args.out / "findings.jsonl", result.records, preset=preset.name, frame=preset.frame)
    n_videos = _write_videos(args, readings, result.records, preset) if args.videos else 0
    summary = {
        "preset": preset.name, "frame": preset.frame, "sentences": args.sentences, "readings": len(readings),
        "findings": len(result.records), "skipped": dict(sorted(result.skipped.items())),
        "stats": dict(sorted(result.stats.items())), "reader_skipped": dict(read.skipped), "videos": n_videos,
    }  # fmt: skip
    atomic_write_json(args.out / "summary.json", summary)
    print(json.dumps(summary, sort_keys=True))
    return 0


def _load_image(reading: Any, jpg_root: Path | None) -> Any:
    """The reading's MIMIC-CXR-JPG image as a uint8 array, or None (blank video background)."""
    if jpg_root is None:
        return None
    from gazex_bench.data.mimic import mimic_jpg_path

    path = mimic_jpg_path(jpg_root, reading.subject_id, reading.study_id, reading.dicom_id)
    if not path.is_file():
        return None
    import numpy as np

    from gazex_bench.images import open_image

    return np.asarray(open_image(path, "L"))


def _write_videos(args: argparse.Namespace, readings: list, records: tuple, preset: Any) -> int:
    from gazex_bench.gaze.video import write_attention_video

    by_reading: dict[str, list] = {}
    for f in records:
        by_reading.setdefault(f.reading_id, []).append(f)
    n = 0
    for reading in readings:
        findings = by_reading.get(reading.reading_id)
        if findings:
            image = _load_image(reading, args.mimic_jpg)
            write_attention_video(reading, findings, image, args.out / "videos" / reading.reading_id, preset=preset)
            n += 1
    return n
