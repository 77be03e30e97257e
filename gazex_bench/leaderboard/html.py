"""Static HTML leaderboard: one self-contained page, sortable tables, all text escaped.

The page loads nothing from the network. Every string that comes from a CSV,
a submission or a run record goes through :func:`html.escape` (quotes included), and
the sorting script only reorders existing rows (no ``innerHTML``), so a model named
``<script>alert(1)</script>`` is shown as text.

Rows measured on synthetic (phantom) data are never ranked with real or published rows:
they get their own table under a "Synthetic data — not comparable with published results"
banner, which also heads the page whenever any row is synthetic. Each metric column carries
``data-hib`` (1 = higher is better); the first click on a header sorts best first in that
direction, and the server-side order already does (:func:`schema.sort_rows`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gazex_bench.io import atomic_write_text
from gazex_bench.leaderboard.schema import LeaderboardRow
from gazex_bench.metrics.registry import CI_STATUS, ci_declaration

_SORT_JS = """
document.querySelectorAll('table.lb').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, col) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var dir = th.getAttribute('data-dir');
      var asc = dir ? dir !== 'asc' : th.getAttribute('data-hib') === '0';
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v');
        var nx = parseFloat(x), ny = parseFloat(y);
        var cmp = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y));
        if (x === '' && y !== '') { return 1; }
        if (y === '' && x !== '') { return -1; }
        return asc ? cmp : -cmp;
      });
      th.setAttribute('data-dir', asc ? 'asc' : 'desc');
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
"""

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1400px}
table{border-collapse:collapse;margin:1em 0;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}
th{background:#f0f0f0;cursor:pointer;position:sticky;top:0}
td.t{text-align:left} tr.reported{color:#666;font-style:italic} tr.reference{background:#f3f7fb} tr.baseline{background:#fafafa}
.ci{color:#888;font-size:11px} .conv{font-size:12px;color:#444}
.banner{background:#fff3cd;border:2px solid #b8860b;color:#5c4400;padding:8px 12px;font-weight:bold;font-size:15px}
"""

BANNER = "Synthetic data \u2014 not comparable with published results"
"""Text of the banner shown on any page (and above any table) built from phantom runs."""


@dataclass(frozen=True)
class TaskBoard:
    """One task's table as rendered on the page."""

    task: str
    title: str
    rows: Sequence[LeaderboardRow]
    metric_slugs: Sequence[str]
    metric_titles: Mapping[str, str]
    conventions: str
    """Metric conventions of the task, shown above the table."""
    figures: Sequence[str] = ()
    """Relative links to figures for this task."""
    csv_name: str = ""
    """The task's CSV (every metric); the page shows the headline columns."""
    higher_is_better: Mapping[str, bool] = None  # type: ignore[assignment]
    """Metric slug -> direction (missing: higher is better)."""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _cell(
    value: float | None, low: float | None, high: float | None, n: int | None = None, row_n: int | None = None
) -> str:
    if value is None:
        return '<td data-v="">&ndash;</td>'
    ci = ""
    if low is not None and high is not None:
        ci = f' <span class="ci">[{low:.3f}, {high:.3f}]</span>'
    own = f' <span class="ci">(n={n})</span>' if n is not None and n != row_n else ""
    return f'<td data-v="{value!r}">{value:.3f}{ci}{own}</td>'


def ci_legend(board: TaskBoard) -> list[str]:
    """``<method> (<registry status>): <metric titles>`` for the CI methods recorded in the shown cells.

    Read from the entries (run.json ``ci_method``), judged by
    :func:`gazex_bench.metrics.registry.ci_declaration`; never restated here.
    """
    used: dict[str, list[str]] = {}
    for row in board.rows:
        for slug in board.metric_slugs:
            m = row.metrics.get(slug)
            if m is None or m.value is None or m.ci_low is None or not m.ci_method:
                continue
            recorded = m.ci_method.split(";", 1)[0].strip()
            label = f"{recorded} ({CI_STATUS[ci_declaration(slug, recorded)]})"
            title = board.metric_titles.get(slug, slug)
            if title not in used.setdefault(label, []):
                used[label].append(title)
    return [f"{label}: {', '.join(titles)}" for label, titles in used.items()]


def _table(board: TaskBoard, rows: Sequence[LeaderboardRow]) -> str:
    dirs = board.higher_is_better or {}
    out = ['<table class="lb"><thead><tr>']
    out += [f"<th>{h}</th>" for h in ("Model", "Kind", "Regime", "n")]
    for s in board.metric_slugs:
        hib = dirs.get(s, True)
        arrow = "\u2191" if hib else "\u2193"
        out.append(
            f'<th data-hib="{int(hib)}" title="{"higher" if hib else "lower"} is better">'
            f"{_e(board.metric_titles.get(s, s))} {arrow}</th>"
        )
    out += ["<th>Source</th>", "<th>Date</th>", "</tr></thead><tbody>"]
    for row in rows:
        out.append(f'<tr class="{_e(row.kind)}">')
        out.append(f'<td class="t" data-v="{_e(row.model)}">{_e(row.model)}</td>')
        out.append(f'<td class="t" data-v="{_e(row.kind)}">{_e(row.kind)}</td>')
        regime = row.regime.text()
        out.append(f'<td class="t regime" data-v="{_e(regime)}">{_e(regime)}</td>')
        out.append(
            f'<td data-v="{_e(row.n if row.n is not None else "")}">{_e(row.n if row.n is not None else "–")}</td>'
        )
        for slug in board.metric_slugs:
            m = row.metrics.get(slug)
            out.append(_cell(m.value, m.ci_low, m.ci_high, m.n, row.n) if m else '<td data-v="">&ndash;</td>')
        out.append(f'<td class="t" data-v="{_e(row.source)}">{_e(row.source)}</td>')
        out.append(f'<td class="t" data-v="{_e(row.date)}">{_e(row.date)}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


def render_page(boards: Sequence[TaskBoard], *, title: str = "GazeX Bench leaderboards") -> str:
    """Render the whole leaderboard page as a string."""
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        "<p>Values are corpus metrics with 95 % CIs in brackets (the CI methods the rows recorded are "
        "listed under each table, with how each stands to the metric registry); "
        "<code>(n=..)</code> marks a metric evaluated on a different number of samples than the row. Rows of kind "
        "<em>reported</em> are published numbers under their own conventions (not re-measured); "
        "compare them only where the convention matches. <em>Regime</em>: fine-tuned (stage 2 on the task's data), "
        "pretrained (stage 1 on it), zero-shot (never trained on it; the last stage it was trained in), with "
        "that stage's tasks, steps and training samples seen; none = untrained reference adapter. "
        "Click a column header to sort.</p>",
    ]
    if any(r.data == "synthetic" for b in boards for r in b.rows):
        parts.insert(
            3,
            f'<p class="banner" id="synthetic-banner">{_e(BANNER)}. Rows marked synthetic were '
            "measured on the phantom (generated images, reports and gaze); they are ranked only among "
            "themselves, apart from published real-data rows.</p>",
        )
    for board in boards:
        parts.append(f'<h2 id="{_e(board.task)}">{_e(board.title)}</h2>')
        items = "".join(f"<li>{_e(c.strip())}</li>" for c in board.conventions.split("; ") if c.strip())
        parts.append(f'<details class="conv"><summary>Metric conventions</summary><ul>{items}</ul></details>')
        synthetic = [r for r in board.rows if r.data == "synthetic"]
        others = [r for r in board.rows if r.data != "synthetic"]
        if synthetic:
            parts.append(
                f'<p class="banner">{_e(BANNER)}: runs on the phantom</p>' + _table(board, synthetic)
            )
            if others:
                parts.append("<h3>Published and real-data rows (not ranked with the synthetic rows)</h3>")
        if others:
            parts.append(_table(board, others))
        methods = ci_legend(board)
        if methods:
            items = "".join(f"<li>{_e(m)}</li>" for m in methods)
            parts.append(
                f'<details class="conv ci-methods"><summary>CI methods</summary><ul>{items}</ul></details>'
            )
        if board.csv_name:
            parts.append(
                f'<p class="conv">All metrics: <a href="{_e(board.csv_name)}">{_e(board.csv_name)}</a></p>'
            )
        if board.figures:
            links = " · ".join(f'<a href="{_e(f)}">{_e(Path(f).name)}</a>' for f in board.figures)
            parts.append(f"<p>Figures: {links}</p>")
    parts.append(f"<script>{_SORT_JS}</script></body></html>\n")
    return "".join(parts)


def write_page(path: Path, boards: Sequence[TaskBoard], **kwargs: str) -> Path:
    """Render and write the page atomically."""
    return atomic_write_text(path, render_page(boards, **kwargs))
