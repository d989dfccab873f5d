"""Safe unpacking of a verified bundle into a fresh folder.

Only regular files and folders are accepted: links, devices and fifos are refused outright, then
tarfile's ``data`` filter (PEP 706) checks every path. On top of it: a member count limit, an
unpacked size limit enforced on the decompressed stream itself (so a gzip bomb is stopped after a
bounded amount of work, whatever its headers claim), and names that collide when case is ignored
(they would overwrite each other on macOS and Windows). The caller deletes the folder on failure.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import shutil
import tarfile
import zlib
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from skillreg.core.errors import BundleError, InstallError, IntegrityError
from skillreg.core.record import validation_error

MAX_MEMBERS = 2_000
MAX_UNPACKED = 64 * 1024 * 1024  # bytes of file content
_HEADER_ALLOWANCE = 1536  # tar header + padding per member, counted against the stream limit
# Extraction filters (PEP 706) arrived in Python 3.11.4; Debian 12's python3 is 3.11.2.
_FILTER_ERROR: type[Exception] | tuple[()] = getattr(tarfile, "FilterError", ())


class Limits(NamedTuple):
    members: int = MAX_MEMBERS
    unpacked: int = MAX_UNPACKED


_LIMITS = Limits()


class _CappedReader(io.RawIOBase):
    """Decompressed bytes, stopping with `BundleError` once more than `cap` were produced."""

    def __init__(self, source: gzip.GzipFile, cap: int, label: str) -> None:
        self.source, self.cap, self.label, self.seen = source, cap, label, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.source.read(len(buffer))
        self.seen += len(data)
        if self.seen > self.cap:
            raise BundleError(f"{self.label}: unpacks to more than {self.cap} bytes (refused)")
        buffer[: len(data)] = data
        return len(data)


_MAX_MTIME = 2**34  # seconds either side of 1970: about 500 years; NaN fails every comparison


def extract_bundle(data: bytes | Path, dest: Path, *, label: str, limits: Limits = _LIMITS) -> None:
    """Unpack the gzip'd tar `data` (bytes, or a verified file read as a stream) into the new
    folder `dest` (which must not exist yet)."""
    dest.mkdir(parents=True)
    cap = limits.unpacked + _HEADER_ALLOWANCE * (limits.members + 2)
    source = open(data, "rb") if isinstance(data, Path) else io.BytesIO(data)  # noqa: SIM115
    raw = _CappedReader(gzip.GzipFile(fileobj=source), cap, label)
    stream = io.BufferedReader(raw, buffer_size=64 * 1024)
    try:
        with source, tarfile.open(fileobj=stream, mode="r|") as archive:
            _extract_members(archive, dest, label, limits)
    except _FILTER_ERROR as exc:
        raise BundleError(f"{label}: unsafe member refused: {exc}") from None
    except (tarfile.TarError, EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise BundleError(f"{label}: not a valid bundle ({exc})") from None
    except OSError as exc:  # about our disk (full, read-only), not about the bundle
        raise InstallError(
            f"{dest.parent}: cannot unpack {label}: {exc.strerror or exc}", path=dest
        ) from None


def _extract_members(archive: tarfile.TarFile, dest: Path, label: str, limits: Limits) -> None:
    seen: dict[str, str] = {}
    total = 0
    for count, member in enumerate(archive, start=1):
        if count > limits.members:
            raise BundleError(f"{label}: more than {limits.members} members (refused)")
        _check_member(member, label, seen)
        total += member.size
        if total > limits.unpacked:
            raise BundleError(f"{label}: unpacks to more than {limits.unpacked} bytes (refused)")
        if hasattr(tarfile, "data_filter"):
            archive.extract(member, dest, filter="data")
        else:
            _write_member(archive, member, dest)


def _write_member(archive: tarfile.TarFile, member: tarfile.TarInfo, dest: Path) -> None:
    """What the ``data`` filter would extract, for Pythons older than 3.11.4 that lack it: the
    member was checked already (a file or folder, inside `dest`); ownership and special mode
    bits are not taken from the archive."""
    target = dest.joinpath(*PurePosixPath(member.name).parts)
    if member.isdir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    source = archive.extractfile(member)
    mode = 0o755 if member.mode & 0o100 else 0o644
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, mode)
    with os.fdopen(fd, "wb") as out:
        if source is not None:
            shutil.copyfileobj(source, out)


def _check_member(member: tarfile.TarInfo, label: str, seen: dict[str, str]) -> None:
    name = member.name
    # A PAX header may set mtime to any float (1e30, nan, -inf), which utime cannot take.
    if not (isinstance(member.mtime, int | float) and -_MAX_MTIME <= member.mtime <= _MAX_MTIME):
        raise BundleError(f"{label}: member {name!r} has an impossible modification time")
    if member.issym() or member.islnk():
        raise BundleError(f"{label}: link member {name!r} refused (bundles hold files only)")
    if not (member.isfile() or member.isdir()):
        raise BundleError(f"{label}: special member {name!r} refused (device, fifo or other)")
    path = PurePosixPath(name)
    if "\0" in name:
        raise BundleError(f"{label}: member {name!r} has a NUL in its name (refused)")
    if path.is_absolute() or ".." in path.parts or name.startswith(("/", "\\")) or "\\" in name:
        raise BundleError(f"{label}: member {name!r} escapes the folder (refused)")
    key = str(path).casefold()
    if key in seen and (seen[key] != str(path) or not member.isdir()):
        raise BundleError(f"{label}: member {name!r} collides with {seen[key]!r} (case ignored)")
    seen[key] = str(path)


def skill_root(folder: Path) -> Path:
    """The folder holding SKILL.md: the bundle root, or its single top-level folder."""
    if (folder / "SKILL.md").is_file():
        return folder
    children = list(folder.iterdir())
    if len(children) == 1 and children[0].is_dir() and (children[0] / "SKILL.md").is_file():
        return children[0]
    raise BundleError(f"{folder.name}: bundle has no SKILL.md")


def settle_manifest(folder: Path, label: str) -> None:
    """Check the unpacked files against the manifest the bundle carries, then drop it: the
    install marker records the same digests, and agents need no second metadata file.

    A bundle without a manifest (another producer's) is accepted as it is; one whose files
    disagree with its own manifest is refused.
    """
    from skillreg.bundle.manifest import MANIFEST_FILE, BundleManifest

    path = folder / MANIFEST_FILE
    if not path.is_file():
        return
    try:
        manifest = BundleManifest.model_validate_json(path.read_bytes())
    except (validation_error(), OSError) as exc:
        raise BundleError(f"{label}: unreadable bundle manifest ({type(exc).__name__})") from None
    path.unlink()
    recorded = {f.path: f.sha256 for f in manifest.files}
    on_disk = {
        file.relative_to(folder).as_posix(): hashlib.sha256(file.read_bytes()).hexdigest()
        for file in folder.rglob("*")
        if file.is_file()
    }
    if recorded != on_disk:
        where = sorted(set(recorded.items()) ^ set(on_disk.items()))[0][0]
        raise IntegrityError(f"{label}: {where} does not match the bundle's own manifest")
