"""A registry in a local folder: locks, atomic and create-only writes, reading and writing files.

Writers follow one order so that a reader (or a publisher killed at any moment) never sees a
document that points at a missing or partial file: the bundle first (create-only, content
addressed), then the per-skill document (atomic replace), then the derived files.

Locks are OS file locks on files under ``.locks/`` (`skillreg.core.locking`): the kernel drops
them when a holder dies, even by SIGKILL, so a killed publisher never leaves a stale lock behind.
A per-skill lock guards each document's read-modify-write; one registry-wide lock guards the
derived files. A process takes a skill lock before the registry lock, never the other way round.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from skillreg.core.atomic import parse_temp_name, write_atomic
from skillreg.core.bounded import copy_capped, open_regular, read_regular
from skillreg.core.errors import IntegrityError, RegistryError, UsageError, describe_error
from skillreg.core.jsonio import dump_json
from skillreg.core.locking import hold
from skillreg.core.names import RULE, is_skill_name
from skillreg.registry.model import (
    FORMAT,
    FORMAT_VERSION,
    MAX_BUNDLE,
    MAX_INDEX_FILE,
    OLDEST_READABLE,
    ROOT_FILE,
    RegistryRoot,
    SkillDocument,
    blob_path,
    index_path,
    index_prefix,
)
from skillreg.registry.nolinks import check_file, links_under, real_folder

LOCK_DIR = ".locks"
PENDING_DIR = f"{LOCK_DIR}/pending"  # marks of writes whose derived files are not updated yet
PAUSE_ENV = "SKILL_TEST_PAUSE_AT"  # test hook: "<step>" to sleep at that step
PAUSE_SIGNAL_ENV = "SKILL_TEST_PAUSE_SIGNAL"  # test hook: file created when the pause starts
PAUSE_SECONDS_ENV = "SKILL_TEST_PAUSE_SECONDS"  # test hook: how long to pause (default 60)


def registry_folder(target: str) -> Path:
    """A registry given as a folder path or a ``file://`` URL; remote URLs are read-only here."""
    if "://" not in target:
        return Path(target)
    url = urlparse(target)
    if url.scheme != "file":
        raise UsageError(
            f"{target}: can only write to a folder or a file:// URL; publish to a local copy "
            "and upload its files to the static host"
        )
    if url.netloc not in ("", "localhost"):
        raise UsageError(f"{target}: file:// URLs must name a local path (file:///path)")
    return Path(unquote(url.path))


def check_name(name: str) -> None:
    """Refuse a name that is not a skill name before it becomes part of a path."""
    if not is_skill_name(name):
        raise UsageError(f"{name!r} is not a skill name ({RULE})")


def pause_point(step: str) -> None:
    """Test hook: sleep at `step` when SKILL_TEST_PAUSE_AT names it, so a test can kill us."""
    if os.environ.get(PAUSE_ENV) != step:
        return
    signal_file = os.environ.get(PAUSE_SIGNAL_ENV)
    if signal_file:
        Path(signal_file).touch()
    time.sleep(float(os.environ.get(PAUSE_SECONDS_ENV, "60")))


def now_rfc3339() -> str:
    """UTC now, or SOURCE_DATE_EPOCH when set (reproducible registries)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            moment = datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time in seconds") from None
    else:
        moment = datetime.now(tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class FolderRegistry:
    """The files of one registry under `root`; paths are the ones `model` defines."""

    root: Path

    # -- reading ---------------------------------------------------------------------------

    def exists(self) -> bool:
        return (self.root / ROOT_FILE).is_file()

    def require(self) -> RegistryRoot:
        """The root document; a `RegistryError` when `root` is not a registry."""
        path = self.root / ROOT_FILE
        if not self.root.exists():  # a mistyped path, as for every command: a usage error
            raise UsageError(f"{self.root}: no such folder", path=self.root)
        if not path.is_file():
            raise RegistryError(
                f"{self.root}: not a registry (no {ROOT_FILE}); publish a skill to create one",
                path=self.root,
            )
        from pydantic import ValidationError

        try:
            root = RegistryRoot.model_validate_json(read_regular(path, MAX_INDEX_FILE))
        except ValidationError as exc:
            raise RegistryError(f"{path}: invalid: {describe_error(exc)}", path=path) from None
        except OSError as exc:
            raise RegistryError(f"{path}: cannot read: {exc.strerror}", path=path) from None
        if not root.default_layout:  # clients follow templates; writer and verify do not
            raise RegistryError(
                f"{path}: custom path templates; this skillreg writes and verifies only the"
                " default layout (index/, blobs/sha256/, catalog.json)",
                path=path,
            )
        # (`format` itself is checked by the model)
        if not OLDEST_READABLE <= root.format_version <= FORMAT_VERSION:
            raise RegistryError(
                f"{path}: format version {root.format_version} is not one this skillreg "
                f"reads ({OLDEST_READABLE} to {FORMAT_VERSION}); upgrade skillreg",
                path=path,
            )
        return root

    def check_writable(self) -> None:
        """Refuse, before anything is written, a registry holding any symlink below its root
        (`RegistryError` naming the first): writers never go through one, and a registry that
        has one is damaged (`verify` says where). Each write checks its own path again."""
        links = links_under(self.root)
        if links:
            raise RegistryError(
                f"{self.root / links[0]}: a symlink inside the registry; the publisher never"
                " writes through it (replace it with a real folder or file, then"
                " `skill registry verify`)",
                path=self.root / links[0],
            )

    def upgrade_root(self) -> list[str]:
        """Raise an older registry's ``registry.json`` to the format this skillreg writes, before
        it writes anything of that format ([ROOT_FILE] when it did, else [])."""
        root = self.require()
        if root.format_version == FORMAT_VERSION:
            return []
        with self.registry_lock():
            root = self.require()  # another writer may have upgraded it meanwhile
            if root.format_version == FORMAT_VERSION:
                return []
            upgraded = root.model_copy(update={"format_version": FORMAT_VERSION})
            self.write_file(ROOT_FILE, dump_json(upgraded.model_dump(mode="json")))
            return [ROOT_FILE]

    def has_skill(self, name: str) -> bool:
        return is_skill_name(name) and (self.root / index_path(name)).is_file()

    def read_doc(self, name: str) -> SkillDocument | None:
        """The skill's document, None when it has never been published."""
        check_name(name)
        path = self.root / index_path(name)
        try:
            raw = read_regular(path, MAX_INDEX_FILE)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise RegistryError(f"{path}: cannot read: {exc.strerror}", path=path) from None
        from pydantic import ValidationError

        try:
            doc = SkillDocument.model_validate_json(raw)
        except ValidationError as exc:
            raise RegistryError(f"{path}: invalid: {describe_error(exc)}", path=path) from None
        if doc.name != name:
            raise RegistryError(f"{path}: names skill {doc.name!r}, expected {name!r}", path=path)
        return doc

    # -- writing ---------------------------------------------------------------------------

    def ensure_root(self) -> bool:
        """Create ``registry.json`` in an empty or missing folder; True when it was created."""
        if self.exists():
            self.require()
            return False
        self.check_creatable()
        with self.registry_lock():  # first publishers racing to create the same registry
            if self.exists():
                return False
            return self.write_file(
                ROOT_FILE, dump_json(RegistryRoot(format=FORMAT).model_dump(mode="json"))
            )

    def check_creatable(self) -> None:
        """Refuse to turn a folder holding other (visible) files into a registry.

        Hidden entries are allowed: ``.git``, our ``.locks`` and the temp file of a publisher
        that is creating this registry right now.
        """
        if self.root.exists() and not self.root.is_dir():
            raise RegistryError(f"{self.root}: not a folder", path=self.root)
        if self.root.is_dir() and any(not p.name.startswith(".") for p in self.root.iterdir()):
            raise RegistryError(
                f"{self.root}: folder is not empty and has no {ROOT_FILE}; choose an empty "
                "folder for a new registry",
                path=self.root,
            )

    def write_doc(self, doc: SkillDocument) -> bool:
        return self.write_file(index_path(doc.name), dump_json(doc.model_dump(mode="json")))

    def write_blob(self, data: bytes, sha256: str) -> bool:
        """Create the bundle at its content address; True when it was created.

        An existing file with the right digest is left alone. One with the wrong digest (edited
        or damaged) is replaced: its address says which bytes belong there.
        """
        rel = blob_path(sha256)
        target = check_file(self.root, rel)
        if target.is_file() and _sha256_of(target) == sha256:
            return False
        if hashlib.sha256(data).hexdigest() != sha256:
            raise IntegrityError(f"{rel}: bundle bytes do not match their digest")
        return self.write_file(rel, data, force=True)

    def write_file(self, rel: str, data: bytes, *, force: bool = False) -> bool:
        """Atomically make `rel` hold `data` (temp file + rename); False when it already did.

        Never through a symlink: every folder on the way and the file itself are checked."""
        target = check_file(self.root, rel)
        if not force and _same_bytes(target, data):
            return False
        try:  # world-readable whatever the umask: the files are meant to be served
            write_atomic(target, data, mode=0o644)
        except OSError as exc:
            raise RegistryError(f"{target}: cannot write: {exc.strerror}", path=target) from None
        return True

    def sweep_temp_files(self, min_age: float = 600.0) -> list[str]:
        """Remove temp files left by killed writers; the paths removed.

        A temp file is ``.{target}.{pid}.tmp``. It is removed only when its writer is gone from
        this machine and it is older than `min_age` seconds, so a live publisher (even on another
        machine sharing the folder) is never robbed of its file mid-write.
        """
        removed = []
        now = time.time()
        for dirpath, _dirs, filenames in os.walk(self.root):
            if LOCK_DIR in Path(dirpath).relative_to(self.root).parts:
                continue
            for fname in filenames:
                parsed = parse_temp_name(fname)
                path = Path(dirpath, fname)
                if parsed and not _alive(parsed[1]) and now - path.stat().st_mtime > min_age:
                    path.unlink(missing_ok=True)
                    removed.append(path.relative_to(self.root).as_posix())
        return sorted(removed)

    # -- interrupted writes ------------------------------------------------------------------

    def mark_pending(self, name: str) -> None:
        """Record that `name`'s document is about to get ahead of the derived files.

        The mark outlives a writer killed before it updates the derived files, so that `verify`
        can tell an interrupted publish (the catalog lags; a rerun or `reindex` completes it)
        from a damaged registry. Each writer's marks carry its own token.
        """
        check_name(name)
        folder = real_folder(self.root, PENDING_DIR)
        mark = folder / f"{name}.{os.getpid()}-{secrets.token_hex(4)}"
        try:
            os.close(os.open(mark, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644))
        except OSError as exc:
            raise RegistryError(f"{mark}: cannot create: {exc.strerror}", path=mark) from None

    def pending_names(self) -> set[str]:
        """Skills whose derived entries an interrupted (or running) writer has yet to update."""
        try:
            folder = real_folder(self.root, PENDING_DIR, create=False)
        except RegistryError:
            return set()  # a link there is damage `verify` reports on its own
        return {p.name.rsplit(".", 1)[0] for p in folder.iterdir()} if folder.is_dir() else set()

    def clear_pending(self, older_than: float, names: Iterable[str] | None = None) -> None:
        """Drop the marks (of `names`, or all) made before `older_than`, a `time.time()` taken
        before the derived files were last rebuilt from the documents: those now cover them."""
        folder = real_folder(self.root, PENDING_DIR, create=False)
        wanted = None if names is None else set(names)
        for mark in folder.iterdir() if folder.is_dir() else ():
            if wanted is not None and mark.name.rsplit(".", 1)[0] not in wanted:
                continue
            with contextlib.suppress(OSError):
                if mark.stat().st_mtime < older_than:
                    mark.unlink()

    # -- locks -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def skill_lock(self, name: str) -> Iterator[None]:
        """Exclusive right to rewrite one skill's document."""
        check_name(name)
        with self._flock(f"{LOCK_DIR}/skills/{index_prefix(name)}/{name}.lock"):
            yield

    @contextlib.contextmanager
    def registry_lock(self) -> Iterator[None]:
        """Exclusive right to rewrite the derived files."""
        with self._flock(f"{LOCK_DIR}/registry.lock"):
            yield

    @contextlib.contextmanager
    def _flock(self, rel: str) -> Iterator[None]:
        path = check_file(self.root, rel)
        try:
            if os.path.islink(path):  # a lock file must never truncate a link's target
                raise OSError(errno.ELOOP, "is a symbolic link")
            held = hold(path)
        except OSError as exc:
            why = exc.strerror or str(exc)
            raise RegistryError(f"{path}: cannot create lock: {why}", path=path) from None
        try:
            yield
        finally:
            held.release()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but belongs to someone else
        return True
    return True


def _sha256_of(path: Path) -> str:
    """The file's digest; "" for one that cannot be a bundle (it is then replaced)."""
    digest = hashlib.sha256()
    try:
        with open_regular(path, MAX_BUNDLE) as (fd, _size):
            copy_capped(fd, MAX_BUNDLE, digest.update, path)
    except OSError:
        return ""
    return digest.hexdigest()


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return read_regular(path, len(data)) == data
    except OSError:
        return False
