"""Config loading: strict keys (one clear line), types, extends, overrides; all shipped configs load."""

from __future__ import annotations

from pathlib import Path

import pytest

from gazex_bench.errors import UsageError
from gazex_model.config import dump_config, load_config

CONFIGS = sorted(p for p in (Path(__file__).resolve().parents[2] / "configs").glob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_shipped_config_loads(path: Path) -> None:
    cfg = load_config(path)
    assert cfg.name
    assert load_config(None, []).name  # defaults load too


def test_unknown_key_is_one_line(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text("lora:\n  rnk: 4\n")
    with pytest.raises(UsageError) as e:
        load_config(p)
    msg = str(e.value)
    assert "\n" not in msg and "lora.rnk" in msg and str(p) in msg


def test_type_errors_and_bad_values(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text("max_steps: many\n")
    with pytest.raises(UsageError, match="max_steps"):
        load_config(p)
    with pytest.raises(UsageError, match="method"):
        load_config(None, ["method=qlora"])
    with pytest.raises(UsageError, match="key=value"):
        load_config(None, ["lr"])
    with pytest.raises(UsageError, match="coord_format"):
        load_config(None, ["data.coord_format=fixed4"])


def test_coord_format_default_and_resolved_config() -> None:
    assert load_config(None).data.coord_format == "gazex"  # GazeX's exact target strings
    cfg = load_config(None, ["data.coord_format=fixed3"])
    assert "coord_format: fixed3" in dump_config(cfg)  # recorded in the run's resolved_config.yaml


def test_extends_and_overrides(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("name: base\nlr: 0.1\nlora: {r: 4, alpha: 8}\n")
    (tmp_path / "child.yaml").write_text("extends: base.yaml\nname: child\nlora: {r: 2}\n")
    cfg = load_config(tmp_path / "child.yaml", ["lora.dropout=0.2", "objectives.sda=0"])
    assert (cfg.name, cfg.lr, cfg.lora.r, cfg.lora.alpha, cfg.lora.dropout) == ("child", 0.1, 2, 8, 0.2)
    assert cfg.objectives.active() == {"fvp": 1.0, "gtm": 1.0}
    # resolved config round-trips
    (tmp_path / "resolved.yaml").write_text(dump_config(cfg))
    assert load_config(tmp_path / "resolved.yaml") == cfg


def test_ablation_configs_differ_only_in_objectives() -> None:
    root = CONFIGS[0].parent
    full = load_config(root / "gazex-2b.yaml")
    for a in ("fvp", "gtm", "sda"):
        abl = load_config(root / f"gazex-2b-no-{a}.yaml")
        assert getattr(abl.objectives, a) == 0.0
        assert abl.lora == full.lora and abl.lr == full.lr and abl.max_steps == full.max_steps


def test_objective_start_validation_and_steps() -> None:
    cfg = load_config(None, ["max_steps=700", "objective_start.gtm=0.5", "objective_start.sda=0.25"])
    # round(0.5 * 700) = 350, round(0.25 * 700) = 175; unspecified objectives start at step 0
    assert cfg.objective_start.steps(700) == {
        "fvp": 0,
        "gtm": 350,
        "sda": 175,
        "report": 0,
        "vqa": 0,
        "grounding": 0,
    }
    with pytest.raises(UsageError, match="objective_start"):
        load_config(None, ["objective_start.gtm=1.5"])
    with pytest.raises(
        UsageError, match="first steps"
    ):  # every active objective delayed -> nothing to train at step 0
        load_config(None, ["objective_start.fvp=0.1", "objective_start.gtm=0.1", "objective_start.sda=0.1"])


ROOT_CONFIGS = Path(__file__).resolve().parents[2] / "configs"


@pytest.mark.parametrize(
    "overrides, needle",
    [
        (["stage=1", "objectives.report=1"], "stage 1 may not weight objective 'report'"),
        (["stage=1", "model.init_from=runs/x"], "model.init_from must be empty"),
        (
            ["stage=2", "objectives.report=1"],
            "stage 2 may not weight objective 'gtm'",
        ),  # defaults weight gtm/sda
        (["stage=3"], "stage must be 0"),
    ],
)
def test_stage_rules_are_one_line(overrides: list[str], needle: str) -> None:
    with pytest.raises(UsageError) as exc:
        load_config(None, overrides)
    assert needle in str(exc.value) and "\n" not in str(exc.value)


def test_protocol_configs_declare_their_stage() -> None:
    stage1 = ["tiny.yaml", "tiny-no-fvp.yaml", "tiny-no-gtm.yaml", "tiny-no-sda.yaml", "tiny-gaze-boxes.yaml"]
    assert all(load_config(ROOT_CONFIGS / n).stage == 1 for n in stage1)
    tasks = {"report": "mimic", "iu-report": "iu", "gaze": "reflacx"}
    # one objective per task file; gaze alignment trains FVP and the REFLACX report its trajectories and
    # setting 1 follow (configs/tiny-downstream-gaze.yaml)
    active = {"report": ["report"], "iu-report": ["report"], "vqa": ["vqa"], "grounding": ["grounding"]}
    active["gaze"] = ["fvp", "report"]
    budgets = set()
    for t in ("report", "iu-report", "vqa", "grounding", "gaze"):
        cfg = load_config(ROOT_CONFIGS / f"tiny-downstream-{t}.yaml")
        assert cfg.stage == 2 and cfg.method == "lora" and list(cfg.objectives.active()) == active[t]
        if t in tasks:
            assert cfg.data.report_source == tasks[t]
        budgets.add((cfg.max_steps, cfg.batch_size, cfg.lr, cfg.scheduler, cfg.warmup_steps, cfg.lora.r))
    assert len(budgets) == 1  # one stage-2 budget for every task file


def test_modules_to_save_is_a_string_list_and_round_trips(tmp_path: Path) -> None:
    cfg = load_config(None, ["lora.modules_to_save=[lm_head]"])
    assert cfg.lora.modules_to_save == ("lm_head",)
    (tmp_path / "resolved.yaml").write_text(dump_config(cfg))
    assert load_config(tmp_path / "resolved.yaml") == cfg
    with pytest.raises(UsageError, match="lora.modules_to_save"):
        load_config(None, ["lora.modules_to_save=lm_head"])  # a bare string is not a list


def test_stage2_trains_lm_head_for_every_task() -> None:
    # the shared stage-2 setting (docs/training.md): lm_head trained in full next to the LoRA adapter
    for t in ("report", "iu-report", "vqa", "grounding", "gaze"):
        assert load_config(ROOT_CONFIGS / f"tiny-downstream-{t}.yaml").lora.modules_to_save == ("lm_head",)
