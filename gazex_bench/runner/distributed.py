"""Data-parallel runs under a launcher (``accelerate launch`` / ``torchrun``): shards, barrier, merge.

A process started by a launcher has ``WORLD_SIZE``, ``RANK`` and ``MASTER_ADDR``/``MASTER_PORT``
in its environment. With ``--num-shards auto`` (the default) each rank predicts its shard of the
samples (by sample-id hash); then all ranks meet at a ``torch.distributed`` barrier (gloo, works
on CPU) and rank 0 merges the shard files and scores, so one command gives ``run.json``.
Without a launcher nothing here is used (and torch is not imported).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any

log = logging.getLogger(__name__)

BARRIER_TIMEOUT_S = 6 * 3600
"""How long a rank waits for the slowest shard (seconds)."""


def launched(shard: Any) -> bool:
    """Whether ``shard`` is this process's rank in a launcher-started group of ``shard.count`` processes."""
    env = os.environ
    if shard is None or not all(k in env for k in ("WORLD_SIZE", "RANK", "MASTER_ADDR", "MASTER_PORT")):
        return False
    try:
        return int(env["WORLD_SIZE"]) == shard.count and int(env["RANK"]) == shard.index
    except ValueError:
        return False


def barrier() -> None:
    """Wait for every rank (gloo process group from the launcher's environment)."""
    import torch.distributed as dist

    if not dist.is_initialized():
        dist.init_process_group("gloo", timeout=dt.timedelta(seconds=BARRIER_TIMEOUT_S))
    log.info("rank %s waiting for the other shards", os.environ.get("RANK"))
    dist.barrier()
