"""HTTP behaviour against a real, scripted server on 127.0.0.1: retries, ETags, tokens, failures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from skillreg.core.errors import IntegrityError
from skillreg.registry.http import HttpClient, HttpSettings, _connect_error
from skillreg.registry.model import blob_path, index_path
from tests.install_helpers import (
    RegistryBuilder,
    Server,
    drop_fault,
    read_json,
    skill,
    status_fault,
    tree,
)


def golang_blob(registry: RegistryBuilder) -> str:
    doc = read_json(registry.root / index_path("golang-pro"))
    return blob_path(doc["versions"]["1.0.0"]["sha256"])


def test_503_twice_then_200(server: Server, project: Path) -> None:
    server.fail("registry.json", status_fault(503), status_fault(503))
    result = skill("install", "golang-pro", "--registry", server.url, cwd=project)
    assert result.exit_code == 0, result.stderr
    assert server.paths().count("/registry.json") == 3


def test_429_honours_retry_after(server: Server, project: Path) -> None:
    server.fail(index_path("golang-pro"), status_fault(429, {"Retry-After": "0"}))
    result = skill("install", "golang-pro", "--registry", server.url, cwd=project)
    assert result.exit_code == 0, result.stderr
    assert server.paths().count("/" + index_path("golang-pro")) == 2


def test_persistent_5xx_is_one_clear_line(server: Server, project: Path) -> None:
    server.fail("registry.json", *[status_fault(500)] * 4)
    result = skill("install", "golang-pro", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    *notes, last = result.stderr.splitlines()
    assert last == (
        f"error: {server.url}/registry.json: server answered 500 (gave up after 4 attempts)"
    )
    # each retry is announced, so a slow run is never a silent one
    assert [n.split("; ")[-1] for n in notes] == [
        "retry 1 of 3 in 0.0s",
        "retry 2 of 3 in 0.0s",
        "retry 3 of 3 in 0.0s",
    ]
    assert all(n.startswith("note: ") for n in notes)
    assert list(project.iterdir()) == []


def test_drop_mid_body_retried_then_succeeds(
    registry: RegistryBuilder, server: Server, project: Path
) -> None:
    server.fail(golang_blob(registry), drop_fault)
    result = skill("install", "golang-pro", "--registry", server.url, cwd=project)
    assert result.exit_code == 0, result.stderr
    assert server.paths().count("/" + golang_blob(registry)) == 2


def test_drop_mid_body_every_time(registry: RegistryBuilder, server: Server, project: Path) -> None:
    assert skill("install", "python-pro", "--registry", server.url, cwd=project).exit_code == 0
    before = tree(project)
    server.fail(golang_blob(registry), *[drop_fault] * 4)
    result = skill("install", "golang-pro", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if not line.startswith("note: ")]
    assert len(errors) == 1
    assert errors[0].startswith(f"error: {server.url}/{golang_blob(registry)}: connection dropped")
    assert server.paths().count("/" + golang_blob(registry)) == 4
    assert tree(project) == before


def test_body_longer_than_recorded_size(
    registry: RegistryBuilder, server: Server, project: Path
) -> None:
    rel = "/" + golang_blob(registry)
    server.overrides[rel] = (registry.root / rel.lstrip("/")).read_bytes() + b"junk"
    result = skill("install", "golang-pro", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert "but the registry records" in result.stderr
    assert list(project.iterdir()) == []


def test_conditional_get_and_bundle_cache(server: Server, project: Path, tmp_path: Path) -> None:
    assert skill("install", "golang-pro", "--registry", server.url, cwd=project).exit_code == 0
    server.log.clear()
    other = tmp_path / "other"
    other.mkdir()
    assert skill("install", "golang-pro", "--registry", server.url, cwd=other).exit_code == 0
    statuses = [(path.split("/")[1], status) for path, status, _ in server.log]
    assert statuses == [("registry.json", 304), ("index", 304)]  # bundle came from the cache
    assert all(h.get("if-none-match") for _, _, h in server.log)


def test_offline(server: Server, project: Path, tmp_path: Path) -> None:
    result = skill("install", "golang-pro", "--offline", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {server.url}/registry.json: not in the cache (run once without --offline)\n"
    )
    assert skill("install", "golang-pro", "--registry", server.url, cwd=project).exit_code == 0
    server.log.clear()
    other = tmp_path / "other"
    other.mkdir()
    result = skill("install", "golang-pro", "--offline", "--registry", server.url, cwd=other)
    assert result.exit_code == 0, result.stderr
    assert server.log == []


def test_rollback_refused(registry: RegistryBuilder, server: Server, project: Path) -> None:
    registry.add("golang-pro", "1.1.0").write()  # serial 2
    assert skill("install", "golang-pro", "--registry", server.url, cwd=project).exit_code == 0
    doc = read_json(registry.root / index_path("golang-pro"))
    doc["serial"] = 1
    del doc["versions"]["1.1.0"]
    import json

    server.overrides["/" + index_path("golang-pro")] = json.dumps(doc).encode()
    result = skill("update", "golang-pro", cwd=project)
    assert result.exit_code == 1
    assert "serial 1 is lower than 2 seen before" in result.stderr


def test_token_sent_and_never_printed(
    server: Server, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SKILL_REGISTRY_TOKEN", "s3cret-token")
    result = skill("install", "no-such-skill", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert all(h.get("authorization") == "Bearer s3cret-token" for _, _, h in server.log)
    assert "s3cret-token" not in result.stdout + result.stderr


def test_access_denied(server: Server, project: Path) -> None:
    server.fail("registry.json", status_fault(401))
    result = skill("install", "golang-pro", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert "access denied (401); set SKILL_REGISTRY_TOKEN" in result.stderr


def test_connection_refused(project: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = skill("install", "x", "--registry", f"http://127.0.0.1:{port}", cwd=project)
    assert result.exit_code == 1
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"error: http://127.0.0.1:{port}/registry.json: cannot connect")


def test_error_classification() -> None:
    dns = _connect_error("http://h/x", httpx.ConnectError("[Errno -2] Name or service not known"))
    assert "cannot resolve the host name (DNS)" in str(getattr(dns, "error", dns))
    tls = _connect_error("https://h/x", httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]"))
    assert "TLS failure" in str(tls)


def test_client_counts_and_caps(registry: RegistryBuilder, server: Server) -> None:
    client = HttpClient(HttpSettings(backoff=0.001))
    try:
        url = f"{server.url}/{golang_blob(registry)}"
        body = client.get(url).body
        with pytest.raises(Exception, match="sends"):
            client.get(url, size=len(body) - 1)
        assert client.requests == 2
    finally:
        client.close()


def test_unbounded_index_body_refused(server: Server) -> None:
    client = HttpClient(HttpSettings(backoff=0.001, max_body=100))
    try:
        with pytest.raises(IntegrityError, match="body is larger than 100 bytes; refusing it"):
            client.get(f"{server.url}/{index_path('golang-pro')}")
    finally:
        client.close()


def test_a_trickling_server_is_cut_off(
    registry: RegistryBuilder, server: Server, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read timeout alone never fires when a byte arrives every so often."""
    import time

    from skillreg.registry import http

    monkeypatch.setattr(http, "MIN_RATE", 1 << 30)  # any real body is "too slow" now...

    def quick(cls: type[http.HttpSettings], *, tokens: Any = None) -> http.HttpSettings:
        return cls(timeout=0.3, backoff=0.001)  # ...past a 0.3 s allowance

    monkeypatch.setattr(http.HttpSettings, "from_env", classmethod(quick))

    def trickle(handler: Any, body: bytes) -> bool:
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        try:
            for i in range(0, len(body), 16):
                handler.wfile.write(body[i : i + 16])
                handler.wfile.flush()
                time.sleep(0.1)
        except OSError:  # the client hung up on us, as it should
            pass
        return True

    server.fail(golang_blob(registry), *[trickle] * 4)
    started = time.monotonic()
    result = skill("install", "golang-pro", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert "too slow" in result.stderr.splitlines()[-1]
    assert time.monotonic() - started < 30


def test_a_long_retry_after_fails_at_once(server: Server, project: Path) -> None:
    server.fail("registry.json", status_fault(503, {"Retry-After": "100000"}))
    result = skill("install", "golang-pro", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {server.url}/registry.json: server answered 503; the server asks to retry"
        " after 100000s, try again later\n"
    )


def test_a_newer_registry_format_is_refused(
    registry: RegistryBuilder, server: Server, project: Path
) -> None:
    root = read_json(registry.root / "registry.json")
    (registry.root / "registry.json").write_text(json.dumps({**root, "format_version": 99}))
    result = skill("install", "golang-pro", "--registry", server.url, cwd=project)
    assert result.exit_code == 1
    assert "registry format version 99 is newer than this skillreg reads" in result.stderr


def test_a_trickling_404_body_is_cut_off(
    server: Server, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 404's body is drained so the connection is reused; a server that trickles one must
    not hold the run (the change-log probe of every install asks for a file that may be
    missing)."""
    import time

    from skillreg.registry import http
    from skillreg.registry.changes import CHANGES_FILE

    def quick(cls: type[http.HttpSettings], *, tokens: Any = None) -> http.HttpSettings:
        return cls(timeout=0.5, backoff=0.001)

    monkeypatch.setattr(http.HttpSettings, "from_env", classmethod(quick))

    def trickle(handler: Any, body: bytes) -> bool:
        handler.send_response(404)
        handler.send_header("Content-Length", "6000")
        handler.end_headers()
        try:
            for _ in range(6000 // 16):  # 16 bytes every 0.1 s: no read ever times out
                handler.wfile.write(b"x" * 16)
                handler.wfile.flush()
                time.sleep(0.1)
        except OSError:  # the client hung up on us, as it should
            pass
        return True

    server.fail(CHANGES_FILE, trickle)
    started = time.monotonic()
    result = skill("install", "golang-pro", "--registry", server.url, cwd=project)
    assert result.exit_code == 0, result.stderr
    assert time.monotonic() - started < 20


def test_an_etag_no_request_can_carry_is_not_sent_back(
    registry: RegistryBuilder, server: Server, project: Path
) -> None:
    """An ETag header of bytes outside ASCII is cached like any; the next run asks without
    ``If-None-Match`` instead of failing to build the request."""
    body = (registry.root / "registry.json").read_bytes()

    def odd_etag(handler: Any, _body: bytes) -> bool:
        handler.send_response(200)
        handler.send_header("ETag", '"caf\u00e9"')  # latin-1 on the wire
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
        return True

    server.fail("registry.json", odd_etag)
    assert skill("install", "golang-pro", "--registry", server.url, cwd=project).exit_code == 0
    again = project.parent / "again"
    again.mkdir()
    for name in ("skills.lock", "skills.toml"):
        (again / name).write_bytes((project / name).read_bytes())
    result = skill("install", cwd=again)
    assert result.exit_code == 0, result.stderr
    asked = [h for p, _, h in server.log if p == "/registry.json"]
    assert len(asked) == 2 and "if-none-match" not in asked[1]


@pytest.mark.parametrize("etag", [5, ["x"], '"caf\u00e9"', '"a\x01"'])
def test_a_damaged_cached_etag_is_not_sent(etag: Any) -> None:
    client = HttpClient(HttpSettings())
    try:
        assert "If-None-Match" not in client._headers("http://127.0.0.1:9/x", etag)
    finally:
        client.close()
