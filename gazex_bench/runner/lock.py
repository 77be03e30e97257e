"""One process per run directory: a lock file holding the owner's pid and host.

``run_lock(run_dir)`` creates ``run_dir/.lock`` and takes an exclusive ``flock`` on it for
as long as the run predicts and scores. The lock is the open file description, so the
kernel releases it when the holder exits in any way (kill -9 included): a lock file left
by a dead process is simply locked again and overwritten by the next run (taken over).
The file's content, ``{"pid", "host", "since"}``, is only for the message a second run
prints. A second ``gazex-bench run`` on the same directory fails at once with one line,
or with ``--wait`` polls until the directory is free.

Sharded runs lock ``.lock.shard-<i>-of-<n>`` instead, so the shards of one run can
predict in parallel while the same shard cannot run twice. POSIX only (``fcntl``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

from gazex_bench.errors import UsageError

LOCK = ".lock"
POLL_S = 0.5


@contextlib.contextmanager
def run_lock(
    run_dir: Path, *, name: str = LOCK, wait: bool = False, timeout_s: float | None = None
) -> Iterator[Path]:
    """Hold the lock of ``run_dir`` for the ``with`` block (created if missing, removed after).

    Args:
        run_dir: The run directory (created).
        name: Lock file name (``.lock``; shards use their own).
        wait: Poll until the holder finishes instead of failing.
        timeout_s: With ``wait``, give up after this many seconds (None = no limit).

    Raises:
        UsageError: another live process holds the lock (names its pid, host and start time).
    """
    import fcntl

    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / name
    start = time.monotonic()
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if not wait or (timeout_s is not None and time.monotonic() - start > timeout_s):
                raise UsageError(_held_message(path, wait)) from None
            time.sleep(POLL_S)
            continue
        if _same_file(fd, path):
            break
        os.close(fd)  # the holder removed the file between our open and flock: lock the new one
    try:
        _write_owner(fd)
        yield path
    finally:
        with contextlib.suppress(OSError):
            if _same_file(fd, path):
                path.unlink()
        os.close(fd)  # releases the flock


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    own = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)


def _write_owner(fd: int) -> None:
    owner = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, (json.dumps(owner, sort_keys=True) + "\n").encode(), 0)


def _held_message(path: Path, waited: bool) -> str:
    try:
        owner = json.loads(path.read_text(encoding="utf-8"))
        who = f"pid {owner.get('pid')} on {owner.get('host')} since {owner.get('since')}"
    except (OSError, ValueError, AttributeError):
        who = "another process"
    hint = "gave up waiting" if waited else "wait for it to finish, or pass --wait"
    return f"{path.parent} is in use by {who} (lock file {path}); {hint}"
