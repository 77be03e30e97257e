"""The demo's protocol plan (no training) and its protocol table checks on hand-written run records."""

from __future__ import annotations

import json
from pathlib import Path

from gazex_bench.demo_checks import budget_check, problems, protocol_rows, write_protocol
from gazex_bench.demo_plan import (
    FINETUNE_CONFIGS,
    SCORED_AFTER,
    STAGE1_SUFFIX,
    VARIANTS,
    EvalJob,
    eval_jobs,
    training_jobs,
)

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def _sets(job: dict) -> dict[str, str]:
    return dict(s.split("=", 1) for s in job["set"])


def test_every_variant_is_fine_tuned_on_every_task_it_is_scored_on(tmp_path: Path) -> None:
    jobs = training_jobs(CONFIGS, tmp_path, 150, 60, 0, 2)
    outs = {j["out"] for j in jobs}
    for j in eval_jobs(tmp_path):
        assert str(j.model_dir) in outs  # every scored row is trained by the plan
        if j.finetune is None:  # a stage-1 row: labelled so, scored only where the paper has zero-shot rows
            assert j.label.endswith(STAGE1_SUFFIX) and j.task in ("mimic-report", "reflacx-gaze")
        else:
            assert j.task in SCORED_AFTER[j.finetune]
    gazex = {(j.task, j.finetune) for j in eval_jobs(tmp_path) if j.variant == "gazex"}
    assert {
        ("mimic-report", "report"),
        ("iu-report", "iu-report"),
        ("iu-report-zeroshot", "report"),
        ("cxr-vqa", "vqa"),
        ("ms-cxr-grounding", "grounding"),
        ("reflacx-gaze", "gaze"),
    } <= gazex


def test_one_budget_per_stage_and_no_gaze_skips_stage_one(tmp_path: Path) -> None:
    from gazex_model.config import load_config

    jobs = training_jobs(CONFIGS, tmp_path, 150, 60, 0, 2)
    stage1 = [j for j in jobs if "stage1" in j["out"]]
    stage2 = [j for j in jobs if "stage2" in j["out"]]
    assert len(stage1) == sum(v.stage1 is not None for v in VARIANTS) == 5
    assert {_sets(j)["max_steps"] for j in stage1} == {"150"}
    # 60 steps per task, gaze alignment 5 x 60 = 300 (STAGE2_STEP_FACTOR), the same for every variant
    steps = {(Path(j["out"]).name, _sets(j)["max_steps"]) for j in stage2}
    assert steps == {(f"stage2-{ft}", "300" if ft == "gaze" else "60") for ft in FINETUNE_CONFIGS}
    budgets = set()
    for j in stage2:
        cfg = load_config(j["config"], j["set"])
        budgets.add(
            (
                Path(j["out"]).name,
                cfg.max_steps,
                cfg.batch_size,
                cfg.grad_accum,
                cfg.lr,
                cfg.scheduler,
                cfg.warmup_steps,
                cfg.method,
                cfg.lora.r,
                cfg.seed,
            )
        )
        assert cfg.stage == 2 and Path(j["config"]).name in FINETUNE_CONFIGS.values()
    assert len(budgets) == len(FINETUNE_CONFIGS)  # one budget per fine-tune task, across variants
    no_gaze = [j for j in stage2 if "/no-gaze/" in j["out"]]
    assert no_gaze and all(_sets(j)["model.init_from"] == "null" for j in no_gaze)
    assert not any("/no-gaze/" in j["out"] for j in stage1)


def test_gaze_fine_tune_trains_fvp_and_the_report_its_trajectories_and_setting1_use(tmp_path: Path) -> None:
    """reflacx-gaze scores FVP, trajectories that follow the model's own report, and setting 1 (the model's
    report sentences): every variant's gaze fine-tune trains both objectives, on REFLACX train reports,
    with the prompt that inference then uses for the trajectory and setting-1 reports."""
    from types import SimpleNamespace

    from gazex_model import prompts as P
    from gazex_model.config import load_config
    from gazex_model.infer import GazeXModel
    from gazex_model.lineage import trained_tasks

    gaze = [j for j in training_jobs(CONFIGS, tmp_path, 150, 60, 0, 2) if j["out"].endswith("stage2-gaze")]
    assert (
        {Path(j["out"]).parent.name for j in gaze}
        == {v.key for v in VARIANTS if "gaze" in v.finetunes}
        == {"gazex", "no-fvp", "no-gtm", "no-sda", "gaze-boxes"}
    )
    for j in gaze:
        cfg = load_config(j["config"], j["set"])
        assert cfg.objectives.fvp > 0 and cfg.objectives.report > 0, j["out"]
        assert cfg.data.report_source == "reflacx"  # REFLACX train split: never the phase-2 images scored
        assert trained_tasks(cfg) == ["reflacx-gaze"]
        model = SimpleNamespace(cfg=cfg)
        model._trained_on = lambda o, m=model: GazeXModel._trained_on(m, o)
        model.report_prompt = lambda m=model: GazeXModel.report_prompt(m)
        # the REFLACX report samples are built with P.REPORT (gazex_model.data.reading_samples)
        assert GazeXModel.inspection_prompt(model) == GazeXModel.report_prompt(model) == P.REPORT


def _record(
    path: Path,
    task: str,
    adapter: str,
    value: float,
    n: int = 4,
    errors: int = 0,
    regime: str | None = None,
    steps: int = 60,
    raws: tuple[str, ...] = (),
) -> Path:
    path.mkdir(parents=True)
    training = (
        None
        if regime is None
        else {
            "regime": regime,
            "label": f"{regime} ({steps} steps)",
            "budget": {"steps": steps} if regime == "fine-tuned" else None,
        }
    )
    rec = {
        "task": {"name": task},
        "model": {"adapter": adapter},
        "primary_metric": "m",
        "metrics": {"m": {"value": value}},
        "predictions": {"n": n, "n_errors": errors},
        "training": training,
    }
    (path / "run.json").write_text(json.dumps(rec))
    (path / "predictions.jsonl").write_text("".join(json.dumps({"raw": r}) + "\n" for r in raws))
    return path


def test_protocol_rows_parse_rate_fvp_outputs_nulls_and_budgets(tmp_path: Path) -> None:
    job = EvalJob("mimic-report", "GazeX (tiny)", tmp_path / "m", "gazex", "report")
    ok = _record(
        tmp_path / "a",
        "mimic-report",
        "gazex",
        0.30,
        n=20,
        errors=1,
        regime="fine-tuned",
        raws=("heart normal .", "visual clues : [(1,2)(3,4)(2,3)] observation : [(1,2)(3,4)(2,3)]"),
    )
    bad = _record(
        tmp_path / "b", "mimic-report", "gazex", 0.10, n=20, errors=2, regime="fine-tuned", steps=80
    )
    nulls = [
        _record(tmp_path / "r", "mimic-report", "random", 0.20),
        _record(tmp_path / "e", "mimic-report", "empty-report", 0.05),
    ]
    rows = protocol_rows([(job, ok), (job, bad)], nulls)
    assert rows[0]["parseable"] == 19 / 20 and rows[0]["fvp_style"] == 1 and rows[0]["not_above"] == []
    assert rows[1]["parseable"] == 18 / 20 and rows[1]["not_above"] == ["random"]  # 0.10 <= random 0.20
    assert budget_check(rows) == {"mimic-report": False}  # 60 vs 80 steps
    found = problems(rows)
    assert any("1 report prompts answered with FVP output" in p for p in found)
    assert any("2/20 outputs unparseable" in p for p in found)  # 90 % < 95 %
    assert not any("1/20 outputs unparseable" in p for p in found)  # 95 % is enough
    assert any("do not share one downstream budget" in p for p in found)
    # reflacx-gaze: the setting-1 report prompts count; a fine-tuned row answering one with FVP fails,
    # a stage-1 (pretrained) row, which never trained a report prompt, is shown but not failed
    fvp = "observation : [(1,2)(3,4)(2,3)]"
    gaze_rows = []
    for name, regime in (("g1", "fine-tuned"), ("g2", "pretrained")):
        run = _record(tmp_path / name, "reflacx-gaze", "gazex", 0.5, n=20, regime=regime, raws=(fvp,))
        (run / "predictions.s1_report.jsonl").write_text(
            "".join(json.dumps({"raw": r}) + "\n" for r in (fvp, "there is a left pleural effusion ."))
        )
        gaze_rows.append((EvalJob("reflacx-gaze", name, run, "gazex", "gaze"), run))
    g1, g2 = protocol_rows(gaze_rows, [])
    assert (
        g1["fvp_style"] == g2["fvp_style"] == 1
    )  # s1 reports only: the FVP answers of predictions.jsonl are fine
    gaze_found = problems([g1, g2])
    assert [p for p in gaze_found if "FVP" in p] == [
        "reflacx-gaze x g1: 1 report prompts answered with FVP output"
    ]
    md = write_protocol(rows, tmp_path / "t")[0].read_text()
    assert "**not above** random" in md and "19/20 (95%)" in md and "share one downstream budget: no" in md


def test_training_phases_split_the_protocol_subprocess_at_the_last_stage1_job() -> None:
    """Hand-made job rows: two stage-1 runs (CPU 40 + 50 s) ending at t = 150, a stage-2 run that needs no
    stage 1 (CPU 20 s, beside stage 1) and one after it (CPU 30 s); subprocess 100..230, 160 s CPU in all.
    Stage 1 wall = 150 - 100 = 50, stage 2 wall = 230 - 150 = 80; start-up CPU = 160 - 90 - 50 = 20."""
    from gazex_bench.demo_timing import phase_table, training_phases

    rows = [
        {"run_dir": "m/a/stage1", "cpu_seconds": 40.0, "started": 100.0, "finished": 140.0},
        {"run_dir": "m/b/stage1", "cpu_seconds": 50.0, "started": 100.0, "finished": 150.0},
        {"run_dir": "m/n/stage2-vqa", "cpu_seconds": 20.0, "started": 140.0, "finished": 165.0},
        {
            "run_dir": "m/a/stage2-vqa",
            "cpu_seconds": 30.0,
            "started": 150.0,
            "finished": 230.0,
            "skipped": False,
        },
    ]
    one, two, rest = training_phases(rows, ["m/a/stage1", "m/b/stage1"], 100.0, 230.0, 160.0, 2)
    assert (one.name, one.wall, one.cpu) == ("train stage 1 (2 runs)", 50.0, 90.0)
    assert (two.name, two.wall, two.cpu) == ("train stage 2 (2 runs)", 80.0, 50.0)
    assert rest.wall is None and rest.cpu == 20.0
    table = phase_table([one, two, rest])
    assert table[-1] == "| **total** | 130 | 160 | |"  # wall of the start-up row is inside the two spans
