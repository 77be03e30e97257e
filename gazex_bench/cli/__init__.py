"""``gazex-bench`` command line: thin subcommands over the Python API.

Each command group lives in its own module of this package and exposes
``register(subparsers) -> None``; a registered handler receives the parsed
``argparse.Namespace`` and returns an exit code. The command-group modules only
define arguments (``gazex-bench --help`` imports nothing heavy); each handler is a
``"module:function"`` string naming a function in :mod:`gazex_bench.cli.handlers`,
resolved by :func:`resolve_handler` only when that command runs, so handler modules
import the project at module top.

Every :class:`~gazex_bench.errors.GazexError`, and every ``OSError`` (read-only folder,
an output path that is a file, a full disk), becomes one line on stderr naming the
path and the errno text, with exit code 2 and no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from gazex_bench import __version__
from gazex_bench.errors import GazexError

# Command-group modules, in help order. A module not (yet) present is skipped.
COMMAND_MODULES: tuple[str, ...] = (
    "demo",
    "run",
    "data",
    "phantom",
    "metrics",
    "gaze",
    "tables",
    "figures",
    "leaderboard",
)


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """Build the full ``gazex-bench`` parser from the command-group modules."""
    parser = _Parser(prog="gazex-bench", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"gazex-bench {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv: debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"gazex_bench.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"gazex_bench.cli.{name}":
                continue
            raise
        module.register(sub)
    return parser


def os_error_line(exc: OSError) -> str:
    """One line for an operating-system error: the path(s), the errno text and its symbolic name."""
    import errno

    name = errno.errorcode.get(exc.errno, "") if exc.errno is not None else ""
    what = exc.strerror or str(exc) or type(exc).__name__
    where = " -> ".join(str(p) for p in (exc.filename, exc.filename2) if p is not None)
    text = f"{where}: {what}" if where else what
    return f"{text} ({name})" if name else text


def resolve_handler(
    handler: Callable[[argparse.Namespace], int] | str,
) -> Callable[[argparse.Namespace], int]:
    """The handler function of a ``"package.module:function"`` string (callables pass through).

    The one place the CLI loads command code lazily: ``importlib.import_module`` at dispatch,
    so only the chosen command's handler module (and what it imports) is loaded.
    """
    if callable(handler):
        return handler
    module, _, func = handler.partition(":")
    return getattr(importlib.import_module(module), func)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gazex-bench`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(resolve_handler(handler)(args) or 0)
    except GazexError as exc:
        sys.stderr.write(f"gazex-bench: error: {exc}\n")
        return 2
    except OSError as exc:  # read-only folder, a file where a folder should be, full disk...
        sys.stderr.write(f"gazex-bench: error: {os_error_line(exc)}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("gazex-bench: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
