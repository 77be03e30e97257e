"""The static leaderboard page in a real headless Chromium (Debian package).

``.ci/run`` installs ``chromium``; where it is absent (a bare developer machine) the
test is skipped with that reason.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from gazex_bench.leaderboard.board import add_entry, build

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (.ci/run installs it)")


def _page(tmp_path: Path) -> Path:
    root = tmp_path / "lb"
    for i, name in enumerate(["<script>alert(1)</script>", "GazeX tiny"]):
        add_entry(
            root,
            {
                "task": "cxr-vqa",
                "model": name,
                "run_id": f"r{i}",
                "kind": "run",
                "n": 10,
                "date": "2026-11-23",
                "primary_metric": "accuracy",
                "conventions": {"accuracy": "top-1 phrase match"},
                "source": "git abc",
                "metrics": {"accuracy": {"value": 0.5 + i / 10, "n": 10, "ci_low": 0.4, "ci_high": 0.7}},
            },
        )
    build(root)
    return root / "index.html"


def _chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_page_renders_without_console_errors_and_escapes_names(tmp_path: Path) -> None:
    page = _page(tmp_path)
    proc = _chromium(["--dump-dom", page.as_uri()], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    # Tables rendered, and the hostile model name is text, not an element.
    assert dom.count('<table class="lb">') >= 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "<script>alert(1)</script>" not in dom
    console_errors = [
        ln for ln in proc.stderr.splitlines() if "CONSOLE" in ln and ("Uncaught" in ln or "Error" in ln)
    ]
    assert console_errors == []


def test_screenshot(tmp_path: Path) -> None:
    page = _page(tmp_path)
    shot = tmp_path / "shot.png"
    proc = _chromium([f"--screenshot={shot}", "--window-size=1200,900", page.as_uri()], tmp_path)
    assert proc.returncode == 0 and shot.stat().st_size > 5000, proc.stderr[-2000:]


def _entry(root: Path, i: int, model: str, data: str, error: float) -> None:
    add_entry(
        root,
        {
            "task": "reflacx-gaze",
            "model": model,
            "run_id": f"g{i}",
            "kind": "run",
            "n": 5,
            "date": "2026-11-23",
            "primary_metric": "centroid_error",
            "data": data,
            "higher_is_better": {"centroid_error": False},
            "conventions": {"centroid_error": "px"},
            "source": "git abc",
            "metrics": {
                "centroid_error": {"value": error, "n": 5, "ci_low": None, "ci_high": None},
                "cosine": {"value": 1 - error / 100, "n": 5, "ci_low": None, "ci_high": None},
            },
        },
    )


def test_synthetic_banner_on_phantom_board_not_on_root_board(tmp_path: Path) -> None:
    from gazex_bench.leaderboard.html import BANNER

    phantom, root = tmp_path / "demo", tmp_path / "root"
    _entry(phantom, 0, "phantom model", "synthetic", 12.0)
    build(phantom)
    build(root)  # the repository's root board: published rows only (no entries)
    dom_phantom = _chromium(["--dump-dom", (phantom / "index.html").as_uri()], tmp_path).stdout
    dom_root = _chromium(["--dump-dom", (root / "index.html").as_uri()], tmp_path).stdout
    assert 'id="synthetic-banner"' in dom_phantom and BANNER in dom_phantom
    assert "GazeX (paper)" in dom_root and "synthetic-banner" not in dom_root and BANNER not in dom_root
    # the phantom row sits in its own table, above the published rows' table
    assert dom_phantom.index("phantom model") < dom_phantom.index("Published and real-data rows")


def test_click_sorts_lower_is_better_ascending_first(tmp_path: Path) -> None:
    root = tmp_path / "lb"
    for i, (model, err) in enumerate((("mid", 20.0), ("worst", 30.0), ("best", 10.0))):
        _entry(root, i, model, "real", err)
    build(root)
    html = (root / "index.html").read_text()
    # server-side order already ascending for a lower-is-better primary metric
    assert html.index(">best<") < html.index(">mid<") < html.index(">worst<")
    # reverse the rows, then click the header once: the page must sort ascending (best first) again
    # (and the same for a higher-is-better column, whose first click sorts descending)
    for hib in ("0", "1"):
        probe = root / f"probe{hib}.html"
        probe.write_text(
            html.replace(
                "</body>",
                f"<script>var th=document.querySelector('th[data-hib=\"{hib}\"]');"
                "var b=th.closest('table').tBodies[0];"
                "Array.prototype.slice.call(b.rows).reverse().forEach(function(r){b.appendChild(r);});"
                "th.click();</script></body>",
            )
        )
        dom = _chromium(["--dump-dom", probe.as_uri()], tmp_path).stdout
        table = dom.split('id="reflacx-gaze"')[1].split("</table>")[0]
        assert table.index(">best<") < table.index(">mid<") < table.index(">worst<"), hib
