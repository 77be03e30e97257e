"""Objective sampler: weights, per-objective start steps, exact resume."""

from __future__ import annotations

from collections import Counter

from gazex_model.collate import Sample
from gazex_model.sampling import ObjectiveSampler


def _pool(kind: str, n: int) -> list[Sample]:
    return [Sample(kind, kind, f"{kind}{i}", "p", "t") for i in range(n)]


POOLS = {"fvp": _pool("fvp", 5), "gtm": _pool("gtm", 3), "sda": _pool("sda", 4)}


def test_objectives_join_at_their_start_step() -> None:
    s = ObjectiveSampler(POOLS, {"fvp": 1.0, "gtm": 1.0, "sda": 1.0}, 2, seed=0, start={"gtm": 50, "sda": 80})
    early = Counter(s.next(step)[0] for step in range(50))
    assert early == {"fvp": 50}  # only FVP before step 50
    mid = Counter(s.next(step)[0] for step in range(50, 80))
    assert set(mid) <= {"fvp", "gtm"} and mid["gtm"] > 0
    late = Counter(s.next(step)[0] for step in range(80, 2080))
    # equal weights -> each about 1/3 of 2000 draws (binomial sd ~21; 5 sd margin)
    assert all(abs(late[k] - 2000 / 3) < 110 for k in ("fvp", "gtm", "sda"))


def test_batches_cover_each_pool_before_repeating_and_resume_exactly() -> None:
    s = ObjectiveSampler({"fvp": POOLS["fvp"]}, {"fvp": 1.0}, 5, seed=3)
    assert sorted(x.sample_id for x in s.next()[1]) == [
        f"fvp{i}" for i in range(5)
    ]  # one epoch = one permutation
    state = s.state()
    a = [[x.sample_id for x in s.next(k)[1]] for k in range(4)]
    s2 = ObjectiveSampler({"fvp": POOLS["fvp"]}, {"fvp": 1.0}, 5, seed=99)
    s2.load_state(state)
    assert [[x.sample_id for x in s2.next(k)[1]] for k in range(4)] == a
