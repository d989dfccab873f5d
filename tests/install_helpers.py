"""Test helpers for install: registries written by hand (following skillreg.registry.model), bundle
builders that can also craft hostile archives, and a real HTTP server on 127.0.0.1 that can be
scripted to misbehave."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import sys
import tarfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from skillreg.registry.changes import CHANGES_FILE, next_log, parse_log, render_log
from skillreg.registry.model import (
    Catalog,
    CatalogEntry,
    Deprecation,
    RegistryRoot,
    SkillDocument,
    VersionEntry,
    blob_path,
    index_path,
)


def skill_md(name: str, version: str, description: str = "A test skill") -> bytes:
    return (
        f'---\nname: {name}\ndescription: {description}\nmetadata:\n  version: "{version}"\n---\n'
        f"\n# {name}\n\nVersion {version} of {name}.\n"
    ).encode()


def tar_gz(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    """A .tar.gz of exactly these members (no safety applied: for hostile cases too)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            archive.addfile(info, io.BytesIO(data) if data is not None else None)
    return gzip.compress(raw.getvalue(), mtime=0)


def file_member(name: str, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.mode = 0o644
    return info, data


def make_bundle(name: str, version: str, extra: dict[str, bytes] | None = None) -> bytes:
    files = {"SKILL.md": skill_md(name, version), **(extra or {})}
    return tar_gz([file_member(f"{name}/{path}", data) for path, data in sorted(files.items())])


@dataclass
class Published:
    data: bytes
    related: list[str] = field(default_factory=list)
    yanked: bool = False
    yanked_reason: str | None = None
    sha256: str | None = None  # override (a lie) for hostile cases
    size: int | None = None


class RegistryBuilder:
    """Writes registry.json, index/, blobs/ and catalog.json under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.skills: dict[str, dict[str, Published]] = {}
        self.serials: dict[str, int] = {}
        self.deprecated: dict[str, str] = {}
        self.change_log = False  # True: record changes.json as a publisher does

    def add(self, name: str, version: str, data: bytes | None = None, **kw: Any) -> RegistryBuilder:
        self.skills.setdefault(name, {})[version] = Published(
            data or make_bundle(name, version), **kw
        )
        return self

    def write(self) -> Path:
        self._put(
            "registry.json",
            RegistryRoot(format="skillreg-registry", name="test")
            .model_dump_json(indent=2)
            .encode(),
        )
        entries = []
        for name, versions in sorted(self.skills.items()):
            doc = self.document(name, versions)
            self._put(index_path(name), doc.model_dump_json(indent=2).encode())
            latest = doc.tags.get("latest")
            entries.append(CatalogEntry(name=name, description=f"about {name}", latest=latest))
        self._put("catalog.json", Catalog(skills=entries).model_dump_json(indent=2).encode())
        if self.change_log:  # as a publisher records it: every document was just rewritten
            root = json.loads((self.root / "registry.json").read_bytes())
            old = self.root / CHANGES_FILE
            current = parse_log(old.read_bytes()) if old.is_file() else None
            self._put(CHANGES_FILE, render_log(next_log(current, self.skills, root)))
        return self.root

    def document(self, name: str, versions: dict[str, Published]) -> SkillDocument:
        self.serials[name] = self.serials.get(name, 0) + 1
        out: dict[str, VersionEntry] = {}
        for version, pub in versions.items():
            digest = hashlib.sha256(pub.data).hexdigest()
            self._put(blob_path(digest), pub.data)
            out[version] = VersionEntry(
                sha256=pub.sha256 or digest,
                size=len(pub.data) if pub.size is None else pub.size,
                # Not checked by install; hostile payloads may not even be gzip.
                tar_sha256=hashlib.sha256(b"tar:" + pub.data).hexdigest(),
                tar_size=len(pub.data),
                description=f"about {name}",
                related=pub.related,
                published="2026-11-26T17:00:00Z",
                yanked=pub.yanked,
                yanked_reason=pub.yanked_reason,
            )
        good = [v for v in out if not out[v].yanked and "-" not in v]
        tags = {"latest": max(good, key=_key)} if good else {}
        deprecation = (
            Deprecation(message=self.deprecated[name]) if name in self.deprecated else None
        )
        return SkillDocument(
            name=name, serial=self.serials[name], tags=tags, deprecated=deprecation, versions=out
        )

    def _put(self, rel: str, data: bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("-")[0].split("."))


# -- HTTP ------------------------------------------------------------------------------------

Fault = Callable[[BaseHTTPRequestHandler, bytes], bool]  # True when it answered the request


def status_fault(code: int, headers: dict[str, str] | None = None) -> Fault:
    def fault(handler: BaseHTTPRequestHandler, body: bytes) -> bool:
        handler.send_response(code)
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return True

    return fault


def drop_fault(handler: BaseHTTPRequestHandler, body: bytes) -> bool:
    """Promise the whole body, send half, close the connection."""
    handler.send_response(200)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body[: len(body) // 2])
    handler.wfile.flush()
    handler.close_connection = True
    handler.connection.shutdown(2)
    return True


@dataclass
class Server:
    root: Path
    url: str = ""
    log: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)  # path -> one per request
    overrides: dict[str, bytes] = field(default_factory=dict)  # path -> body served instead

    def fail(self, rel: str, *faults: Fault) -> None:
        self.faults.setdefault("/" + rel, []).extend(faults)

    def paths(self) -> list[str]:
        return [path for path, _, _ in self.log]


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else delayed ACKs add ~40 ms to every response

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            body = server.overrides.get(path)
            file = server.root / path.lstrip("/")
            if body is None and file.is_file():
                body = file.read_bytes()
            headers = {k.lower(): v for k, v in self.headers.items()}
            # Log before answering: the client may act on the answer (and a test may read the
            # log) before this thread gets to run again.
            queue = server.faults.get(path)
            fault = queue.pop(0) if queue else None
            if fault is not None:
                server.log.append((path, -1, headers))
                fault(self, body or b"")
                return
            if body is None:
                server.log.append((path, 404, headers))
                self._send(404, b"not found", None)
            else:
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                status = 304 if headers.get("if-none-match") == etag else 200
                server.log.append((path, status, headers))
                self._send(status, body if status == 200 else b"", etag)

        def _send(self, status: int, body: bytes, etag: str | None) -> None:
            self.send_response(status)
            if etag:
                self.send_header("ETag", etag)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

    return Handler


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (a refusal mid-download, a killed process) is normal here;
        anything else is still printed, as socketserver does."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(root: Path) -> Iterator[Server]:
    state = Server(root)
    httpd = _QuietServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every path under `folder`: file bytes, or "->target" for links; for before/after checks."""
    out: dict[str, bytes | str] = {}
    if not folder.exists():
        return out
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = "->" + str(path.readlink())
        elif path.is_file():
            out[rel] = path.read_bytes()
        else:
            out[rel] = "dir"
    return out


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def skill(*args: str, cwd: Path) -> Any:
    """Run the `skill` CLI in `cwd` in-process; the result has exit_code, stdout, stderr."""
    import os

    from click.testing import CliRunner

    from skillreg.cli import cli

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(old)


def standard_registry(root: Path) -> RegistryBuilder:
    """backend-developer 1.0.0, 1.1.0, 2.0.0-beta.1 (+ related); a yanked and a deprecated skill."""
    b = RegistryBuilder(root)
    related = ["python-pro", "devops-engineer"]
    b.add("backend-developer", "1.0.0", related=related)
    b.add("backend-developer", "1.1.0", related=related)
    b.add("backend-developer", "2.0.0-beta.1", related=related)
    b.add("python-pro", "1.0.0", related=["golang-pro"])
    b.add("golang-pro", "1.0.0")
    b.add("devops-engineer", "3.0.0")
    b.add("devops-engineer", "3.1.0", yanked=True, yanked_reason="broken links")
    b.add("legacy-helper", "0.1.0")
    b.deprecated["legacy-helper"] = "use backend-developer"
    b.write()
    return b
