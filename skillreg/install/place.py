"""Putting skill folders in place: markers, staging beside the target, atomic swaps, links.

Every installed folder carries a ``.skillreg.json`` marker (name, version, bundle sha256 and the
sha256 of each file), written while the folder is still staged under a hidden temporary name. The
marker is how skillreg knows a folder is its own (anything else is never replaced without
``--force``) and how ``skill list`` tells "ok" from "modified".

A swap is one rename: into an empty place, ``rename``; over an existing folder, Linux's
``renameat2(RENAME_EXCHANGE)`` when available (atomic), else two renames, with the old folder
parked under a ``.skillreg-tmp-old-<name>-*`` name that `clean_stale` puts back if a crash
struck between them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from skillreg.core.atomic import parse_temp_name, temp_name, write_atomic
from skillreg.core.errors import InstallError
from skillreg.core.jsonio import dump_json

MARKER = ".skillreg.json"
_OLD = "old-"


class Marker(NamedTuple):
    name: str
    version: str
    sha256: str
    files: dict[str, str]  # posix relative path -> sha256 of its bytes


def file_digests(folder: Path) -> dict[str, str]:
    digests: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.name != MARKER:
            digests[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return digests


def write_marker(folder: Path, name: str, version: str, sha256: str) -> None:
    record = {"name": name, "version": version, "sha256": sha256, "files": file_digests(folder)}
    (folder / MARKER).write_bytes(dump_json(record))


def read_marker(folder: Path) -> Marker | None:
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        return Marker(data["name"], data["version"], data["sha256"], dict(data["files"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def folder_status(folder: Path, sha256: str, name: str = "", version: str = "") -> str:
    """One of: ok; modified (files differ from the marker); unmanaged (no marker, but exactly
    the locked files: another tool removed it); missing (no folder, or other files)."""
    marker = read_marker(folder) if folder.is_dir() else None
    if marker is None:
        same = name and folder.is_dir() and repacked_sha256(folder, name, version) == sha256
        return "unmanaged" if same else "missing"
    if marker.sha256 != sha256:
        return "missing"
    return "ok" if file_digests(folder) == marker.files else "modified"


def repacked_sha256(folder: Path, name: str, version: str) -> str | None:
    """The digest `skill pack` gives the folder's files as `name`@`version`: a bundle packed by
    skillreg is byte-for-byte reproducible, so this equals the locked digest exactly when the
    files are the ones installed. None when the folder cannot be packed."""
    from skillreg.bundle.pack import build_bundle, collect_files
    from skillreg.core.errors import SkillError

    try:
        return build_bundle(name, version, collect_files(folder)).sha256
    except (SkillError, OSError):
        return None


def adopt(folder: Path, name: str, version: str, sha256: str) -> None:
    """Take over `folder` (checked unmanaged by the caller) by writing its marker atomically."""
    record = {"name": name, "version": version, "sha256": sha256, "files": file_digests(folder)}
    write_atomic(folder / MARKER, dump_json(record), durable=False)


def is_modified(path: Path) -> bool:
    """True for a folder skillreg placed whose files were changed since (a symlink never is)."""
    if path.is_symlink() or not path.is_dir():
        return False
    marker = read_marker(path)
    return marker is not None and file_digests(path) != marker.files


def is_ours(path: Path, name: str, canonical: Path) -> bool:
    """True when `path` is free, or holds something skillreg placed for skill `name`."""
    if path.is_symlink():
        return os.path.realpath(path) == os.path.realpath(canonical) or not path.exists()
    if not path.exists():
        return True
    marker = read_marker(path) if path.is_dir() else None
    return marker is not None and marker.name == name


def discard(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def stage_link(canonical: Path, target: Path) -> Path | None:
    """A relative symlink to `canonical`, staged beside `target` (whose folder exists and was
    checked against the project boundary); None where links fail.

    The link text is computed between the real folders of both ends: a link is resolved from
    the folder it physically sits in, so when an agent folder is itself a symlink
    (``.claude/skills -> /elsewhere``) a path relative to the unresolved one would dangle. The
    staged link is checked to lead to `canonical` (which may not be in place yet); if it does
    not, it is dropped and the caller copies instead.
    """
    staged = temp_name(target.parent, target.name)
    real_canonical = os.path.realpath(canonical)
    try:
        text = os.path.relpath(real_canonical, os.path.realpath(target.parent))
        os.symlink(text, staged, target_is_directory=True)
    except (OSError, NotImplementedError, ValueError):  # ValueError: another drive (Windows)
        return None
    if os.path.realpath(staged) != real_canonical:
        staged.unlink(missing_ok=True)
        return None
    return staged


def stage_copy(source: Path, target: Path) -> Path:
    staged = temp_name(target.parent, target.name)
    shutil.copytree(source, staged, symlinks=False)
    return staged


def _exchange(a: str, b: str, dir_fd: int) -> bool:
    """Atomically swap two names in the folder `dir_fd` (Linux ``renameat2``); False where
    unsupported."""
    if sys.platform != "linux":
        return False
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    rename_exchange = 2
    return bool(renameat2(dir_fd, os.fsencode(a), dir_fd, os.fsencode(b), rename_exchange) == 0)


def _lexists(name: str, dir_fd: int) -> bool:
    try:
        os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def _is_dir(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISDIR(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except FileNotFoundError:
        return False


def swap_in(staged: Path, target: Path, dir_fd: int) -> Path | None:
    """Move `staged` to `target`; returns where the previous content now is (to discard).

    Both sit in one folder, opened as `dir_fd` (checked against the project boundary): every
    rename is relative to it, so a link swapped in for a parent folder cannot redirect it.
    """
    src, dst = staged.name, target.name
    if not _lexists(dst, dir_fd):
        os.rename(src, dst, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        return None
    if not _is_dir(src, dir_fd) and not _is_dir(dst, dir_fd):
        os.replace(src, dst, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        return None
    if _exchange(src, dst, dir_fd):
        return staged
    parked = temp_name(target.parent, _OLD + target.name)
    os.rename(dst, parked.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    os.rename(src, dst, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    return parked


def discard_at(name: str, dir_fd: int) -> None:
    """Delete `name` in the folder `dir_fd`: a link or file is unlinked, a folder removed (never
    followed through a link)."""
    if _is_dir(name, dir_fd):
        shutil.rmtree(name, dir_fd=dir_fd, ignore_errors=True)
    elif _lexists(name, dir_fd):
        os.unlink(name, dir_fd=dir_fd)


def clean_stale(folder: Path) -> None:
    """Remove temporary leftovers of interrupted runs, putting back a parked folder if needed."""
    if not folder.is_dir():
        return
    for child in folder.iterdir():
        parsed = parse_temp_name(child.name)
        if parsed is None:
            continue
        hint = parsed[0]
        if hint.startswith(_OLD):
            original = folder / hint[len(_OLD) :]
            if not original.exists() and not original.is_symlink():
                os.rename(child, original)
                continue
        discard(child)


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
