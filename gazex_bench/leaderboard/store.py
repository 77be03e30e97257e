"""Transactional writes into a leaderboard folder: all or nothing, never outside the root.

Every command that changes a leaderboard (``submit``, ``add-run``, ``build``) works in a
:class:`Transaction`:

1. the root is resolved, and every path the command will write is built from
   :func:`safe_slug` parts and checked component by component: an existing symbolic
   link anywhere below the root (``entries/``, ``submissions/``, ``entries/<task>/``...)
   or a path resolving outside the root is refused before anything is written;
2. new files are staged in a temporary folder *inside* the root (same file system, so the
   final step is a rename), and the CSVs and page are rebuilt there from the existing
   entries plus the staged ones, so a malformed existing entry fails the command here;
3. only then is each staged item renamed into place; an error during this step undoes the
   renames already made (replaced files are restored from hard-link backups). The staging
   folder is always removed, and a root the command created is removed again on failure.

Two commands on one root do not interleave: a transaction holds the root's lock file
(:func:`gazex_bench.runner.lock.run_lock`, ``root/.lock``) and a second one waits for it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from gazex_bench.errors import DataFormatError, UsageError
from gazex_bench.io import atomic_write_json, read_json
from gazex_bench.leaderboard.entries import check_entry
from gazex_bench.leaderboard.submission import safe_slug
from gazex_bench.runner.lock import run_lock

STAGING_PREFIX = ".staging-"
LOCK_WAIT_S = 600.0
"""How long a leaderboard command waits for another one writing the same root."""


def safe_target(root: Path, parts: Sequence[str]) -> Path:
    """``root/parts...`` after checking no existing component is a link and it stays inside ``root``.

    Args:
        root: The resolved leaderboard root.
        parts: Path components below the root (each a slug or a fixed name).

    Raises:
        UsageError: a component is ``..``/absolute/empty, an existing component is a
            symbolic link, or the path resolves outside the root.
    """
    cur = root
    for part in parts:
        if not part or part in (".", "..") or "/" in part or "\\" in part or Path(part).is_absolute():
            raise UsageError(f"leaderboard path component {part!r} is not a plain name")
        cur = cur / part
        if cur.is_symlink():
            raise UsageError(
                f"{cur} is a symbolic link; the leaderboard writes only inside {root} (remove the link)"
            )
    resolved = cur.resolve()
    if resolved != root and root not in resolved.parents:
        raise UsageError(f"{cur} resolves to {resolved}, outside the leaderboard folder {root}")
    return cur


class Transaction:
    """Stage files inside the root, then rename them into place (see module docstring)."""

    def __init__(self, root: Path) -> None:
        root = Path(root).expanduser()
        self.created_root = False
        if root.exists() and not root.is_dir():
            raise UsageError(f"--root {root} exists and is not a directory")
        if not root.exists():
            root.mkdir(parents=True)
            self.created_root = True
        self.root = root.resolve()
        self._lock = contextlib.ExitStack()  # one writer at a time: a second command waits its turn
        self._lock.enter_context(run_lock(self.root, wait=True, timeout_s=LOCK_WAIT_S))
        try:
            self.tmp = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.root))
        except BaseException:
            self._lock.close()
            raise
        self._moves: list[tuple[Path, Path]] = []

    def stage(self, parts: Sequence[str], *, new: bool = False) -> Path:
        """A staging path for the final file/folder ``root/parts`` (checked now and again at commit).

        Args:
            parts: Components below the root.
            new: The final path must not exist yet (a new submission folder or entry).

        Raises:
            UsageError: unsafe path, or ``new`` and the target exists.
        """
        final = safe_target(self.root, parts)
        if new and (final.exists() or final.is_symlink()):
            raise UsageError(f"{final} already exists")
        staged = self.tmp.joinpath("stage", *parts)
        staged.parent.mkdir(parents=True, exist_ok=True)
        self._moves.append((staged, final))
        return staged

    def staged_entries(self) -> list[tuple[Path, Path]]:
        """(staged, final) pairs of the entries staged so far."""
        return [(s, f) for s, f in self._moves if f.parent.parent == self.root / "entries"]

    def rebuild_with(
        self, build: Callable[..., list[Path]], figures: Mapping[str, Sequence[str]] | None = None
    ) -> list[Path]:
        """Rebuild CSVs and page from the existing entries plus the staged ones, into the staging folder.

        ``build(root, figures=...)`` writes the files (:func:`gazex_bench.leaderboard.board.build`;
        passed in so that this lower module does not import the board: see ``board.rebuild``).

        Returns:
            The final paths the rebuilt files will have.

        Raises:
            DataFormatError: an entry (existing or new) is malformed.
        """
        mirror = self.tmp / "mirror"
        entries = self.root / "entries"
        if entries.is_symlink():
            raise UsageError(
                f"{entries} is a symbolic link; the leaderboard reads and writes only inside {self.root}"
            )
        for src in sorted(entries.glob("*/*.json")) if entries.is_dir() else []:
            if src.is_symlink() or src.parent.is_symlink():
                raise UsageError(f"{src} is a symbolic link; entries must be plain files inside {self.root}")
            check_entry(src, read_json(src))  # errors name the entry where it lives, not its staged copy
            _copy(src, mirror / "entries" / src.parent.name / src.name)
        for staged, final in self.staged_entries():
            _copy(staged, mirror / "entries" / final.parent.name / final.name)
        out = []
        for path in build(mirror, figures=figures):
            rel = path.relative_to(mirror)
            staged = self.stage(rel.parts)
            os.replace(path, staged)
            out.append(self.root / rel)
        return out

    def commit(self) -> None:
        """Rename every staged item into place; undo the renames made so far on any error."""
        done: list[tuple[Path, Path | None]] = []  # (final, backup of what it replaced)
        made: list[Path] = []
        try:
            for staged, final in self._moves:
                final = safe_target(self.root, final.relative_to(self.root).parts)
                for parent in reversed(
                    [p for p in final.parents if p != self.root and self.root in p.parents]
                ):
                    if not parent.exists():
                        parent.mkdir()
                        made.append(parent)
                backup = None
                if final.is_file():
                    backup = self.tmp / "backup" / str(len(done))
                    backup.parent.mkdir(parents=True, exist_ok=True)
                    os.link(final, backup)
                elif final.exists():
                    raise UsageError(f"{final} already exists")
                os.replace(staged, final)
                done.append((final, backup))
        except BaseException:
            _undo(done, made)
            raise

    def close(self, ok: bool) -> None:
        """Remove the staging folder (and the root, if this transaction created it and failed)."""
        shutil.rmtree(self.tmp, ignore_errors=True)
        self._lock.close()  # releases and removes root/.lock
        if not ok and self.created_root:
            try:
                self.root.rmdir()
            except OSError:
                pass

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, exc_type: Any, *exc: object) -> None:
        try:
            if exc_type is None:
                self.commit()
        except BaseException:
            self.close(False)
            raise
        self.close(exc_type is None)


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst, follow_symlinks=False)


def _undo(done: Iterable[tuple[Path, Path | None]], made: Iterable[Path]) -> None:
    for final, backup in reversed(list(done)):
        if final.is_dir() and not final.is_symlink():
            shutil.rmtree(final, ignore_errors=True)
        else:
            final.unlink(missing_ok=True)
        if backup is not None:
            os.replace(backup, final)
    for parent in reversed(list(made)):
        try:
            parent.rmdir()
        except OSError:
            pass


def stage_entry(txn: Transaction, entry: Mapping[str, Any], source: Path) -> Path:
    """Validate ``entry`` (naming ``source`` and the field) and stage it as ``entries/<task>/<run_id>.json``."""
    check_entry(source, entry)
    slugs = []
    for key in ("task", "run_id"):
        try:
            slugs.append(safe_slug(str(entry[key])))
        except UsageError as exc:
            raise DataFormatError(source, str(exc), field=key) from None
    parts = ("entries", slugs[0], f"{slugs[1]}.json")
    staged = txn.stage(parts)
    atomic_write_json(staged, dict(entry))
    return txn.root.joinpath(*parts)
