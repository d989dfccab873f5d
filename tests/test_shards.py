"""The sharded catalog's pure logic: indexed words, postings, building and searching."""

from __future__ import annotations

from collections.abc import Callable

from skillreg.registry import shards
from skillreg.registry.model import CatalogShard, SearchShard, ShardEntry


def entry(name: str, description: str, serial: int = 1) -> ShardEntry:
    return ShardEntry(name=name, description=description, latest="1.0.0", serial=serial)


ENTRIES = [
    entry("python-pro", "Write idiomatic Python with pytest"),
    entry("golang-pro", "Go services and tooling"),
    entry("kube-deployer", "Deploy to Kubernetes with Helm"),
    entry("py", "The shortest name"),
]


def loaders(
    entries: list[ShardEntry], log: list[str]
) -> tuple[Callable[[str], SearchShard | None], Callable[[str], CatalogShard | None]]:
    by_shard, by_term = shards.build(entries)

    def terms(key: str) -> SearchShard | None:
        log.append(shards.terms_path(key))
        return by_term.get(key)

    def shard(key: str) -> CatalogShard | None:
        log.append(shards.shard_path(key))
        return by_shard.get(key)

    return terms, shard


def search(query: str, limit: int | None = None) -> tuple[list[str], int, list[str]]:
    log: list[str] = []
    terms, shard = loaders(ENTRIES, log)
    hits, total = shards.search(query, terms, shard, limit)
    return [h.name for h in hits], total, log


def test_words_drop_stop_words_and_single_characters() -> None:
    assert shards.words("Use it when a Go-based API is needed, v2") == {
        "go",
        "based",
        "api",
        "needed",
        "v2",
    }


def test_a_query_word_matches_the_beginning_of_words() -> None:
    assert search("kube") == (["kube-deployer"], 1, ["catalog/terms/kube.json", "catalog/kub.json"])
    assert search("ubernetes")[0] == []  # not a substring search
    assert search("pro")[0] == ["golang-pro", "python-pro"]
    assert search("python pytest")[0] == ["python-pro"]
    assert search("go")[0] == ["golang-pro"]  # three characters or less: whole words only
    assert search("gola")[0] == ["golang-pro"]


def test_name_matches_rank_first_and_the_limit_bounds_the_shards_loaded() -> None:
    names, total, log = search("py")
    assert names == ["py"] and total == 1
    names, total, log = search("pro", limit=1)
    assert names == ["golang-pro"] and total == 2
    assert log == ["catalog/terms/pro.json", "catalog/gol.json"]  # python's shard not loaded


def test_postings_follow_the_current_words_of_a_skill() -> None:
    _, by_term = shards.build(ENTRIES)
    shard = by_term["pyth"]
    assert shard.terms == {"python": ["python-pro"]}
    moved = shards.with_postings(shard, {"python-pro": set(), "py-tools": {"python3", "pytest"}})
    assert moved.terms == {"python3": ["py-tools"]}
    assert shards.with_postings(moved, {"python-pro": set(), "py-tools": set()}).terms == {}


def test_rendering_is_compact_and_stable() -> None:
    by_shard, _ = shards.build(ENTRIES)
    data = shards.render(by_shard["py"])
    assert data.startswith(b'{"format_version":2,"shard":"py","skills":[{"deprecated":false')
    assert data.count(b"\n") == 1 and data == shards.render(by_shard["py"])
