"""Frontmatter metadata through the registry: recorded at publish, carried by the catalog, filtered
and ranked by `skill search`, shown by `skill info`; format 1 registries still read."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from skillreg.registry.model import Catalog, CatalogEntry
from skillreg.registry.search import search_catalog
from tests.conftest import REPO
from tests.install_helpers import serve, skill

FAMILY = REPO / "tests" / "fixtures" / "council"
V1 = REPO / "tests" / "fixtures" / "registry-v1"


def entry(name: str, description: str, **metadata: str) -> CatalogEntry:
    return CatalogEntry(name=name, description=description, latest="1.0.0", metadata=metadata)


CATALOG = Catalog(
    skills=[
        entry("api-designer", "Designs HTTP APIs that python and go services expose", tier="a"),
        entry("golang-pro", "Idiomatic Go services", tier="a"),
        entry("python-pro", "Modern Python with strict typing", tier="a"),
        entry("python-tutor", "Teaches beginners", tier="b", council="x"),
    ]
)


def names(query: str, **kw: object) -> list[str]:
    return [e.name for e in search_catalog(CATALOG, query, **kw).hits]  # type: ignore[arg-type]


def test_name_matches_come_before_description_matches() -> None:
    assert names("python") == ["python-pro", "python-tutor", "api-designer"]
    assert names("python pro") == ["python-pro"]
    assert names("python-tutor")[0] == "python-tutor"


def test_typos_are_tolerated_after_exact_matches() -> None:
    assert names("pyhton") == ["python-pro", "python-tutor", "api-designer"]
    assert names("idiomatik") == ["golang-pro"]
    assert names("xyz") == []


def test_filters_limit_and_did_you_mean() -> None:
    assert names("python", filters={"tier": "a"}) == ["python-pro", "api-designer"]
    assert names("", filters={"tier": "b", "council": "x"}) == ["python-tutor"]
    result = search_catalog(CATALOG, "python", limit=1)
    assert [e.name for e in result.hits] == ["python-pro"] and result.total == 3
    nothing = search_catalog(CATALOG, "golang-prp", filters={"tier": "aa"})
    assert nothing.hits == () and nothing.suggestions == ("golang-pro",)
    assert nothing.notes == ("no skill has tier 'aa'; did you mean 'a'?",)


@pytest.fixture
def family_registry(tmp_path: Path) -> Path:
    registry = tmp_path / "registry"
    result = skill("publish", str(FAMILY), "--to", str(registry), cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    return registry


def test_published_documents_and_catalog_carry_metadata(family_registry: Path) -> None:
    doc = json.loads((family_registry / "index/ch/ie/chief-strategy-officer.json").read_text())
    assert doc["versions"]["1.0.0"]["metadata"] == {
        "category": "c-suite",
        "council": "executive-council",
        "tier": "executive",
    }
    root = json.loads((family_registry / "registry.json").read_text())
    assert root["format_version"] == 2
    catalog = json.loads((family_registry / "catalog.json").read_text())
    tiers = {e["name"]: e["metadata"]["tier"] for e in catalog["skills"]}
    assert tiers["delivery-coach"] == "product" and len(tiers) == 6


def test_search_and_info_over_http(family_registry: Path, tmp_path: Path) -> None:
    with serve(family_registry) as server:
        found = skill("search", "--tier", "executive", "--registry", server.url, cwd=tmp_path)
        assert found.exit_code == 0, found.stderr
        assert _names(found.stdout) == ["chief-strategy-officer"]
        assert "[executive, executive-council]" in found.stdout
        listed = skill(
            "search", "--council", "code-review-council", "--json", "--registry", server.url,
            cwd=tmp_path,
        )  # fmt: skip
        assert [h["name"] for h in json.loads(listed.stdout)] == [
            "docs-editor",
            "incident-commander",
        ]
        typo = skill("search", "--tier", "executiv", "--registry", server.url, cwd=tmp_path)
        assert typo.stdout == "" and "did you mean 'executive'?" in typo.stderr
        info = skill("info", "delivery-coach", "--registry", server.url, cwd=tmp_path)
        assert info.exit_code == 0, info.stderr
        assert "tier: product\n" in info.stdout and "council: product-council\n" in info.stdout


def test_terminal_output_neutralises_registry_text(tmp_path: Path) -> None:
    registry = tmp_path / "registry"
    shutil.copytree(FAMILY, tmp_path / "src")
    path = tmp_path / "src" / "docs-editor" / "SKILL.md"
    path.write_text(path.read_text().replace("category: documentation", 'category: "a\\e[2Jb"'))
    assert skill("publish", str(tmp_path / "src"), "--to", str(registry), "--profile",
                 "agentskills", cwd=tmp_path).exit_code == 0  # fmt: skip
    info = skill("info", "docs-editor", "--registry", str(registry), cwd=tmp_path)
    assert "\x1b" not in info.stdout and "category: a\\x1b[2Jb" in info.stdout


def test_a_format_1_registry_still_reads(tmp_path: Path) -> None:
    assert json.loads((V1 / "registry.json").read_text())["format_version"] == 1
    with serve(V1) as server:
        found = skill("search", "pyhton", "--registry", server.url, cwd=tmp_path)
        assert _names(found.stdout)[0] == "python-pro", found.stderr
        info = skill("info", "golang-pro", "--registry", server.url, cwd=tmp_path)
        assert info.exit_code == 0 and "tier:" not in info.stdout
        project = tmp_path / "project"
        project.mkdir()
        installed = skill("install", "golang-pro", "--registry", server.url, cwd=project)
        assert installed.exit_code == 0, installed.stderr


def test_publishing_into_a_format_1_registry_upgrades_it(tmp_path: Path) -> None:
    registry = shutil.copytree(V1, tmp_path / "registry")
    result = skill("publish", str(FAMILY), "--to", str(registry), cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert json.loads((registry / "registry.json").read_text())["format_version"] == 2
    assert skill("registry", "verify", str(registry), cwd=tmp_path).exit_code == 0


def _names(table: str) -> list[str]:
    """The first column of `skill search`'s table, below its header row."""
    rows = [line.split()[0] for line in table.splitlines() if line.strip()]
    return rows[1:] if rows and rows[0] == "NAME" else rows
