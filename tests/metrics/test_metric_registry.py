"""The metric registry: every key a built-in task reports is declared once, with title and direction."""

from __future__ import annotations

import pytest

from gazex_bench.metrics.registry import (
    METRICS,
    NLG_KEYS,
    MetricSpec,
    get_metric,
    higher_is_better,
    metric_title,
    register_metric,
    unregister_metric,
)
from gazex_bench.metrics.report import METRIC_NAMES
from gazex_bench.tasks.registry import BUILTIN_TASKS, build_task_registry


@pytest.mark.parametrize("task", sorted(BUILTIN_TASKS))
def test_every_reported_metric_is_declared(task: str) -> None:
    cls = build_task_registry().get(task)
    keys = set(cls.metric_conventions) | set(cls.headline_metrics) | {cls.primary_metric}
    missing = sorted(k for k in keys if get_metric(k) is None)
    assert not missing, f"{task} reports undeclared metrics {missing}"


def test_titles_and_directions_known_answers() -> None:
    # titles as printed in the paper's tables; errors and missing-answer rates are lower-is-better
    assert [metric_title(k) for k in NLG_KEYS] == [
        "BLEU-1",
        "BLEU-2",
        "BLEU-3",
        "BLEU-4",
        "METEOR",
        "ROUGE-L",
        "CIDEr-D",
    ]
    assert metric_title("ce_f1_mic5_unc_pos") == "CE F1 (mic5-unc-pos)"
    assert metric_title("s1_icc_a1_x") == "ICC(A,1) x (setting 1)"
    assert metric_title("acc@0.5") == metric_title("acc_0_5") == "Acc@0.5"  # leaderboard slug form too
    assert not higher_is_better("centroid_error") and not higher_is_better("dtw_error")
    assert higher_is_better("bleu4") and higher_is_better("icc_a1_x")
    assert metric_title("not_a_metric") == "not_a_metric" and higher_is_better("not_a_metric")


def test_one_key_for_report_scores_and_run_json() -> None:
    assert METRIC_NAMES == NLG_KEYS == ("bleu1", "bleu2", "bleu3", "bleu4", "meteor", "rouge_l", "cider_d")


def test_register_refuses_a_second_declaration() -> None:
    spec = MetricSpec("toy_metric_x", "Toy", True, "", "mean", "percentile-bootstrap", "toy", "test")
    register_metric(spec)
    try:
        with pytest.raises(ValueError, match="already declared"):
            register_metric(spec)
        assert METRICS["toy_metric_x"] is spec
    finally:
        unregister_metric("toy_metric_x")
    assert get_metric("toy_metric_x") is None
