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


def _icc_units(n_images: int = 6) -> list:
    """Readers' centroid sequences: B = A + small noise (so the ICC is high), 3 points each."""
    import numpy as np

    from gazex_bench.gaze.sequence_icc import SequenceUnit

    rng = np.random.default_rng(0)
    out = []
    for i in range(n_images):
        a = rng.uniform(0, 100, size=(3, 2))
        out.append(
            SequenceUnit(f"u{i}", f"img{i}", f"r{i}", None, None, a, a + rng.normal(0, 2, size=(3, 2)))
        )
    return out


def test_icc_ci_declaration_matches_what_runs_record() -> None:
    """Registry, recorded ``ci_method`` and legend agree: ICC defaults to the image bootstrap, F-test an option."""
    from gazex_bench.gaze.sequence_icc import dtw_icc
    from gazex_bench.metrics.registry import BOOTSTRAP, F_TEST, ci_declaration

    spec = get_metric("icc_a1_x")
    assert spec is not None and spec.ci == BOOTSTRAP and spec.ci_options == (F_TEST,)
    default, _ = dtw_icc(_icc_units(), comparison="model:toy", setting="given", n_boot=50)
    f_test, _ = dtw_icc(_icc_units(), comparison="model:toy", setting="given", ci="f-test")
    for method in default["ci_method"]:
        assert (
            method.startswith("percentile-bootstrap(unit=image")
            and ci_declaration("icc_a1_x", method) == "default"
        )
    for method in f_test["ci_method"]:
        assert method.startswith(F_TEST) and ci_declaration("s1_icc_c1_y", method) == "option"
    # the F-test is an option for ICC only; a bootstrap metric recording it is flagged
    assert ci_declaration("bleu4", "icc-f-test(level=0.95)") == "undeclared"


def test_every_declared_ci_is_a_method_runs_record() -> None:
    """Each declared default/option names a method family some scorer writes (stats, aggregate, sequence_icc)."""
    from gazex_bench.metrics.registry import BOOTSTRAP, F_TEST, ci_family

    # strings as written by tasks/aggregate.ci_method, metrics/stats (clustered) and gaze/sequence_icc._with_ci
    assert ci_family("percentile-bootstrap(unit=sample,n_boot=1000,seed=0,level=0.95)") == BOOTSTRAP
    assert (
        ci_family("percentile-bootstrap-clustered(n_boot=1000,seed=0,level=0.95);labeler=rule") == BOOTSTRAP
    )
    assert ci_family("icc-f-test(level=0.95) on pooled DTW path steps;units=3") == F_TEST
    assert {s.ci for s in METRICS.values()} == {BOOTSTRAP}
    assert {o for s in METRICS.values() for o in s.ci_options} == {F_TEST}
