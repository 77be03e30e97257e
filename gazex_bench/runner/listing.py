"""Text listings for ``gazex-bench ls``: tasks, adapters, metrics with their conventions."""

from __future__ import annotations

from typing import Any

from gazex_bench.errors import UsageError
from gazex_bench.metrics.registry import higher_is_better, metric_title
from gazex_bench.models.registry import build_adapter_registry
from gazex_bench.tasks.registry import build_task_registry


def list_tasks() -> list[str]:
    """One line per task: name, capability, dataset, primary metric, description."""
    reg = build_task_registry()
    out = []
    for name in reg.names():
        try:
            t = reg.get(name)()
        except UsageError as exc:
            out.append(f"{name:<20} (unavailable: {exc})")
            continue
        out.append(
            f"{name:<20} needs {t.capability.value:<9} data {t.dataset:<10} "
            f"primary {t.primary_metric:<16} {t.description}"
        )
        for opt, help_text in t.task_options.items():
            out.append(f"{'':<20} --task-arg {opt}=...  {help_text}")
    return out


def list_adapters() -> list[str]:
    """One line per adapter: name, source, capabilities (when the class declares them)."""
    reg = build_adapter_registry()
    out = []
    for entry in reg.entries():
        caps = _capabilities(reg, entry.name)
        out.append(f"{entry.name:<18} {entry.source:<28} {caps}")
    return out


def _capabilities(reg: Any, name: str) -> str:
    try:
        cls = reg.get(name)
    except UsageError as exc:
        return f"(unavailable: {str(exc).split(': ', 1)[-1]})"
    caps = getattr(cls, "capabilities", None)
    if isinstance(caps, (set, frozenset)):
        return ", ".join(sorted(getattr(c, "value", str(c)) for c in caps))
    return "(declared on construction)"


def list_metrics() -> list[str]:
    """One line per (task, metric): key, direction, title (metric registry), convention; ``*`` = primary."""
    reg = build_task_registry()
    out = []
    for name in reg.names():
        try:
            t = reg.get(name)()
        except UsageError:
            continue
        for metric, conv in t.metric_conventions.items():
            star = "*" if metric == t.primary_metric else " "
            arrow = "↑" if higher_is_better(metric) else "↓"
            out.append(f"{star} {name:<20} {metric:<24} {arrow} {metric_title(metric):<24} {conv}")
    return out
