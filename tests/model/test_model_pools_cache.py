"""cached_pools: key ignores gaze objective weights and changes when the data root's content changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazex_model import sources
from gazex_model.config import load_config
from gazex_model.sources import Pools, cached_pools, pools_cache_key


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

    def fake_build(cfg: object, root: str | Path) -> Pools:
        calls.append(str(root))
        return Pools({"fvp": []}, {"fvp": []}, None)

    monkeypatch.setattr(sources, "build_pools", fake_build)
    return calls


def test_regenerated_root_is_not_served_from_cache(tmp_path: Path, builds: list[str]) -> None:
    root, cache, cfg = _fake_root(tmp_path / "data", "P1R1"), tmp_path / "cache", load_config(None)
    cached_pools(cfg, root, cache)
    cached_pools(cfg, root, cache)
    assert len(builds) == 1  # second call hits the cache
    _fake_root(root, "P9R9")  # same path, regenerated content
    cached_pools(cfg, root, cache)
    assert len(builds) == 2


def test_key_ignores_gaze_weights_but_not_downstream(tmp_path: Path) -> None:
    root = _fake_root(tmp_path / "data", "P1R1")
    base = pools_cache_key(load_config(None), root)
    assert pools_cache_key(load_config(None, ["objectives.fvp=0", "objectives.sda=3"]), root) == base
    assert pools_cache_key(load_config(None, ["objectives.vqa=1"]), root) != base
