"""Import contract of ``gazex_bench``, computed from the source (``ast``; nothing is imported).

* no import cycles between modules, counting imports inside functions too;
* ``gazex_bench`` never imports ``gazex_model``;
* lower layers never import higher ones (``LAYERS``);
* project imports inside functions stay below a ceiling, each with a comment saying why.
"""

from __future__ import annotations

from import_graph import Import, cycles, graph, imports

LOWER = (
    "gazex_bench.errors",
    "gazex_bench.io",
    "gazex_bench.images",
    "gazex_bench.metrics",
    "gazex_bench.gaze",
    "gazex_bench.data",
)
"""Modules and packages of the lower layers (metrics, gaze analyses, dataset readers, shared helpers)."""
HIGHER = (
    "gazex_bench.tasks",
    "gazex_bench.runner",
    "gazex_bench.tables",
    "gazex_bench.figures",
    "gazex_bench.leaderboard",
    "gazex_bench.cli",
    "gazex_bench.demo",
    "gazex_bench.models",
)
"""Packages built on the lower layers; a lower module importing one of them is a layering error."""

KNOWN_CYCLES: dict[frozenset[str], str] = {}
"""Cycles left to their owners, each with the reason; the test fails when a new one appears."""

MAX_FUNCTION_IMPORTS = 1
"""Ceiling on project imports inside functions (issue #19 target: < 40; was 146). Lower it as modules are hoisted.

The one left: ``runner.data_root._generate_phantom`` imports the phantom generator only when the default
phantom is missing (+0.3-1.0 s on every run otherwise, measured with ``python -X importtime``)."""

REASON_PREFIX = "lazy:"
"""A function-level project import must say why on its own line: ``# lazy: <measured cost or the cycle>``."""


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_no_import_cycles() -> None:
    found = [c for c in cycles(graph(imports())) if frozenset(c) not in KNOWN_CYCLES]
    assert not found, f"import cycles (function-level imports included): {found}"


def test_known_cycles_still_exist() -> None:
    """A fixed known cycle must leave KNOWN_CYCLES (so the exception list cannot go stale)."""
    present = {frozenset(c) for c in cycles(graph(imports()))}
    stale = [sorted(c) for c in KNOWN_CYCLES if c not in present]
    assert not stale, f"these cycles are gone; delete them from KNOWN_CYCLES: {stale}"


def test_gazex_bench_never_imports_gazex_model() -> None:
    bad = [f"{e.source}:{e.lineno}" for e in imports() if e.target.startswith("gazex_model")]
    assert not bad, f"gazex_bench imports gazex_model at {bad}"


def test_lower_layers_do_not_import_higher_ones() -> None:
    bad = [
        f"{e.source}:{e.lineno} -> {e.target}"
        for e in imports()
        if _within(e.source, LOWER) and _within(e.target, HIGHER)
    ]
    assert not bad, "lower layer imports a higher one:\n" + "\n".join(bad)


def test_function_level_project_imports_stay_under_the_ceiling() -> None:
    statements = {(e.source, e.lineno) for e in imports() if e.in_function}
    assert len(statements) <= MAX_FUNCTION_IMPORTS, (
        f"{len(statements)} project imports inside functions (ceiling {MAX_FUNCTION_IMPORTS}); "
        "import at module top, or comment the reason on the import line"
    )


def unexplained(edges: list[Import]) -> list[str]:
    """``module:line`` of every function-level project import whose line has no ``# lazy: <reason>`` comment."""
    return sorted(
        {
            f"{e.source}:{e.lineno}"
            for e in edges
            if e.in_function
            and not (e.comment.startswith(REASON_PREFIX) and e.comment[len(REASON_PREFIX) :].strip())
        }
    )


def test_every_function_level_project_import_says_why() -> None:
    bad = unexplained(imports())
    assert not bad, f"function-level project imports without '# {REASON_PREFIX} <reason>': {bad}"


def test_the_reason_check_can_fail() -> None:
    """Known answer on hand-made edges: a bare or empty-reason lazy import is reported, a reasoned one is not."""
    edges = [
        Import("m.a", "gazex_bench.x", 3, True, ""),
        Import("m.b", "gazex_bench.x", 4, True, "lazy:"),
        Import("m.c", "gazex_bench.x", 5, True, "noqa: E402"),
        Import("m.d", "gazex_bench.x", 6, True, "lazy: cycle m.d -> x -> m.d"),
        Import("m.e", "gazex_bench.x", 7, False, ""),
    ]
    assert unexplained(edges) == ["m.a:3", "m.b:4", "m.c:5"]


def test_the_graph_sees_function_level_imports() -> None:
    """Known answer: reflacx-gaze scoring imports gaze.alignment; runner.api loads tasks (edges exist)."""
    g = graph(imports())
    assert "gazex_bench.gaze.alignment" in g["gazex_bench.tasks.reflacx_gaze.scoring"]
    assert any(t.startswith("gazex_bench.tasks") for t in g["gazex_bench.runner.api"])
