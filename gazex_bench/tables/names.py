"""Display titles, directions and headline columns, read from the declarations.

Titles and directions come from :mod:`gazex_bench.metrics.registry` (one declaration per
metric key); the headline columns of each task from its
:attr:`~gazex_bench.tasks.base.Task.headline_metrics`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from gazex_bench.metrics import registry
from gazex_bench.metrics.registry import metric_title
from gazex_bench.tasks.registry import BUILTIN_TASKS, headline_metrics

__all__ = ["HEADLINE", "higher_is_better", "metric_title"]


class _Headline(Mapping[str, tuple[str, ...]]):
    """task name -> headline metric keys, looked up in the task declarations on access."""

    def __getitem__(self, task: str) -> tuple[str, ...]:
        cols = headline_metrics(task)
        if not cols:
            raise KeyError(task)
        return cols

    def __iter__(self) -> Iterator[str]:
        return iter(BUILTIN_TASKS)

    def __len__(self) -> int:
        return len(BUILTIN_TASKS)


HEADLINE: Mapping[str, tuple[str, ...]] = _Headline()
"""Columns shown in Markdown/LaTeX tables and figures per task (CSV files keep every metric)."""


def higher_is_better(metric: str, declared: Mapping[str, bool] | None = None) -> bool:
    """Direction of ``metric``: the run record's declaration (run.json ``task.higher_is_better``) if
    given, else the metric registry (undeclared keys: higher is better)."""
    if declared and metric in declared:
        return bool(declared[metric])
    return registry.higher_is_better(metric)
