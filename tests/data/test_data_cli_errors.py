"""Every kind of bad input, through ``gazex-bench data summary`` in a subprocess.

Each case copies the hand-written fixture root, breaks one file, and checks: exit
code 2, exactly one line on stderr naming the file, the 1-based data row and the
field, and no traceback.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "fixtures" / "data_root"
RFX = "reflacx-xray-localization/1.0.0/main_data"
JPG = "mimic-cxr-jpg/2.1.0"
VQA = "medical-cxr-vqa-dataset/1.0.0/medical-cxr-vqa-questions.csv"
MSC = "ms-cxr/1.1.0/MS_CXR_Local_Alignment_v1.1.0.csv"


def sub(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        assert old in data, old
        return data.replace(old, new, 1)

    return edit


def drop_line(n: int) -> Callable[[bytes], bytes]:
    """Truncate physical line ``n`` (0 = header) to its first three fields."""

    def edit(data: bytes) -> bytes:
        lines = data.split(b"\r\n")
        lines[n] = b",".join(lines[n].split(b",")[:3])
        return b"\r\n".join(lines)

    return edit


def dup_line(n: int) -> Callable[[bytes], bytes]:
    def edit(data: bytes) -> bytes:
        lines = data.split(b"\r\n")
        return b"\r\n".join(lines[: n + 1] + [lines[n]] + lines[n + 1 :])

    return edit


# (id, file relative to the root, edit (None = delete the file), expected fragments of the message)
CASES = [
    ("missing-file", f"{RFX}/P102R108387/fixations.csv", None, ["fixations.csv", "file not found"]),
    ("missing-metadata", f"{RFX}/metadata_phase_2.csv", None, ["metadata_phase_2.csv", "file not found"]),
    (
        "misspelt-column",
        f"{RFX}/P102R108387/fixations.csv",
        sub(b",x_position,", b",x_positon,"),
        ["fixations.csv", "field 'x_position'", "x_positon"],
    ),
    (
        "wrong-type",
        f"{RFX}/P102R108387/fixations.csv",
        sub(b"1850,2010", b"1850,abc"),
        ["fixations.csv", "row 2", "field 'y_position'", "'abc'"],
    ),
    (
        "truncated-row",
        f"{RFX}/P102R108387/fixations.csv",
        drop_line(3),
        ["fixations.csv", "row 3", "field 'y_position'", "truncated"],
    ),
    (
        "non-utf8",
        f"{RFX}/P102R108387/timestamps_transcription.csv",
        sub(b"right,", b"r\xffght,"),
        ["timestamps_transcription.csv", "row 2", "UTF-8"],
    ),
    (
        "certainty-7",
        f"{RFX}/metadata_phase_1.csv",
        sub(b"2544,3056,0,0,3,", b"2544,3056,0,0,7,"),
        ["metadata_phase_1.csv", "row 1", "field 'Consolidation'", "out of range"],
    ),
    (
        "bad-bool",
        f"{RFX}/metadata_phase_3.csv",
        sub(b",False\r\nP300R081391", b",yes\r\nP300R081391"),
        ["metadata_phase_3.csv", "row 1", "field 'Support devices'", "'yes'"],
    ),
    (
        "duplicate-reading",
        f"{RFX}/metadata_phase_3.csv",
        dup_line(1),
        ["metadata_phase_3.csv", "row 2", "field 'id'", "duplicate"],
    ),
    (
        "ellipse-certainty-0",
        f"{RFX}/P300R169761/anomaly_location_ellipses.csv",
        sub(b"2400,2,", b"2400,0,"),
        ["anomaly_location_ellipses.csv", "row 1", "field 'certainty'"],
    ),
    (
        "fixation-ends-early",
        f"{RFX}/P300R169761/fixations.csv",
        sub(b"0.420,0.800", b"0.420,0.400"),
        ["fixations.csv", "row 2", "field 'timestamp_end_fixation'"],
    ),
    (
        "chexpert-2",
        f"{JPG}/mimic-cxr-2.0.0-chexpert.csv",
        sub(b"-1.0,1.0,,0.0", b"-1.0,2.0,,0.0"),
        ["mimic-cxr-2.0.0-chexpert.csv", "row 2", "field 'Cardiomegaly'", "out of range"],
    ),
    (
        "split-value",
        f"{JPG}/mimic-cxr-2.0.0-split.csv",
        sub(b",validate", b",valid"),
        ["mimic-cxr-2.0.0-split.csv", "row 3", "field 'split'", "'valid'"],
    ),
    (
        "duplicate-dicom",
        f"{JPG}/mimic-cxr-2.0.0-metadata.csv",
        sub(b"174413ec-4ec4c1f7-34ea26b7-c5f994f8-79ef1962", b"02aa804e-bde0afdd-112c0b34-7bc16630-4e384014"),
        ["mimic-cxr-2.0.0-metadata.csv", "row 2", "field 'dicom_id'", "duplicate"],
    ),
    (
        "r2gen-split-key",
        "mimic_cxr/annotation.json",
        sub(b'"val":', b'"valid":'),
        ["annotation.json", "field 'valid'", "did you mean 'val'"],
    ),
    (
        "r2gen-image-path",
        "iu_xray/annotation.json",
        sub(
            b'"image_path": ["CXR2_IM-0652/0.png", "CXR2_IM-0652/1.png"]',
            b'"image_path": "CXR2_IM-0652/0.png"',
        ),
        ["annotation.json", "row 1", "field 'image_path'"],
    ),
    (
        "vqa-question-type",
        VQA,
        sub(b",level,", b",severity,"),
        ["medical-cxr-vqa-questions.csv", "row 6", "field 'question_type'", "'severity'"],
    ),
    (
        "vqa-misspelt-column",
        VQA,
        sub(b",question_type,", b",questoin_type,"),
        ["medical-cxr-vqa-questions.csv", "field 'question_type'", "questoin_type"],
    ),
    (
        "vqa-duplicate",
        VQA,
        sub(b"what level is the edema?", b"where is the pleural effusion?"),
        ["medical-cxr-vqa-questions.csv", "row 6", "field 'question'", "duplicate"],
    ),
    (
        "mscxr-negative-size",
        MSC,
        sub(b"2010,1900,790,600", b"2010,1900,-790,600"),
        ["MS_CXR_Local_Alignment_v1.1.0.csv", "row 2", "field 'w'", "positive"],
    ),
    (
        "mscxr-outside",
        MSC,
        sub(b"2010,1900,790,600", b"2010,1900,1790,600"),
        ["MS_CXR_Local_Alignment_v1.1.0.csv", "row 2", "field 'x'", "outside"],
    ),
    (
        "mscxr-category",
        MSC,
        sub(b"Cardiomegaly,Moderate", b"Cardiomegally,Moderate"),
        ["MS_CXR_Local_Alignment_v1.1.0.csv", "row 3", "field 'category_name'"],
    ),
]


def _run(root: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gazex_bench", "data", "summary", "--root", str(root), *extra],
        capture_output=True,
        text=True,
        cwd=REPO,
    )


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_line_exit_2(tmp_path: Path, case) -> None:
    _, rel, edit, expected = case
    root = tmp_path / "root"
    shutil.copytree(DATA, root)
    target = root / rel
    if edit is None:
        target.unlink()
    else:
        target.write_bytes(edit(target.read_bytes()))
    proc = _run(root)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(root) in lines[0]
    for fragment in expected:
        assert fragment in lines[0], (fragment, lines[0])


def test_iu_kaggle_bad_projection_via_override(tmp_path: Path) -> None:
    folder = tmp_path / "kaggle"
    shutil.copytree(DATA / "chest-xrays-indiana-university", folder)
    proj = folder / "indiana_projections.csv"
    proj.write_bytes(proj.read_bytes().replace(b"2001.dcm.png,Lateral", b"2001.dcm.png,Oblique", 1))
    proc = subprocess.run(
        [sys.executable, "-m", "gazex_bench", "data", "summary", "--iu", str(folder)],
        capture_output=True, text=True, cwd=REPO,
    )  # fmt: skip
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "indiana_projections.csv, row 4, field 'projection'" in proc.stderr


def test_corrupt_gzip_table(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(DATA, root)
    split = root / JPG / "mimic-cxr-2.0.0-split.csv"
    split.rename(split.with_name(split.name + ".gz"))  # plain text under a .gz name
    proc = _run(root)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "mimic-cxr-2.0.0-split.csv.gz: not a valid gzip file" in proc.stderr
