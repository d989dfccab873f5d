"""The home page's search data: small JSON shards, so a browser loads only what a query needs.

Under ``site/search/``:

- ``facets.json``: total, the count of each tier/council/category value and the list of term
  shards (loaded with the page);
- ``t/{key}.json``: the term shard of every token starting with `key` (its first two characters):
  token -> postings ``id * 4 + field`` (0 name, 1 facet, 2 description), sorted and written as
  the first value then the gaps between values; loaded as the user types;
- ``r/{id // 128}.json``: records, id -> [name, description, latest, deprecated, tier, council,
  category, related, used_by]: the result list's rows (and the state a publish updates);
- ``columns.json``: each id's facet values as indexes, for filtering and counting results (loaded
  on the first search or facet click);
- ``ids.json``: name -> id. Ids are stable between rebuilds, so one publish rewrites only the
  shards holding that skill's tokens and record; a full rebuild numbers skills by name again.

The browser's tokenizer (`site.js`) mirrors `tokens`: NFKC, lower case, runs of letters and
digits, stop words and one-character tokens dropped.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import accumulate, pairwise
from typing import Any

from skillreg.registry.site.content import FACETS
from skillreg.registry.site.files import SITE_DIR, SiteWriter, compact_json

SEARCH_DIR = f"{SITE_DIR}/search"
CHUNK = 128
MAX_TOKEN = 32
_WORD = re.compile(r"[^\W_]+")
_STOP = (
    "a an and are as at be by for from in into is it its of on or that the this to with you your"
)
STOP_WORDS = frozenset(f"{_STOP} use when".split(" "))
# [name, description, latest, deprecated, tier, council, category, related, used_by]
Record = list[Any]


def tokens(text: str) -> list[str]:
    """Search tokens of `text`, in order, duplicates kept."""
    words = _WORD.findall(unicodedata.normalize("NFKC", text).lower())
    return [w for w in words if 1 < len(w) <= MAX_TOKEN and w not in STOP_WORDS]


def shard_key(token: str) -> str:
    """The term shard of `token`: its first two characters, non-ASCII ones spelled ``_{hex}``."""
    return "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}" for c in token[:2])


def postings_of(record: Record, ident: int) -> dict[str, int]:
    """token -> posting for one record; a token in several fields keeps its best (lowest) field."""
    fields = [(0, record[0].replace("-", " ")), (1, " ".join(r for r in record[4:7] if r))]
    fields.append((2, record[1]))
    found: dict[str, int] = {}
    for number, text in fields:
        for token in tokens(text):
            found.setdefault(token, ident * 4 + number)
    if len(record[0]) <= MAX_TOKEN:
        found.setdefault(record[0], ident * 4)  # the whole name, hyphens and all
    return found


@dataclass
class SearchIndex:
    """The shards of one site, loaded lazily from `writer`'s folder and written back by `flush`."""

    writer: SiteWriter
    ids: dict[str, int] = field(default_factory=dict)
    next_id: int = 0
    _chunks: dict[int, dict[str, Record]] = field(default_factory=dict)
    _shards: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    _columns: dict[str, list[str | None]] = field(default_factory=dict)
    _dirty_chunks: set[int] = field(default_factory=set)
    _dirty_shards: set[str] = field(default_factory=set)
    # ids, a facet value or the set of term shards changed: ids.json, columns.json and
    # facets.json (each as long as the registry) are recomputed and written by `flush`
    _dirty_totals: bool = False
    fresh: bool = False  # built from nothing: flush also removes shards no longer written

    @classmethod
    def load(cls, writer: SiteWriter) -> SearchIndex | None:
        """The index on disk, or None when it is missing or damaged (then rebuild it all)."""
        ids = writer.read_json(f"{SEARCH_DIR}/ids.json")
        columns = writer.read_json(f"{SEARCH_DIR}/columns.json")
        if not (isinstance(ids, dict) and isinstance(columns, dict)):
            return None
        index = cls(writer, dict(ids.get("ids", {})), int(ids.get("next", 0)))
        for facet in FACETS:
            values = columns.get("values", {}).get(facet, [])
            column = columns.get("columns", {}).get(facet, [])
            index._columns[facet] = [values[i] if i >= 0 else None for i in column]
        return index

    def record(self, name: str) -> Record | None:
        ident = self.ids.get(name)
        return None if ident is None else self._chunk(ident // CHUNK).get(str(ident))

    def put(self, record: Record) -> None:
        """Add or replace the record of `record[0]`, updating the term shards it touches."""
        name = record[0]
        ident = self.ids.get(name)
        if ident is None:
            ident = self.ids[name] = self.next_id
            self.next_id += 1
            self._dirty_totals = True
        old = self._chunk(ident // CHUNK).get(str(ident))
        self._repost(ident, old, record)
        self._chunk(ident // CHUNK)[str(ident)] = record
        self._dirty_chunks.add(ident // CHUNK)
        for facet, value in zip(FACETS, record[4:7], strict=True):
            column = self._columns.setdefault(facet, [])
            column.extend([None] * (ident + 1 - len(column)))
            if column[ident] != value:
                column[ident] = value
                self._dirty_totals = True

    def remove(self, name: str) -> None:
        ident = self.ids.pop(name, None)
        if ident is None:
            return
        self._dirty_totals = True
        old = self._chunk(ident // CHUNK).pop(str(ident), None)
        self._dirty_chunks.add(ident // CHUNK)
        self._repost(ident, old, None)
        for column in self._columns.values():
            if ident < len(column):
                column[ident] = None

    def _repost(self, ident: int, old: Record | None, new: Record | None) -> None:
        before = postings_of(old, ident) if old else {}
        after = postings_of(new, ident) if new else {}
        for token in before.keys() | after.keys():
            if before.get(token) == after.get(token):
                continue
            key = shard_key(token)
            shard = self._shard(key)
            postings = shard.setdefault(token, [])
            # Sorted by id: bisect finds this skill's posting, so a common word's long list
            # costs a lookup, not a scan (a full build would otherwise be quadratic).
            at = bisect.bisect_left(postings, ident * 4)
            if at < len(postings) and postings[at] // 4 == ident:
                del postings[at]
            if token in after:
                postings.insert(at, after[token])
            if not postings:
                del shard[token]
            self._dirty_shards.add(key)

    def _chunk(self, number: int) -> dict[str, Record]:
        if number not in self._chunks:
            loaded = None if self.fresh else self.writer.read_json(f"{SEARCH_DIR}/r/{number}.json")
            self._chunks[number] = loaded if isinstance(loaded, dict) else {}
        return self._chunks[number]

    def _shard(self, key: str) -> dict[str, list[int]]:
        if key not in self._shards:
            loaded = None if self.fresh else self.writer.read_json(f"{SEARCH_DIR}/t/{key}.json")
            shard = loaded if isinstance(loaded, dict) else {}
            self._shards[key] = {token: list(accumulate(gaps)) for token, gaps in shard.items()}
        return self._shards[key]

    def flush(self) -> None:
        """Write every shard that changed, then the small files that describe them all."""
        w = self.writer
        for number in sorted(self._dirty_chunks):
            self._write_or_remove(f"{SEARCH_DIR}/r/{number}.json", self._chunks[number])
        for key in sorted(self._dirty_shards):
            shard = {token: _gaps(postings) for token, postings in self._shards[key].items()}
            rel = f"{SEARCH_DIR}/t/{key}.json"
            existed = (w.root / rel).is_file()
            self._write_or_remove(rel, shard)
            self._dirty_totals |= existed != bool(shard)  # facets.json lists the shards
        if self.fresh:
            self._remove_stale()
        facets_there = (w.root / SEARCH_DIR / "facets.json").is_file()
        if not (self.fresh or self._dirty_totals) and facets_there:
            return  # e.g. a new version with the same facets: no file as long as the registry
        w.write(f"{SEARCH_DIR}/columns.json", compact_json(self._column_file()))
        w.write(f"{SEARCH_DIR}/facets.json", compact_json(self._facet_counts()))
        w.write(f"{SEARCH_DIR}/ids.json", compact_json({"ids": self.ids, "next": self.next_id}))

    def _write_or_remove(self, rel: str, content: dict[str, Any]) -> None:
        if content:
            self.writer.write(rel, compact_json(content))
        else:
            self.writer.remove(rel)

    def _remove_stale(self) -> None:
        wanted = {f"r/{n}.json" for n in self._chunks} | {f"t/{k}.json" for k in self._shards}
        folder = self.writer.root / SEARCH_DIR
        for sub in ("r", "t"):
            for path in sorted((folder / sub).glob("*.json")) if (folder / sub).is_dir() else ():
                if f"{sub}/{path.name}" not in wanted:
                    self.writer.remove(f"{SEARCH_DIR}/{sub}/{path.name}")

    def _column_file(self) -> dict[str, Any]:
        values: dict[str, list[str]] = {}
        columns: dict[str, list[int]] = {}
        for facet in FACETS:
            column = self._columns.get(facet, [])
            column.extend([None] * (self.next_id - len(column)))
            names = sorted({v for v in column if v is not None})
            position = {v: i for i, v in enumerate(names)}
            values[facet] = names
            columns[facet] = [-1 if v is None else position[v] for v in column]
        return {"columns": columns, "n": self.next_id, "values": values}

    def _facet_counts(self) -> dict[str, Any]:
        counts: dict[str, list[list[Any]]] = {}
        for facet in FACETS:
            tally: dict[str, int] = {}
            for value in self._columns.get(facet, []):
                if value is not None:
                    tally[value] = tally.get(value, 0) + 1
            counts[facet] = [[v, n] for v, n in sorted(tally.items(), key=lambda i: (-i[1], i[0]))]
        return {"facets": counts, "shards": self._shard_keys(), "total": len(self.ids)}

    def _shard_keys(self) -> list[str]:
        """Every term shard on disk after this flush: the browser never asks for a missing one."""
        folder = self.writer.root / SEARCH_DIR / "t"
        return sorted(p.name.removesuffix(".json") for p in folder.glob("*.json"))


def _gaps(postings: list[int]) -> list[int]:
    """Sorted postings as their first value and the gaps after it: a common word's list of
    large ids becomes mostly one- and two-digit numbers (several times smaller once gzipped)."""
    return [postings[0], *(b - a for a, b in pairwise(postings))] if postings else []
