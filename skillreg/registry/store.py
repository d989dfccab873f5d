"""A registry being written, over any storage backend: the root, documents, bundles, retries.

Writers follow one order so that a reader (or a publisher killed at any moment) never sees a
document that points at a missing or partial object: the bundle first (create-only, content
addressed), then the per-skill document (a conditional replace: the commit point), then the
derived files. No writer locks anything: every read-modify-write is a conditional write that is
retried, with jittered backoff, from a fresh read when another writer got there first.

`FolderRegistry` is the store over a local folder, with what only a folder has: its path (the
web catalog and signing write there) and the registry-wide lock that signing takes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from skillreg.core.errors import IntegrityError, RegistryError, UsageError, describe_error
from skillreg.core.jsonio import dump_json
from skillreg.core.names import RULE, is_skill_name
from skillreg.core.record import validation_error
from skillreg.registry.model import (
    FORMAT,
    FORMAT_VERSION,
    OLDEST_READABLE,
    ROOT_FILE,
    SHARD_TEMPLATE,
    TERMS_TEMPLATE,
    RegistryRoot,
    SkillDocument,
    blob_path,
    index_path,
)
from skillreg.registry.storage import open_storage
from skillreg.registry.storage.base import Kind, Storage, WriteConflict
from skillreg.registry.storage.folder import LOCK_DIR, FolderStorage, registry_folder

__all__ = ["FolderRegistry", "RegistryStore", "open_registry_store", "registry_folder"]

PAUSE_ENV = "SKILL_TEST_PAUSE_AT"  # test hook: "<step>" to sleep at that step
PAUSE_SIGNAL_ENV = "SKILL_TEST_PAUSE_SIGNAL"  # test hook: file created when the pause starts
PAUSE_SECONDS_ENV = "SKILL_TEST_PAUSE_SECONDS"  # test hook: how long to pause (default 60)
MAX_ATTEMPTS = 30  # conditional-write retries before giving up (8 racing writers need ~8)

#: A read-modify-write step: the new bytes for the current ones (None: missing), or None to
#: leave the object as it is.
Compute = Callable[[bytes | None], bytes | None]


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


def open_registry_store(target: str, *, endpoint_url: str | None = None) -> RegistryStore:
    """The store of `target`: a `FolderRegistry` for a folder, else one over object storage."""
    storage = open_storage(target, endpoint_url=endpoint_url)
    if isinstance(storage, FolderStorage):
        return FolderRegistry(storage.root)
    return RegistryStore(storage)


class RegistryStore:
    """The objects of one registry, in the layout `model` defines, on `storage`."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._root: RegistryRoot | None = None

    @property
    def location(self) -> str:
        return self.storage.location

    # -- reading ---------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.storage.exists(ROOT_FILE)

    def require(self) -> RegistryRoot:
        """The root document; a `RegistryError` when the target is not a registry we write."""
        if self._root is None:
            self._root = self._read_root()
        return self._root

    def _read_root(self) -> RegistryRoot:
        where = f"{self.location}/{ROOT_FILE}"
        stored = self.storage.read(ROOT_FILE)
        if stored is None:
            if self.storage.is_empty() and not self._folder_exists():
                raise UsageError(f"{self.location}: no such folder", path=self.location)
            raise RegistryError(
                f"{self.location}: not a registry (no {ROOT_FILE}); publish a skill to create one",
                path=self.location,
            )
        try:
            root = RegistryRoot.model_validate_json(stored.data)
        except validation_error() as exc:
            raise RegistryError(f"{where}: invalid: {describe_error(exc)}", path=where) from None
        if not root.default_layout:  # clients follow templates; writer and verify do not
            raise RegistryError(
                f"{where}: custom path templates; this skillreg writes and verifies only the"
                " default layout (index/, blobs/sha256/, catalog.json or catalog/)",
                path=where,
            )
        # (`format` itself is checked by the model)
        if not OLDEST_READABLE <= root.format_version <= FORMAT_VERSION:
            raise RegistryError(
                f"{where}: format version {root.format_version} is not one this skillreg "
                f"reads ({OLDEST_READABLE} to {FORMAT_VERSION}); upgrade skillreg",
                path=where,
            )
        return root

    def _folder_exists(self) -> bool:
        root = getattr(self.storage, "root", None)  # only a folder can be mistyped as missing
        return root is None or Path(root).exists()

    def upgrade_root(self) -> list[str]:
        """Raise an older registry's ``registry.json`` to the format this skillreg writes, before
        it writes anything of that format ([ROOT_FILE] when it did, else [])."""
        root = self.require()
        if root.format_version == FORMAT_VERSION:
            return []

        def compute(raw: bytes | None) -> bytes | None:  # conditional: racing upgraders agree
            if raw is None:
                return None
            try:
                current = RegistryRoot.model_validate_json(raw)
            except validation_error():
                return None
            if current.format_version == FORMAT_VERSION:
                return None
            body = json.loads(raw)
            body["format_version"] = FORMAT_VERSION
            return dump_json(body)

        return [ROOT_FILE] if self.update(ROOT_FILE, compute, Kind.ROOT) else []

    def has_skill(self, name: str) -> bool:
        return is_skill_name(name) and self.storage.exists(index_path(name))

    def read_doc(self, name: str) -> SkillDocument | None:
        """The skill's document, None when it has never been published."""
        check_name(name)
        stored = self.storage.read(index_path(name))
        return None if stored is None else self.parse_doc(name, stored.data)

    def parse_doc(self, name: str, raw: bytes) -> SkillDocument:
        where = f"{self.location}/{index_path(name)}"
        try:
            doc = SkillDocument.model_validate_json(raw)
        except validation_error() as exc:
            raise RegistryError(f"{where}: invalid: {describe_error(exc)}", path=where) from None
        if doc.name != name:
            raise RegistryError(f"{where}: names skill {doc.name!r}, expected {name!r}", path=where)
        return doc

    # -- writing ---------------------------------------------------------------------------

    def check_writable(self, keys: Iterable[str] = (), *, everywhere: bool = False) -> None:
        """Refuse, before anything is written, storage a writer must not write through (a
        folder with a symlink in its skeleton or on the way to `keys`, or anywhere below its
        root with `everywhere`); `RegistryError`."""
        self.storage.check_writable(keys, everywhere=everywhere)

    def ensure_root(self) -> bool:
        """Create ``registry.json`` where nothing is stored yet; True when this call did.

        A new registry gets the sharded catalog where the storage asks for it (object storage),
        else the single ``catalog.json``; an existing one keeps the layout it declares.
        """
        if self.storage.read(ROOT_FILE) is not None:
            self.require()
            return False
        if not self.storage.is_empty() and not self.exists():  # (a racing creator's files)
            self.check_creatable()
        if self.storage.sharded_catalog:
            root = RegistryRoot(format=FORMAT, catalog=SHARD_TEMPLATE, search=TERMS_TEMPLATE)
            body = root.model_dump(mode="json")
        else:  # the single catalog's root, byte for byte as before shards existed
            body = RegistryRoot(format=FORMAT).model_dump(mode="json", exclude={"search"})
        try:  # first publishers racing to create the same registry: one wins, all go on
            self.storage.write(ROOT_FILE, dump_json(body), Kind.ROOT, create=True)
        except WriteConflict:
            self.require()
            return False
        return True

    def check_creatable(self) -> None:
        """Refuse to turn a folder or bucket prefix holding other files into a registry."""
        if not self.storage.is_empty():
            raise RegistryError(
                f"{self.location}: not empty and has no {ROOT_FILE}; choose an empty "
                "folder or prefix for a new registry",
                path=self.location,
            )

    def write_blob(self, data: bytes, sha256: str) -> bool:
        """Create the bundle at its content address; True when this call stored it.

        Create-only: when the object exists with the right digest it is left alone. One with
        the wrong digest (edited or damaged) is replaced: its address says which bytes belong.
        """
        rel = blob_path(sha256)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise IntegrityError(f"{rel}: bundle bytes do not match their digest")
        for _ in range(MAX_ATTEMPTS):
            try:  # create first: a new bundle (the usual case) costs one request
                self.storage.write(rel, data, Kind.BLOB, create=True)
                return True
            except WriteConflict:
                pass
            current = self.storage.read(rel)
            if current is not None and hashlib.sha256(current.data).hexdigest() == sha256:
                return False
            try:
                if current is not None:
                    self.storage.write(rel, data, Kind.BLOB, etag=current.etag)
                    return True
            except WriteConflict:
                continue  # another publisher replaced the damaged one just now
        raise _too_busy(self.location, rel)

    def update(self, key: str, compute: Compute, kind: Kind) -> bool:
        """Read `key`, compute its new bytes, write them conditionally; retry on a lost race.

        True when this call changed the object. `compute` may run more than once, each time on
        the bytes just read, so it must read anything else it depends on itself.
        """
        for attempt in range(MAX_ATTEMPTS):
            current = self.storage.read(key)
            new = compute(current.data if current else None)
            if new is None or (current is not None and new == current.data):
                return False
            try:
                etag = current.etag if current else None
                self.storage.write(key, new, kind, etag=etag, create=current is None)
                return True
            except WriteConflict:
                backoff(attempt)
        raise _too_busy(self.location, key)

    def update_doc(
        self, name: str, edit: Callable[[SkillDocument | None], SkillDocument | None]
    ) -> SkillDocument | None:
        """Apply `edit` to the current document of `name` (conditional write, retried).

        `edit` returns the new document, or None to change nothing. Returns the document as
        stored afterwards (None when there is none).
        """
        check_name(name)
        result: list[SkillDocument | None] = [None]

        def compute(raw: bytes | None) -> bytes | None:
            doc = None if raw is None else self.parse_doc(name, raw)
            new = edit(doc)
            result[0] = doc if new is None else new
            return None if new is None else dump_json(new.model_dump(mode="json"))

        self.update(index_path(name), compute, Kind.DOCUMENT)
        return result[0]

    def write_file(
        self, key: str, data: bytes, kind: Kind = Kind.DERIVED, *, force: bool = False
    ) -> bool:
        """Make `key` hold `data` unconditionally (rebuilt derived files, signed metadata);
        False when it already did (unless `force`: then it is rewritten anyway)."""
        if not force:
            current = self.storage.read(key)
            if current is not None and current.data == data:
                return False
        self.storage.write(key, data, kind)
        return True

    def pending_names(self) -> set[str]:
        """Skills whose derived entries an interrupted (or running) writer has yet to update."""
        return self.storage.pending_names()


class FolderRegistry(RegistryStore):
    """A registry in the local folder `root`."""

    storage: FolderStorage

    def __init__(self, root: Path) -> None:
        super().__init__(FolderStorage(root))
        self.root = root

    @contextlib.contextmanager
    def registry_lock(self) -> Iterator[None]:
        """The registry-wide lock: signing holds it while it re-signs (two signers never
        interleave metadata versions), and `derived` while it updates the web catalog's files.
        Documents, bundles and the catalog never need it: they are written conditionally."""
        with self.storage.lock(f"{LOCK_DIR}/registry.lock"):
            yield


def backoff(attempt: int) -> None:
    """Full-jitter exponential backoff: racing writers spread out instead of colliding again."""
    time.sleep(random.uniform(0, min(2.0, 0.05 * 2**attempt)))


def _too_busy(location: str, key: str) -> RegistryError:
    return RegistryError(
        f"{location}/{key}: still changing under other writers after {MAX_ATTEMPTS} attempts;"
        " try again",
        path=f"{location}/{key}",
    )
