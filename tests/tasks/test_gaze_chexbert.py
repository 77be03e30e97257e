"""reflacx-gaze with CheXbert categories (task option ``chexbert``), on a tiny random checkpoint."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from chexbert_kit import chexbert_folder  # noqa: E402

from gazex_bench.data.records import CHEXPERT_LABELS  # noqa: E402
from gazex_bench.errors import UsageError  # noqa: E402
from gazex_bench.metrics.chexbert import ChexbertLabeler  # noqa: E402
from gazex_bench.models.registry import build_adapter_registry  # noqa: E402
from gazex_bench.runner.api import RunRequest, run  # noqa: E402
from gazex_bench.tasks.base import ScoreOptions  # noqa: E402
from gazex_bench.tasks.reflacx_gaze.labels import LABELER, sentence_category  # noqa: E402
from gazex_bench.tasks.registry import get_task  # noqa: E402


def _first_category(labels: dict[str, float | None]) -> str | None:
    # the task's rule: positive (1) or uncertain (-1), No Finding excluded, first in CheXpert order
    return next((c for c in CHEXPERT_LABELS if c != "No Finding" and labels[c] not in (None, 0.0)), None)


def test_reference_categories_come_from_chexbert(tiny_phantom: Path, tmp_path: Path) -> None:
    ckpt = chexbert_folder(tmp_path)
    data = get_task("reflacx-gaze", task_args={"chexbert": str(ckpt)}).load(
        tiny_phantom, split="all", limit=None
    )
    assert data.context.labeler_name == "chexbert (chexbert.pth)"
    direct = ChexbertLabeler(ckpt, ckpt.parent)  # independent of the task's caching/batching
    pairs = [
        (f.sentence, cat)
        for r in data.context.readers[:6]
        for f, cat in zip(r.findings, r.finding_categories)
    ]
    assert pairs
    assert [cat for _, cat in pairs] == [
        _first_category(lab) for lab in direct.label_reports([s for s, _ in pairs])
    ]
    assert any(cat != sentence_category(s) for s, cat in pairs)  # not the rule-based labels by accident


def test_run_records_the_labeler_and_changes_the_run_id(tiny_phantom: Path, tmp_path: Path) -> None:
    ckpt = chexbert_folder(tmp_path)
    reg = build_adapter_registry(extra=[])
    res = {}
    for key, targs in (("rules", {}), ("chexbert", {"chexbert": str(ckpt)})):
        res[key] = run(
            RunRequest(
                task="reflacx-gaze",
                model="center-bias",
                task_args=targs,
                data_root=tiny_phantom,
                split="all",
                out=tmp_path / "runs",
                quiet=True,
                score=ScoreOptions(n_boot=10),
            ),
            adapters=reg,
        )
    assert res["rules"].run_dir != res["chexbert"].run_dir
    assert res["rules"].record["analysis_status"]["categories_labeler"] == LABELER
    assert res["chexbert"].record["analysis_status"]["categories_labeler"] == "chexbert (chexbert.pth)"


def test_missing_checkpoint_is_one_clear_error(tiny_phantom: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="chexbert: checkpoint file not found: .*nope.pth"):
        get_task("reflacx-gaze", task_args={"chexbert": str(tmp_path / "nope.pth")}).load(
            tiny_phantom, split="all", limit=None
        )
