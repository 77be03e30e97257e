"""Reliability (#17): concurrent runs, OS errors at the CLI boundary, portable run ids, numeric edge cases."""

from __future__ import annotations

import errno
import json
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from reliability_helpers import one_error_line, snapshot  # type: ignore[import-not-found]

VQA = (
    "run",
    "--task",
    "cxr-vqa",
    "--model",
    "random",
    "--split",
    "all",
    "--limit",
    "4",
    "--n-boot",
    "5",
    "--quiet",
)


def test_second_run_on_a_locked_directory_fails_in_one_line(
    tiny_phantom: Path, tmp_path: Path, gb: Callable
) -> None:
    from gazex_bench.runner.lock import run_lock

    out = tmp_path / "runs"
    with run_lock(out / "r1"):  # another process (flock is per open file, so this blocks us too)
        before = snapshot(out)
        rc, _, err = gb(*VQA, "--data-root", tiny_phantom, "--out", out, "--run-id", "r1")
        one_error_line(rc, err, str(out / "r1"), "is in use by pid", "--wait")
        assert snapshot(out) == before  # no spec.json, no predictions appended
    assert not (out / "r1" / ".lock").exists()


def test_stale_lock_of_a_dead_process_is_taken_over(tiny_phantom: Path, tmp_path: Path, gb: Callable) -> None:
    run = tmp_path / "runs" / "r1"
    run.mkdir(parents=True)
    (run / ".lock").write_text('{"pid": 999999, "host": "gone", "since": "2020-01-01T00:00:00+00:00"}\n')
    rc, _, err = gb(*VQA, "--data-root", tiny_phantom, "--out", run.parent, "--run-id", "r1")
    assert rc == 0, err
    assert len((run / "predictions.jsonl").read_text().splitlines()) == 4 and not (run / ".lock").exists()


def test_wait_flag_waits_for_the_holder(tiny_phantom: Path, tmp_path: Path, gb: Callable) -> None:
    from gazex_bench.runner.lock import run_lock

    out = tmp_path / "runs"
    held = threading.Event()

    def holder() -> None:
        with run_lock(out / "r1"):
            held.set()
            time.sleep(1.0)

    t = threading.Thread(target=holder)
    t.start()
    held.wait(5)
    rc, _, err = gb(*VQA, "--data-root", tiny_phantom, "--out", out, "--run-id", "r1", "--wait")
    t.join()
    assert rc == 0, err
    assert len((out / "r1" / "predictions.jsonl").read_text().splitlines()) == 4


def test_output_path_that_is_a_file(tiny_phantom: Path, tmp_path: Path, gb: Callable) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    rc, _, err = gb(*VQA, "--data-root", tiny_phantom, "--out", f)
    one_error_line(rc, err, str(f), "Not a directory")
    assert f.read_text() == "x"


def test_read_only_output_folder(
    tiny_phantom: Path, tmp_path: Path, gb: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import tempfile

    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    if os.geteuid() == 0:  # root ignores the mode bits: make the write itself fail as EACCES would
        real = tempfile.mkstemp

        def denied(*a: object, dir: str | None = None, **k: object) -> tuple[int, str]:  # noqa: A002
            if dir is not None and str(ro) in str(dir):
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(dir))
            return real(*a, dir=dir, **k)  # type: ignore[arg-type]

        monkeypatch.setattr(tempfile, "mkstemp", denied)
        monkeypatch.setattr(os, "mkdir", _deny_under(ro, os.mkdir))
    try:
        rc, _, err = gb(*VQA, "--data-root", tiny_phantom, "--out", ro)
        one_error_line(rc, err, str(ro), "Permission denied")
        assert snapshot(ro) == {}
    finally:
        ro.chmod(0o755)


def _deny_under(folder: Path, real: Callable) -> Callable:
    import os

    def mkdir(path: object, *a: object, **k: object) -> None:
        if str(folder) in str(path):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        real(path, *a, **k)

    return mkdir


def test_full_disk_names_the_file_and_resumes(
    tiny_phantom: Path, tmp_path: Path, gb: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gazex_bench.runner import records

    class FullDisk:  # the file object of a full disk: part of the line lands, then ENOSPC
        def __init__(self, fh: object) -> None:
            self.fh = fh

        def write(self, text: str) -> int:
            self.fh.write(text[:10])  # type: ignore[attr-defined]
            self.fh.flush()  # type: ignore[attr-defined]
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name: str) -> object:
            return getattr(self.fh, name)

    real = records.PredictionWriter.__init__

    def init(self: records.PredictionWriter, path: Path) -> None:
        real(self, path)
        self._fh = FullDisk(self._fh)  # type: ignore[assignment]

    monkeypatch.setattr(records.PredictionWriter, "__init__", init)
    out = tmp_path / "runs"
    rc, _, err = gb(*VQA, "--data-root", tiny_phantom, "--out", out, "--run-id", "r1")
    one_error_line(rc, err, str(out / "r1" / "predictions.jsonl"), "No space left on device", "ENOSPC")
    monkeypatch.setattr(records.PredictionWriter, "__init__", real)
    rc, _, err = gb(*VQA, "--data-root", tiny_phantom, "--out", out, "--run-id", "r1")
    assert rc == 0, err  # the torn line is cut and the run completes
    assert len((out / "r1" / "predictions.jsonl").read_text().splitlines()) == 4


def test_moved_data_root_keeps_the_run_id(tiny_phantom: Path, tmp_path: Path, gb: Callable) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(tiny_phantom, a)
    out = tmp_path / "runs"
    assert gb(*VQA, "--data-root", a, "--out", out)[0] == 0
    (run,) = out.iterdir()
    a.rename(b)
    rc, _, err = gb("score", "--run", run, "--n-boot", "5")
    one_error_line(rc, err, str(a), "--data-root NEW_LOCATION")
    rc, _, err = gb("score", "--run", run, "--n-boot", "5", "--data-root", b)
    assert rc == 0, err
    assert json.loads((run / "spec.json").read_text())["data_root"] == str(b.resolve())
    rc, _, err = gb(*VQA, "--data-root", b, "--out", out)
    assert rc == 0 and "4 already done, 0 predicted" in err and [p.name for p in out.iterdir()] == [run.name]


def test_degenerate_saliency_maps_are_nan() -> None:
    from gazex_bench.gaze.saliency import all_metrics, auc_judd_mit, cc, nss, sim

    flat = np.full((7, 9), 0.1)  # mean(0.1...) != 0.1 by an ulp: std ~ 6e-17, so "sd > 0" was True
    fix = np.array([[1.2, 1.5], [4.0, 3.3]])
    other = np.random.default_rng(0).random((7, 9))
    assert np.isnan(nss(flat, fix)) and np.isnan(cc(flat, other)) and np.isnan(cc(other, flat))
    assert (
        np.isnan(sim(flat, other))
        and np.isnan(auc_judd_mit(flat, fix, seed=None))
        and np.isnan(auc_judd_mit(flat, fix))
    )
    assert all_metrics(flat, fix, other)["degenerate"] == "constant map (max == min)"
    assert all_metrics(other, fix, other)["degenerate"] == ""


def _area_reference(img: np.ndarray, oh: int, ow: int) -> np.ndarray:
    """Brute-force 2-D area resampling: each output pixel = overlap-weighted mean of its source rectangle."""
    h, w = img.shape
    sy, sx = h / oh, w / ow
    out = np.zeros((oh, ow))
    for i in range(oh):
        for j in range(ow):
            acc = 0.0
            for r in range(int(i * sy), min(h, int(np.ceil((i + 1) * sy)))):
                wy = min(r + 1, (i + 1) * sy) - max(r, i * sy)
                for c in range(int(j * sx), min(w, int(np.ceil((j + 1) * sx)))):
                    acc += wy * (min(c + 1, (j + 1) * sx) - max(c, j * sx)) * img[r, c]
            out[i, j] = acc / (sy * sx)
    return out


@pytest.mark.parametrize(("h", "w", "factor"), [(13, 17, 4), (23, 9, 4), (11, 14, 3), (30, 41, 4)])
def test_video_background_is_true_area_resampling(h: int, w: int, factor: int) -> None:
    from gazex_bench.gaze.video import downsample_gray

    img = np.random.default_rng(h * w).integers(0, 256, (h, w)).astype(np.uint8)
    ref = _area_reference(img.astype(float), h // factor, w // factor)
    got = downsample_gray(img, factor).astype(float)
    assert np.abs(got - ref).max() <= 0.5 + 1e-9  # the rounded exact area mean
    cropped = (
        img[: h // factor * factor, : w // factor * factor]
        .reshape(h // factor, factor, -1, factor)
        .mean((1, 3))
    )
    assert np.abs(cropped - ref).max() > 1.0  # the old crop-and-block-average differed


def test_video_background_matches_opencv_when_installed() -> None:
    cv2 = pytest.importorskip("cv2")  # optional: the brute-force reference above is the always-on check
    from gazex_bench.gaze.video import downsample_gray

    for h, w, factor in [(13, 17, 4), (101, 99, 4), (401, 803, 3)]:
        img = np.random.default_rng(h).integers(0, 256, (h, w)).astype(np.uint8)
        ref = cv2.resize(img, (w // factor, h // factor), interpolation=cv2.INTER_AREA).astype(int)
        assert np.abs(ref - downsample_gray(img, factor)).max() <= 1


def test_compare_records_the_wilcoxon_method() -> None:
    import scipy

    from gazex_bench.runner.compare import wilcoxon_method

    assert tuple(int(x) for x in scipy.__version__.split(".")[:2]) >= (1, 15)
    assert f"scipy {scipy.__version__}" in wilcoxon_method() and "permutation" in wilcoxon_method()
