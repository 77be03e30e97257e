"""Benchmark: read a paper-size REFLACX release with our reader vs a plain pandas reference.

Target (lead's brief): 3,032 readings with ~200 fixations each read back in <= 60 s on
2 cores. The reference is what the REFLACX/GazeX authors' scripts do: ``pd.read_csv``
of the metadata and of each reading's fixations / transcript timestamps / boxes, with
no validation.

Usage::

    .venv/bin/python benchmarks/bench_readers.py                 # synthetic paper-size tree in a temp dir
    .venv/bin/python benchmarks/bench_readers.py --root DIR      # an existing data root (phantom or real)

Writes ``reports/perf/readers.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import tempfile
import time
from pathlib import Path

import pandas as pd

from gazex_bench.data.discover import discover, require
from gazex_bench.data.reflacx import PHASE1_LABELS, PHASE23_LABELS, read_reflacx
from gazex_bench.io import atomic_write_text

FIX_HEADER = (
    "timestamp_start_fixation,timestamp_end_fixation,x_position,y_position,pupil_area_normalized,"
    "angular_resolution_x_pixels_per_degree,angular_resolution_y_pixels_per_degree,window_width,window_level,"
    "xmin_shown_from_image,ymin_shown_from_image,xmax_shown_from_image,ymax_shown_from_image,"
    "xmin_in_screen_coordinates,ymin_in_screen_coordinates,xmax_in_screen_coordinates,ymax_in_screen_coordinates"
)
META_HEADER = "id,split,eye_tracking_data_discarded,image,dicom_id,subject_id,image_size_x,image_size_y,"


def _quote(token: str) -> str:
    return f'"{token}"' if "," in token else token


def write_synthetic(root: Path, n_readings: int = 3032, n_fix: int = 200, seed: int = 0) -> Path:
    """Write a phase-3-only REFLACX tree of ``n_readings`` readings (CRLF, as released)."""
    rnd = random.Random(seed)
    base = root / "reflacx-xray-localization" / "1.0.0"
    main = base / "main_data"
    main.mkdir(parents=True)
    for p, labels in ((1, PHASE1_LABELS), (2, PHASE23_LABELS)):  # header-only phase-1/2 tables
        (main / f"metadata_phase_{p}.csv").write_bytes((META_HEADER + ",".join(labels) + "\r\n").encode())
    rows = [META_HEADER + ",".join(PHASE23_LABELS)]
    tokens = ("no", "focal", "consolidation", ",", "small", "effusion", ".") * 6
    for k in range(n_readings):
        rid = f"P300R{k:06d}"
        img = f"physionet.org/files/mimic-cxr/2.0.0/files/p10/p10{k:06d}/s5{k:07d}/d{k}.dcm"
        rows.append(
            f"{rid},train,False,{img},d{k},10{k:06d},2544,3056,"
            + ",".join(["0"] * 11 + [""] + ["0"] * 3 + ["False"])
        )
        d = main / rid
        d.mkdir()
        fix = [FIX_HEADER]
        for i in range(n_fix):
            fix.append(f"{i * 0.3:.3f},{i * 0.3 + 0.25:.3f},{rnd.randint(0, 2543)},{rnd.randint(0, 3055)},"
                       "1.004,71,71,1.00000,0.50000,0,0,2544,3056,1000,0,2798,2160")  # fmt: skip
        (d / "fixations.csv").write_bytes(("\r\n".join(fix) + "\r\n").encode())
        words = ["word,timestamp_start_word,timestamp_end_word"] + [
            f"{_quote(w)},{i * 0.4:.2f},{i * 0.4 + 0.3:.2f}" for i, w in enumerate(tokens)
        ]
        (d / "timestamps_transcription.csv").write_bytes(("\r\n".join(words) + "\r\n").encode())
        (d / "transcription.txt").write_bytes(b"no focal consolidation, small effusion.")
        (d / "chest_bounding_box.csv").write_bytes(b"xmin,ymin,xmax,ymax\r\n180,240,2350,2800\r\n")
        (d / "anomaly_location_ellipses.csv").write_bytes(
            ("xmin,ymin,xmax,ymax,certainty," + ",".join(PHASE23_LABELS) + "\r\n").encode()
        )
    (main / "metadata_phase_3.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode())
    return base


def reference_read(base: Path) -> int:
    """The authors' style: pandas per file, no checks. Returns the number of fixations read."""
    n = 0
    for p in (1, 2, 3):
        meta = pd.read_csv(base / "main_data" / f"metadata_phase_{p}.csv")
        for rid, discarded in zip(meta["id"], meta["eye_tracking_data_discarded"]):
            d = base / "main_data" / rid
            pd.read_csv(d / "chest_bounding_box.csv")
            pd.read_csv(d / "anomaly_location_ellipses.csv")
            if not discarded:
                n += len(pd.read_csv(d / "fixations.csv"))
                pd.read_csv(d / "timestamps_transcription.csv")
                (d / "transcription.txt").read_text()
    return n


def main() -> None:
    """Time both readers and write ``reports/perf/readers.md``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", type=Path, default=None, help="data root (default: synthetic paper-size tree)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.root is None:
            t0 = time.perf_counter()
            base = write_synthetic(Path(tmp))
            source = f"synthetic tree (3,032 readings x 200 fixations), written in {time.perf_counter() - t0:.1f} s"
        else:
            base = require(discover(args.root), "reflacx")
            source = str(base)
        t0, c0 = time.perf_counter(), time.process_time()
        res = read_reflacx(base)
        ours, ours_cpu = time.perf_counter() - t0, time.process_time() - c0
        t0, c0 = time.perf_counter(), time.process_time()
        n_ref = reference_read(base)
        ref, ref_cpu = time.perf_counter() - t0, time.process_time() - c0
    n_fix = res.stats["fixations"]
    assert n_fix == n_ref, (n_fix, n_ref)
    text = (
        "## REFLACX reader (benchmarks/bench_readers.py)\n\n"
        f"- data: {source}\n- machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}\n"
        f"- readings: {len(res)}, fixations: {n_fix}, sentences: {res.stats['sentences']}\n\n"
        f"- load average at start: {os.getloadavg()[0]:.1f} (wall time inflates when the machine is shared)\n\n"
        "| reader | wall s | CPU s |\n|---|---|---|\n"
        f"| gazex_bench.data.read_reflacx (validating, typed records) | {ours:.2f} | {ours_cpu:.2f} |\n"
        f"| pandas.read_csv per file (reference, no checks) | {ref:.2f} | {ref_cpu:.2f} |\n\n"
        f"Ratio ours / reference (CPU): {ours_cpu / ref_cpu:.2f}. "
        f"Budget: <= 60 s wall -> {'OK' if ours <= 60 else 'OVER'}.\n"
    )
    print(text)
    atomic_write_text(Path(__file__).resolve().parents[1] / "reports" / "perf" / "readers.md", text)


if __name__ == "__main__":
    main()
