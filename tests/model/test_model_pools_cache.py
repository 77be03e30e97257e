"""cached_pools: gaze pools cached once (no weight changes their key), each downstream pool apart; a changed root rebuilds."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from gazex_model import pools_cache
from gazex_model.config import load_config
from gazex_model.pools_cache import cached_pools, pools_cache_key
from gazex_model.sources import Pools


def _fake_root(root: Path, text: str) -> Path:
    main = root / "reflacx-xray-localization" / "1.0.0" / "main_data"
    main.mkdir(parents=True, exist_ok=True)
    for i in (1, 2, 3):
        (main / f"metadata_phase_{i}.csv").write_text(f"id,phase\n{text},{i}\n")
    ann = root / "mimic_cxr" / "annotation.json"
    ann.parent.mkdir(parents=True, exist_ok=True)
    ann.write_text('{"train": []}')
    return root


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def fake_gaze(cfg: object, paths: object) -> Pools:
        calls.append("gaze")
        return Pools({"fvp": []}, {"fvp": []}, None, counts={"train": {"fvp": 0}})

    def fake_downstream(cfg: object, paths: object, objectives: set[str]) -> tuple[dict, Counter]:
        calls.append("+".join(sorted(objectives)))
        return {o: [] for o in objectives}, Counter()

    monkeypatch.setattr(pools_cache, "gaze_pools", fake_gaze)
    monkeypatch.setattr(pools_cache, "downstream_pools", fake_downstream)
    pools_cache._MEMO.clear()
    return calls


def test_regenerated_root_is_not_served_from_cache(tmp_path: Path, builds: list[str]) -> None:
    root, cache, cfg = _fake_root(tmp_path / "data", "P1R1"), tmp_path / "cache", load_config(None)
    cached_pools(cfg, root, cache)
    pools_cache._MEMO.clear()  # a new process
    cached_pools(cfg, root, cache)
    assert builds == ["gaze"]  # second call hits the pickle
    _fake_root(root, "P9R9")  # same path, regenerated content
    cached_pools(cfg, root, cache)
    assert builds == ["gaze", "gaze"]


def test_stage_variants_share_the_gaze_build(tmp_path: Path, builds: list[str]) -> None:
    root, cache = _fake_root(tmp_path / "data", "P1R1"), tmp_path / "cache"
    cached_pools(load_config(None), root, cache)
    cached_pools(load_config(None, ["objectives.fvp=0"]), root, cache)  # an ablation: same gaze pools
    p = cached_pools(load_config(None, ["objectives.vqa=1", "objectives.fvp=0"]), root, cache)
    cached_pools(load_config(None, ["objectives.vqa=1"]), root, cache)  # vqa pool cached too
    assert builds == ["gaze", "vqa"] and "vqa" in p.train and p.counts["train"]["vqa"] == 0
    cached_pools(load_config(None, ["objectives.report=1", "data.report_source=iu"]), root, cache)
    cached_pools(load_config(None, ["objectives.report=1", "data.report_source=mimic"]), root, cache)
    assert builds == ["gaze", "vqa", "report", "report"]  # one report pool per source


def test_key_ignores_weights_but_not_objective_or_source(tmp_path: Path) -> None:
    root = _fake_root(tmp_path / "data", "P1R1")
    base = pools_cache_key(load_config(None), root)
    assert pools_cache_key(load_config(None, ["objectives.fvp=0", "objectives.vqa=3"]), root) == base
    assert pools_cache_key(load_config(None), root, "vqa") != base
    mimic = pools_cache_key(load_config(None, ["data.report_source=mimic"]), root, "report")
    assert pools_cache_key(load_config(None, ["data.report_source=iu"]), root, "report") != mimic
