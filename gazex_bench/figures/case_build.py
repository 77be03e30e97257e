"""Pick a case from a scored ``reflacx-gaze`` run and draw the case figure.

Inputs come from the run directory only: ``spec.json`` (to re-read the evaluated
samples and their reference gaze clusters -- data, not metrics),
``predictions.jsonl`` (the model's clusters per finding) and, when setting 1 ran,
``predictions.s1_report.jsonl`` (the model's own report of the image).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from gazex_bench.figures.case import CaseCluster, render
from gazex_bench.models.types import parsed_to_json
from gazex_bench.runner.spec import read_spec
from gazex_bench.tables.runs import RunSummary
from gazex_bench.tasks.registry import build_task_registry


def _predictions(path: Path) -> dict[str, dict[str, Any]]:
    if not path.is_file():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out[rec["sample_id"]] = rec
    return out


def _clusters(finding: int, parsed: Any) -> list[CaseCluster]:
    clusters = parsed.get("clusters", []) if isinstance(parsed, dict) else []
    out = []
    for rank, c in enumerate(clusters):
        box = tuple(c["box"]) if c.get("box") else None
        out.append(CaseCluster(finding, rank, tuple(c["centroid"]), box))  # type: ignore[arg-type]
    return out


def _load_samples(run: RunSummary) -> list[Any]:
    spec = read_spec(run.run_dir)
    task = build_task_registry().get(spec.task)(**spec.task_args)
    return list(task.load(Path(spec.data_root), split=spec.split, limit=spec.limit).samples)


def render_case(run: RunSummary, out_dir: Path) -> list[Path]:
    """Draw the reading with the most model-parsed findings; [] if the run has none."""
    preds = _predictions(run.run_dir / "predictions.jsonl")
    by_reading: dict[str, list[Any]] = defaultdict(list)
    for s in _load_samples(run):
        if s.meta.get("kind") == "finding" and (preds.get(s.sample_id) or {}).get("parsed"):
            by_reading[s.meta["reading_id"]].append(s)
    if not by_reading:
        return []
    reading, samples = max(sorted(by_reading.items()), key=lambda kv: len(kv[1]))
    samples.sort(key=lambda s: s.meta.get("sentence_index", 0))
    rad, model = [], []
    for i, s in enumerate(samples):
        rad += _clusters(i, parsed_to_json(s.reference))
        model += _clusters(i, preds[s.sample_id]["parsed"])
    reference = " ".join(s.request.finding or "" for s in samples)
    s1 = _predictions(run.run_dir / "predictions.s1_report.jsonl").get(f"{samples[0].group}/s1_report", {})
    generated = s1.get("parsed") or s1.get("raw") or "(setting 1 did not run for this model)"
    title = f"{run.model}: reading {reading} (colour = finding; label = finding.cluster, clusters in temporal order)"
    return render(
        samples[0].request.image_paths[0],
        rad,
        model,
        str(generated),
        reference,
        out_dir,
        title=title,
        stem="case_gaze_report",
    )
