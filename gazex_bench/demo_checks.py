"""The demo's protocol table: how every trained row was trained and whether its output is usable.

One row per scored trained model (``tables/protocol.md`` and ``protocol.json``):

* ``regime``: from ``run.json`` ``training`` (fine-tuned / pretrained / zero-shot, deciding steps);
* ``parseable``: predictions without a parse error / predictions (``run.json`` ``predictions``);
  fine-tuned rows must reach :data:`MIN_PARSEABLE` on the task they were fine-tuned on;
* ``fvp_style``: report-task outputs that are FVP strings (``visual clues`` / ``observation :``);
  no trained row may answer a report prompt that way; for ``reflacx-gaze``, its setting-1 report
  outputs (``predictions.s1_report.jsonl``: the report its trajectories and setting-1 findings
  follow), checked on fine-tuned rows (a stage-1 row never trained a report prompt);
* ``vs nulls``: the row's primary metric against each model-free null of the task
  (:data:`gazex_bench.demo_plan.NULLS`), point estimates; "not above" is printed where it does
  not beat one (the CI-based comparison lives in the task tables);
* per task, whether all fine-tuned rows share one downstream budget.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gazex_bench.demo_plan import NULLS, EvalJob
from gazex_bench.io import atomic_write_json, atomic_write_text, read_jsonl

MIN_PARSEABLE = 0.95
"""Share of parseable outputs every fine-tuned tiny model must reach on its fine-tuning task (issue #13)."""

REPORT_TASKS = ("mimic-report", "iu-report", "iu-report-zeroshot")
S1_REPORTS = {"reflacx-gaze": "predictions.s1_report.jsonl"}
"""Task -> predictions file of the report prompts it asks beside its own samples (setting 1)."""
FVP_MARKERS = ("visual clue", "observation :", "observation:")


def _primary(rec: dict[str, Any]) -> float | None:
    m = (rec.get("metrics") or {}).get(rec.get("primary_metric") or "") or {}
    v = m.get("value")
    return float(v) if isinstance(v, (int, float)) and math.isfinite(v) else None


def fvp_style_outputs(run_dir: Path, name: str = "predictions.jsonl") -> int:
    """Predictions (of the file ``name`` in ``run_dir``) whose raw text is an FVP string."""
    path = run_dir / name
    if not path.is_file():
        return 0
    return sum(
        any(k in str(obj.get("raw") or "").lower() for k in FVP_MARKERS) for _, obj in read_jsonl(path)
    )


def protocol_rows(
    scored: Sequence[tuple[EvalJob, Path]], baseline_runs: Sequence[Path]
) -> list[dict[str, Any]]:
    """One row per scored trained model (module doc)."""
    nulls: dict[tuple[str, str], float | None] = {}
    for p in baseline_runs:
        rec = json.loads((p / "run.json").read_text(encoding="utf-8"))
        nulls[(rec["task"]["name"], rec["model"]["adapter"])] = _primary(rec)
    rows = []
    for job, run_dir in scored:
        rec = json.loads((run_dir / "run.json").read_text(encoding="utf-8"))
        pred = rec.get("predictions") or {}
        n, errors = int(pred.get("n") or 0), int(pred.get("n_errors") or 0)
        training = rec.get("training") or {}
        value = _primary(rec)
        vs = {name: nulls.get((job.task, name)) for name in NULLS.get(job.task, ())}
        rows.append(
            {
                "task": job.task,
                "model": job.label,
                "run_id": run_dir.name,
                "regime": training.get("regime"),
                "regime_label": training.get("label"),
                "budget": training.get("budget"),
                "n": n,
                "parseable": (n - errors) / n if n else None,
                "parse_errors": errors,
                "fvp_style": _fvp_style(job.task, run_dir),
                "primary_metric": rec.get("primary_metric"),
                "value": value,
                "nulls": vs,
                "not_above": sorted(
                    k for k, v in vs.items() if v is not None and (value is None or value <= v)
                ),
            }
        )
    return rows


def _fvp_style(task: str, run_dir: Path) -> int | None:
    """FVP strings among the row's report-prompt outputs (module doc), None where it asks no report prompt."""
    if task in REPORT_TASKS:
        return fvp_style_outputs(run_dir)
    return fvp_style_outputs(run_dir, S1_REPORTS[task]) if task in S1_REPORTS else None


def budget_check(rows: Sequence[dict[str, Any]]) -> dict[str, bool]:
    """Task -> whether its fine-tuned rows share one downstream budget."""
    out: dict[str, set[str]] = {}
    for r in rows:
        if r["regime"] == "fine-tuned":
            out.setdefault(r["task"], set()).add(json.dumps(r["budget"], sort_keys=True))
    return {t: len(b) == 1 for t, b in sorted(out.items())}


def problems(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Protocol violations: fine-tuned rows under :data:`MIN_PARSEABLE`, FVP answers to report prompts, budgets."""
    out = []
    for r in rows:
        if r["regime"] == "fine-tuned" and (r["parseable"] is None or r["parseable"] < MIN_PARSEABLE):
            out.append(
                f"{r['task']} x {r['model']}: {r['parse_errors']}/{r['n']} outputs unparseable "
                f"(< {MIN_PARSEABLE:.0%} parseable)"
            )
        checked = r["regime"] == "fine-tuned" or (r["task"] in REPORT_TASKS and r["regime"] != "zero-shot")
        if r["fvp_style"] and checked:
            out.append(
                f"{r['task']} x {r['model']}: {r['fvp_style']} report prompts answered with FVP output"
            )
    out += [
        f"{t}: fine-tuned rows do not share one downstream budget"
        for t, ok in budget_check(rows).items()
        if not ok
    ]
    return out


def _fmt(v: float | None) -> str:
    return "–" if v is None else f"{v:.3f}"


def write_protocol(rows: Sequence[dict[str, Any]], out_dir: Path) -> list[Path]:
    """``protocol.md`` (a table per task) and ``protocol.json`` under ``out_dir``."""
    lines = [
        "# Training protocol of every trained row",
        "",
        "Regime: fine-tuned = stage-2 LoRA on this task's training data; pretrained = stage 1 trained on it "
        "(FVP for gaze alignment); zero-shot = never trained on this task's data. Parseable: outputs the "
        f"adapter could parse (fine-tuned rows must reach {MIN_PARSEABLE:.0%}). FVP-style: report prompts "
        "answered with an FVP string (reflacx-gaze: its setting-1 report prompts). vs nulls: primary metric against the model-free rows (point values; "
        "CIs in the task tables); **not above** marks a row that does not beat a null.",
        "",
    ]
    budgets = budget_check(rows)
    for task in dict.fromkeys(r["task"] for r in rows):
        task_rows = [r for r in rows if r["task"] == task]
        same = budgets.get(task)
        lines += [
            f"## {task}",
            "",
            f"Fine-tuned rows share one downstream budget: "
            f"{'yes' if same else 'no' if same is not None else 'n/a (none fine-tuned)'}",
            "",
            "| model | regime | parseable | FVP-style | primary | vs nulls |",
            "|---|---|---|---|---|---|",
        ]
        for r in task_rows:
            parse = (
                "–"
                if r["parseable"] is None
                else f"{r['n'] - r['parse_errors']}/{r['n']} ({r['parseable']:.0%})"
            )
            nulls = "; ".join(f"{k} {_fmt(v)}" for k, v in r["nulls"].items())
            flag = f" — **not above** {', '.join(r['not_above'])}" if r["not_above"] else ""
            fvp = "–" if r["fvp_style"] is None else str(r["fvp_style"])
            lines.append(
                f"| {r['model']} | {r['regime_label'] or '–'} | {parse} | {fvp} | "
                f"{r['primary_metric']} {_fmt(r['value'])} | {nulls}{flag} |"
            )
        lines.append("")
    issues = problems(rows)
    lines += ["## Checks", ""] + (
        [f"- FAILED: {p}" for p in issues]
        or [
            "- all fine-tuned rows parseable >= "
            f"{MIN_PARSEABLE:.0%}, no FVP answers to "
            "report prompts, one budget per task"
        ]
    )
    return [
        atomic_write_text(out_dir / "protocol.md", "\n".join(lines) + "\n"),
        atomic_write_json(
            out_dir / "protocol.json", {"rows": list(rows), "budgets_shared": budgets, "problems": issues}
        ),
    ]
