"""Boundary: a registry (or a mirror in front of it) cannot roll a client back, equivocate, or
freeze it out with an absurd serial.

The client has seen serial 3 of golang-pro (1.1.0 yanked). Each hostile answer then comes from a
real HTTP server on 127.0.0.1: exit 1, exactly one ``error:`` line, no traceback, nothing
installed. Bounds: documents of a few hundred bytes; each command one in-process run (a hang
guard of 20 s, not a benchmark).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from skillreg.registry.model import MAX_SERIAL, index_path
from skillreg.registry.serials import registry_identity
from tests.install_helpers import RegistryBuilder, Server, skill

NAME = "golang-pro"
DOC = "/" + index_path(NAME)
HANG_GUARD = 20.0


def run(*args: str, cwd: Path) -> Any:
    started = time.monotonic()
    result = skill(*args, cwd=cwd)
    assert time.monotonic() - started < HANG_GUARD
    return result


def refused(result: Any) -> str:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return str(lines[0])


@pytest.fixture
def seen(registry: RegistryBuilder, server: Server, project: Path) -> dict[str, Any]:
    """Serial 2 (1.0.0 and 1.1.0) is what an attacker replays; the client has seen serial 3
    (1.1.0 yanked). Returns serial 2's document."""
    registry.add(NAME, "1.1.0").write()
    old: dict[str, Any] = json.loads((registry.root / index_path(NAME)).read_text())
    registry.skills[NAME]["1.1.0"].yanked = True
    registry.write()
    assert run("info", NAME, "-r", server.url, cwd=project).exit_code == 0
    return old


def serve_doc(server: Server, doc: dict[str, Any], path: str = DOC, indent: int = 2) -> None:
    server.overrides[path] = json.dumps(doc, indent=indent).encode()


def change_templates(registry: RegistryBuilder, index: str) -> None:
    root = json.loads((registry.root / "registry.json").read_text())
    root["index"] = index
    (registry.root / "registry.json").write_text(json.dumps(root))


@pytest.mark.parametrize(
    "index",
    [
        "index/{prefix}/{name}.json?v=2",  # a query string: another URL, same file
        "index/{prefix}/{name}.json?",
        "mirror/{prefix}/{name}.json",  # another folder holding the old snapshot
    ],
)
def test_old_snapshot_under_changed_templates_refused(
    registry: RegistryBuilder,
    server: Server,
    project: Path,
    seen: dict[str, Any],
    index: str,
) -> None:
    change_templates(registry, index)
    serve_doc(server, seen, "/" + index.split("?")[0].replace("{prefix}/{name}", "go/la/" + NAME))
    line = refused(run("install", f"{NAME}@1.1.0", "-r", server.url, cwd=project))
    assert "serial 2 is lower than 3 seen before" in line
    assert not (project / "skills.lock").exists()
    assert not (project / ".agents").exists()


@pytest.mark.parametrize("spelling", ["{url}/", "{url}//", "HTTP://{host}"])
def test_another_spelling_of_the_same_registry_remembers(
    server: Server, project: Path, seen: dict[str, Any], spelling: str
) -> None:
    url = spelling.format(url=server.url, host=server.url.removeprefix("http://"))
    serve_doc(server, seen)
    line = refused(run("install", f"{NAME}@1.1.0", "-r", url, cwd=project))
    assert "serial 2 is lower than 3" in line


def test_lock_entry_naming_the_registry_another_way_remembers(
    registry: RegistryBuilder, server: Server, project: Path, seen: dict[str, Any]
) -> None:
    assert run("install", NAME, "-r", server.url, cwd=project).exit_code == 0
    lock = json.loads((project / "skills.lock").read_text())
    lock["skills"][0]["registry"] = server.url + "/"
    (project / "skills.lock").write_text(json.dumps(lock))
    (project / ".agents/skills" / NAME / "SKILL.md").unlink()  # so the restore reads the document
    serve_doc(server, seen)
    assert "serial 2 is lower than 3" in refused(run("install", cwd=project))


@pytest.mark.parametrize(
    "change",
    [
        lambda doc: doc["versions"]["1.1.0"].update(yanked=False, yanked_reason=None),
        lambda doc: doc.update(tags={"latest": "1.1.0"}),
        lambda doc: doc.update(deprecated={"message": "use evil-pro"}),
        lambda doc: doc["versions"]["1.0.0"].update(description="other words"),
    ],
    ids=["unyanked", "retagged", "deprecated", "described"],
)
def test_same_serial_other_contents_is_equivocation(
    registry: RegistryBuilder, server: Server, project: Path, seen: dict[str, Any], change: Any
) -> None:
    current = json.loads((registry.root / index_path(NAME)).read_text())
    change(current)
    serve_doc(server, current)
    line = refused(run("install", f"{NAME}@1.1.0", "-r", server.url, cwd=project))
    assert "serial 3 was seen before" in line and "equivocation" in line
    assert not (project / "skills.lock").exists()


def test_same_document_reformatted_is_no_equivocation(
    registry: RegistryBuilder, server: Server, project: Path, seen: dict[str, Any]
) -> None:
    current = json.loads((registry.root / index_path(NAME)).read_text())
    serve_doc(server, dict(reversed(list(current.items()))), indent=7)
    result = run("info", NAME, "-r", server.url, cwd=project)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("serial", [10**40, MAX_SERIAL + 1, 2**64])
def test_absurd_serial_refused_and_not_remembered(
    registry: RegistryBuilder, server: Server, project: Path, seen: dict[str, Any], serial: int
) -> None:
    current = json.loads((registry.root / index_path(NAME)).read_text())
    serve_doc(server, {**current, "serial": serial})
    line = refused(run("install", NAME, "-r", server.url, cwd=project))
    assert "serial" in line and "not a valid skill document" in line
    del server.overrides[DOC]  # the real registry again: the client is not frozen out
    result = run("install", NAME, "-r", server.url, cwd=project)
    assert result.exit_code == 0, result.stderr


def test_highest_plausible_serial_is_accepted(
    registry: RegistryBuilder, server: Server, project: Path, seen: dict[str, Any]
) -> None:
    current = json.loads((registry.root / index_path(NAME)).read_text())
    serve_doc(server, {**current, "serial": MAX_SERIAL})
    assert run("info", NAME, "-r", server.url, cwd=project).exit_code == 0


def test_identity_is_the_normalised_location() -> None:
    assert registry_identity("HTTPS://Example.ORG:443//reg/") == "https://example.org/reg"
    assert registry_identity("http://h:8080/a?x=1#y") == "http://h:8080/a"
    assert registry_identity("http://[::1]:80/") == "http://[::1]"
    assert registry_identity("/a/../b") == "/b"
