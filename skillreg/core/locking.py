"""Exclusive locks on files that work on every platform and vanish with their holder.

The lock is an OS lock, which the kernel drops when the holder dies, even by SIGKILL, so a
killed process never leaves a stale lock. Where the os module has ``lockf`` (POSIX) it takes the
lock itself: importing `filelock` costs more than the rest of a small install's own work
(about 20 ms of start-up; it loads logging, secrets, platform and decimal). Elsewhere (Windows)
it goes through `filelock`, which picks what the platform has. Never importing `fcntl` directly
keeps publish, yank, verify and install working on Windows.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol


class Held(Protocol):
    """A lock this process holds until `release`."""

    def release(self) -> None: ...


class _PosixLock:
    """A ``lockf`` lock on an open descriptor of the lock file (kept, never truncated)."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                os.lockf(fd, os.F_ULOCK, 0)
            finally:
                os.close(fd)


def _hold_posix(path: Path) -> Held:
    # O_NOFOLLOW: a link planted at the lock's path is refused (ELOOP), never followed; no
    # O_TRUNC, so nothing is ever written through it. O_NONBLOCK: a FIFO there cannot hang the
    # open; it is then refused as not a regular file.
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    fd = os.open(path, flags, 0o644)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path}: not a regular file")
        # Waits for the other holders. A lockf lock belongs to the process: this module never
        # opens a second descriptor on a lock file it holds, which would drop the lock on close.
        os.lockf(fd, os.F_LOCK, 0)
    except BaseException:
        os.close(fd)
        raise
    return _PosixLock(fd)


def hold(path: Path) -> Held:
    """Take an exclusive lock on `path` (created with its folder when missing), waiting for other
    holders. Raises `OSError` when the lock file cannot be created; callers turn that into the
    error of their layer."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if hasattr(os, "lockf"):
        return _hold_posix(path)
    import filelock

    # thread_local=False: the lock belongs to the process, as the POSIX lock does.
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
