"""Tasks in Python, one module each; see :mod:`gazex_bench.tasks.registry`."""
