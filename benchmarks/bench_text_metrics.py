"""Benchmark: our report metrics vs pycocoevalcap 1.2 on 3,858 synthetic report pairs.

Run: ``.venv/bin/python benchmarks/bench_text_metrics.py [--n 3858] [--no-meteor]``
Writes ``reports/perf/text_metrics.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np

from gazex_bench.io import atomic_write_text
from gazex_bench.metrics.report import score_reports
from gazex_bench.metrics.text_prep import prepare_pairs
from gazex_bench.metrics.text_synth import synth_pairs

OUT = Path(__file__).resolve().parents[1] / "reports" / "perf" / "text_metrics.md"


def _reference(gts: dict, res: dict, meteor: bool) -> tuple[dict[str, float], dict[str, float]]:
    from pycocoevalcap.bleu.bleu import Bleu
    from pycocoevalcap.cider.cider import Cider
    from pycocoevalcap.rouge.rouge import Rouge

    vals, times = {}, {}
    t = time.perf_counter()
    b, _ = Bleu(4).compute_score(gts, res, verbose=0)
    times["BLEU"] = time.perf_counter() - t
    vals.update({f"bleu{k + 1}": b[k] for k in range(4)})
    t = time.perf_counter()
    vals["rouge_l"] = Rouge().compute_score(gts, res)[0]
    times["rouge_l"] = time.perf_counter() - t
    t = time.perf_counter()
    vals["cider_d"] = Cider().compute_score(gts, res)[0]
    times["cider_d"] = time.perf_counter() - t
    if meteor:
        from pycocoevalcap.meteor.meteor import Meteor

        t = time.perf_counter()
        vals["meteor"] = Meteor().compute_score(gts, res)[0]
        times["meteor"] = time.perf_counter() - t
    return vals, times


def _ptb_timing(preds: dict[str, str], refs: dict[str, list[str]]) -> tuple[float, float, bool]:
    from pycocoevalcap.tokenizer.ptbtokenizer import PTBTokenizer

    t = time.perf_counter()
    ours = prepare_pairs([preds[k] for k in refs], [refs[k] for k in refs], "coco")
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    tok = PTBTokenizer()
    g = tok.tokenize({k: [{"caption": r} for r in refs[k]] for k in refs})
    r = tok.tokenize({k: [{"caption": preds[k]}] for k in refs})
    t_java = time.perf_counter() - t
    same = ours[0] == [r[k][0] for k in refs] and ours[1] == [g[k] for k in refs]
    return t_ours, t_java, same


def _render(n: int, meteor: bool, v: dict) -> list[str]:
    """Markdown section from the measured values ``v`` (locals of :func:`main`)."""
    t_fast, c_fast, t_ref_fast, t_full, t_ref_all = (
        v[k] for k in ("t_fast", "c_fast", "t_ref_fast", "t_full", "t_ref_all")
    )
    t_ptb_ours, t_ptb_java, ptb_same, t_boot, c_boot = (
        v[k] for k in ("t_ptb_ours", "t_ptb_java", "ptb_same", "t_boot", "c_boot")
    )
    threads = os.environ.get("OMP_NUM_THREADS", "unset")
    lines = [
        "## Report text metrics (BLEU-1..4, METEOR, ROUGE-L, CIDEr-D)",
        "",
        f"`benchmarks/bench_text_metrics.py`: {n} synthetic report pairs (MIMIC-CXR test size),",
        f"convention r2gen; {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs visible,",
        f"OMP_NUM_THREADS={threads}; single Python process; wall-clock seconds (CPU seconds of our process",
        f"in parentheses; wall includes any other load on the machine, load average {os.getloadavg()[0]:.1f}).",
        "",
        "| what | ours (s) | pycocoevalcap (s) | speed-up |",
        "|---|---|---|---|",
        f"| BLEU + ROUGE-L + CIDEr-D (incl. n-gram indexing) | {t_fast:.2f} ({c_fast:.2f}) | {t_ref_fast:.2f} | "
        f"{t_ref_fast / t_fast:.1f}x |",
    ]
    if meteor:
        lines.append(
            f"| all 7 metrics incl. METEOR jar (JVM start included) | {t_full:.2f} | {t_ref_all:.2f} | "
            f"{t_ref_all / t_full:.2f}x |"
        )
    lines += [
        f"| PTB tokenisation (coco convention), Python vs Java jar | {t_ptb_ours:.2f} | {t_ptb_java:.2f} | "
        f"{t_ptb_java / t_ptb_ours:.2f}x (identical output: {ptb_same}) |",
        f"| 1,000 bootstrap resamples of BLEU-4 + ROUGE-L + CIDEr-D (exact per-resample DF) | {t_boot:.2f} "
        f"({c_boot:.2f}) | - | - |",
        "",
        f"Max abs(ours - pycocoevalcap) over the reported metrics: {v['max_diff']:.2e}.",
        "",
        "Bootstrap 95% CIs: "
        + "; ".join(f"{k} {c.value:.4f} [{c.low:.4f}, {c.high:.4f}]" for k, c in v["cis"].items()),
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=3858)
    parser.add_argument("--no-meteor", action="store_true")
    args = parser.parse_args()
    meteor = not args.no_meteor
    preds, refs = synth_pairs(args.n, seed=2024)
    ids = list(refs)
    hyps, rls = prepare_pairs([preds[i] for i in ids], [refs[i] for i in ids], "r2gen")
    gts = {i: rls[k] for k, i in enumerate(ids)}
    res = {i: [hyps[k]] for k, i in enumerate(ids)}

    t, c = time.perf_counter(), time.process_time()
    fast = score_reports(preds, refs, convention="r2gen", meteor="none")
    t_fast, c_fast = time.perf_counter() - t, time.process_time() - c
    t = time.perf_counter()
    full = score_reports(preds, refs, convention="r2gen", meteor="jar") if meteor else fast
    t_full = time.perf_counter() - t
    ref_vals, ref_times = _reference(gts, res, meteor)
    max_diff = max(abs(full.values[k] - v) for k, v in ref_vals.items())
    t_ref_fast = ref_times["BLEU"] + ref_times["rouge_l"] + ref_times["cider_d"]
    t_ref_all = sum(ref_times.values())

    t, c = time.perf_counter(), time.process_time()
    cis = fast.bootstrap(["bleu4", "rouge_l", "cider_d"], n_resamples=1000, seed=0)
    t_boot, c_boot = time.perf_counter() - t, time.process_time() - c
    t_ptb_ours, t_ptb_java, ptb_same = _ptb_timing(preds, refs)

    lines = _render(args.n, meteor, locals())
    text = "\n".join(lines)
    print(text)
    atomic_write_text(OUT, text)
    if max_diff > 1e-6:
        raise SystemExit(f"parity failure: {max_diff}")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
