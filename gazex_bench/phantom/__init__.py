"""Deterministic phantom of the five GazeX datasets, written in their real on-disk layouts.

Public API (import the submodules; nothing heavy is imported here):

* :func:`gazex_bench.phantom.generate.generate_phantom` -- write a phantom root
  (CLI: ``gazex-bench phantom --out DIR [--seed N] [--size tiny|small|paper] [--no-images]``).
* :mod:`gazex_bench.phantom.truth` -- ground truth dataclasses and ``load_truth(root)``
  (oracle baselines and tests only; never the scoring path).
* :mod:`gazex_bench.phantom.realism` -- realism measurements on a generated root.
* ``python -m gazex_bench.phantom.overview`` -- contact sheet ``reports/phantom/overview.png``.
"""
