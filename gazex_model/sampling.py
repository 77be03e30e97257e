"""Objective mixing: pick an objective by weight, then a batch from its pool.

Batches are homogeneous in objective, so the loss of every optimiser micro-step is the
loss of one objective (logged per objective). The sampler state is a plain dict so it can
be checkpointed and resumed exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from gazex_bench.errors import UsageError
from gazex_model.collate import Sample


class ObjectiveSampler:
    """Weighted objective choice + without-replacement epochs inside each objective pool.

    Args:
        pools: Objective -> samples (train split).
        weights: Objective -> sampling weight (> 0); objectives whose pool is empty are
            dropped and reported in :attr:`dropped`.
        batch_size: Samples per batch.
        seed: RNG seed (per process add the process index).
        start: Objective -> first optimiser step at which it may be chosen (default: 0 for all).
    """

    def __init__(
        self,
        pools: Mapping[str, Sequence[Sample]],
        weights: Mapping[str, float],
        batch_size: int,
        seed: int,
        start: Mapping[str, int] | None = None,
    ) -> None:
        self.pools = {k: list(pools.get(k, ())) for k in weights}
        self.dropped = sorted(k for k, v in self.pools.items() if not v)
        live = {k: float(w) for k, w in weights.items() if self.pools[k] and w > 0}
        if not live:
            raise UsageError(f"no training samples for the weighted objectives {sorted(weights)}")
        self.names = list(live)
        total = sum(live.values())
        self.probs = np.array([live[k] / total for k in self.names])
        self.start = np.array([int((start or {}).get(k, 0)) for k in self.names])
        self.batch_size = batch_size
        self.rng = np.random.default_rng(seed)
        self._perm: dict[str, list[int]] = {k: [] for k in self.names}

    def _take(self, name: str) -> list[Sample]:
        pool = self.pools[name]
        out: list[Sample] = []
        while len(out) < self.batch_size:
            if not self._perm[name]:
                self._perm[name] = [int(i) for i in self.rng.permutation(len(pool))]
            out.append(pool[self._perm[name].pop()])
        return out

    def next(self, step: int = 0) -> tuple[str, list[Sample]]:
        """Return ``(objective, batch)`` for optimiser step ``step`` (0-based; objectives not started are skipped)."""
        p = np.where(self.start <= step, self.probs, 0.0)
        if p.sum() <= 0:  # nothing started yet (config validation prevents this): fall back to the full mix
            p = self.probs
        name = self.names[int(self.rng.choice(len(self.names), p=p / p.sum()))]
        return name, self._take(name)

    def state(self) -> dict[str, Any]:
        """JSON-serialisable state (RNG + remaining permutations)."""
        return {"rng": self.rng.bit_generator.state, "perm": self._perm}

    def load_state(self, state: Mapping[str, Any]) -> None:
        """Restore :meth:`state`."""
        self.rng.bit_generator.state = state["rng"]
        self._perm = {k: list(v) for k, v in state["perm"].items()}
        for k in self.names:
            self._perm.setdefault(k, [])
