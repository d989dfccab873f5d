"""Install against hostile or careless input: token scoping, credentials in URLs, bad URLs, bad
lock entries, agent folders that are symlinks, local edits. Real servers on 127.0.0.1."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from skillreg.core.errors import RegistryError
from skillreg.registry.http import HttpClient, HttpSettings, is_loopback, origin_of
from tests.install_helpers import (
    RegistryBuilder,
    Server,
    read_json,
    serve,
    skill,
)

TOKEN = "s3cret-token"


@pytest.fixture
def spy(registry: RegistryBuilder) -> Iterator[Server]:
    """A second origin (another port) serving the same files and recording every header."""
    with serve(registry.root) as running:
        yield running


def auth_headers(server: Server) -> set[str | None]:
    return {headers.get("authorization") for _, _, headers in server.log}


def point_lock_at(project: Path, url: str) -> None:
    """Rewrite every lock entry to name `url`, and remove the installed files."""
    path = project / "skills.lock"
    lock = read_json(path)
    for entry in lock["skills"]:
        entry["registry"] = url
    path.write_text(json.dumps(lock))
    shutil.rmtree(project / ".agents")


def user_config(home: Path, text: str) -> None:
    config = home / ".config/skillreg/config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(text)


# -- 1. tokens are scoped to an origin -----------------------------------------------------------


def test_lock_naming_another_origin_gets_no_token(
    server: Server, spy: Server, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert skill("install", "golang-pro", "--registry", server.url, cwd=project).exit_code == 0
    point_lock_at(project, spy.url)
    monkeypatch.setenv("SKILL_REGISTRY_TOKEN", TOKEN)
    result = skill("install", "--registry", server.url, cwd=project)
    assert result.exit_code == 0, result.stderr
    assert "restored golang-pro@1.0.0" in result.stdout
    assert spy.log and auth_headers(spy) == {None}
    assert TOKEN not in result.stdout + result.stderr


def test_env_token_goes_to_the_chosen_origin_only(
    server: Server, spy: Server, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKILL_REGISTRY_TOKEN", TOKEN)
    monkeypatch.setenv("SKILL_REGISTRY", server.url)
    assert skill("install", "golang-pro", cwd=project).exit_code == 0
    assert auth_headers(server) == {f"Bearer {TOKEN}"}
    # The project config names the spy: no token, since the user did not choose it for this run.
    monkeypatch.delenv("SKILL_REGISTRY")
    (project / "skill.toml").write_text(f'[install]\nregistry = "{spy.url}"\n')
    assert skill("install", "python-pro", cwd=project).exit_code == 0
    assert spy.log and auth_headers(spy) == {None}


def test_token_mapped_to_an_origin(
    server: Server, spy: Server, project: Path, isolated_home: Path
) -> None:
    host, port = spy.url.removeprefix("http://").split(":")
    user_config(isolated_home, f'[install.tokens]\n"http://{host}:{port}/" = "{TOKEN}"\n')
    assert skill("install", "golang-pro", "--registry", server.url, cwd=project).exit_code == 0
    assert auth_headers(server) == {None}
    point_lock_at(project, spy.url)
    assert skill("install", cwd=project).exit_code == 0
    assert auth_headers(spy) == {f"Bearer {TOKEN}"}


def test_user_config_token_is_not_sent_to_another_registry(
    server: Server, project: Path, isolated_home: Path
) -> None:
    user_config(isolated_home, f'[install]\ntoken = "{TOKEN}"\nregistry = "https://example.com"\n')
    assert skill("install", "golang-pro", "--registry", server.url, cwd=project).exit_code == 0
    assert auth_headers(server) == {None}


def test_bad_tokens_table_is_a_config_error(
    server: Server, project: Path, isolated_home: Path
) -> None:
    user_config(isolated_home, f'[install.tokens]\n"https://x.example/path" = "{TOKEN}"\n')
    result = skill("install", "golang-pro", "--registry", server.url, cwd=project)
    assert result.exit_code == 2
    assert "[install.tokens] key 'https://x.example/path' must be an origin" in result.stderr
    assert TOKEN not in result.stderr


def test_no_token_over_plain_http_to_a_remote_host(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKILL_REGISTRY_TOKEN", TOKEN)
    # Refused before any connection is made, so no network is touched.
    result = skill("install", "x", "--registry", "http://skills.example.com", cwd=project)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: http://skills.example.com:80: refusing to send a registry token over plain http"
        " (only to loopback hosts); use https, or remove the token for this origin\n"
    )


def test_origins_and_loopback() -> None:
    assert origin_of("https://Skills.Example.com/reg/") == "https://skills.example.com:443"
    assert origin_of("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080"
    assert origin_of("http://[::1]/x") == "http://[::1]:80"
    assert origin_of("/some/folder") is None and origin_of("http://[::1") is None
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.9.9.9", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(h) for h in ("10.0.0.1", "example.com", "localhost.evil.com"))


# -- 2. credentials in URLs, 4. malformed URLs ----------------------------------------------------


def test_credentials_in_registry_url_refused(
    server: Server, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_cred = server.url.replace("http://", "http://user:pw123@")
    result = skill("install", "golang-pro", "--registry", with_cred, cwd=project)
    assert result.exit_code == 2
    assert "put the credential in SKILL_REGISTRY_TOKEN or [install.tokens]" in result.stderr
    assert "pw123" not in result.stderr and "user:" not in result.stderr
    assert not (project / "skills.lock").exists() and server.log == []
    monkeypatch.setenv("SKILL_REGISTRY", with_cred)
    assert skill("install", "golang-pro", cwd=project).exit_code == 2
    monkeypatch.delenv("SKILL_REGISTRY")
    (project / "skill.toml").write_text(f'[install]\nregistry = "{with_cred}"\n')
    assert skill("install", "golang-pro", cwd=project).exit_code == 2
    (project / "skill.toml").unlink()
    assert skill("install", "golang-pro", "--registry", server.url, cwd=project).exit_code == 0
    point_lock_at(project, with_cred)
    result = skill("install", cwd=project)
    assert result.exit_code == 2 and "pw123" not in result.stderr


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://[::1", "error: invalid registry URL 'http://[::1': Invalid IPv6 URL\n"),
        ("ftp://x", "error: unsupported registry URL scheme 'ftp'"),
        ("https://", "error: invalid registry URL 'https://': no host\n"),
        ("http://h:99999", "error: invalid registry URL 'http://h:99999': Port out of range"),
    ],
)
def test_malformed_registry_url_is_a_usage_error(project: Path, url: str, message: str) -> None:
    result = skill("install", "x", "--registry", url, cwd=project)
    assert result.exit_code == 2, result.exception
    assert result.stderr.startswith(message)


def test_invalid_url_inside_the_client_is_a_registry_error() -> None:
    client = HttpClient(HttpSettings(backoff=0.001))
    try:
        with pytest.raises(RegistryError, match=r"invalid URL"):
            client.get("http://127.0.0.1:1/\x00bad")
    finally:
        client.close()


# -- 5. agent folder that is itself a symlink -----------------------------------------------------


def test_agent_folder_that_is_a_symlink(server: Server, project: Path, tmp_path: Path) -> None:
    """A committed agent folder linked to another folder inside the project is followed (one
    leading out of it is refused: tests/test_boundary_project_paths.py)."""
    elsewhere = project / "shared" / "skills"
    elsewhere.mkdir(parents=True)
    (project / ".claude").mkdir()
    (project / ".claude/skills").symlink_to(elsewhere, target_is_directory=True)
    args = ("--agent", "claude-code", "--registry", server.url)
    result = skill("install", "golang-pro", *args, cwd=project)
    assert result.exit_code == 0, result.stderr
    linked = project / ".claude/skills/golang-pro"
    assert (linked / "SKILL.md").is_file()
    assert linked.resolve() == (project / ".agents/skills/golang-pro").resolve()
    assert "ok" in skill("list", cwd=project).stdout
    result = skill("install", "--frozen", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "everything in the lockfile is in place\n"


def test_link_that_misses_is_dropped_for_a_copy(
    server: Server, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the file system does, a link that does not lead to the canonical copy is not kept:
    the install copies instead and `skill list` says ok."""
    import os

    from skillreg.install import place

    real_symlink = os.symlink

    def wrong_symlink(src: str, dst: str, target_is_directory: bool = False) -> None:
        real_symlink("nowhere", dst, target_is_directory=target_is_directory)

    monkeypatch.setattr(place.os, "symlink", wrong_symlink)  # type: ignore[attr-defined]
    args = ("--agent", "cursor", "--registry", server.url)
    result = skill("install", "golang-pro", *args, cwd=project)
    assert result.exit_code == 0, result.stderr
    copy = project / ".cursor/skills/golang-pro"
    assert copy.is_dir() and not copy.is_symlink() and (copy / "SKILL.md").is_file()
    assert [p.name for p in copy.parent.iterdir()] == ["golang-pro"]  # no staged link left
    assert "ok" in skill("list", cwd=project).stdout


# -- 6. names and folders in the lock ---------------------------------------------------------


def test_lock_entry_outside_the_project_refused(
    server: Server, project: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("precious")
    assert skill("install", "golang-pro", "--registry", server.url, cwd=project).exit_code == 0
    lock = read_json(project / "skills.lock")
    lock["skills"][0]["name"] = "../../../victim"
    (project / "skills.lock").write_text(json.dumps(lock))
    for args in (("list",), ("remove", "../../../victim"), ("install",)):
        result = skill(*args, cwd=project)
        assert result.exit_code == 1, args
        assert "skills.lock: invalid lockfile at skills.0.name (entry '../../../victim')" in (
            result.stderr
        )
    assert (victim / "keep.txt").read_text() == "precious"


def test_dir_outside_the_project_refused(server: Server, project: Path) -> None:
    result = skill(
        "install", "golang-pro", "--dir", "../out", "--registry", server.url, cwd=project
    )
    assert result.exit_code == 2
    assert "--dir '../out' is outside the project" in result.stderr
    assert not (project / "skills.lock").exists()


@pytest.mark.parametrize("name", ["foo.bar", "foo_bar", "a" * 65])
def test_request_names_follow_the_one_rule(project: Path, name: str) -> None:
    result = skill("install", name, "--registry", "http://127.0.0.1:1", cwd=project)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: invalid skill name {name!r}: 1-64 lowercase ASCII")


# -- 7. local edits are not silently discarded ------------------------------------------------


def test_modified_copy_is_refused_without_force(server: Server, project: Path) -> None:
    assert skill("install", "golang-pro", "--registry", server.url, cwd=project).exit_code == 0
    edited = project / ".agents/skills/golang-pro/SKILL.md"
    edited.write_text("my local notes")
    by_name = ("install", "golang-pro", "--registry", server.url)
    for args in (("install",), ("install", "--frozen"), by_name):
        result = skill(*args, cwd=project)
        assert result.exit_code == 1, args
        assert "has local changes; pass --force to discard them, or `skill remove golang-pro`" in (
            result.stderr
        )
        assert edited.read_text() == "my local notes"
    result = skill("install", "--force", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "restored golang-pro@1.0.0 (was modified)\n"
    assert edited.read_text().startswith("---\nname: golang-pro")
