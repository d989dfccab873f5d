"""Bounded reads of files that may be hostile: regular files only, a size cap, no blocking open.

A folder registry, a skill folder or a cloned project may hold a FIFO (an open for reading
blocks until a writer comes), a device (``/dev/zero`` never ends) or a sparse file of gigabytes.
Files are opened non-blocking, checked with ``fstat`` on the open descriptor (so a path swapped
after a check is still caught), refused when over the cap before a byte is read, and read to at
most cap + 1 bytes in case they grow. Failures are `OSError`s whose `strerror` says what was
wrong, so every caller's existing "cannot read: …" handling applies.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

CHUNK = 1 << 20  # what is held in memory at once while streaming


def refusal(path: Path | str, message: str) -> OSError:
    return OSError(errno.EINVAL, message, str(path))


@contextmanager
def open_regular(path: Path | str, cap: int) -> Iterator[tuple[int, int]]:
    """``(fd, size)`` of the regular file at `path`; `OSError` if it is anything else or larger
    than `cap` bytes. The descriptor is closed on exit."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise refusal(path, "not a regular file (a FIFO, device, socket or folder)")
        if info.st_size > cap:
            raise refusal(path, f"{info.st_size} bytes, over the {cap}-byte limit")
        yield fd, info.st_size
    finally:
        os.close(fd)


def read_regular(path: Path | str, cap: int) -> bytes:
    """The bytes of the regular file at `path`, at most `cap` of them (see `open_regular`)."""
    chunks: list[bytes] = []
    with open_regular(path, cap) as (fd, size):
        copy_capped(fd, cap, chunks.append, path, size_hint=size)
    return b"".join(chunks)


def copy_capped(
    fd: int, cap: int, write: Callable[[bytes], object], path: Path | str, size_hint: int = CHUNK
) -> int:
    """Stream `fd` to `write` in chunks; `OSError` once more than `cap` bytes came. The count.

    `size_hint` (the size `fstat` gave) sizes the reads, so a small file costs two small reads
    rather than two buffers of `CHUNK` bytes."""
    total = 0
    step = max(1, min(CHUNK, size_hint + 1))
    while True:
        chunk = os.read(fd, min(step, cap + 1 - total))
        if not chunk:
            return total
        total += len(chunk)
        if total > cap:
            raise refusal(path, f"grew past the {cap}-byte limit while being read")
        write(chunk)
