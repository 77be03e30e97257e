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
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (.ci/run installs it)")


def _page(tmp_path: Path) -> Path:
    root = tmp_path / "lb"
    for i, name in enumerate(["<script>alert(1)</script>", "GazeX tiny"]):
        add_entry(root, {"task": "cxr-vqa", "model": name, "run_id": f"r{i}", "kind": "run", "n": 10,
                         "date": "2026-11-23", "primary_metric": "accuracy",
                         "conventions": {"accuracy": "top-1 phrase match"}, "source": "git abc",
                         "metrics": {"accuracy": {"value": 0.5 + i / 10, "n": 10, "ci_low": 0.4, "ci_high": 0.7}}})
    build(root)
    return root / "index.html"


def _chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120)


def test_page_renders_without_console_errors_and_escapes_names(tmp_path: Path) -> None:
    page = _page(tmp_path)
    proc = _chromium(["--dump-dom", page.as_uri()], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    # Tables rendered, and the hostile model name is text, not an element.
    assert dom.count('<table class="lb">') >= 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert "<script>alert(1)</script>" not in dom
    console_errors = [ln for ln in proc.stderr.splitlines()
                      if "CONSOLE" in ln and ("Uncaught" in ln or "Error" in ln)]
    assert console_errors == []


def test_screenshot(tmp_path: Path) -> None:
    page = _page(tmp_path)
    shot = tmp_path / "shot.png"
    proc = _chromium([f"--screenshot={shot}", "--window-size=1200,900", page.as_uri()], tmp_path)
    assert proc.returncode == 0 and shot.stat().st_size > 5000, proc.stderr[-2000:]
