"""Exclusive locks on files that work on every platform and vanish with their holder.

`filelock` takes an OS lock (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows), which the
kernel drops when the holder dies, even by SIGKILL, so a killed process never leaves a stale lock.
Going through it, never importing `fcntl` directly, keeps publish, yank, verify and install
working on Windows.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol


class Held(Protocol):
    """A lock this process holds until `release`."""

    def release(self) -> None: ...


def hold(path: Path) -> Held:
    """Take an exclusive lock on `path` (created with its folder when missing), waiting for other
    holders. Raises `OSError` when the lock file cannot be created; callers turn that into the
    error of their layer."""
    import filelock

    path.parent.mkdir(parents=True, exist_ok=True)
    # thread_local=False: the lock belongs to the process, as the fcntl lock it replaces did.
    lock = filelock.FileLock(str(path), thread_local=False)
    lock.acquire()
    return lock


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """`hold` for the `with` block."""
    held = hold(path)
    try:
        yield
    finally:
        held.release()
