"""`skill registry serve`: a local preview of a registry folder over HTTP.

Loopback only unless the user names another address. Files are served as a static host would,
with explicit content types (a ``.tar.gz`` bundle is ``application/gzip``, never a
``Content-Encoding`` a browser would undo) and ``nosniff``; nothing outside the folder is
reachable (``http.server`` refuses ``..`` and we do not follow symlinks out of it).
"""

from __future__ import annotations

import http.server
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from skillreg.core.errors import UsageError
from skillreg.registry.store import FolderRegistry

LOOPBACK = "127.0.0.1"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".gz": "application/gzip",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
}


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {"": "application/octet-stream", **CONTENT_TYPES}  # noqa: RUF012 (the base's)

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_head(self) -> Any:
        root = os.path.realpath(self.directory)
        real = os.path.realpath(self.translate_path(self.path))
        if real != root and not real.startswith(root + os.sep):
            # A symlink inside the folder must not serve a file outside it.
            self.send_error(404, "File not found")
            return None
        return super().send_head()

    def log_message(self, format: str, *args: Any) -> None:
        log = getattr(self.server, "log", None)
        # Request lines are the client's: their control characters never reach a terminal.
        if log is not None:
            message = format % args
            log("".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in message))


def make_server(
    folder: Path, port: int = 8000, host: str = LOOPBACK, log: Callable[[str], None] | None = None
) -> http.server.ThreadingHTTPServer:
    """A server for the registry at `folder` (not started); port 0 picks a free one."""
    FolderRegistry(folder).require()
    handler = partial(_Handler, directory=str(folder))
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    server.log = log  # type: ignore[attr-defined]
    return server
