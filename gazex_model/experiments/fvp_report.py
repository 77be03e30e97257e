"""Markdown report of the tiny FVP experiment (:mod:`gazex_model.experiments.tiny_fvp`).

Every sentence that judges a result is computed from the statistics
(:mod:`gazex_model.experiments.fvp_stats`), so the report cannot drift from the run that wrote it.
``python -m gazex_model.experiments.fvp_report reports/model/fvp_eval.json`` re-runs the statistics
from the stored per-sample JSONL (no model, no training) and rewrites the JSON and the Markdown.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gazex_bench.errors import GazexError
from gazex_bench.io import atomic_write_json, atomic_write_text, read_json, read_jsonl
from gazex_bench.metrics.stats import fmt_p
from gazex_model.experiments.fvp_stats import BOXES, GAZEX, LOOKUP, analyse, find

ROWS = (
    "Rows: `tiny` = GazeX (`configs/tiny.yaml`: FVP + GTM + SDA); `tiny-gaze-boxes` = the paper's gaze "
    "baseline (the same backbone fine-tuned on gaze-cluster-box FVP targets only, `configs/tiny-gaze-boxes.yaml`); "
    "`tiny-no-gaze` = image -> report only, same budget; `tiny-zero-shot` = the tiny configuration untrained. "
    "Model-free nulls: `image-centre` (also the score of every unparseable output), `train-mean-centroid` "
    "(centre bias of the training gaze) and `train-sentence-mean-centroid`, the **sentence-text lookup**: "
    "the mean training gaze centroid of the same sentence text (the overall mean for text never seen in "
    "training) — a predictor that never looks at the image."
)


def state(c: dict[str, Any] | None) -> str:
    """``better`` / ``worse`` (A - B, Holm-significant, CI excluding 0) or ``tie``; ``-`` when absent."""
    if c is None:
        return "-"
    if c["reject_holm_0.05"] and c["ci95"][0] > 0:
        return "better"
    if c["reject_holm_0.05"] and c["ci95"][1] < 0:
        return "worse"
    return "tie"


def reading(c: dict[str, Any]) -> str:
    """Plain reading of ``A - B`` (errors: > 0 means B localises better)."""
    return {
        "better": f"`{c['b']}` better (lower error)",
        "worse": f"`{c['b']}` worse (higher error)",
        "tie": "no difference shown",
    }[state(c)]


def _diff(c: dict[str, Any], b: int) -> str:
    return (
        f"{c['diff']:+.2f} px, 95 % CI [{c['ci95'][0]:+.2f}, {c['ci95'][1]:+.2f}], Holm {fmt_p(c['p_holm'], b)}, "
        f"{c['n_rows']} rows on {c['n_images']} images"
    )


def _mean(stats: dict[str, Any], subset: str, m: str) -> str:
    v = stats["means"].get(subset, {}).get(m)
    return "-" if v is None else f"{v['mean']:.1f} px [{v['ci95'][0]:.1f}, {v['ci95'][1]:.1f}]"


def lookup_paragraph(stats: dict[str, Any]) -> list[str]:
    """What GazeX versus the sentence-text lookup means, computed from the comparisons."""
    b, c = stats["boot"], find(stats, "all", LOOKUP, GAZEX)
    if c is None:
        return []
    head = {
        "tie": "GazeX **ties** the sentence-text lookup",
        "better": "GazeX **beats** the sentence-text lookup",
        "worse": "GazeX is **worse** than the sentence-text lookup",
    }[state(c)]
    out = [
        "The lookup never sees the image: it returns the mean training gaze centroid of the same sentence "
        "text. A tie with it would mean that GazeX's localisation is accounted for by a phrase -> "
        "typical-location map learned from the text, not by image-specific gaze; being worse means GazeX has "
        "not learned even that map as well as a table does; only beating it, above all on findings that lie "
        "away from their phrase's typical location, shows that GazeX reads the location from the image. ",
        f"Here {head} (lookup minus GazeX: {_diff(c, b)}): ",
        {
            "tie": "its localisation on this test set is what the phrase -> typical-location map gives.",
            "better": "it localises beyond what the exact sentence text alone gives.",
            "worse": "it has not learned the phrase -> typical-location map as well as the table lookup.",
        }[state(c)],
    ]
    return ["".join(out), *atypical_lines(stats), *unseen_lines(stats)]


def atypical_lines(stats: dict[str, Any]) -> list[str]:
    """The test of the tie: findings far from their phrase's typical location (phantom truth)."""
    b, c = stats["boot"], find(stats, "atypical", LOOKUP, GAZEX)
    if c is None:
        return ["No phantom truth: the atypical-location test could not be run on this data root."]
    n, thr = stats["subset_samples"]["atypical"], stats["atypical_threshold_px"]
    la, lt = (stats["means"][s][LOOKUP]["mean"] for s in ("atypical", "typical"))
    ga, gt = (stats["means"][s][GAZEX]["mean"] for s in ("atypical", "typical"))
    lines = [
        f"Test (phantom truth): {n} held-out finding sentences whose text occurs in training and whose finding "
        f"lies more than {thr:.1f} px (the median) from the phrase's typical location. There the lookup's "
        f"error is {la:.1f} px against {lt:.1f} px on the typical ones"
        + (
            " (the subset does separate: the phrase's location is wrong there)"
            if la > lt
            else " (the subset does not separate the lookup: gaze noise dominates the within-phrase spread)"
        )
        + f"; GazeX's is {ga:.1f} vs {gt:.1f} px. Lookup minus GazeX on the atypical findings: {_diff(c, b)}. "
    ]
    width = c["ci95"][1] - c["ci95"][0]
    lines[0] += {
        "better": "GazeX beats the lookup where the phrase's typical location is wrong, so it does use "
        "image-specific location information there.",
        "tie": "No difference is shown: where the phrase's typical location is wrong, GazeX is not measurably "
        "better than the lookup, which is what a learned phrase -> typical-location map (rather than "
        f"image-specific gaze) predicts; with a CI {width:.1f} px wide, smaller image effects are not excluded.",
        "worse": "GazeX is worse than the lookup there: no sign of image-specific localisation.",
    }[state(c)]
    cb = find(stats, "atypical", LOOKUP, BOXES)
    if cb is not None:
        lines.append(
            f"The gaze-boxes baseline on the same findings: lookup minus gaze-boxes {_diff(cb, b)} ({reading(cb)})."
        )
    return lines


def unseen_lines(stats: dict[str, Any]) -> list[str]:
    """Sentences whose exact text never occurs in training (the lookup falls back to the overall mean)."""
    b, c = stats["boot"], find(stats, "unseen text", LOOKUP, GAZEX)
    if c is None:
        return []
    n = stats["subset_samples"]["unseen text"]
    what = {
        "better": "GazeX generalises from the words (side, zone, organ) where the exact-text lookup cannot — "
        "still a text skill, not evidence of image use",
        "tie": "GazeX does no better than the overall-mean fallback there",
        "worse": "GazeX is worse than the overall-mean fallback there",
    }[state(c)]
    return [
        f"On the {n} sentences whose text never occurs in training: lookup minus GazeX {_diff(c, b)}; {what}."
    ]


def model_table(stats: dict[str, Any], runs: dict[str, Any]) -> list[str]:
    """Pooled mean per row (seeds pooled, image-cluster CI), per-seed means, parse counts, budgets."""
    seeds = [str(s) for s in stats["seeds"]]
    lines = [
        "| row | pooled mean error | 95 % CI | per seed (seed: mean) | parsed / rows | "
        "well-formed | train steps | train s per seed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    order = sorted(stats["means"]["all"].items(), key=lambda kv: kv[1]["mean"])
    for m, v in order:
        pc = stats["parse"].get(m)
        rr = [runs[s][m] for s in seeds if m in runs.get(s, {})]
        steps = ", ".join(sorted({str(r.get("steps")) for r in rr})) if rr else "-"
        secs = ", ".join(f"{r['seconds']:.0f}" if r.get("seconds") else "0" for r in rr) if rr else "-"
        lines.append(
            f"| {m} | {v['mean']:.2f} | [{v['ci95'][0]:.2f}, {v['ci95'][1]:.2f}] | "
            + ", ".join(f"{k}: {x:.2f}" for k, x in v["per_seed"].items())
            + f" | {pc['parsed'] if pc else '-'}/{v['n_rows']} | {pc['well_formed'] if pc else '-'} | {steps} | {secs} |"
        )
    return lines


def coverage_notes(stats: dict[str, Any]) -> list[str]:
    """Rows not scored in every seed, with what their parse counts say about them."""
    seeds, out = [str(s) for s in stats["seeds"]], []
    for m, v in stats["means"]["all"].items():
        have = list(v["per_seed"])
        if have != seeds:
            pc = stats["parse"].get(m, {})
            out.append(
                f"`{m}` was trained and scored for seed(s) {', '.join(have)} only (CPU time); its mean and "
                "comparisons pool those seeds' rows."
                + (
                    f" It parsed {pc['parsed']} of {pc['n']} outputs, so its row is the image-centre rule by "
                    "construction."
                    if pc and pc.get("parsed") == 0
                    else ""
                )
            )
    return out


def comparison_table(stats: dict[str, Any]) -> list[str]:
    """Every comparison with raw and Holm-adjusted p (floored at 1/B) and its per-seed differences."""
    b = stats["boot"]
    lines = [
        "| subset | A - B | diff (px) | 95 % CI | per seed | p (raw) | p (Holm) | images | reading |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for c in stats["comparisons"]:
        lines.append(
            f"| {c['subset']} | {c['a']} - {c['b']} | {c['diff']:+.2f} | [{c['ci95'][0]:+.2f}, {c['ci95'][1]:+.2f}] | "
            + ", ".join(f"{k}: {x:+.2f}" for k, x in c["per_seed"].items())
            + f" | {fmt_p(c['p_raw'], b)} | {fmt_p(c['p_holm'], b)} | {c['n_images']} | {reading(c)} |"
        )
    return lines


def subset_table(stats: dict[str, Any]) -> list[str]:
    """Mean error of GazeX, gaze-boxes and the lookup on each subset (seeds pooled)."""
    subsets = [s for s in stats["means"] if s != "all"]
    lines = [
        "| subset | samples | " + " | ".join(f"`{m}`" for m in (GAZEX, BOXES, LOOKUP)) + " |",
        "|---|---|---|---|---|",
    ]
    for s in subsets:
        lines.append(
            f"| {s} | {stats['subset_samples'][s]} | "
            + " | ".join(_mean(stats, s, m) for m in (GAZEX, BOXES, LOOKUP))
            + " |"
        )
    return lines


def scored_text(rec: dict[str, Any]) -> str:
    """Which test sentences were scored (all, or the first K readings of every test image)."""
    k, n = rec.get("readings_per_image", 0), rec["stats"]["n_samples"]
    if not k:
        return f" Scored: all {n} test sentences."
    return (
        f" Scored: the sentences of the first {k} reading(s) (sorted reading id) of every test image, {n} of "
        f"{rec.get('test_sentences_all', '?')} test sentences (decoding time on the shared CPU); every image keeps "
        "its rows."
    )


def budget_text(rec: dict[str, Any]) -> str:
    """The training budget of the trained rows, against the configured one."""
    steps = sorted(
        {
            str(r.get("steps"))
            for seed in rec["runs"].values()
            for m, r in seed.items()
            if m != "tiny-zero-shot"
        }
    )
    conf = rec.get("config_max_steps")
    sets = sorted(
        {
            " ".join(x for x in (r.get("trained_with") or {}).get("set", []) if not x.startswith("seed="))
            for seed in rec["runs"].values()
            for r in seed.values()
        }
        - {""}
    )
    return (
        f"Budget: every trained row, {', '.join(steps) or '-'} optimiser steps per training seed (one budget for "
        "GazeX, gaze-boxes and no-gaze; `tiny-zero-shot` 0)"
        + (f"; `configs/tiny.yaml` sets {conf}." if conf else ".")
        + (
            " Trained by `gazex_model.protocol.run_plan` jobs of this command's plan (`tiny_fvp.plan_jobs`) with "
            "overrides `seed=<k>` and " + " / ".join(f"`{x}`" for x in sets) + "."
            if sets
            else ""
        )
    )


def method_text(stats: dict[str, Any]) -> str:
    """The statistics paragraph, with this run's numbers."""
    b, k = stats["boot"], len(stats["comparisons"])
    return (
        f"Statistics (`gazex_model.experiments.fvp_stats`): {stats['n_samples']} held-out sentences from "
        f"{stats['n_readings']} readings of {stats['n_images']} images, x {len(stats['seeds'])} training seeds "
        f"({', '.join(map(str, stats['seeds']))}). The resampling unit is the **image**: rows of all seeds are "
        "stacked and a bootstrap draw of an image brings its rows of every reading, sentence and seed, so each "
        "estimate pools the seeds (per-seed means shown beside it). 95 % CI: percentile bootstrap, "
        f"B = {b} (`gazex_bench.metrics.stats.bootstrap_ci` / `paired_bootstrap` with image clusters). "
        f"Two-sided p-values floored at 1/B (`p < 1/{b}` = no resample crossed 0) and Holm-adjusted over all "
        f"{k} comparisons; a difference is called only when its Holm p <= 0.05 and its CI excludes 0."
    )


def write_report(rec: dict[str, Any], path: Path) -> None:
    """Write the Markdown report from the JSON record of :func:`gazex_model.experiments.tiny_fvp.main`."""
    stats, counts = rec["stats"], rec["counts"]
    test = (
        f"validation {counts['test']['fvp']} ({counts['note']})"
        if counts.get("note")
        else f"test {counts['test']['fvp']}"
    )
    lines = [
        "# Tiny GazeX: held-out FVP centroid error on the small phantom",
        "",
        f"Generated by `{rec['command']}`"
        + (f", statistics re-run by `{rec['reanalysed_by']}`" if rec.get("reanalysed_by") else "")
        + " (every number below is from that run). Per-sample errors of every "
        f"row and seed: `{rec['samples_file']}` (sample, reading and image ids); the statistics and this "
        "report are re-computed from it by `python -m gazex_model.experiments.fvp_report reports/model/fvp_eval.json`.",
        "",
        f"Data: small phantom, paper split scaled down; FVP samples train {counts['train']['fvp']}, {test}."
        + scored_text(rec),
        "",
        "Error = Euclidean distance between the predicted observation centroid (last tuple of the FVP string) "
        "and the gaze pipeline's holistic centroid, quarter-scale pixels; lower is better. Unparseable "
        "outputs are scored with the image centre; parsed centroids are clipped to the image.",
        "",
        ROWS,
        "",
        budget_text(rec),
        "",
        method_text(stats),
        "",
        "## Rows (seeds pooled)",
        "",
        *model_table(stats, rec["runs"]),
        "",
        *[x for line in coverage_notes(stats) for x in (line, "")],
        "## Comparisons (A - B; > 0 means B has the lower error)",
        "",
        *comparison_table(stats),
        "",
        "## GazeX versus the sentence-text lookup: what a tie means, and the test",
        "",
        *[x for line in lookup_paragraph(stats) for x in (line, "")],
        *subset_table(stats),
        "",
    ]
    atomic_write_text(path, "\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    """Re-run the statistics from the stored per-sample JSONL and rewrite the JSON and Markdown."""
    ap = argparse.ArgumentParser(
        prog="python -m gazex_model.experiments.fvp_report", description=main.__doc__
    )
    ap.add_argument("json", help="fvp_eval.json written by tiny_fvp (its samples file lies beside it)")
    ap.add_argument("--boot", type=int, default=None, help="bootstrap resamples B (default: the stored B)")
    a = ap.parse_args(argv)
    path = Path(a.json)
    rec = read_json(path)
    rows = [r for _, r in read_jsonl(path.parent / rec["samples_file"])]
    rec["stats"] = analyse(rows, a.boot or int(rec["stats"]["boot"]))
    rec["reanalysed_by"] = "python -m gazex_model.experiments.fvp_report " + " ".join(argv or sys.argv[1:])
    atomic_write_json(path, rec)
    write_report(rec, path.with_suffix(".md"))
    return 0


def cli(argv: list[str] | None = None) -> int:
    """:func:`main` with a project error as one line on stderr and exit code 2."""
    try:
        return main(argv)
    except GazexError as exc:
        print(f"fvp_report: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(cli())
