"""Package-level guarantees: CLI entry, error format, import hygiene."""

from __future__ import annotations

import subprocess
import sys

from gazex_bench.cli import main
from gazex_bench.errors import DataFormatError


def test_version_flag(capsys) -> None:
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert "gazex-bench 0.1.0" in capsys.readouterr().out


def test_data_format_error_names_file_row_field() -> None:
    err = DataFormatError("/x/fixations.csv", "expected a number, got 'abc'", row=3, field="x_position")
    assert str(err) == "/x/fixations.csv, row 3, field 'x_position': expected a number, got 'abc'"


def test_unknown_command_is_one_line_exit_2() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gazex_bench", "no-such-command"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_core_modules_do_not_import_torch() -> None:
    code = (
        "import sys, importlib\n"
        "for m in ('gazex_bench', 'gazex_bench.data', 'gazex_bench.metrics', 'gazex_bench.gaze',"
        " 'gazex_bench.cli', 'gazex_model'):\n"
        "    importlib.import_module(m)\n"
        "bad = [m for m in ('torch', 'transformers', 'gazex_model.model') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
