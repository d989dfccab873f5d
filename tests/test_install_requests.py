"""Requests per install, counted on a real HTTP server on 127.0.0.1 (deterministic, so exact).

A warm restore asks an unchanged registry for its change log only; a changed one, for the log and
the documents it names; bundles cached by digest need no request, and a damaged cache is
refetched. Signed registries keep TUF's steps (the next-root probe and the timestamp each run).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from skillreg.registry.changes import CHANGES_FILE
from skillreg.registry.edit import yank
from skillreg.registry.model import index_path
from tests.install_helpers import RegistryBuilder, Server, make_bundle, read_json, serve, skill

NAMES = [f"skill-{i:02d}" for i in range(20)]


@pytest.fixture
def twenty(tmp_path: Path) -> Iterator[tuple[RegistryBuilder, Server]]:
    builder = RegistryBuilder(tmp_path / "registry")
    builder.change_log = True
    for name in NAMES:
        builder.add(name, "1.0.0", data=make_bundle(name, "1.0.0"))
    builder.write()
    with serve(builder.root) as server:
        yield builder, server


def installed(tmp_path: Path, server: Server) -> Path:
    project = tmp_path / "first"
    project.mkdir()
    result = skill("install", *NAMES, "--registry", server.url, cwd=project)
    assert result.exit_code == 0, result.stderr
    return project


def clone(tmp_path: Path, first: Path, label: str) -> Path:
    project = tmp_path / label
    project.mkdir()
    for name in ("skills.lock", "skills.toml"):
        shutil.copy(first / name, project / name)
    return project


def restore(project: Path, server: Server) -> object:
    server.log.clear()
    result = skill("install", cwd=project)
    assert result.exit_code == 0, result.stderr
    for name in NAMES:
        assert (project / ".agents/skills" / name / "SKILL.md").is_file()
    return result


def test_cold_install_reads_the_log_instead_of_registry_json(
    tmp_path: Path, twenty: tuple[RegistryBuilder, Server]
) -> None:
    _, server = twenty
    project = tmp_path / "p"
    project.mkdir()
    assert skill("install", "skill-00", "--registry", server.url, cwd=project).exit_code == 0
    assert [p.split("/")[1] for p in server.paths()] == ["changes.json", "index", "blobs"]


def test_warm_restore_of_twenty_locked_skills_is_one_request(
    tmp_path: Path, twenty: tuple[RegistryBuilder, Server]
) -> None:
    _, server = twenty
    first = installed(tmp_path, server)
    restore(clone(tmp_path, first, "second"), server)
    assert server.paths() == [f"/{CHANGES_FILE}"]


def test_a_yank_since_costs_the_log_and_that_document_only(
    tmp_path: Path, twenty: tuple[RegistryBuilder, Server]
) -> None:
    builder, server = twenty
    first = installed(tmp_path, server)
    yank(str(builder.root), "skill-07@1.0.0", "broken")
    result = restore(clone(tmp_path, first, "second"), server)
    assert server.paths() == [f"/{CHANGES_FILE}", f"/{index_path('skill-07')}"]
    assert "skill-07@1.0.0 is yanked" in result.stderr  # type: ignore[attr-defined]
    restore(clone(tmp_path, first, "third"), server)  # and then it is current again
    assert server.paths() == [f"/{CHANGES_FILE}"]


def test_a_damaged_cache_is_refetched_not_trusted(
    tmp_path: Path, twenty: tuple[RegistryBuilder, Server]
) -> None:
    _, server = twenty
    first = installed(tmp_path, server)
    cache = Path.home() / ".cache" / "skillreg"
    lock = {e["name"]: e for e in read_json(first / "skills.lock")["skills"]}
    bundle = cache / "bundles" / f"{lock['skill-03']['sha256']}.tar.gz"
    bundle.write_bytes(b"not the bundle")
    docs = sorted((cache / "index").iterdir())
    for entry in docs:  # every cached document and registry copy: garbage
        entry.write_text("{not json")
    restore(clone(tmp_path, first, "second"), server)
    paths = server.paths()
    assert paths[0] == f"/{CHANGES_FILE}"
    assert sorted(p for p in paths if p.startswith("/index/")) == sorted(
        f"/{index_path(n)}" for n in NAMES
    )
    assert [p for p in paths if p.startswith("/blobs/")] == [
        f"/blobs/sha256/{lock['skill-03']['sha256'][:2]}/{lock['skill-03']['sha256'][2:4]}/"
        f"{lock['skill-03']['sha256']}.tar.gz"
    ]
    restore(clone(tmp_path, first, "third"), server)  # repaired: one request again
    assert server.paths() == [f"/{CHANGES_FILE}"]


def test_a_replayed_older_log_is_ignored(
    tmp_path: Path, twenty: tuple[RegistryBuilder, Server]
) -> None:
    builder, server = twenty
    old = (builder.root / CHANGES_FILE).read_bytes()
    builder.write()  # serial 2
    first = installed(tmp_path, server)
    server.overrides[f"/{CHANGES_FILE}"] = old
    restore(clone(tmp_path, first, "second"), server)
    # read as a registry without a log: registry.json and every document, revalidated
    assert server.paths()[:2] == [f"/{CHANGES_FILE}", "/registry.json"]
    assert len(server.paths()) == 2 + len(NAMES)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"[]",
        b'{"format": "skillreg-changes"}',
        b"\x00" * 4096,
        b'{"serial": 1e400}',
        b"[" * 100_000 + b"]" * 100_000,
        b"x" * (2 << 20),
    ],
)
def test_a_hostile_log_is_read_as_none(
    tmp_path: Path, twenty: tuple[RegistryBuilder, Server], body: bytes
) -> None:
    _, server = twenty
    first = installed(tmp_path, server)
    server.overrides[f"/{CHANGES_FILE}"] = body
    restore(clone(tmp_path, first, "second"), server)
    assert len(server.paths()) == 2 + len(NAMES)


def test_a_log_that_lists_a_document_not_cached_fetches_it(
    tmp_path: Path, twenty: tuple[RegistryBuilder, Server]
) -> None:
    builder, server = twenty
    first = installed(tmp_path, server)
    log = json.loads((builder.root / CHANGES_FILE).read_bytes())
    log["serial"] += 5
    log["since"] = log["serial"]  # the log forgot everything: nothing is known current
    log["changed"] = {}
    (builder.root / CHANGES_FILE).write_text(json.dumps(log))
    restore(clone(tmp_path, first, "second"), server)
    assert server.paths()[0] == f"/{CHANGES_FILE}"
    assert len(server.paths()) == 1 + len(NAMES)


def test_a_registry_without_a_log_is_asked_once_a_day(tmp_path: Path) -> None:
    builder = RegistryBuilder(tmp_path / "registry")
    for name in NAMES[:3]:
        builder.add(name, "1.0.0")
    builder.write()
    with serve(builder.root) as server:
        project = tmp_path / "p"
        project.mkdir()
        result = skill("install", *NAMES[:3], "--registry", server.url, cwd=project)
        assert result.exit_code == 0, result.stderr
        assert server.paths()[:2] == [f"/{CHANGES_FILE}", "/registry.json"]
        server.log.clear()
        assert skill("install", cwd=clone(tmp_path, project, "again")).exit_code == 0
        assert server.paths() == ["/registry.json"] + [f"/{index_path(n)}" for n in NAMES[:3]]


# -- signed registries ---------------------------------------------------------------------------


def test_signed_requests_cold_and_warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.signing_helpers import make_keys, signed_registry

    keys = make_keys(tmp_path / "keys")
    monkeypatch.setenv("SKILL_SIGNING_KEYS", str(keys))
    reg = signed_registry(tmp_path / "registry", keys)
    with serve(reg.root) as server:
        project = tmp_path / "p"
        project.mkdir()
        result = skill("install", "golang-pro", "--registry", server.url, cwd=project)
        assert result.exit_code == 0, result.stderr
        cold = [p.rsplit("/", 1)[-1] if "/tuf/metadata/" in p else p.split("/")[1]
                for p in server.paths()]  # fmt: skip
        assert cold[:3] == ["changes.json", "registry.json", "1.root.json"]
        assert cold[3:6] == ["2.root.json", "timestamp.json", "1.snapshot.json"]
        assert cold[6] == "1.targets.json" and cold[7].startswith("1.bin-")
        assert cold[8:] == ["tuf", "blobs"]
        server.log.clear()
        again = clone(tmp_path, project, "again")
        assert skill("install", cwd=again).exit_code == 0
        # Trusted: no log, no registry.json (kept from the first use), TUF's own steps.
        assert server.paths() == ["/tuf/metadata/2.root.json", "/tuf/metadata/timestamp.json"]


def test_a_damaged_memory_of_the_log_costs_requests_not_correctness(
    tmp_path: Path, twenty: tuple[RegistryBuilder, Server]
) -> None:
    _, server = twenty
    first = installed(tmp_path, server)
    for kept in (Path.home() / ".cache" / "skillreg" / "changes").iterdir():
        kept.write_bytes(b'{"serial": 99999999, "docs": "x"' + b"[" * 50_000)
    restore(clone(tmp_path, first, "second"), server)
    assert server.paths()[0] == f"/{CHANGES_FILE}"
    assert len(server.paths()) == 1 + len(NAMES)
    restore(clone(tmp_path, first, "third"), server)
    assert server.paths() == [f"/{CHANGES_FILE}"]


def test_reindex_after_a_hand_edit_restarts_the_log(
    tmp_path: Path, twenty: tuple[RegistryBuilder, Server]
) -> None:
    from skillreg.registry.verify import reindex

    builder, server = twenty
    first = installed(tmp_path, server)
    path = builder.root / index_path("skill-05")
    doc = json.loads(path.read_bytes())
    doc["deprecated"], doc["serial"] = {"message": "use skill-06"}, doc["serial"] + 1
    path.write_text(json.dumps(doc))  # by hand: no log entry
    written, _ = reindex(str(builder.root))
    assert CHANGES_FILE in written
    result = restore(clone(tmp_path, first, "second"), server)
    assert server.paths()[0] == f"/{CHANGES_FILE}"
    assert len(server.paths()) == 1 + len(NAMES)
    assert "skill-05 is deprecated: use skill-06" in result.stderr  # type: ignore[attr-defined]
    assert reindex(str(builder.root))[0] == []  # nothing out of date: the log is left alone


@pytest.mark.parametrize(
    "changed",
    [
        {"index": "index/\ud800/{name}.json"},  # JSON escapes registry.json itself could not hold
        {"name": "\udfff"},
    ],
)
def test_a_log_root_registry_json_could_not_hold_is_read_as_none(
    tmp_path: Path, twenty: tuple[RegistryBuilder, Server], changed: dict[str, str]
) -> None:
    builder, server = twenty
    first = installed(tmp_path, server)
    log = json.loads((builder.root / CHANGES_FILE).read_bytes())
    log["serial"] += 1
    log["root"].update(changed)
    server.overrides[f"/{CHANGES_FILE}"] = json.dumps(log).encode()
    restore(clone(tmp_path, first, "second"), server)
    assert server.paths()[:2] == [f"/{CHANGES_FILE}", "/registry.json"]
    assert len(server.paths()) == 2 + len(NAMES)


@pytest.mark.parametrize(
    "kept",
    [
        b'{"serial": 1, "docs": {}, "absent_at": 1' + b"0" * 400 + b"}",  # no float holds it
        b'{"serial": 1, "docs": [], "absent_at": null}',
        b'{"serial": 1, "docs": {"a": 1}, "absent_at": NaN}',
        b"\xff\xfe",
    ],
)
def test_a_damaged_memory_of_the_log_is_no_memory(tmp_path: Path, kept: bytes) -> None:
    from skillreg.registry.changes import Seen

    Seen.load(tmp_path, "k").path.write_bytes(kept)  # where the memory of "k" is kept
    seen = Seen.load(tmp_path, "k")
    assert not seen.absent_recently()
    assert all(type(v) is int for v in seen.docs.values())


def test_a_stray_file_among_pending_marks_does_not_spoil_the_log(
    tmp_path: Path, twenty: tuple[RegistryBuilder, Server]
) -> None:
    from skillreg.registry.changes import parse_log
    from skillreg.registry.storage.folder import PENDING_DIR

    builder, server = twenty
    first = installed(tmp_path, server)
    (builder.root / PENDING_DIR).mkdir(parents=True, exist_ok=True)
    (builder.root / PENDING_DIR / ".DS_Store").write_bytes(b"")  # a synced folder's litter
    (builder.root / PENDING_DIR / "Not A Name.1-ab").write_bytes(b"")
    yank(str(builder.root), "skill-07@1.0.0", "broken")
    log = parse_log((builder.root / CHANGES_FILE).read_bytes())
    assert log is not None and set(log.changed) >= {"skill-07"}
    result = restore(clone(tmp_path, first, "second"), server)
    assert server.paths() == [f"/{CHANGES_FILE}", f"/{index_path('skill-07')}"]
    assert "skill-07@1.0.0 is yanked" in result.stderr  # type: ignore[attr-defined]


def test_a_stale_copy_of_a_changed_document_is_not_taken_as_current(
    tmp_path: Path, twenty: tuple[RegistryBuilder, Server]
) -> None:
    """A cache in front of the registry (a CDN keeps documents up to a minute) may answer with
    the document from before the change the log lists: the next restore asks again, as every
    restore did before the log, instead of keeping the stale copy until it changes again."""
    builder, server = twenty
    first = installed(tmp_path, server)
    path = f"/{index_path('skill-07')}"
    stale = (builder.root / path.lstrip("/")).read_bytes()
    yank(str(builder.root), "skill-07@1.0.0", "broken")
    server.overrides[path] = stale  # the change is listed, the old document still served
    result = restore(clone(tmp_path, first, "second"), server)
    assert "is yanked" not in result.stderr  # type: ignore[attr-defined]
    del server.overrides[path]
    result = restore(clone(tmp_path, first, "third"), server)
    assert server.paths() == [f"/{CHANGES_FILE}", path]
    assert "skill-07@1.0.0 is yanked" in result.stderr  # type: ignore[attr-defined]
    restore(clone(tmp_path, first, "fourth"), server)  # and then it is current
    assert server.paths() == [f"/{CHANGES_FILE}"]
