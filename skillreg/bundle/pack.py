"""Packing: one skill folder as a reproducible ``.tar.gz`` with a manifest of every file inside.

The same folder gives the same bytes wherever and however often it is packed: entries sorted by
path, names NFC-normalised, mtime 0, uid/gid 0 with empty owner names, modes 0644 (0755 when any
execute bit is set), PAX format, gzip level 9 with no file name and mtime 0 in its header. Members
sit under one top folder ``{name}/``; ``{name}/.skill-manifest.json`` lists every other member with
its sha256 and size, so an installed copy can still be checked against it.

Left out: VCS folders, ``.skillignore`` itself and paths it matches (gitignore syntax), and any
``.skill-manifest.json`` already in the folder (a bundle's own manifest is always regenerated).
Refused: symlinks that leave the folder or point at folders, device files, FIFOs and sockets,
names that collide when case is ignored, names that are not UTF-8 or hold a backslash or a control
character (install refuses them, or no listing can show them), and trees over the file-count or
byte limits.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import stat
import tarfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from skillreg.bundle.manifest import MANIFEST_FILE
from skillreg.core.atomic import write_atomic
from skillreg.core.errors import BundleError, UsageError
from skillreg.core.jsonio import dump_json
from skillreg.core.names import RULE, is_skill_name

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

    from skillreg.bundle.manifest import BundleManifest

IGNORE_FILE = ".skillignore"
VCS_FOLDERS = frozenset({".git", ".hg", ".svn", ".bzr", "_darcs", "CVS", ".jj"})


@dataclass(frozen=True)
class Limits:
    """What a skill folder may hold before packing refuses it (oversized trees)."""

    max_files: int = 2_000
    max_bytes: int = 32 * 1024 * 1024  # all files, uncompressed


@dataclass(frozen=True)
class BundleFile:
    path: str  # relative to the skill folder, "/"-separated, NFC
    data: bytes
    executable: bool = False


@dataclass(frozen=True)
class Bundle:
    """A built bundle and the digests a registry records for it."""

    name: str
    version: str
    data: bytes  # the .tar.gz
    sha256: str
    tar_sha256: str
    tar_size: int
    manifest: BundleManifest

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.version}.tar.gz"


def check_identity(name: str | None, version: str | None, where: Path | str) -> tuple[str, str]:
    """The skill's registry name and SemVer version, or a `BundleError` saying what to fix."""
    if not name:
        raise BundleError(f"{where}: frontmatter has no `name`; add one", path=where)
    if not is_skill_name(name):
        raise BundleError(f"{where}: name {name!r} cannot be published: use {RULE}", path=where)
    if not version:
        raise BundleError(
            f'{where}: no version: add `metadata:` / `  version: "1.0.0"` (a quoted SemVer string)',
            path=where,
        )
    import semver

    if not semver.Version.is_valid(version):
        raise BundleError(
            f"{where}: metadata.version {version!r} is not SemVer (e.g. 1.2.0)", path=where
        )
    return name, version


def pack_skill(path: Path, limits: Limits = Limits()) -> Bundle:
    """Parse the skill at `path` (a folder or its SKILL.md) and build its bundle."""
    from skillreg.skill.parsed import parse_skill

    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    skill = parse_skill(path)
    if skill.name is None and skill.diagnostics:  # unreadable: say why, not just "no name"
        first = min(skill.diagnostics, key=lambda d: (-d.severity, d.line, d.col))
        raise BundleError(
            f"{first.path}:{first.line}:{first.col}: {first.message}", path=skill.path
        )
    name, version = check_identity(skill.name, skill.version, skill.path)
    return build_bundle(name, version, collect_files(skill.folder, limits, own_name=name))


def own_bundle(name: str) -> re.Pattern[str]:
    """File names `skill pack` gives the bundles of skill `name` (any version)."""
    return re.compile(rf"{re.escape(name)}-\d+\.\d+\.\d+[0-9A-Za-z.+-]*\.tar\.gz")


def collect_files(
    folder: Path, limits: Limits = Limits(), *, own_name: str | None = None
) -> list[BundleFile]:
    """Every file of `folder` that goes into its bundle, sorted by path.

    With `own_name`, files named like that skill's own bundles (``NAME-1.2.0.tar.gz``, wherever
    they lie: `skill pack` run in the skill folder writes there) are left out, so packing again
    never wraps the previous output into the next one, and the same sources give the same bytes.
    """
    own = own_bundle(own_name) if own_name else None
    root = Path(os.path.realpath(folder))
    if not root.is_dir():
        raise BundleError(f"{folder}: not a folder", path=folder)
    spec = _ignore_spec(root)
    files: list[BundleFile] = []
    total = 0
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        dirnames[:] = sorted(
            d for d in dirnames if not _skip_dir(root, Path(dirpath, d), rel_dir + d, spec)
        )
        for fname in sorted(filenames):
            rel = rel_dir + fname
            if rel in (IGNORE_FILE, MANIFEST_FILE) or (spec and spec.match_file(rel)):
                continue
            if own is not None and own.fullmatch(fname):
                continue
            _check_name(rel, folder)
            if len(files) >= limits.max_files:
                raise _too_large(folder, limits)
            # Sizes are checked before reading: a sparse 3 GiB file is refused unread.
            room = limits.max_bytes - total
            data, executable = _read_member(root, Path(dirpath, fname), folder, room)
            if data is None:
                raise _too_large(folder, limits)
            total += len(data)
            files.append(BundleFile(unicodedata.normalize("NFC", rel), data, executable))
    files = [_as_skill_file(f, files) for f in files]
    _check_files(files, folder)
    return sorted(files, key=lambda f: f.path.encode())


def _too_large(folder: Path, limits: Limits) -> BundleError:
    return BundleError(
        f"{folder}: too large to pack (limit {limits.max_files} files, "
        f"{limits.max_bytes} bytes); exclude files with {IGNORE_FILE}",
        path=folder,
    )


def _check_name(rel: str, folder: Path) -> None:
    """Refuse a name that install would refuse, or that no listing can show: published versions
    are immutable, so a name that fails later would make the version uninstallable for good."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        problem = "is not valid UTF-8"
    else:
        if "\\" in rel:
            problem = "holds a backslash (a folder separator on Windows; install refuses it)"
        elif any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in rel):
            problem = "holds a control character"
        else:
            return
    raise BundleError(f"{folder}: file name {rel!r} {problem}; rename it", path=folder)


def _as_skill_file(file: BundleFile, files: list[BundleFile]) -> BundleFile:
    """A lone lowercase ``skill.md`` is packed as ``SKILL.md``, the name agents look for."""
    # Imported here: skill.parsed brings the SKILL.md parser (YAML, Markdown: ~40 ms), which
    # the registry's page renderer, importing this module for `Limits`, never needs.
    from skillreg.skill.parsed import FALLBACK_FILE, SKILL_FILE

    if file.path == FALLBACK_FILE and not any(f.path == SKILL_FILE for f in files):
        return BundleFile(SKILL_FILE, file.data, file.executable)
    return file


def _ignore_spec(root: Path) -> GitIgnoreSpec | None:
    ignore = root / IGNORE_FILE
    if not ignore.is_file():
        return None
    import pathspec

    try:
        lines = ignore.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BundleError(f"{ignore}: cannot read: {exc}", path=ignore) from None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _skip_dir(root: Path, full: Path, rel: str, spec: GitIgnoreSpec | None) -> bool:
    if full.name in VCS_FOLDERS or (spec and spec.match_file(rel + "/")):
        return True
    if full.is_symlink():
        _resolve_inside(root, full)  # raises when the link leaves the folder
        raise BundleError(
            f"{full}: symlink to a folder; use a real folder or list it in {IGNORE_FILE}",
            path=full,
        )
    return False


def _resolve_inside(root: Path, full: Path) -> Path:
    target = Path(os.path.realpath(full))
    if target != root and root not in target.parents:
        raise BundleError(
            f"{full}: symlink points outside the skill folder; copy the file in or remove the link",
            path=full,
        )
    return target


def _read_member(root: Path, full: Path, folder: Path, room: int) -> tuple[bytes | None, bool]:
    """A file's bytes (None when over `room` bytes, unread) and whether it is executable;
    links inside the folder are followed. Read non-blocking, so a FIFO swapped in after the
    check cannot hang a publish."""
    try:
        st = os.lstat(full)
        if stat.S_ISLNK(st.st_mode):
            target = _resolve_inside(root, full)
            st = os.stat(target)
            if stat.S_ISDIR(st.st_mode):
                raise BundleError(f"{full}: symlink to a folder; use a real folder", path=full)
        if not stat.S_ISREG(st.st_mode):
            raise BundleError(
                f"{full}: not a regular file (device, FIFO or socket); remove it or list it in "
                f"{IGNORE_FILE}",
                path=full,
            )
        if st.st_size > room:
            return None, False
        from skillreg.core.bounded import read_regular

        return read_regular(full, room), bool(st.st_mode & 0o111)
    except FileNotFoundError:
        raise BundleError(f"{full}: broken symlink or vanished file", path=full) from None
    except OSError as exc:
        raise BundleError(f"{full}: cannot read: {exc.strerror}", path=full) from None


def _check_files(files: list[BundleFile], folder: Path) -> None:
    from skillreg.skill.parsed import SKILL_FILE

    seen: dict[str, str] = {}
    for f in files:
        key = f.path.casefold()
        if key in seen:
            raise BundleError(
                f"{folder}: {seen[key]!r} and {f.path!r} differ only by case; rename one",
                path=folder,
            )
        seen[key] = f.path
    if SKILL_FILE not in seen.values():
        raise BundleError(f"{folder}: no SKILL.md in the bundle (is it ignored?)", path=folder)


def build_bundle(name: str, version: str, files: list[BundleFile]) -> Bundle:
    """The deterministic ``.tar.gz`` of `files` under ``{name}/`` with its manifest."""
    from skillreg.bundle.manifest import BundleManifest, ManifestFile

    manifest = BundleManifest(
        name=name,
        version=version,
        files=[
            ManifestFile(
                path=f.path,
                sha256=hashlib.sha256(f.data).hexdigest(),
                size=len(f.data),
                executable=f.executable,
            )
            for f in files
        ],
    )
    members = [*files, BundleFile(MANIFEST_FILE, dump_json(manifest.model_dump(mode="json")))]
    tar = _tar_bytes(name, sorted(members, key=lambda f: f.path.encode()))
    data = _gzip_bytes(tar)
    return Bundle(
        name=name,
        version=version,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        tar_sha256=hashlib.sha256(tar).hexdigest(),
        tar_size=len(tar),
        manifest=manifest,
    )


def _tar_bytes(name: str, members: list[BundleFile]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for member in members:
            info = tarfile.TarInfo(f"{name}/{member.path}")
            info.size = len(member.data)
            info.mtime = 0
            info.mode = 0o755 if member.executable else 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(member.data))
    return buf.getvalue()


def _gzip_bytes(tar: bytes) -> bytes:
    # GzipFile rather than gzip.compress: the latter lets zlib write the OS byte, which differs
    # between platforms; GzipFile always writes 255 ("unknown").
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as gz:
        gz.write(tar)
    return out.getvalue()


def write_bundle(bundle: Bundle, out_dir: Path) -> Path:
    """Write ``{name}-{version}.tar.gz`` into `out_dir` atomically; returns its path."""
    target = out_dir / bundle.filename
    try:
        write_atomic(target, bundle.data)  # creates `out_dir` when missing
    except OSError as exc:
        raise BundleError(f"{target}: cannot write: {exc.strerror}", path=target) from None
    return target


def pack_to_folder(path: Path, out_dir: Path, limits: Limits = Limits()) -> tuple[Bundle, Path]:
    """`skill pack`: build the bundle of the skill at `path` and write it into `out_dir`."""
    bundle = pack_skill(path, limits)
    return bundle, write_bundle(bundle, out_dir)
