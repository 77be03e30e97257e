"""The three recipes of docs/contributing.md, each added at run time and run to a table.

* a metric: one :class:`MetricSpec` declaration (``register_metric``) + the task computing it;
* a task: one :class:`Task` subclass registered by name (here ``fake-vqa`` from tests/runner);
* an adapter: one class registered by name (an entry point in a real package).
Each run goes through :func:`gazex_bench.runner.api.run` and :func:`gazex_bench.tables.build.write_tables`.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runner"))  # tests/runner/fake_task.py
from fake_task import FakeVqaTask, write_fake_dataset  # type: ignore[import-not-found]  # noqa: E402

from gazex_bench.metrics.registry import (  # noqa: E402
    BOOTSTRAP,
    MEAN,
    MetricSpec,
    register_metric,
    unregister_metric,
)
from gazex_bench.models.baselines.common import Baseline, text_response  # noqa: E402
from gazex_bench.models.registry import build_adapter_registry  # noqa: E402
from gazex_bench.models.types import Capability, Response, VqaRequest  # noqa: E402
from gazex_bench.runner.api import RunRequest, run  # noqa: E402
from gazex_bench.tables.build import write_tables  # noqa: E402
from gazex_bench.tables.runs import find_runs  # noqa: E402
from gazex_bench.tasks.aggregate import mean_with_ci  # noqa: E402
from gazex_bench.tasks.base import ScoreOptions, ScoreResult, TaskData  # noqa: E402
from gazex_bench.tasks.registry import build_task_registry  # noqa: E402

OPTS = ScoreOptions(n_boot=50, meteor="none")
TOY = MetricSpec(
    "toy_answer_length",
    "Answer length (toy)",
    False,
    "characters",
    MEAN,
    BOOTSTRAP,
    "characters in the model's answer (recipe test)",
    "vqa",
)


class ToyTask(FakeVqaTask):
    """Recipe 'add a task': the fake VQA task plus the toy metric, declared in one class."""

    name = "toy-vqa"
    title = "Toy VQA (recipe test)"
    metric_conventions = {"accuracy": "exact match", TOY.key: "len(answer)"}
    headline_metrics = ("accuracy", TOY.key)
    reference_baselines = ("oracle",)

    def score(self, data: TaskData, responses: Mapping[str, Response], options: ScoreOptions) -> ScoreResult:
        base = super().score(data, responses, options)
        lengths = {s.sample_id: float(len(str(responses[s.sample_id].parsed or ""))) for s in data.samples}
        per = {k: {**v, TOY.key: lengths[k]} for k, v in base.per_sample.items()}
        return ScoreResult(per, {**base.metrics, TOY.key: mean_with_ci(list(lengths.values()), options)})


class AlwaysYesAdapter(Baseline):
    """Recipe 'add a model adapter': answers ``yes`` to every question."""

    name = "always-yes"
    capabilities = frozenset({Capability.VQA})

    def answer_questions(self, requests: Sequence[VqaRequest]) -> list[Response]:
        """``yes`` for each request."""
        return [text_response(r.sample_id, "yes") for r in requests]


@pytest.fixture()
def toy_metric():
    register_metric(TOY)
    yield TOY
    unregister_metric(TOY.key)


def test_toy_metric_task_and_adapter_reach_a_table(toy_metric: MetricSpec, tmp_path: Path) -> None:
    root = write_fake_dataset(tmp_path / "data")
    tasks = build_task_registry({"toy-vqa": ToyTask})
    adapters = build_adapter_registry(extra=[("always-yes", f"{__name__}:AlwaysYesAdapter", "test")])
    values = {}
    for model in ("always-yes", "oracle"):
        res = run(
            RunRequest(
                task="toy-vqa", model=model, data_root=root, out=tmp_path / "runs", quiet=True, score=OPTS
            ),
            tasks=tasks,
            adapters=adapters,
        )
        values[model] = {k: res.record["metrics"][k]["value"] for k in ("accuracy", TOY.key)}
    # test ids 1,2,4,5,7,8,10,11 (i % 3 != 0); answer "yes" when i is odd: 1,5,7,11 -> 4/8 = 0.5 for always-yes;
    # answer lengths: always-yes 3 each; oracle 4 x "yes" (3) + 4 x "no" (2) = 20 / 8 = 2.5
    assert values == {
        "always-yes": {"accuracy": 0.5, TOY.key: 3.0},
        "oracle": {"accuracy": 1.0, TOY.key: 2.5},
    }
    runs = find_runs([tmp_path / "runs"])
    assert {r.model: r.kind for r in runs} == {"always-yes": "run", "oracle": "baseline"}  # declared baseline
    paths = write_tables(runs, tmp_path / "tables")
    md = next(p for p in paths if p.suffix == ".md").read_text()
    assert (
        "Answer length (toy) (`toy_answer_length`, lower is better)" in md
    )  # title + direction from the spec
    csv = next(p for p in paths if p.suffix == ".csv").read_text()
    assert TOY.key in csv.splitlines()[0]
