"""A tiny in-memory VQA-like task over generated PNGs, for harness tests that need no dataset."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from gazex_bench.errors import UsageError
from gazex_bench.models.types import Capability, Response, VqaRequest
from gazex_bench.tasks.aggregate import mean_with_ci
from gazex_bench.tasks.base import ScoreOptions, ScoreResult, Task, TaskData, TaskSample, apply_limit


def write_fake_dataset(root: Path, n: int = 12) -> Path:
    """``root/fake/{i}.png`` + ``root/fake/answers.txt`` (``id,question,answer,split``)."""
    from PIL import Image

    d = root / "fake"
    d.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    lines = []
    for i in range(n):
        Image.fromarray((rng.random((32, 32)) * 255).astype("uint8")).save(d / f"{i}.png")
        split = "train" if i % 3 == 0 else "test"
        lines.append(f"q{i:03d},is there effusion?,{'yes' if i % 2 else 'no'},{split}")
    (d / "answers.txt").write_text("\n".join(lines) + "\n")
    return root


class FakeVqaTask(Task):
    """Exact-match accuracy over the fake dataset."""

    name = "fake-vqa"
    capability = Capability.VQA
    dataset = "fake"
    primary_metric = "accuracy"
    metric_conventions = {"accuracy": "exact match"}

    def load(self, data_root: Path, *, split: str | None, limit: int | None) -> TaskData:
        path = Path(data_root) / "fake" / "answers.txt"
        if not path.is_file():
            raise UsageError(f"data root {data_root} has no fake dataset")
        rows = [ln.split(",") for ln in path.read_text().splitlines()]

        def make(r):
            return TaskSample(r[0], VqaRequest(r[0], (path.parent / f"{int(r[0][1:])}.png",), r[1]), r[2])

        split = split or "test"
        chosen = [make(r) for r in rows if r[3] == split]
        dropped: dict[str, int] = {}
        samples = apply_limit(chosen, limit, dropped)
        return TaskData(
            samples, tuple(make(r) for r in rows if r[3] == "train"), "fake", split, len(chosen), dropped
        )

    def score(self, data: TaskData, responses: Mapping[str, Response], options: ScoreOptions) -> ScoreResult:
        per = {
            s.sample_id: {"accuracy": float(responses[s.sample_id].parsed == s.reference)}
            for s in data.samples
        }
        return ScoreResult(per, {"accuracy": mean_with_ci([v["accuracy"] for v in per.values()], options)})
