"""Installing from where a skill lives rather than from a registry: a folder, a bundle file
(``skill pack``'s ``.tar.gz``), or a git repository (``git+https://…`` / ``git+file://…``).

Each source becomes a bundle, so it goes through the same checks, atomic placement and lock
entries as a registry install: a folder is packed as ``skill pack`` packs it (same bytes for the
same files), a bundle file is checked against the manifest it carries, and a git commit's tree is
read by `skillreg.install.git` and packed. The lock records the source, the bundle's sha256 and,
for git, the commit; a restore rebuilds the bundle from there (or takes it from the cache) and
refuses it unless the digest is the one locked.
"""

from __future__ import annotations

import contextlib
import hashlib
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from skillreg.core.atomic import write_atomic
from skillreg.core.errors import BundleError, InstallError, IntegrityError, UsageError
from skillreg.core.terminal import for_terminal

if TYPE_CHECKING:
    from skillreg.install.lock import LockEntry

MAX_ARCHIVE = 64 * 1024 * 1024  # bytes of a bundle file read from disk
UNVERSIONED = "0.0.0"  # what the lock records for a skill whose SKILL.md names no version
_ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")


class Fetched(NamedTuple):
    """A source turned into a bundle, with what its lock entry records."""

    kind: str  # "folder", "archive" or "git"
    locator: str  # as the lock and manifest name the source
    name: str
    version: str
    data: bytes  # the bundle (.tar.gz)
    commit: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def is_source(text: str) -> bool:
    """True when an install argument names a source rather than ``NAME[@RANGE]``: skill names
    hold neither slashes nor dots, so any path-like text is one."""
    head = text.partition("@")[0]
    return (
        text.startswith(("git+", ".", "/", "~"))
        or "/" in head
        or "\\" in head
        or text.endswith(_ARCHIVE_SUFFIXES)
    )


def locate(text: str, *, root: Path, cwd: Path) -> tuple[str, str]:
    """(kind, locator) for an install argument; paths inside the project are recorded relative
    to its root so a committed lock works in every clone."""
    if text.startswith("git+"):
        from skillreg.install.git import parse_git_source  # with subprocess: for git only

        return "git", parse_git_source(text).locator
    try:
        path = (cwd / Path(text).expanduser()).resolve()
    except (RuntimeError, OSError, ValueError) as exc:  # `~nobody`, a symlink loop, a NUL
        raise UsageError(f"{for_terminal(text)}: not a usable path ({exc})", path=text) from None
    if not path.exists():
        raise UsageError(f"{text}: no such folder or bundle file", path=text)
    kind = "folder" if path.is_dir() else "archive"
    if kind == "archive" and not path.name.endswith(_ARCHIVE_SUFFIXES):
        raise UsageError(f"{text}: not a skill folder or a .tar.gz bundle", path=text)
    try:
        return kind, "./" + path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return kind, str(path)


def fetch(
    kind: str,
    locator: str,
    *,
    root: Path,
    commit: str | None = None,
    confined: bool = False,
    offline: bool = False,
) -> Fetched:
    """The source as a bundle; `commit` pins a git source (a restore from the lock).

    `confined` is for locators read from the project's own files (lock, manifest), which a
    cloned repository controls: a local path must then stay inside the project, so a clone cannot
    make skillreg copy a skill folder from elsewhere on this machine into it.
    """
    if kind == "git":
        if offline and not locator.startswith("git+file:"):
            raise InstallError(f"{locator}: not in the bundle cache, and --offline forbids git")
        return _from_git(locator, commit)
    if confined:
        check_confined(locator, root)
    path = root / locator if locator.startswith("./") else Path(locator)
    if kind == "folder":
        return _from_folder(path, kind, locator)
    return _from_archive(path, locator)


def check_confined(locator: str, root: Path) -> None:
    """Refuse a local path named by the project's files that leads outside the project."""
    if locator.startswith("git+"):
        return
    inside = False
    if locator.startswith("./"):
        real, top = (root / locator).resolve(), root.resolve()
        inside = real == top or top in real.parents
    if not inside:
        raise InstallError(
            f"{locator}: the project's files name a source outside the project; not read"
            f" (install it yourself with `skill install PATH`)",
            path=locator,
        )


def _from_folder(folder: Path, kind: str, locator: str, commit: str | None = None) -> Fetched:
    from skillreg.bundle.pack import build_bundle, check_identity, collect_files
    from skillreg.skill.parsed import parse_skill

    if not (folder / "SKILL.md").is_file():
        raise InstallError(f"{locator}: no SKILL.md in this folder", path=locator)
    skill = parse_skill(folder)
    name, version = check_identity(skill.name, skill.version or UNVERSIONED, locator)
    bundle = build_bundle(name, version, collect_files(folder))
    return Fetched(kind, locator, name, version, bundle.data, commit)


def _from_archive(path: Path, locator: str) -> Fetched:
    from skillreg.bundle.pack import check_identity
    from skillreg.bundle.read import read_manifest

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_ARCHIVE + 1)
    except OSError as exc:
        raise InstallError(f"{locator}: cannot read: {exc.strerror}", path=locator) from None
    if len(data) > MAX_ARCHIVE:
        raise BundleError(f"{locator}: larger than {MAX_ARCHIVE} bytes (refused)", path=locator)
    manifest = read_manifest(data, locator)  # every member checked against its own manifest
    name, version = check_identity(manifest.name, manifest.version, locator)
    return Fetched("archive", locator, name, version, data)


def _from_git(locator: str, commit: str | None) -> Fetched:
    from skillreg.install.git import fetch_tree, parse_git_source

    source = parse_git_source(locator)
    with tempfile.TemporaryDirectory(prefix="skillreg-src-") as tmp:
        folder = Path(tmp) / "skill"
        resolved = fetch_tree(source, folder, commit)
        return _from_folder(folder, "git", source.locator, resolved)


def cache_bundle(cache_dir: Path, data: bytes) -> None:
    """Keep the bundle by digest so a restore works when the source moved on or is offline."""
    # A cache is an optimisation: a full disk or read-only cache must not fail the install.
    with contextlib.suppress(OSError):
        write_atomic(cache_dir / f"{hashlib.sha256(data).hexdigest()}.tar.gz", data, durable=False)


def cached_bundle(cache_dir: Path, sha256: str) -> bytes | None:
    try:
        data = (cache_dir / f"{sha256}.tar.gz").read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha256 else None


def describe(kind: str) -> str:
    return {"folder": "folder", "archive": "bundle file", "git": "git repository"}[kind]


def locked_bundle(
    entry: LockEntry,
    *,
    root: Path,
    cache_dir: Path,
    fetched: dict[str, bytes],
    confined: bool,
    offline: bool = False,
) -> bytes:
    """The bundle a source lock entry names: fetched this run, cached, or rebuilt from the
    source; refused unless its sha256 is the locked one (the source moved on, or was tampered
    with)."""
    data = fetched.get(entry.sha256) or cached_bundle(cache_dir, entry.sha256)
    if data is None:
        assert entry.source is not None
        data = fetch(
            entry.source,
            entry.registry,
            root=root,
            commit=entry.commit,
            confined=confined,
            offline=offline,
        ).data
        if hashlib.sha256(data).hexdigest() != entry.sha256:
            raise IntegrityError(
                f"{entry.name}: {entry.registry} no longer gives the files skills.lock records"
                f" (sha256 {entry.sha256[:12]}…); run `skill install {entry.registry}` to take"
                " what it holds now"
            )
        cache_bundle(cache_dir, data)
    return data
