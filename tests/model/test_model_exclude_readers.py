"""``data.exclude_radiologists``: held-out-reader training drops that reader's training readings only."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")

from model_testkit import tiny_overrides  # noqa: E402

from gazex_bench.errors import UsageError  # noqa: E402
from gazex_model.config import load_config  # noqa: E402
from gazex_model.sources import build_pools  # noqa: E402

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


@pytest.mark.slow  # two pool builds: ~10 s idle, ~45 s on the loaded machine
def test_excluded_reader_leaves_training_only(tiny_phantom: Path) -> None:
    rmap = tiny_phantom / "phantom_truth" / "radiologists.csv"
    base = [*tiny_overrides(), "model.image_side=56", "data.frame_side=28", "data.max_frames=2"]
    rows = [ln.split(",") for ln in rmap.read_text().splitlines()[1:]]
    rad_of = {r[0]: r[1].strip() for r in rows}
    full = build_pools(load_config(CONFIGS / "tiny.yaml", base), tiny_phantom)
    held = build_pools(
        load_config(
            CONFIGS / "tiny.yaml", [*base, f"data.radiologist_map={rmap}", "data.exclude_radiologists=rad5"]
        ),
        tiny_phantom,
    )
    reading = lambda s: s.sample_id.split("/")[0]  # noqa: E731
    train_full = {reading(s) for s in full.train["fvp"]}
    train_held = {reading(s) for s in held.train["fvp"]}
    # exactly rad5's training readings are gone; the test split is the same for both models
    assert train_held == {r for r in train_full if rad_of.get(r) != "rad5"} and train_held < train_full
    assert [s.sample_id for s in held.test["fvp"]] == [s.sample_id for s in full.test["fvp"]]
    n_rad5 = len({r for r in train_full if rad_of.get(r) == "rad5"})
    assert held.skipped["reflacx: train reading of excluded radiologist rad5"] >= n_rad5 > 0


def test_exclusion_needs_a_map_and_a_known_name(tiny_phantom: Path) -> None:
    with pytest.raises(UsageError, match="radiologist_map"):
        load_config(CONFIGS / "tiny.yaml", ["data.exclude_radiologists=rad5"])
    rmap = tiny_phantom / "phantom_truth" / "radiologists.csv"
    cfg = load_config(
        CONFIGS / "tiny.yaml",
        [
            *tiny_overrides(),
            "model.image_side=56",
            f"data.radiologist_map={rmap}",
            "data.exclude_radiologists=rad9",
        ],
    )
    with pytest.raises(UsageError, match="'rad9' reads no usable reading"):
        build_pools(cfg, tiny_phantom)
