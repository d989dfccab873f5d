"""The sharded catalog: entries by name prefix, a search index by word, and searching them.

A registry in object storage may hold 100,000 skills; one ``catalog.json`` would then be a
25 MB file that every publish rewrites and every search downloads. Instead:

- ``catalog/{abc}.json`` (`CatalogShard`) holds the entries of the names starting with ``abc``,
  each with the serial of the document it was made from, so a reader can tell an entry that
  lags its document (an interrupted or racing publisher) from a damaged one;
- ``catalog/terms/{abcd}.json`` (`SearchShard`) maps every word beginning with ``abcd`` (words of
  the name and of the one-line description, two characters or more, common English words left
  out) to the names using it.

A search loads one search shard per query word, then only the catalog shards of the hits it
shows. A publish rewrites one catalog shard and the search shards of its words. This module is
the format and the pure logic; `derived` reads and writes the objects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

from skillreg.registry.model import (
    SHARD_TEMPLATE,
    TERMS_TEMPLATE,
    CatalogEntry,
    CatalogShard,
    SearchShard,
    ShardEntry,
)

_WORD = re.compile(r"[a-z0-9]+")
#: Words too common to narrow a search; an index entry for them would list most skills.
_STOP_TEXT = (
    "a an and are as at be by can do for from has have how in into is it its of on or so "
    "that the their them then this to use used uses using via was what when where which "
    "while who will with you your"
)
STOP_WORDS = frozenset(_STOP_TEXT.split())


def shard_key(name: str) -> str:
    return name[:3]


def term_key(word: str) -> str:
    """Words of four characters or more by their first four; shorter ones by themselves (a
    query word that short matches whole words only)."""
    return word[:4]


def shard_path(key: str) -> str:
    return SHARD_TEMPLATE.format(shard=key)


def terms_path(key: str) -> str:
    return TERMS_TEMPLATE.format(term=key)


def words(text: str) -> set[str]:
    """The indexed words of `text`: lower-case letter/digit runs of 2+ chars, no stop words."""
    return {w for w in _WORD.findall(text.casefold()) if len(w) > 1 and w not in STOP_WORDS}


def entry_words(entry: CatalogEntry) -> set[str]:
    return words(f"{entry.name} {entry.description}")


def render(model: CatalogShard | SearchShard) -> bytes:
    """Compact JSON, keys sorted: shards are downloaded by searches, so every byte counts."""
    return (
        json.dumps(
            model.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        ).encode()
        + b"\n"
    )


def with_entries(shard: CatalogShard, entries: dict[str, ShardEntry | None]) -> CatalogShard:
    """`shard` with the entries of `entries`' names replaced (None: removed)."""
    kept = {e.name: e for e in shard.skills}
    for name, entry in entries.items():
        if entry is None:
            kept.pop(name, None)
        else:
            kept[name] = entry
    return CatalogShard(shard=shard.shard, skills=[kept[n] for n in sorted(kept)])


def with_postings(shard: SearchShard, wanted: dict[str, set[str]]) -> SearchShard:
    """`shard` where each name of `wanted` is listed under exactly its words in this shard."""
    postings = {word: set(names) for word, names in shard.terms.items()}
    for name, name_words in wanted.items():
        for word, names in postings.items():
            if word not in name_words:
                names.discard(name)
        for word in name_words:
            if term_key(word) == shard.term:
                postings.setdefault(word, set()).add(name)
    terms = {w: sorted(n) for w, n in sorted(postings.items()) if n}
    return SearchShard(term=shard.term, terms=terms)


def build(entries: Iterable[ShardEntry]) -> tuple[dict[str, CatalogShard], dict[str, SearchShard]]:
    """Every catalog shard and search shard for `entries` (what `reindex` writes)."""
    by_shard: dict[str, list[ShardEntry]] = {}
    postings: dict[str, dict[str, list[str]]] = {}
    for entry in sorted(entries, key=lambda e: e.name):
        by_shard.setdefault(shard_key(entry.name), []).append(entry)
        for word in entry_words(entry):
            postings.setdefault(term_key(word), {}).setdefault(word, []).append(entry.name)
    shards = {k: CatalogShard(shard=k, skills=v) for k, v in by_shard.items()}
    terms = {
        k: SearchShard(term=k, terms={w: v[w] for w in sorted(v)}) for k, v in postings.items()
    }
    return shards, terms


def query_words(query: str) -> set[str]:
    """The words of `query` a search looks up: as `words`, keeping stop words when that is all
    the query has (one-character words cannot be looked up: the index starts at two)."""
    every = {w for w in _WORD.findall(query.casefold()) if len(w) > 1}
    return (every - STOP_WORDS) or every


def search(
    query: str,
    load_terms: Callable[[str], SearchShard | None],
    load_shard: Callable[[str], CatalogShard | None],
    limit: int | None,
) -> tuple[list[CatalogEntry], int]:
    """The entries matching every word of `query` (as the beginning of one of their words),
    names matching first, at most `limit` of them; and how many matched in all.

    Loads one search shard per query word and the catalog shards of the entries returned.
    """
    wanted = query_words(query)
    candidates: set[str] | None = None
    for word in sorted(wanted, key=len, reverse=True):  # long words narrow most
        index = load_terms(term_key(word))
        found = {
            n
            for w, names in (index.terms if index else {}).items()
            if w.startswith(word)
            for n in names
        }
        candidates = found if candidates is None else candidates & found
        if not candidates:
            return [], 0
    ranked = sorted(candidates or (), key=lambda n: (not all(w in n for w in wanted), n))
    shown = ranked if limit is None else ranked[:limit]
    loaded: dict[str, dict[str, ShardEntry]] = {}
    hits: list[CatalogEntry] = []
    for name in shown:
        key = shard_key(name)
        if key not in loaded:
            shard = load_shard(key)
            loaded[key] = {e.name: e for e in shard.skills} if shard else {}
        entry = loaded[key].get(name)
        if entry is not None:  # an index that lags its shard: leave the name out
            hits.append(CatalogEntry.model_validate(entry.model_dump(exclude={"serial"})))
    return hits, len(ranked)
