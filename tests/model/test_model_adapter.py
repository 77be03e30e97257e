"""The ``gazex`` harness adapter on a 2-step tiny run: every capability answers every request."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("torch")

from model_testkit import tiny_overrides, toy_corpus  # noqa: E402

from gazex_bench.models.protocols import GazePredictor, PhraseGrounder, ReportGenerator, VqaAnswerer  # noqa: E402
from gazex_bench.models.types import (  # noqa: E402
    GazePrediction,
    GazeRequest,
    Grounding,
    GroundingRequest,
    ReportRequest,
    VqaRequest,
)
from gazex_model.config import load_config  # noqa: E402
from gazex_model.train import TrainData, train  # noqa: E402

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


@pytest.fixture(scope="module")
def adapter(pools: dict, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from gazex_model.adapter import GazeXAdapter

    run = tmp_path_factory.mktemp("adapter_run")
    cfg = load_config(
        CONFIGS / "tiny-lora.yaml", [*tiny_overrides(), "max_steps=2", "num_threads=1", "batch_size=2"]
    )
    train(cfg, run, TrainData({k: pools[k] for k in ("fvp", "gtm", "sda")}, toy_corpus(pools)))
    return GazeXAdapter(path=str(run), device="cpu", max_new_tokens=24, batch_size=2)


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("img") / "x.png"
    Image.fromarray((np.random.default_rng(0).random((400, 336)) * 255).astype(np.uint8)).save(p)
    return p


def test_protocols_and_identity(adapter) -> None:  # noqa: ANN001
    for proto in (ReportGenerator, VqaAnswerer, PhraseGrounder, GazePredictor):
        assert isinstance(adapter, proto)
    ident = adapter.identity()
    assert ident["adapter"] == "gazex" and ident["generation"]["do_sample"] is False
    assert ident["generation"]["max_new_tokens"] == 24


def test_every_capability_answers_every_request(adapter, image: Path) -> None:  # noqa: ANN001
    reps = adapter.generate_reports([ReportRequest("a", (image,)), ReportRequest("b", (image,))])
    assert [r.sample_id for r in reps] == ["a", "b"]
    assert all(
        (r.error is None and isinstance(r.parsed, str)) or (r.parsed is None and r.error) for r in reps
    )
    vqa = adapter.answer_questions([VqaRequest("q", (image,), "is there pneumothorax?")])
    assert len(vqa) == 1
    gr = adapter.ground_phrases([GroundingRequest("g", (image,), "left effusion", (336, 400))])
    assert gr[0].parsed is None or isinstance(gr[0].parsed, Grounding)
    gz = adapter.predict_gaze(
        [
            GazeRequest("z1", (image,), (336, 400), "small left effusion ."),
            GazeRequest("z2", (image,), (336, 400), None),
        ]
    )
    assert [r.sample_id for r in gz] == ["z1", "z2"]
    for r in gz:
        assert isinstance(r.parsed, GazePrediction) or (r.parsed is None and r.error)


def test_entry_point_declared() -> None:
    from importlib.metadata import entry_points

    eps = {ep.name: ep.value for ep in entry_points(group="gazex_bench.adapters")}
    if "gazex" not in eps:
        pytest.skip("package metadata not installed in this environment")
    assert eps["gazex"] == "gazex_model.adapter:GazeXAdapter"


def test_fvp_mbr_decoding_is_seeded_and_overridable(adapter, image: Path) -> None:  # noqa: ANN001
    from gazex_model.adapter import GazeXAdapter

    m = adapter.model
    # tiny-lora.yaml extends tiny.yaml: norm100 coordinates, greedy FVP decoding (GazeX's)
    assert m.cfg.data.coord_format == "norm100" and m.generation.fvp_mbr_samples == 0
    mbr = GazeXAdapter(path=str(m.run_dir), device="cpu", max_new_tokens=24, batch_size=2, fvp_mbr_samples=3)
    assert mbr.model.generation.fvp_mbr_samples == 3
    assert mbr.identity()["generation"]["fvp_mbr_samples"] == 3  # recorded with every run
    item = [(image, "small left pleural effusion .")]
    (g1, p1), (g2, p2) = mbr.model.fvp(item)[0], mbr.model.fvp(item)[0]
    assert g1.text == g2.text and p1.ok == p2.ok  # samples seeded by generation.mbr_seed -> same choice


def test_bad_numeric_model_args_are_one_usage_error(adapter) -> None:  # noqa: ANN001
    from gazex_bench.errors import UsageError
    from gazex_model.adapter import GazeXAdapter

    run_dir = str(adapter.model.run_dir)
    with pytest.raises(UsageError, match="--model-arg fvp_mbr_samples must be an integer, got 'abc'"):
        GazeXAdapter(path=run_dir, device="cpu", fvp_mbr_samples="abc")
    with pytest.raises(UsageError, match="--model-arg temperature must be >= 0, got '-1'"):
        GazeXAdapter(path=run_dir, device="cpu", temperature="-1")
