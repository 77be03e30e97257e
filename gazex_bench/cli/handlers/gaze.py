"""Handlers of ``gazex-bench gaze`` (see :mod:`gazex_bench.cli.gaze` for the arguments).

Imported only when one of these commands runs (``gazex_bench.cli`` resolves the
``"module:function"`` handler string), so project imports sit at module top.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from gazex_bench.data.discover import discover
from gazex_bench.data.mimic import mimic_jpg_path
from gazex_bench.data.reflacx import read_reflacx
from gazex_bench.errors import UsageError
from gazex_bench.gaze.findings_io import write_findings_jsonl
from gazex_bench.gaze.preprocess import preprocess_dataset
from gazex_bench.gaze.presets import get_preset
from gazex_bench.gaze.video import write_attention_video
from gazex_bench.images import open_image
from gazex_bench.io import atomic_write_json


def _reflacx_root(data_root: Path) -> Path:
    if (data_root / "main_data").is_dir():
        return data_root
    found = discover(data_root).reflacx
    if found is None:
        raise UsageError(
            f"no REFLACX folder (reflacx-xray-localization/1.0.0 or main_data/) under {data_root}"
        )
    return Path(found)


def _preprocess(args: argparse.Namespace) -> int:
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

    path = mimic_jpg_path(jpg_root, reading.subject_id, reading.study_id, reading.dicom_id)
    if not path.is_file():
        return None
    import numpy as np

    return np.asarray(open_image(path, "L"))


def _write_videos(args: argparse.Namespace, readings: list, records: tuple, preset: Any) -> int:
    by_reading: dict[str, list] = {}
    for f in records:
        by_reading.setdefault(f.reading_id, []).append(f)
    n = 0
    for reading in readings:
        findings = by_reading.get(reading.reading_id)
        if findings:
            image = _load_image(reading, args.mimic_jpg)
            write_attention_video(
                reading, findings, image, args.out / "videos" / reading.reading_id, preset=preset
            )
            n += 1
    return n
