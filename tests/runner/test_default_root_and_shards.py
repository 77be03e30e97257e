"""Default data root (cached phantom, recorded in run.json), accelerate-style shards, heat maps."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from gazex_bench.cli import main
from gazex_bench.runner import data_root


def test_default_root_is_cached_phantom(
    tiny_phantom: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[Path] = []

    def fake_generate(root: Path) -> None:  # the real one writes a small phantom (slow); copy the tiny one
        calls.append(root)
        shutil.copytree(tiny_phantom, root)

    monkeypatch.setenv("GAZEX_BENCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(data_root, "_generate_phantom", fake_generate)
    argv = [
        "run",
        "--task",
        "cxr-vqa",
        "--model",
        "oracle",
        "--split",
        "all",
        "--limit",
        "4",
        "--out",
        str(tmp_path / "runs"),
        "--n-boot",
        "5",
        "--quiet",
    ]
    assert main(argv) == 0 and main(argv) == 0
    assert len(calls) == 1  # generated once, then reused
    (rec_path,) = (tmp_path / "runs").glob("*/run.json")
    ds = json.loads(rec_path.read_text())["dataset"]
    assert ds["kind"] == "phantom" and ds["phantom"]["size"] == "small"
    assert ds["root"].startswith(str(tmp_path / "cache"))
    capsys.readouterr()


def test_num_shards_auto_reads_accelerate_env(
    tiny_phantom: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = [
        "run",
        "--task",
        "cxr-vqa",
        "--model",
        "random",
        "--data-root",
        str(tiny_phantom),
        "--split",
        "all",
        "--out",
        str(tmp_path),
        "--num-shards",
        "auto",
        "--quiet",
        "--n-boot",
        "5",
    ]
    for rank in ("0", "1"):
        monkeypatch.setenv("WORLD_SIZE", "2")
        monkeypatch.setenv("RANK", rank)
        assert main(base) == 0
    (run_dir,) = tmp_path.iterdir()
    names = sorted(p.name for p in run_dir.glob("predictions.shard-*"))
    assert names == ["predictions.shard-0-of-2.jsonl", "predictions.shard-1-of-2.jsonl"]
    assert not (run_dir / "run.json").exists()
    assert main(["score", "--run", str(run_dir), "--n-boot", "5"]) == 0
    rec = json.loads((run_dir / "run.json").read_text())
    assert rec["predictions"]["n"] == rec["dataset"]["n_evaluated"]
    capsys.readouterr()


def test_heatmap_answers_are_scored(
    tiny_phantom: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from gazex_bench.tasks.registry import get_task

    data = get_task("ms-cxr-grounding").load(tiny_phantom, split="all", limit=None)
    lines = []
    for s in data.samples:
        w, h = s.request.image_size
        heat = np.zeros((h // 8, w // 8))  # coarse map of the GT boxes, stretched to the image by the task
        for b in s.reference.boxes:
            x0, y0, x1, y1 = (int(round(v / 8)) for v in b.box)
            heat[y0:y1, x0:x1] = 1.0
        lines.append(
            json.dumps({"sample_id": s.sample_id, "parsed": {"boxes": [], "heatmap": heat.tolist()}})
        )
    pred = tmp_path / "heat.jsonl"
    pred.write_text("\n".join(lines) + "\n")
    assert (
        main(
            [
                "run",
                "--task",
                "ms-cxr-grounding",
                "--model",
                "predictions",
                "--model-arg",
                f"path={pred}",
                "--data-root",
                str(tiny_phantom),
                "--split",
                "all",
                "--out",
                str(tmp_path / "r"),
                "--n-boot",
                "5",
                "--quiet",
            ]
        )
        == 0
    )
    (rec_path,) = (tmp_path / "r").glob("*/run.json")
    m = json.loads(rec_path.read_text())["metrics"]
    assert m["heatmap_miou"]["value"] > 0.8 and m["cnr"]["value"] > 1.0 and "miou" not in m
    capsys.readouterr()


def test_phantom_cache_root_changes_with_the_size_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    from gazex_bench.phantom import spec

    monkeypatch.setenv("GAZEX_BENCH_CACHE", str(tmp_path))
    a = data_root.phantom_cache_root("small", 0)
    assert a.parent == tmp_path and a.name.startswith("phantom-small-seed0-")
    assert data_root.phantom_cache_root("small", 0) == a  # stable
    bigger = dataclasses.replace(spec.SIZES["small"], phase3_images=spec.SIZES["small"].phase3_images + 1)
    monkeypatch.setitem(spec.SIZES, "small", bigger)
    assert data_root.phantom_cache_root("small", 0) != a  # an older cache with other counts is not reused
