"""A publish splices its entries' lines into catalog.json instead of parsing and rendering the
whole file: the bytes must be exactly what rendering the changed catalog gives."""

from __future__ import annotations

from skillreg.registry.derived import _catalog_count, _splice, render_catalog
from skillreg.registry.model import Catalog, CatalogEntry


def entry(name: str, description: str = "d", **kw: object) -> CatalogEntry:
    return CatalogEntry(name=name, description=description, latest="1.0.0", **kw)  # type: ignore[arg-type]


def test_replace_add_and_remove_give_the_rendered_bytes() -> None:
    names = ["alpha", "beta-two", "delta", "gamma"]
    before = [entry(n, f'{n}: "quoted", \\ and, ,\n    ümlaut') for n in names]
    raw = render_catalog(Catalog(skills=before))
    changes = {
        "aaa-first": entry("aaa-first", metadata={"tier": "x"}),  # added at the start
        "beta-two": entry("beta-two", "new words", deprecated=True),  # replaced
        "delta": None,  # removed
        "zeta": entry("zeta"),  # added at the end
        "missing": None,  # removing what is not there changes nothing
    }
    kept = {e.name: e for e in before}
    for name, new in changes.items():
        if new is None:
            kept.pop(name, None)
        else:
            kept[name] = new
    expected = render_catalog(Catalog(skills=[kept[n] for n in sorted(kept)]))
    assert _splice(raw, changes) == expected
    assert _catalog_count(expected) == len(kept)


def test_removing_the_last_entry_gives_the_empty_catalog() -> None:
    raw = render_catalog(Catalog(skills=[entry("only")]))
    assert _splice(raw, {"only": None}) == render_catalog(Catalog())
    assert _catalog_count(render_catalog(Catalog())) == 0


def test_a_catalog_not_spelled_as_rendered_is_left_to_the_parser() -> None:
    raw = render_catalog(Catalog(skills=[entry("alpha"), entry("beta")]))
    assert _splice(render_catalog(Catalog()), {"alpha": entry("alpha")}) is None  # empty
    assert _splice(raw.replace(b"\n", b"\r\n"), {"alpha": None}) is None
    assert _splice(raw.replace(b'{"deprecated"', b'{"x"', 1), {"alpha": None}) is None
    assert _splice(b"[]", {"alpha": None}) is None
    assert _catalog_count(b"not json") is None
