"""End to end on a `tiny` phantom: gaze pipeline -> samples -> split manifest -> gazex-train CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")

from model_testkit import tiny_overrides  # noqa: E402

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


@pytest.fixture(scope="module")
def phantom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    gen = pytest.importorskip("gazex_bench.phantom.generate")
    root = tmp_path_factory.mktemp("phantom_tiny")
    gen.generate_phantom(root, size="tiny", seed=0, parts=("mimic", "reflacx", "vqa", "ms-cxr"), workers=1)
    return root


def test_cli_trains_on_phantom(
    phantom: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from gazex_model.cli import main

    monkeypatch.setenv("GAZEX_BENCH_CACHE", str(tmp_path / "cache"))
    sets = [
        x for o in [*tiny_overrides(), "max_steps=2", "batch_size=2", "num_threads=1"] for x in ("--set", o)
    ]
    rc = main(
        [
            "--config",
            str(CONFIGS / "tiny.yaml"),
            "--data-root",
            str(phantom),
            "--out",
            str(tmp_path / "run"),
            *sets,
        ]
    )
    assert rc == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["steps"] == 2
    split = json.loads((tmp_path / "run" / "split_manifest.json").read_text())
    assert split["counts"]["test"] > 0 and split["counts"]["train"] > 0
    assert not set(split["train"]) & set(split["test"])
    assert all(r.startswith("P2") or r.startswith("P3") for r in split["test"])
    summary = json.loads((tmp_path / "run" / "data_summary.json").read_text())
    assert summary["counts"]["train"]["fvp"] > 0 and summary["counts"]["test"]["fvp"] > 0
    assert list((tmp_path / "cache" / "gazex_model").glob("pools-*.pkl"))  # samples cached for the next run


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from gazex_model.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: " + str(CONFIGS / "tiny.yaml") + "\nlr_max: 1\n")
    assert main(["--config", str(bad), "--data-root", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "lr_max" in err


def test_downstream_pools_from_phantom(phantom: Path) -> None:
    from gazex_bench.data.discover import discover
    from gazex_model.config import load_config
    from gazex_model.parse import parse_boxes
    from gazex_model.sources import downstream_pools

    cfg = load_config(CONFIGS / "tiny.yaml", ["data.max_samples_per_objective=4"])
    pools, skipped = downstream_pools(cfg, discover(phantom), {"vqa", "grounding"})
    assert 0 < len(pools["vqa"]) <= 4 and pools["vqa"][0].target
    if pools["grounding"]:
        assert parse_boxes(pools["grounding"][0].target).ok
    assert isinstance(skipped, dict)
