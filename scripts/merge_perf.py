"""Concatenate the per-topic benchmark reports (reports/perf/*.md) into reports/perf.md.

Each benchmark under benchmarks/ writes its own section file; this keeps one page
for readers. Usage: ``.venv/bin/python scripts/merge_perf.py``.
"""

from __future__ import annotations

from pathlib import Path

ORDER = ("demo", "phantom", "readers", "gaze_preprocess", "icc", "text_metrics", "grounding", "model")


def main() -> int:
    """Write reports/perf.md from reports/perf/*.md; return an exit code."""
    root = Path(__file__).resolve().parents[1] / "reports"
    files = sorted(
        (root / "perf").glob("*.md"), key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else 99, p.stem)
    )
    parts = [
        "# GazeX Bench performance",
        "",
        "Measured by the scripts in `benchmarks/` (each compares our code with the reference",
        "implementation in one run and prints the ratio), never by timed tests. Machine: 2 CPU",
        "cores, 24 GiB, no GPU. Several measurements were taken while other jobs shared the two",
        "cores; each section says so and gives CPU time beside wall time where that mattered.",
        "Regenerate a section with its benchmark, then run `scripts/merge_perf.py`.",
        "",
    ]
    for f in files:
        text = f.read_text(encoding="utf-8").strip()
        parts += [
            f"<!-- from reports/perf/{f.name} -->",
            text.replace("\n# ", "\n## ").removeprefix("# ").join(["## ", ""])
            if text.startswith("# ")
            else text,
            "",
        ]
    (root / "perf.md").write_text("\n".join(parts) + "\n", encoding="utf-8")
    print(f"wrote {root / 'perf.md'} from {len(files)} sections")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
