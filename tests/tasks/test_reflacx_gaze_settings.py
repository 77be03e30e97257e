"""reflacx-gaze: CheXpert categories, setting 1, reference rows and figure-input tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from gazex_bench.models.registry import build_adapter_registry
from gazex_bench.runner.api import RunRequest, run
from gazex_bench.tasks.base import ScoreOptions
from gazex_bench.tasks.reflacx_gaze.labels import categories, sentence_category, split_report

OPTS = ScoreOptions(n_boot=20)
FIGURE_COLUMNS = {
    "dwell": ["grid", "row", "col", "dwell"],
    "pearson": ["axis", "rater_a", "rater_b", "r"],
    "dwell_category": ["category", "cell", "dwell"],
    "dispersion": ["t", "rater", "dispersion"],
    "pairs": ["setting", "axis", "model_value", "rad_value"],
    "icc": ["setting", "axis", "form", "value", "ci_low", "ci_high", "n", "ci_method"],
    "cosine": ["rater_a", "rater_b", "cosine"],
    "cosine_category": ["category", "rater", "cosine", "ci_low", "ci_high", "n", "n_images"],
    "majority": ["source", "TP", "FN", "FP", "n_images"],
}


@pytest.fixture(scope="module")
def runs(tiny_phantom: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("gaze_runs")
    csv = tiny_phantom / "phantom_truth" / "radiologists.csv"  # the user-supplied mapping, passed explicitly
    reg = build_adapter_registry(extra=[])
    res = {}
    for key, model, targs in (("oracle", "oracle", {"radiologist_map": str(csv)}), ("cb", "center-bias", {})):
        r = run(
            RunRequest(
                task="reflacx-gaze",
                model=model,
                model_args={"label": f"L-{model}"},
                task_args=targs,
                data_root=tiny_phantom,
                split="all",
                out=out,
                quiet=True,
                score=OPTS,
            ),
            adapters=reg,
        )
        res[key] = r
    return res


def test_categories_known_answers() -> None:
    # rule-based labeler: "effusion" mention, no negation → Pleural Effusion = 1 (positive)
    assert categories("There is a small left pleural effusion .") == {"Pleural Effusion"}
    assert categories("No pneumothorax .") == frozenset()  # negated → 0, not a category
    assert "Pneumonia" in categories("Cannot exclude pneumonia .")  # uncertain (−1) counts
    assert categories("No acute cardiopulmonary process .") == frozenset()  # No Finding excluded
    # first category in CheXpert order: Cardiomegaly (index 2) before Pleural Effusion (index 9)
    assert sentence_category("Cardiomegaly and pleural effusion .") == "Cardiomegaly"
    assert sentence_category("Normal study .") is None
    assert split_report("Heart is enlarged. Small effusion!\nNo pneumothorax") == [
        "Heart is enlarged .",
        "Small effusion .",
        "No pneumothorax .",
    ]
    assert split_report("Nodule 2.5 cm.") == ["Nodule 2.5 cm ."]


def test_model_metrics_and_reference_rows(runs: dict[str, Any]) -> None:
    rec = runs["oracle"].record
    m = rec["metrics"]
    for key in (
        "icc_a1_x",
        "icc_a1_y",
        "icc_c1_x",
        "icc_c1_y",
        "s1_icc_a1_x",
        "s1_icc_a1_y",
        "s1_icc_c1_x",
        "s1_icc_c1_y",
        "cosine",
        "trajectory_r_x",
        "trajectory_r_y",
        "centroid_error",
        "dtw_error",
        "nss",
        "cc",
        "auc_judd",
    ):
        assert m[key]["value"] is not None and m[key]["n"] > 0, key
        assert key in rec["task"]["metric_conventions"]
    assert m["icc_c1_x"]["ci_method"].startswith(
        "percentile-bootstrap(unit=image"
    )  # cluster bootstrap by default
    assert m["cosine"]["ci_method"].startswith("percentile-bootstrap(unit=cluster")
    assert m["icc_a1_x"]["value"] == pytest.approx(1.0) and m["icc_c1_y"]["value"] == pytest.approx(1.0)
    assert m["cosine"]["value"] == pytest.approx(1.0)  # oracle answers each given finding exactly
    rows = rec["reference_rows"]
    assert set(rows) == {"inter-radiologist", "shuffled", "center-bias"}
    # the inter-radiologist ICC is the setting-1 construction (category-matched readers' own findings):
    # setting-1 keys only; setting 2 (reference finding given to the model) has no radiologist analogue
    assert {"s1_icc_a1_x", "s1_icc_c1_y", "cosine", "trajectory_r_x", "nss"} <= set(rows["inter-radiologist"])
    assert not {"icc_a1_x", "icc_a1_y", "icc_c1_x", "icc_c1_y"} & set(rows["inter-radiologist"])
    assert {"icc_a1_x", "s1_icc_c1_y", "cosine", "trajectory_r_y"} <= set(rows["shuffled"])
    assert set(rows["center-bias"]) == {"nss", "cc", "auc_judd"}
    assert all(
        {"value", "n", "ci_low", "ci_high", "ci_method"} == set(v) for r in rows.values() for v in r.values()
    )
    assert (
        "setting1" not in rec["analysis_status"] and "sentences=" in rec["analysis_status"]["setting1_counts"]
    )


def test_setting1_unavailable_without_report_capability(runs: dict[str, Any]) -> None:
    rec = runs["cb"].record
    assert "s1_icc_a1_x" not in rec["metrics"] and "icc_a1_x" in rec["metrics"]
    assert "no 'report' capability" in rec["analysis_status"]["setting1"]
    assert (runs["cb"].run_dir / "predictions.s1_report.unavailable").is_file()


def test_figure_tables_have_exact_columns(runs: dict[str, Any]) -> None:
    tables = runs["oracle"].run_dir / "tables"
    for name, cols in FIGURE_COLUMNS.items():
        df = pd.read_csv(tables / f"{name}.csv")
        assert list(df.columns) == cols, name
        assert len(df), name
    assert (tables / "icc_per_unit.csv").is_file() and (tables / "cosine_pairs.csv").is_file()
    icc = pd.read_csv(tables / "icc.csv")
    assert set(icc["setting"]) == {1, 2} and set(icc["form"]) == {"ICC(A,1)", "ICC(C,1)"}
    dwell = pd.read_csv(tables / "dwell.csv")
    assert dwell.groupby("grid")["dwell"].sum().to_numpy() == pytest.approx([1.0, 1.0, 1.0])
    assert set(pd.read_csv(tables / "dwell_category.csv")["cell"]) <= set(range(1, 17))
    raters = set(pd.read_csv(tables / "pearson.csv")["rater_a"])
    assert raters <= {"rad1", "rad2", "rad3", "rad4", "rad5"}
    cos = pd.read_csv(tables / "cosine.csv")
    assert "L-oracle" in set(cos["rater_a"]) | set(cos["rater_b"])
    maj = pd.read_csv(tables / "majority.csv")
    assert "L-oracle" in set(maj["source"]) and any(s.startswith("rad") for s in maj["source"])


def test_identity_dependent_tables_without_mapping(runs: dict[str, Any]) -> None:
    rec = runs["cb"].record
    tables = runs["cb"].run_dir / "tables"
    assert not (tables / "pearson.csv").exists()
    assert rec["analysis_status"]["pearson"].startswith("unavailable")
    assert set(pd.read_csv(tables / "dispersion.csv")["rater"]) == {"radiologists"}
