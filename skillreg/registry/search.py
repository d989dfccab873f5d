"""Searching a registry's catalog: filters on frontmatter metadata, then ranked matches.

A query is a few words. An entry matches when every word is found in its name or description,
as a substring or, for a typo, as a close spelling of one of the catalog's words. Ranks, best
first: the name itself; every word in the name; every word found as written; every word in the
name allowing close spellings; some found only as a close spelling. Ties go by name. Nothing
matching gives a "did you mean" from the names (and, for a filter, from the values the catalog
holds). Pure functions over a `Catalog`: no I/O.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from skillreg.registry.model import Catalog, CatalogEntry

FILTER_KEYS = ("tier", "council", "category")
_WORD = re.compile(r"[a-z0-9]+")
_CUTOFF = 0.8  # how close a misspelling must be (difflib ratio): "pyhton" finds "python"


@dataclass(frozen=True)
class SearchResult:
    hits: tuple[CatalogEntry, ...]
    total: int  # matches before `limit`
    suggestions: tuple[str, ...] = ()  # when nothing matched: close names or filter values
    notes: tuple[str, ...] = field(default=())  # e.g. which filter value matched nothing


def search_catalog(
    catalog: Catalog,
    query: str,
    filters: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> SearchResult:
    """The entries of `catalog` matching `query` and every metadata `filters` value, ranked."""
    filters = {k: v for k, v in (filters or {}).items() if v}
    kept = [e for e in catalog.skills if all(e.metadata.get(k) == v for k, v in filters.items())]
    words = _WORD.findall(query.casefold())
    if not words:
        ranked = sorted(kept, key=lambda e: e.name)
    else:
        close = _close_words(words, kept)
        scored = [(rank, e) for e in kept if (rank := _rank(e, query, words, close)) is not None]
        ranked = [e for _, e in sorted(scored, key=lambda pair: (pair[0], pair[1].name))]
    hits = tuple(ranked[:limit] if limit is not None else ranked)
    if ranked:
        return SearchResult(hits, len(ranked))
    return SearchResult((), 0, *_suggest(catalog, query, filters))


def _tokens(entry: CatalogEntry) -> set[str]:
    return set(_WORD.findall(f"{entry.name} {entry.description}".casefold()))


def _close_words(words: Sequence[str], entries: Sequence[CatalogEntry]) -> dict[str, set[str]]:
    """For each query word, the catalog words spelled closely enough to stand for it."""
    vocabulary = sorted(set().union(*(_tokens(e) for e in entries))) if entries else []
    return {
        word: set(difflib.get_close_matches(word, vocabulary, n=5, cutoff=_CUTOFF))
        for word in words
        if len(word) >= 4  # short words have too many neighbours to guess from
    }


def _rank(
    entry: CatalogEntry, query: str, words: Sequence[str], close: Mapping[str, set[str]]
) -> int | None:
    name = entry.name
    if name == "-".join(query.casefold().split()):
        return 0
    if all(w in name for w in words):
        return 1
    text = f"{name} {entry.description.casefold()}"
    if all(w in text for w in words):
        return 2
    in_name = set(_WORD.findall(name))
    if all(w in name or close.get(w, set()) & in_name for w in words):
        return 3
    tokens = _tokens(entry)
    if all(w in text or close.get(w, set()) & tokens for w in words):
        return 4
    return None


def _suggest(
    catalog: Catalog, query: str, filters: Mapping[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    notes = []
    for key, value in filters.items():
        seen = sorted({e.metadata[key] for e in catalog.skills if key in e.metadata})
        if value not in seen:
            close = difflib.get_close_matches(value, seen, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            notes.append(f"no skill has {key} {value!r}{hint}")
    names = [e.name for e in catalog.skills]
    target = "-".join(query.casefold().split())
    suggestions = difflib.get_close_matches(target, names, n=3, cutoff=0.6) if target else []
    return tuple(suggestions), tuple(notes)
