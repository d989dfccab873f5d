"""The index cache: what one tree's previous `skill index` run learnt, so the next one redoes only
what changed.

One file per indexed tree and profile in ``user_cache_dir()/index``, replaced atomically, safe to
delete. It is untrusted input: a file that is too large, of another format, tool or Python
version, namespace or fingerprint, or whose any line has the wrong shape is discarded whole and
the run starts cold. Its lines (UTF-8):

1. a header, JSON: format, tool version, namespace, fingerprint, and notes (values derived from
   the whole tree, such as "did you mean" answers, keyed by the caller on a digest of their
   inputs);
2. the folders, JSON: each walked folder's stat key and entries (`Lister` form, a link kept as
   "l" and looked at again on every run);
3. one line per skill: a JSON head (`Record`) and then tab-separated fragments the caller wrote
   (a skill's JSON pieces: JSON text never holds a raw tab or line break), then, when the caller
   gave them (`Record.entry`), two more: the pieces of the skill's index entry that depend on
   the whole collection, valid while the header's `context` (a digest of what they depend on
   beyond the line itself) holds.

It is never wrong by design: a folder's entries are reused only while its stat key (size,
mtime_ns, ctime_ns, inode) is unchanged, since adding, removing or renaming an entry changes the
folder's mtime; a file's hash only while its own stat key is unchanged; and nothing modified
within `RACY_NS` of being looked at is recorded, because a second change inside the file
system's timestamp granularity could leave every stat field unchanged (git's "racy" rule).
A skill's summary is reused only for the same SKILL.md path and bytes (its sha256).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import struct
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from skillreg import __version__
from skillreg.core.atomic import open_atomic
from skillreg.skill.source import leaves_folder

CACHE_FORMAT = 5
MAGIC = "skillreg-index-cache"
RACY_NS = 2_000_000_000  # FAT has 2 s timestamps; ext4 and APFS are much finer
MAX_BYTES = 1 << 30  # a cache larger than this is not read (a 20,000-skill tree needs ~60 MB)
_HEAD_FIELDS = 16


def stat_key(st: os.stat_result) -> str:
    """Size, mtime_ns, ctime_ns and inode as one string: packed and in hex, which costs half of
    writing the four numbers in decimal (a warm run makes one for each of ~50,000 paths)."""
    try:
        return _PACK_KEY(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino).hex()
    except struct.error:  # a value beyond 64 bits: decimal, which never looks like hex
        return f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}"


_PACK_KEY = struct.Struct("<QqqQ").pack


def file_key(path: str) -> str:
    """The stat key of `path` now, "" when it cannot be read."""
    try:
        return stat_key(os.stat(path))
    except OSError:
        return ""


def sha256_file(path: str) -> str:
    """The file's digest; for a symlink leaving its folder, the link's own text (never read)."""
    if leaves_folder(Path(path)):
        return hashlib.sha256(b"symlink:" + os.fsencode(os.readlink(path))).hexdigest()
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@dataclass(slots=True)
class Record:
    """What a skill needs across the collection, and where the rest of its line lies.

    `files` is flat, joined by NUL (which no path holds): relative path, stat key ("" when too
    fresh to trust), sha256, size, for each file. `errors` are the skill's own findings of
    severity error and `ref_errors` its Related Skills ones found alone, as (line, col, code,
    message); `directives` says it has suppression comments (then its line's findings are read
    again); `stable` that SKILL.md did not change while it was read (else its summary is not
    reused).
    """

    folder: str
    skill_file: str
    files: str
    sha256: str | None
    links: list[list[str]]  # (relative target, its problem's code or "")
    name: str  # the frontmatter name stripped, else the folder's name
    readable: bool
    name_line: int
    name_col: int
    refs: list[str]  # names the skill lists (section, then metadata), in file order
    unresolved: list[list[Any]]  # (name, line, col, end_col or None), unresolved when alone
    errors: list[list[Any]]
    ref_errors: list[list[Any]]
    directives: bool
    stable: bool
    where: tuple[int, int, int]  # (source, offset, length) of the whole line in a `Spool`
    #: this run's collection pieces: None (not made), `REUSED` (the line's own), or where
    #: `Spool.append` put them
    entry: tuple[int, int, int] | None = None

    def head(self) -> list[Any]:
        return [self.folder, self.skill_file, self.files, self.sha256, self.links, self.name,
                self.readable, self.name_line, self.name_col, self.refs, self.unresolved,
                self.errors, self.ref_errors, self.directives, self.stable,
                _HEAD_FIELDS]  # fmt: skip

    def file_rows(self) -> list[str]:
        """`files` split: four strings per file (checked when the record was read)."""
        return self.files.split("\0") if self.files else []


#: `Record.entry` of a line whose stored pieces were used as they are.
REUSED = (-1, 0, 0)
#: The tabs of a line holding its entry's collection pieces: head, six fragments, two pieces.
TABS_WITH_ENTRY = 8


def record_from(head: Any, where: tuple[int, int, int]) -> Record:
    """A `Record` from a line's head; raises `ValueError` when any field has the wrong type."""
    if type(head) is not list or len(head) != _HEAD_FIELDS or head[-1] != _HEAD_FIELDS:
        raise ValueError("record")
    (folder, skill_file, files, sha, links, name, readable, line, col, refs, unres, errors,
     ref_errors, di, stable, _) = head  # fmt: skip
    if not (
        type(folder) is str
        and type(skill_file) is str
        and type(files) is str
        and (sha is None or type(sha) is str)
        and type(links) is list
        and type(name) is str
        and type(readable) is bool
        and type(line) is int
        and type(col) is int
        and type(refs) is list
        and type(unres) is list
        and type(errors) is list
        and type(ref_errors) is list
        and type(di) is bool
        and type(stable) is bool
    ):
        raise ValueError("record")
    if files:
        rows = files.split("\0")
        if len(rows) % 4 or not all(size.isdigit() for size in rows[3::4]):
            raise ValueError("record")
    for x in refs:
        if type(x) is not str:
            raise ValueError("record")
    for x in links:
        if type(x) is not list or len(x) != 2 or type(x[0]) is not str or type(x[1]) is not str:
            raise ValueError("record")
    for x in unres:
        if not (type(x) is list and len(x) == 4 and type(x[0]) is str and type(x[1]) is int
                and type(x[2]) is int and (x[3] is None or type(x[3]) is int)):  # fmt: skip
            raise ValueError("record")
    for x in errors:
        _error(x)
    for x in ref_errors:
        _error(x)
    return Record(folder, skill_file, files, sha, links, name, readable, line, col, refs, unres,
                  errors, ref_errors, di, stable, where)  # fmt: skip


def _strs(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _error(x: Any) -> None:
    if not (type(x) is list and len(x) == 4 and type(x[0]) is int and type(x[1]) is int
            and type(x[2]) is str and type(x[3]) is str):  # fmt: skip
        raise ValueError("record")


class Spool:
    """Where skill lines live during a run: the loaded cache (source 0) and files that this run's
    processes appended fresh lines to (read back by offset, so no line is held in memory)."""

    def __init__(self, loaded: bytes = b"") -> None:
        self.loaded = loaded
        self.folder: str | None = None
        self.files: list[BinaryIO] = []
        self._by_name: dict[str, int] = {}

    def writer(self) -> tuple[int, BinaryIO]:
        """This process's spool file, opened on first use (forked workers get their own)."""
        name = f"spool-{os.getpid()}"
        if name not in self._by_name:
            if self.folder is None:
                self.folder = tempfile.mkdtemp(prefix="skillreg-index-")
            handle = open(os.path.join(self.folder, name), "w+b")  # noqa: SIM115
            self.files.append(handle)
            self._by_name[name] = len(self.files)
        source = self._by_name[name]
        return source, self.files[source - 1]

    def append(self, line: bytes) -> tuple[int, int, int]:
        source, handle = self.writer()
        offset = handle.seek(0, os.SEEK_END)
        handle.write(line)
        return source, offset, len(line)

    def adopt(self, path: str) -> int:
        """Open the spool file a worker process wrote; returns its source number."""
        name = os.path.basename(path)
        if name not in self._by_name:
            self.files.append(open(path, "rb"))  # noqa: SIM115
            self._by_name[name] = len(self.files)
        return self._by_name[name]

    def flush(self) -> str | None:
        """Flush this process's spool file; returns its path (None when it wrote nothing)."""
        name = f"spool-{os.getpid()}"
        if name not in self._by_name:
            return None
        handle = self.files[self._by_name[name] - 1]
        handle.flush()
        return handle.name if isinstance(handle.name, str) else None

    def read(self, where: tuple[int, int, int]) -> bytes:
        source, offset, length = where
        if source == 0:
            return self.loaded[offset : offset + length]
        return os.pread(self.files[source - 1].fileno(), length, offset)

    def close(self) -> None:
        for handle in self.files:
            handle.close()
        self.files.clear()
        self._by_name.clear()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


class IndexCache:
    """One tree's cache: folder entries, skill records and notes; `save` keeps what this run
    used. A throwaway cache (`disabled`, for --no-cache) answers nothing and writes nothing."""

    def __init__(self, path: Path | None, header: dict[str, Any]) -> None:
        self.path = path
        self.header = header
        self.spool = Spool()
        self.records: dict[str, Record] = {}  # by SKILL.md path
        self._dirs: dict[str, list[str]] = {}  # folder -> [stat key, entries]
        self._notes: dict[str, str] = {}
        self._used_dirs: dict[str, list[str]] = {}
        self._used_notes: dict[str, str] = {}
        self._dirty = False
        self._now_ns = time.time_ns()
        self.context = ""  # what the loaded entries were made under (see the module docstring)
        self.context_now = ""  # what this run's are made under, saved with them

    @classmethod
    def open(
        cls,
        roots: Sequence[Path],
        namespace: str = "",
        folder: Path | None = None,
        *,
        fingerprint: str = "",
    ) -> IndexCache:
        """The cache of the tree made of `roots` in `namespace`; empty when missing, corrupt or
        outdated, or when it was written under another `fingerprint`."""
        if folder is None:
            from skillreg.core.config import user_cache_dir

            folder = user_cache_dir() / "index"
        header = {"magic": MAGIC, "format": CACHE_FORMAT, "tool": __version__,
                  "namespace": namespace, "fingerprint": fingerprint}  # fmt: skip
        identity = "\0".join([namespace, *sorted(str(root.resolve()) for root in roots)])
        name = hashlib.sha256(identity.encode()).hexdigest()[:24] + ".idx"
        cache = cls(folder / name, header)
        cache._load()
        return cache

    @classmethod
    def disabled(cls) -> IndexCache:
        return cls(None, {})

    def _load(self) -> None:
        assert self.path is not None
        try:
            with open(self.path, "rb") as fh:
                if os.fstat(fh.fileno()).st_size > MAX_BYTES:
                    raise ValueError("too large")
                data = fh.read(MAX_BYTES + 1)
            self._parse(data)
        except (OSError, ValueError, RecursionError, UnicodeDecodeError):
            self.records, self._dirs, self._notes = {}, {}, {}  # rebuilt from scratch
            self.spool.loaded = b""
            self._dirty = True

    def _parse(self, data: bytes) -> None:
        if len(data) > MAX_BYTES:
            raise ValueError("too large")
        first = data.index(b"\n")
        second = data.index(b"\n", first + 1)
        head = json.loads(data[:first])
        if not isinstance(head, dict) or set(head) != {*self.header, "notes", "context"}:
            raise ValueError("header")
        notes = head.pop("notes")
        context = head.pop("context")
        if head != self.header or not isinstance(notes, dict) or type(context) is not str:
            raise ValueError("header")
        if not all(isinstance(v, str) for v in notes.values()):
            raise ValueError("notes")
        dirs = json.loads(data[first + 1 : second])
        if not isinstance(dirs, dict) or not all(
            isinstance(v, list) and len(v) == 2 and _strs(v) and _ENTRIES.fullmatch(v[1])
            for v in dirs.values()
        ):
            raise ValueError("folders")
        spans: list[tuple[int, int]] = []
        heads: list[bytes] = []
        start = second + 1
        while start < len(data):
            end = data.index(b"\n", start) + 1
            tab = data.find(b"\t", start, end)
            if tab < 0:
                raise ValueError("record")
            heads.append(data[start:tab])
            spans.append((start, end - start))
            start = end
        values = json.loads(b"[" + b",".join(heads) + b"]")  # one call: ~25% less than 10,000
        if len(values) != len(spans):
            raise ValueError("record")  # a head that was several values
        records: dict[str, Record] = {}
        for value, (offset, length) in zip(values, spans, strict=True):
            record = record_from(value, (0, offset, length))
            records[os.path.join(record.folder, record.skill_file)] = record
        self.spool.loaded = data
        self._dirs, self._notes, self.records = dirs, notes, records
        self.context = context

    # -- folders -------------------------------------------------------------------------------

    def lister(self, folder: str) -> list[tuple[str, str]]:
        """`workspace.Lister`: the folder's entries, from the cache while its stat key holds."""
        st = os.stat(folder)
        key = stat_key(st)
        known = self._dirs.get(folder)
        if known is not None and known[0] == key:
            self._used_dirs[folder] = known
            text = known[1]
        else:
            text = "/".join(_scan(folder))
            if self.trusted(st):
                self._used_dirs[folder] = [key, text]
            self._dirty = True
        if not text:
            return []
        entries = [(item[1:], _KINDS[item[0]]) for item in text.split("/")]
        if "/l" in "/" + text:  # links are looked at again every time
            entries = [(n, _link_kind(folder, n) if k == "l" else k) for n, k in entries]
        return entries

    def file_info(self, path: str) -> tuple[str, int, bool]:
        """What the index lists for a file: (stat key, size, old enough to trust the key)."""
        st = os.stat(path)
        now = self._now_ns
        trusted = now - st.st_mtime_ns >= RACY_NS and now - st.st_ctime_ns >= RACY_NS
        return stat_key(st), st.st_size, trusted

    def trusted(self, st: os.stat_result) -> bool:
        """Whether a stat key is old enough to stand for the contents next time."""
        now = self._now_ns
        return now - st.st_mtime_ns >= RACY_NS and now - st.st_ctime_ns >= RACY_NS

    # -- notes ---------------------------------------------------------------------------------

    def note(self, key: str) -> str | None:
        """The value recorded under `key` by `remember_note`, or None."""
        value = self._used_notes.get(key)
        if value is None and (value := self._notes.get(key)) is not None:
            self._used_notes[key] = value
        return value

    def remember_note(self, key: str, value: str) -> None:
        self._used_notes[key] = value
        self._dirty = True

    def keep_notes(self) -> None:
        """Keep every note: a run that reused all entries asked for none, yet the next run may."""
        for key, value in self._notes.items():
            self._used_notes.setdefault(key, value)

    # -- saving --------------------------------------------------------------------------------

    def changed(self) -> None:
        """Tell the cache that a record is new or gone."""
        self._dirty = True

    def save(self, records: Iterable[Record]) -> None:
        """Write `records` (this run's skills), the folders and notes used, atomically; a cache
        that cannot be written is just skipped."""
        if self.path is None:
            return
        kept = list(records)
        dropped = (
            len(self._dirs) != len(self._used_dirs)
            or len(self._notes) != len(self._used_notes)
            or len(self.records) != len(kept)
        )
        if not (self._dirty or dropped):
            return
        head = {**self.header, "notes": self._used_notes, "context": self.context_now}
        self.spool.flush()  # entries appended while the index was written
        with contextlib.suppress(OSError), open_atomic(self.path, durable=False) as out:
            out.write(_json(head) + b"\n" + _json(self._used_dirs) + b"\n")
            for chunk in _lines(self.spool, kept):
                out.write(chunk)


def _lines(spool: Spool, records: list[Record]) -> Iterator[bytes | memoryview]:
    """The records' lines, each with its entry's pieces made this run or without stale ones; a
    run of lines reused as they were loaded (most of a warm run, in the same order) is one
    slice of the loaded cache."""
    loaded = memoryview(spool.loaded)
    batch: list[bytes] = []
    start = end = 0  # the run loaded[start:end]; pending only while `batch` is empty
    for record in records:
        entry = record.entry
        source, offset, length = record.where
        if entry is REUSED and source == 0:
            if batch:
                yield b"".join(batch)
                batch.clear()
            if offset != end or end == start:
                if end > start:
                    yield loaded[start:end]
                start = offset
            end = offset + length
            continue
        if end > start:
            yield loaded[start:end]
            start = end = 0
        line = spool.read(record.where)
        if entry is not REUSED:
            if line.count(b"\t") == TABS_WITH_ENTRY:  # pieces made under another context
                line = b"\t".join(line.split(b"\t")[: TABS_WITH_ENTRY - 1]) + b"\n"
            if entry is not None:
                line = b"".join((line[:-1], b"\t", spool.read(entry), b"\n"))
        batch.append(line)
        if len(batch) >= 256:
            yield b"".join(batch)
            batch.clear()
    if end > start:
        yield loaded[start:end]
    yield b"".join(batch)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _scan(folder: str) -> list[str]:
    """Each entry as its kind letter and name: a link is "l", resolved on every use."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            try:
                if entry.is_symlink():
                    kind = "l"
                elif entry.is_dir(follow_symlinks=False):
                    kind = "d"
                else:
                    kind = "f" if entry.is_file(follow_symlinks=False) else "o"
            except OSError:
                kind = "o"
            found.append(kind + entry.name)
    return found


_KINDS = {"d": "d", "f": "f", "l": "l", "o": ""}
# A folder's entries as `_scan` writes them: a kind letter and a name (never empty, no NUL).
_ENTRIES = re.compile(r"(?:[dflo][^/\0]+(?:/[dflo][^/\0]+)*)?")


def _link_kind(folder: str, name: str) -> str:
    path = os.path.join(folder, name)
    return "D" if os.path.isdir(path) else "f" if os.path.isfile(path) else ""
