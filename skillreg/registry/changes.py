"""The change log: one small file that tells a client which documents changed since it last looked.

``changes.json`` at a registry's root carries a counter (`serial`, raised by every write of it),
the names of the skills changed recently with the counter value of their last change, and a copy
of ``registry.json``. A client that remembers, per cached document, the counter it was current at
asks for this one file instead of ``registry.json`` and every document: an unchanged registry
costs one request, and a changed one only the documents the log names. Writers record a change
after its document is committed (so a client that reads counter N sees every document listed up
to N), as a conditional read-modify-write like every shared file.

The log is derived and unsigned, like the catalog: a stale or replayed one can delay a yank
warning, as serving old documents could (and a counter lower than one seen is ignored). Signed
registries do not need it: TUF's timestamp says the same, signed. A registry without the file
(older skillreg) is read as before.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skillreg.core.atomic import write_atomic
from skillreg.core.jsonio import dump_json
from skillreg.core.names import is_skill_name
from skillreg.registry.model import MAX_SERIAL, ROOT_FILE

if TYPE_CHECKING:
    from skillreg.registry.model import RegistryRoot
    from skillreg.registry.store import RegistryStore

CHANGES_FILE = "changes.json"
CHANGES_FORMAT = "skillreg-changes"
#: Names the log keeps (the newest changes); a client that last looked before the oldest of them
#: revalidates its documents one by one. About 40 KB: still one small response.
MAX_LISTED = 1000
MAX_LOG_BYTES = 1 << 20  # a client reads no more of it than this
RECHECK_ABSENT = 24 * 3600  # seconds a client trusts "this registry has no change log"


@dataclass(frozen=True)
class ChangeLog:
    """`changed`: name -> counter of its last change, complete for every change after `since`."""

    serial: int
    since: int
    changed: dict[str, int]
    root: dict[str, Any]

    def unchanged(self, name: str, seen: int) -> bool:
        """Whether `name`'s document is the same now as when the log's counter was `seen`."""
        return self.since <= seen <= self.serial and self.changed.get(name, 0) <= seen


def parse_log(body: bytes) -> ChangeLog | None:
    """The log in `body`, or None for anything that is not one (never an error: it is a hint)."""
    try:
        data = json.loads(body)
        serial, since, changed, root = (data[k] for k in ("serial", "since", "changed", "root"))
    except (ValueError, TypeError, KeyError, RecursionError):
        return None
    ints = [serial, since, *changed.values()] if isinstance(changed, dict) else None
    if (
        data.get("format") != CHANGES_FORMAT
        or ints is None
        or not all(type(n) is int and 0 <= n <= MAX_SERIAL for n in ints)
        or not since <= serial
        or any(n > serial or not is_skill_name(k) for k, n in changed.items())
        or not isinstance(root, dict)
    ):
        return None
    return ChangeLog(serial, since, changed, root)


def render_log(log: ChangeLog) -> bytes:
    return dump_json(
        {
            "format": CHANGES_FORMAT,
            "serial": log.serial,
            "since": log.since,
            "changed": log.changed,
            "root": log.root,
        }
    )


def next_log(current: ChangeLog | None, names: Iterable[str], root: dict[str, Any]) -> ChangeLog:
    """`current` with `names` changed now (a new log when there is none), the root refreshed."""
    if current is None:
        serial = 1
        return ChangeLog(serial, serial, {n: serial for n in sorted(set(names))}, root)
    serial = current.serial + 1
    changed = dict(current.changed)
    for name in names:
        changed.pop(name, None)
        changed[name] = serial
    since = current.since
    if len(changed) > MAX_LISTED:  # drop the oldest; the log is then complete only after them
        ordered = sorted(changed.items(), key=lambda item: item[1])
        dropped, kept = ordered[: len(changed) - MAX_LISTED], ordered[len(changed) - MAX_LISTED :]
        since = max(since, max(n for _, n in dropped))
        changed = dict(kept)
    return ChangeLog(serial, since, changed, root)


def record_changes(
    reg: RegistryStore, names: Iterable[str], *, rebuild: bool = False, everything: bool = False
) -> list[str]:
    """Note that `names` changed (their documents are committed), with the skills an interrupted
    writer left pending; [CHANGES_FILE] when it was written. Nothing is written when there is
    nothing to note and the log's copy of ``registry.json`` is current, nor (unless `rebuild`:
    reindex) to start a log in a registry that has none and saw no change. `everything`: the
    documents may have changed in ways no writer recorded (reindex found derived files out of
    date): the log starts afresh, so every client asks for every document once."""
    from skillreg.registry.storage.base import Kind

    noted = set(names)

    def compute(raw: bytes | None) -> bytes | None:
        stored = reg.storage.read(ROOT_FILE)  # read here: a retry must see the current root
        if stored is None:
            return None
        try:
            root = json.loads(stored.data)
        except ValueError:
            return None
        current = parse_log(raw) if raw is not None else None
        wanted = noted | reg.pending_names()
        if everything and current is not None:
            return render_log(ChangeLog(current.serial + 1, current.serial + 1, {}, root))
        if not wanted and (current.root == root if current else not rebuild):
            return None
        return render_log(next_log(current, wanted, root))

    # Cached as registry.json is (a minute, revalidated), not as a derived file (five minutes):
    # installers take from it which documents changed, and a stale copy would hide a yank.
    return [CHANGES_FILE] if reg.update(CHANGES_FILE, compute, Kind.ROOT) else []


# -- the client's side ---------------------------------------------------------------------------


@dataclass
class Seen:
    """What a client remembers of one registry's log: the counter each cached document was
    current at, and when it found the registry has no log. Kept in the (untrusted) user cache:
    a damaged file is no memory, and a cached document is still parsed and checked."""

    path: Path
    serial: int = 0  # highest log counter seen: a lower one is a replay, ignored
    docs: dict[str, int] = field(default_factory=dict)
    absent_at: float | None = None
    dirty: bool = False

    @classmethod
    def load(cls, folder: Path, identity: str) -> Seen:
        key = hashlib.sha256(identity.encode()).hexdigest()[:32]
        seen = cls(folder / f"{key}.json")
        try:
            with open(seen.path, "rb") as fh:
                data = json.loads(fh.read(MAX_LOG_BYTES))
            docs = data.get("docs", {})
            absent = data.get("absent_at")
            if type(data.get("serial")) is int and isinstance(docs, dict):
                seen.serial = data["serial"]
                seen.docs = {k: v for k, v in docs.items() if type(v) is int}
            if isinstance(absent, (int, float)):
                seen.absent_at = float(absent)
        except (OSError, ValueError, AttributeError, RecursionError, OverflowError):
            pass  # OverflowError: an integer no float holds, as `absent_at`
        return seen

    def absent_recently(self) -> bool:
        return self.absent_at is not None and 0 <= time.time() - self.absent_at < RECHECK_ABSENT

    def mark_absent(self) -> None:
        self.absent_at, self.serial, self.docs, self.dirty = time.time(), 0, {}, True

    def current(self, name: str, serial: int) -> None:
        if self.docs.get(name) != serial:
            self.docs[name] = serial
            self.dirty = True

    def save(self) -> None:
        """Best effort: a cache that cannot be written only costs requests next time."""
        if not self.dirty:
            return
        body = {"serial": self.serial, "docs": self.docs, "absent_at": self.absent_at}
        try:
            write_atomic(self.path, dump_json(body), durable=False)
        except OSError:
            return
        self.dirty = False


def root_model(log: ChangeLog) -> RegistryRoot | None:
    """The log's copy of ``registry.json``, or None when it is not a valid one."""
    from skillreg.core.record import validation_error
    from skillreg.registry.model import RegistryRoot

    # A valid copy never loads pydantic (records check it in plain Python); only an invalid
    # one does, to say why, and that is the only way a ValidationError can reach here.
    # Read as JSON text, as ``registry.json`` is: a decoded dict can hold what no JSON document
    # may (a lone surrogate from an escape), which the twin's Python mode would let through to
    # URLs and cache keys that cannot encode it.
    try:
        return RegistryRoot.model_validate_json(json.dumps(log.root))
    except (validation_error(), ValueError, RecursionError):
        return None
