"""A registry in a local folder: files written atomically, conditional writes under a file lock.

The folder backend performs the conditional writes of `base.Storage` with a short OS file lock
per key (under ``.locks/keys/``, `skillreg.core.locking`) around compare-and-rename: the kernel
drops the lock when its holder dies, even by SIGKILL, so a killed writer never leaves a stale
lock. The ETag of a file is the sha256 of its bytes.

A registry folder may be shared or synced from elsewhere, so nothing is trusted below its root:
every write, lock and mark goes through real folders only, never a symlink
(`skillreg.registry.nolinks`), and every read is of a regular file of bounded size
(`skillreg.core.bounded`): a FIFO, device or huge file is refused, never waited on or slurped.

It also keeps what only a shared file system can: marks of writes whose derived files are not
updated yet (``.locks/pending/``), and a sweep of temp files left by killed writers.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

from skillreg.core.atomic import parse_temp_name, sync_file_system, temp_name, write_atomic
from skillreg.core.bounded import read_regular
from skillreg.core.errors import RegistryError, UsageError
from skillreg.core.locking import hold
from skillreg.core.names import is_skill_name
from skillreg.registry.model import MAX_BUNDLE, MAX_INDEX_FILE
from skillreg.registry.nolinks import check_file, links_under, real_folder, skeleton_links
from skillreg.registry.storage.base import Kind, Stored, WriteConflict

LOCK_DIR = ".locks"
PENDING_DIR = f"{LOCK_DIR}/pending"  # marks of writes whose derived files are not updated yet


def registry_folder(target: str) -> Path:
    """A registry given as a folder path or a ``file://`` URL."""
    if "://" not in target:
        return Path(target)
    url = urlparse(target)
    if url.scheme != "file":
        raise UsageError(
            f"{target}: can write to a folder, a file:// URL or an s3://bucket/prefix URL; "
            "publish to a local copy and upload its files to other static hosts"
        )
    if url.netloc not in ("", "localhost"):
        raise UsageError(f"{target}: file:// URLs must name a local path (file:///path)")
    return Path(unquote(url.path))


class FolderStorage:
    """The files of one registry under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._writing = False  # after `check_writable`: reads refuse links on their path too
        self._durable = True  # False inside `unsynced`: files are flushed by `sync` instead

    @property
    def location(self) -> str:
        return str(self.root)

    @property
    def sharded_catalog(self) -> bool:
        return False  # one catalog.json, as registries in folders always had

    def check_writable(self, keys: Iterable[str] = (), *, everywhere: bool = False) -> None:
        """Refuse a registry holding a symlink (`RegistryError` naming the first) where a writer
        goes: the registry's skeleton (`skeleton_links`: a bounded number of folders) and every
        folder on the way to `keys`, the files this writer is about to read and write; or,
        with `everywhere`, anywhere below the root (`reindex`, which rewrites every derived
        file). From then on every read checks its own path too, as every write always does."""
        links = links_under(self.root) if everywhere else skeleton_links(self.root)
        if links:
            raise RegistryError(
                f"{self.root / links[0]}: a symlink inside the registry; the publisher never"
                " writes through it (replace it with a real folder or file, then"
                " `skill registry verify`)",
                path=self.root / links[0],
            )
        for key in keys:
            check_file(self.root, key, create=False)  # the same one error, naming the link
        self._writing = True

    def read(self, key: str) -> Stored | None:
        """The file's bytes; only a regular file, at most `MAX_BUNDLE` bytes for a bundle and
        `MAX_INDEX_FILE` for anything else."""
        path = self._checked(key) if self._writing else self.root / key
        cap = MAX_BUNDLE if key.startswith("blobs/") else MAX_INDEX_FILE
        try:
            data = read_regular(path, cap)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise RegistryError(f"{path}: cannot read: {exc.strerror}", path=path) from None
        return Stored(data, hashlib.sha256(data).hexdigest())

    def exists(self, key: str) -> bool:
        path = self._checked(key) if self._writing else self.root / key
        return path.is_file()

    def _checked(self, key: str) -> Path:
        """``root / key``, refused (`RegistryError`) when a folder on the way or the file is a
        symlink: a writer never reads what a link below the root points at either."""
        return check_file(self.root, key, create=False)

    def write(
        self, key: str, data: bytes, kind: Kind, *, etag: str | None = None, create: bool = False
    ) -> None:
        if etag is None and not create:
            self._put(key, data)
            return
        if kind is Kind.BLOB and create:
            # A bundle's key is its digest, checked by the store before it writes: every writer
            # of this key writes these very bytes, so racing creators need no lock (and a
            # publish of 10,000 skills takes 10,000 fewer).
            if self.exists(key):
                raise WriteConflict(f"{self.root / key}: exists already", path=self.root / key)
            self._put(key, data)
            return
        with self.lock(f"{LOCK_DIR}/keys/{key}.lock"):
            current = self.read(key)
            if create and current is not None:
                raise WriteConflict(f"{self.root / key}: exists already", path=self.root / key)
            if etag is not None and (current is None or current.etag != etag):
                raise WriteConflict(f"{self.root / key}: changed since read", path=self.root / key)
            self._put(key, data)
            if kind is Kind.DOCUMENT:
                self._drop_leftovers(key)

    def _drop_leftovers(self, key: str) -> None:
        """Remove temp files of `key` that killed writers left. Documents are written only
        under their key's lock, which we hold: any temp file of one is a dead writer's."""
        folder = self.root / os.path.dirname(key)
        with os.scandir(folder) as entries:
            stale = [
                e.name for e in entries if (parse_temp_name(e.name) or ("",))[0] == Path(key).name
            ]
        for name in stale:
            with contextlib.suppress(OSError):
                (folder / name).unlink()

    def _put(self, key: str, data: bytes) -> None:
        target = check_file(self.root, key)  # every folder on the way real, the file no link
        try:  # world-readable whatever the umask: the files are meant to be served
            write_atomic(target, data, durable=self._durable, mode=0o644)
        except OSError as exc:
            raise RegistryError(f"{target}: cannot write: {exc.strerror}", path=target) from None

    # -- batches: one flush for thousands of files -------------------------------------------

    @contextlib.contextmanager
    def unsynced(self) -> Iterator[None]:
        """Writes in the block skip their fsync; the caller calls `sync` before anything that
        must not reach the disk before them (a document naming the bundles written here)."""
        self._durable = False
        try:
            yield
        finally:
            self._durable = True

    def sync(self) -> None:
        """Flush everything written so far to disk (see `sync_file_system`)."""
        sync_file_system(self.root)

    def stage(self, key: str, data: bytes) -> Path:
        """A temp file holding `data` beside `key`, not yet synced nor in place: `commit_staged`
        renames it into place. A killed writer leaves it as any temp file (swept later)."""
        target = check_file(self.root, key)
        tmp = temp_name(target.parent, target.name)
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise RegistryError(f"{target}: cannot write: {exc.strerror}", path=target) from None
        return tmp

    def commit_staged(
        self, key: str, staged: Path, kind: Kind, *, etag: str | None, create: bool
    ) -> None:
        """Rename the `stage`d file into place under the same condition and lock as `write`;
        `WriteConflict` (the staged file removed) when the condition fails or the staged file
        is gone (a writer of the same key swept it as a leftover)."""
        try:
            with self.lock(f"{LOCK_DIR}/keys/{key}.lock"):
                current = self.read(key)
                if create and current is not None:
                    raise WriteConflict(f"{self.root / key}: exists already", path=self.root / key)
                if etag is not None and (current is None or current.etag != etag):
                    raise WriteConflict(
                        f"{self.root / key}: changed since read", path=self.root / key
                    )
                target = check_file(self.root, key)
                try:
                    os.replace(staged, target)
                except FileNotFoundError:
                    raise WriteConflict(f"{staged}: gone", path=self.root / key) from None
                if kind is Kind.DOCUMENT:
                    self._drop_leftovers(key)
        finally:
            staged.unlink(missing_ok=True)

    def keys(self, prefix: str) -> Iterator[str]:
        """Files under the folder `prefix` (a folder named like a file is yielded too, so that
        reading it fails loudly instead of silently dropping out)."""
        for dirpath, dirnames, filenames in os.walk(self.root / prefix):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            odd = [d for d in dirnames if d.endswith(".json")]
            for fname in sorted([*filenames, *odd]):
                if not fname.startswith("."):
                    yield Path(dirpath, fname).relative_to(self.root).as_posix()

    def is_empty(self) -> bool:
        """Hidden entries do not count: ``.git``, our ``.locks``, a racing creator's temp file."""
        if self.root.exists() and not self.root.is_dir():
            raise RegistryError(f"{self.root}: not a folder", path=self.root)
        return not self.root.is_dir() or all(p.name.startswith(".") for p in self.root.iterdir())

    # -- interrupted writes ------------------------------------------------------------------

    def mark_pending(self, name: str) -> None:
        """Record that `name`'s document is about to get ahead of the derived files.

        The mark outlives a writer killed before it updates the derived files, so that `verify`
        can tell an interrupted publish (the catalog lags; a rerun or `reindex` completes it)
        from a damaged registry. Each writer's marks carry its own token.
        """
        if not is_skill_name(name):
            raise UsageError(f"{name!r} is not a skill name")
        folder = real_folder(self.root, PENDING_DIR)
        mark = folder / f"{name}.{os.getpid()}-{os.urandom(4).hex()}"
        try:
            os.close(os.open(mark, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644))
        except OSError as exc:
            raise RegistryError(f"{mark}: cannot create: {exc.strerror}", path=mark) from None

    def pending_names(self) -> set[str]:
        try:
            folder = real_folder(self.root, PENDING_DIR, create=False)
        except RegistryError:
            return set()  # a link there is damage `verify` reports on its own
        if not folder.is_dir():
            return set()
        # Only marks `mark_pending` could have made: a stray file (a synced folder's .DS_Store)
        # is no skill, and a writer that passed it on would spoil the change log for every client.
        names = {p.name.rsplit(".", 1)[0] for p in folder.iterdir()}
        return {name for name in names if is_skill_name(name)}

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

    def sweep_temp_files(self, min_age: float = 600.0) -> list[str]:
        """Remove temp files left by killed writers; the paths removed.

        Removed only when its writer is gone from this machine and it is older than `min_age`
        seconds, so a live publisher (even on another machine sharing the folder) is never
        robbed of its file mid-write.
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

    def temp_files(self, prefix: str) -> list[str]:
        """Leftover temp files under `prefix`, for `verify` to report."""
        found = []
        for dirpath, _dirs, filenames in os.walk(self.root / prefix):
            found += [
                Path(dirpath, f).relative_to(self.root).as_posix()
                for f in filenames
                if f.startswith(".")
            ]
        return sorted(found)

    @contextlib.contextmanager
    def lock(self, rel: str) -> Iterator[None]:
        """Hold the exclusive lock on the file `rel` (under ``.locks/``) for the block."""
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
