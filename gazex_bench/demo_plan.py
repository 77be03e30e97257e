"""What the demo trains and scores: the paper's two-stage protocol at tiny scale.

* **Stage 1** (gaze pretraining, one budget for every gaze variant): GazeX (FVP + GTM + SDA), the
  three ablations and the gaze-boxes baseline. The no-gaze baseline has no stage 1.
* **Stage 2** (per-task LoRA fine-tune, one budget per task for every variant) of each variant on
  every task it is scored on, from its stage-1 run (or, for the no-gaze baseline, the bare backbone
  that every variant shares): MIMIC reports, IU reports (setting 1), VQA, grounding, and gaze
  alignment. The ablations are fine-tuned where the paper ablates: MIMIC reports and gaze
  alignment.
* **Gaze alignment trains what ``reflacx-gaze`` scores** (``configs/tiny-downstream-gaze.yaml``):
  FVP targets AND the image -> report objective, 1:1, on the REFLACX train split (never the
  phase-2 images scored). The task scores FVP given a finding sentence, but also one inspection
  trajectory per image and setting 1, both of which follow the model's OWN report (FVP on each of
  its sentences; setting 1 categorises them, Fig 4c). Fine-tuned on FVP alone the tiny models
  answered the report prompt with FVP strings: trajectories unparseable (w/o FVP: 855/920 = 92.9 %
  parseable) and no setting-1 sentence categorised, for every variant.
* **Scored rows**: every fine-tune on its task(s) (the MIMIC fine-tune also on IU setting 2,
  ``iu-report-zeroshot``, zero-shot by definition), plus every stage-1 model on
  :data:`STAGE1_TASKS` (zero-shot on reports, gaze-pretrained on gaze alignment: the paper's
  zero-shot vs LoRA ablation figure).

The harness never imports ``gazex_model``: training runs as one ``python -m
gazex_model.protocol`` subprocess over the plan built here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

FINETUNE_CONFIGS: dict[str, str] = {
    "report": "tiny-downstream-report.yaml",
    "iu-report": "tiny-downstream-iu-report.yaml",
    "vqa": "tiny-downstream-vqa.yaml",
    "grounding": "tiny-downstream-grounding.yaml",
    "gaze": "tiny-downstream-gaze.yaml",
}
"""Stage-2 fine-tune -> its config (all extend ``tiny-downstream.yaml``: one budget)."""

STAGE2_STEP_FACTOR: dict[str, float] = {"gaze": 5.0}
"""Stage-2 steps of a fine-tune as a multiple of the demo's ``stage2_steps`` (default 1).

Every variant fine-tuned on a task gets that task's budget, so budgets are equal within each
task. Gaze alignment gets 5x (300 steps at the default 60), about 150 FVP and 150 report
micro-batches (objectives 1:1). FVP alone: at 60 steps the w/o-FVP ablation, whose stage 1 never
saw gaze-cluster targets, parsed 0/16 gaze outputs (also 0/16 at lr 0.02), 15/16 at 150 steps
(reports/perf/demo.md). With the report objective added (small phantom, seed 0, all 920
reflacx-gaze phase-2 samples incl. the 42 trajectories): w/o FVP parsed 854/920 at 150 steps 1:1
(75 FVP batches), 920/920 at 225 steps with FVP weighted 2:1 (150 FVP batches); the 300-step 1:1
numbers of every variant are in reports/perf/gaze_finetune.md. Every other fine-tune parsed 100 % at 60.
"""


def stage2_steps_for(finetune: str, stage2_steps: int) -> int:
    """Stage-2 ``max_steps`` of one fine-tune (:data:`STAGE2_STEP_FACTOR`), at least 1."""
    return max(1, round(stage2_steps * STAGE2_STEP_FACTOR.get(finetune, 1.0)))


SCORED_AFTER: dict[str, tuple[str, ...]] = {
    "report": ("mimic-report", "iu-report-zeroshot"),
    "iu-report": ("iu-report",),
    "vqa": ("cxr-vqa",),
    "grounding": ("ms-cxr-grounding",),
    "gaze": ("reflacx-gaze",),
}
"""Stage-2 fine-tune -> the tasks its model is scored on (IU setting 2 = the MIMIC fine-tune, zero-shot on IU)."""

STAGE1_TASKS: tuple[str, ...] = ("mimic-report", "reflacx-gaze")
"""Tasks every stage-1 model is also scored on as it is (the paper's zero-shot rows)."""

STAGE1_SUFFIX = ", stage 1 only"
"""Label suffix of rows scored from a stage-1 checkpoint (the regime column says zero-shot / pretrained)."""


@dataclass(frozen=True)
class Variant:
    """One model of the comparison."""

    key: str
    """Folder name under ``work/models``."""
    label: str
    stage1: str | None
    """Stage-1 config, None = no stage 1 (stage 2 starts from the bare backbone)."""
    finetunes: tuple[str, ...]
    """Stage-2 fine-tunes (keys of :data:`FINETUNE_CONFIGS`)."""


VARIANTS: tuple[Variant, ...] = (
    Variant("gazex", "GazeX (tiny)", "tiny.yaml", ("report", "iu-report", "vqa", "grounding", "gaze")),
    Variant("no-gaze", "No-gaze baseline (tiny)", None, ("report", "iu-report", "vqa", "grounding")),
    Variant("no-fvp", "GazeX w/o FVP (tiny)", "tiny-no-fvp.yaml", ("report", "gaze")),
    Variant("no-gtm", "GazeX w/o GTM (tiny)", "tiny-no-gtm.yaml", ("report", "gaze")),
    Variant("no-sda", "GazeX w/o SDA (tiny)", "tiny-no-sda.yaml", ("report", "gaze")),
    Variant("gaze-boxes", "Gaze-boxes baseline (tiny)", "tiny-gaze-boxes.yaml", ("gaze",)),
)
"""Every model the demo trains; the first is the reference of the paired comparisons."""

ABLATION_LABELS: tuple[str, ...] = tuple(
    v.label for v in VARIANTS if v.key in ("gazex", "no-gaze", "no-fvp", "no-gtm", "no-sda")
)
"""Fine-tuned rows of the ablation figure (their stage-1 rows carry :data:`STAGE1_SUFFIX`)."""


@dataclass(frozen=True)
class EvalJob:
    """One scored row: a task, a trained run directory and its display label."""

    task: str
    label: str
    model_dir: Path
    variant: str
    finetune: str | None
    """The stage-2 fine-tune scored (None: a stage-1 checkpoint)."""


def stage1_dir(models: Path, v: Variant) -> Path:
    """Run directory of a variant's stage 1."""
    return models / v.key / "stage1"


def stage2_dir(models: Path, v: Variant, finetune: str) -> Path:
    """Run directory of a variant's stage-2 fine-tune."""
    return models / v.key / f"stage2-{finetune}"


def training_jobs(
    configs: Path, models: Path, stage1_steps: int, stage2_steps: int, seed: int, threads: int
) -> list[dict[str, Any]]:
    """The JSON plan of ``python -m gazex_model.protocol``: every stage 1, then every stage 2."""
    common = [f"seed={seed}", f"num_threads={threads}", "save_every=0", "log_every=1000"]
    jobs: list[dict[str, Any]] = []
    for v in VARIANTS:
        if v.stage1 is not None:
            jobs.append(
                {
                    "config": str(configs / v.stage1),
                    "out": str(stage1_dir(models, v)),
                    "set": [*common, f"max_steps={stage1_steps}"],
                }
            )
    for v in VARIANTS:
        start = str(stage1_dir(models, v)) if v.stage1 is not None else "null"
        for ft in v.finetunes:
            jobs.append(
                {
                    "config": str(configs / FINETUNE_CONFIGS[ft]),
                    "out": str(stage2_dir(models, v, ft)),
                    "set": [
                        *common,
                        f"max_steps={stage2_steps_for(ft, stage2_steps)}",
                        f"model.init_from={start}",
                    ],
                }
            )
    return jobs


def eval_jobs(models: Path) -> list[EvalJob]:
    """Every trained row the demo scores (module doc), in task order."""
    jobs: list[EvalJob] = []
    for v in VARIANTS:
        for ft in v.finetunes:
            for task in SCORED_AFTER[ft]:
                if task == "iu-report-zeroshot" and "iu-report" not in v.finetunes:
                    continue  # IU setting 2 for the models that also have setting 1
                jobs.append(EvalJob(task, v.label, stage2_dir(models, v, ft), v.key, ft))
        if v.stage1 is not None:
            jobs += [
                EvalJob(t, v.label + STAGE1_SUFFIX, stage1_dir(models, v), v.key, None) for t in STAGE1_TASKS
            ]
    order = {t: i for i, t in enumerate(TASKS)}
    return sorted(jobs, key=lambda j: order.get(j.task, 99))


TASKS: tuple[str, ...] = (
    "mimic-report",
    "iu-report",
    "iu-report-zeroshot",
    "cxr-vqa",
    "ms-cxr-grounding",
    "reflacx-gaze",
)
BASELINES: dict[str, tuple[str, ...]] = {
    "mimic-report": ("oracle", "random", "nearest-report", "empty-report"),
    "iu-report": ("oracle", "random", "nearest-report", "empty-report"),
    "iu-report-zeroshot": ("oracle", "empty-report"),
    "cxr-vqa": ("oracle", "random", "majority-answer"),
    "ms-cxr-grounding": ("oracle", "random", "chest-box", "center-box"),
    "reflacx-gaze": ("oracle", "random", "center-bias"),
}
"""Reference adapters per task (IU setting 2 has no baseline drawing on IU training reports: zero-shot)."""

NULLS: dict[str, tuple[str, ...]] = {
    "mimic-report": ("random", "empty-report"),
    "iu-report": ("random", "empty-report"),
    "iu-report-zeroshot": ("empty-report",),
    "cxr-vqa": ("random", "majority-answer"),
    "ms-cxr-grounding": ("random", "center-box"),
    "reflacx-gaze": ("random", "center-bias"),
}
"""Model-free rows a trained row is checked against on its primary metric (the protocol table)."""
