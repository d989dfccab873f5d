"""Atomic file writes, and the temporary names that make crash recovery possible.

Everything skillreg writes goes first to a hidden ``.skillreg-tmp-*`` name in the target's folder
(same file system), then `os.replace` puts it in place: a reader, or a crash, sees the old file or
the new one, never half of one. A temporary name records the pid of its writer, so a cleaner can
tell a live writer's file from one a killed writer left behind.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TMP_PREFIX = ".skillreg-tmp-"
_TEMP_NAME = re.compile(re.escape(TMP_PREFIX) + r"(.*)-(\d+)-[0-9a-f]{8}")


def temp_name(folder: Path, hint: str = "") -> Path:
    """A fresh hidden path in `folder`: ``.skillreg-tmp-{hint}-{pid}-{random}``."""
    # os.urandom(4).hex() is what secrets.token_hex(4) returns, without importing secrets
    # (hmac, random, base64: a few ms of every writing verb's start-up).
    return folder / f"{TMP_PREFIX}{hint}-{os.getpid()}-{os.urandom(4).hex()}"


def parse_temp_name(name: str) -> tuple[str, int] | None:
    """(hint, writer pid) of a name made by `temp_name`; None for any other name."""
    match = _TEMP_NAME.fullmatch(name)
    return (match[1], int(match[2])) if match else None


def write_atomic(
    path: Path, data: bytes | str, *, durable: bool = True, mode: int | None = None
) -> None:
    """Make `path` hold `data` (text is written as UTF-8, newlines untouched), all or nothing.

    `mode` defaults to the replaced file's mode, else to 0o666 less the umask, as `open` would
    give; `durable=False` skips the fsync (for caches). Raises `OSError`: callers say what failed
    in their own terms.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with open_atomic(path, durable=durable, mode=mode) as fh:
        fh.write(payload)


@contextlib.contextmanager
def open_atomic(path: Path, *, durable: bool = True, mode: int | None = None) -> Iterator[BinaryIO]:
    """`write_atomic` for a writer that streams: the file written in the block replaces `path`
    when the block ends without an exception, and is removed otherwise."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
    tmp = temp_name(path.parent, path.name)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            yield fh
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def can_sync_later() -> bool:
    """Whether `sync_file_system` exists here (POSIX): then a batch may skip the fsync of each
    file and flush them all at once."""
    return hasattr(os, "sync")


def sync_file_system(folder: Path) -> None:
    """Flush to disk everything written on the file system holding `folder`: one ``syncfs(2)``
    (Linux), else ``sync(2)``. A batch of files written with ``durable=False`` is then as
    durable as if each had been fsynced, for one flush instead of thousands."""
    try:
        import ctypes

        syncfs = ctypes.CDLL(None, use_errno=True).syncfs
        fd = os.open(folder, os.O_RDONLY)
        try:
            if syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    except (OSError, AttributeError):
        pass
    os.sync()
