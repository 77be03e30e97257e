"""AST import graph of ``gazex_bench`` (module-level and function-level imports alike).

Used by the import-contract tests; no module is imported, only parsed.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "gazex_bench"
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Import:
    """One ``import``/``from`` statement naming a project module."""

    source: str
    target: str
    lineno: int
    in_function: bool
    comment: str


def module_name(path: Path) -> str:
    """Dotted module name of a file under the repository root."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: str = PACKAGE) -> dict[str, Path]:
    """Every module of ``package``: dotted name -> file."""
    return {module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


def _resolve(node: ast.ImportFrom, source: str, is_pkg: bool) -> str:
    if not node.level:
        return node.module or ""
    base = source.split(".")
    base = base if is_pkg else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(node: ast.AST, source: str, is_pkg: bool, known: set[str]) -> list[str]:
    """Project modules an import statement loads (``from pkg import mod`` counts ``pkg.mod``)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    elif isinstance(node, ast.ImportFrom):
        mod = _resolve(node, source, is_pkg)
        names = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod for a in node.names]
    else:
        return []
    return sorted(
        {n for n in names if n == PACKAGE or n.startswith(PACKAGE + ".") or n.startswith("gazex_model")}
    )


def _functions_lines(tree: ast.AST) -> set[int]:
    """Line numbers of statements nested in a function body."""
    lines: set[int] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    lines.add(node.lineno)
    return lines


def _type_checking_lines(tree: ast.AST) -> set[int]:
    """Imports under ``if TYPE_CHECKING:`` (not executed: not edges of the runtime graph)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in ast.walk(node):
                if isinstance(sub, (ast.Import, ast.ImportFrom)):
                    lines.add(sub.lineno)
    return lines


def imports(package: str = PACKAGE) -> list[Import]:
    """Every project import of every module of ``package`` (runtime imports only)."""
    mods = modules(package)
    known = set(mods)
    out: list[Import] = []
    for name, path in mods.items():
        text = path.read_text("utf-8")
        tree = ast.parse(text)
        src_lines = text.splitlines()
        in_fn, skip = _functions_lines(tree), _type_checking_lines(tree)
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or node.lineno in skip:
                continue
            line = src_lines[node.lineno - 1]
            comment = line.split("#", 1)[1].strip() if "#" in line else ""
            for target in _targets(node, name, path.name == "__init__.py", known):
                out.append(Import(name, target, node.lineno, node.lineno in in_fn, comment))
    return out


def graph(edges: list[Import]) -> dict[str, set[str]]:
    """source -> targets (project modules only; a package edge points at its ``__init__``)."""
    g: dict[str, set[str]] = {}
    for e in edges:
        if e.source != e.target:
            g.setdefault(e.source, set()).add(e.target)
    return g


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out
