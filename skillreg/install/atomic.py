"""Atomic file writes and the temporary names that make crash recovery possible.

Everything skillreg writes beside user files goes first to a hidden ``.skillreg-tmp-*`` name in the
same folder, then `os.replace` puts it in place: a reader (or a crash) sees the old file or the new
one, never half of one. Leftover temporary names are removed by the next install.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from skillreg.errors import InstallError

TMP_PREFIX = ".skillreg-tmp-"


def temp_name(folder: Path, hint: str = "") -> Path:
    """A fresh hidden path in `folder` (same file system, so a rename into place is atomic)."""
    return folder / f"{TMP_PREFIX}{hint}{'-' if hint else ''}{secrets.token_hex(6)}"


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write `data` to `path` all or nothing; `durable=False` skips the fsync (caches)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(path.parent, path.name)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


@contextmanager
def fs_errors() -> Iterator[None]:
    """Turn a file-system failure (disk full, permissions) into one `InstallError` line.

    Callers order their writes so that stopping at any of them leaves a consistent state.
    """
    try:
        yield
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        raise InstallError(
            f"{where}cannot write: {exc.strerror or exc}", path=exc.filename
        ) from None
