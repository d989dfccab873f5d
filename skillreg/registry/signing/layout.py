"""The signed layout: where TUF metadata and target copies live, bin count, default expiries.

Under a signed registry's root (``registry.json`` says ``"tuf": "tuf"``)::

    tuf/metadata/{N}.root.json                every root version, write-once
    tuf/metadata/{N}.targets.json             top-level targets: only the hash-bin delegation
    tuf/metadata/{N}.bin-{xxx}.json           hash bins (TAP 15 succinct roles), write-once
    tuf/metadata/{N}.snapshot.json            versions of targets and every bin, write-once
    tuf/metadata/timestamp.json               the only file rewritten in place: the commit point
    tuf/targets/index/{prefix}/{sha256}.{name}.json   content-addressed copies of the documents

TUF target paths are the per-skill document paths (``index/{prefix}/{name}.json``); a target's
file is served under its sha256 (consistent snapshots), so a client that read one timestamp sees
one state even while a publisher writes the next.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

from skillreg.registry.model import index_prefix

TUF_DIR: Final = "tuf"
METADATA_DIR: Final = f"{TUF_DIR}/metadata"
TARGETS_DIR: Final = f"{TUF_DIR}/targets"
BIN_PREFIX: Final = "bin"
# 1024 bins: at 100,000 skills a bin lists ~100 documents (~20 KB) and the snapshot ~1,000
# versions (~35 KB); together the least a cold install downloads (snapshot + one bin) is near
# its minimum there (sqrt of documents x entry size / snapshot entry size), and one publish
# re-signs a bin of ~100 entries, not a list of 100,000.
DEFAULT_BIT_LENGTH: Final = 10

#: Days each role's metadata stays valid when signed; timestamp is renewed by `refresh` (cron).
DEFAULT_EXPIRY_DAYS: Final = {
    "root": 365,
    "targets": 365,
    "bins": 365,
    "snapshot": 30,
    "timestamp": 1,
}
EXPIRY_FIELD: Final = "x-skillreg-expiry-days"  # in root's signed part: expiries chosen at init


def target_path(name: str) -> str:
    """The TUF target path of `name`'s document (its path in the unsigned layout too)."""
    return f"index/{index_prefix(name)}/{name}.json"


def target_file(name: str, sha256: str) -> str:
    """Where the content-addressed copy of `name`'s document lives, relative to the root."""
    return f"{TARGETS_DIR}/index/{index_prefix(name)}/{sha256}.{name}.json"


def metadata_file(role: str, version: int | None = None) -> str:
    """A metadata file's path relative to the registry root (timestamp has no version)."""
    return (
        f"{METADATA_DIR}/{role}.json"
        if version is None
        else f"{METADATA_DIR}/{version}.{role}.json"
    )


def expiry(days: int) -> datetime:
    """Now plus `days`, to the second (TUF expiries carry no fractions)."""
    return (datetime.now(tz=UTC) + timedelta(days=days)).replace(microsecond=0)
