"""What a client remembers of a registry's documents, so it notices a rollback or equivocation.

Per (registry identity, skill name): the highest `serial` seen and the digest of the document
that carried it. A document with a lower serial is a rollback (an old snapshot replayed to hide a
yank); one with the same serial and other contents is equivocation (two histories served at
once). Both are refused. Serials above `MAX_SERIAL` never reach here: the model refuses them, so
one absurd response cannot freeze a client out of the real registry.

The registry identity is the location the *user* named (command line, user or project config,
lock entry), normalised: for a URL the lowercased scheme and host, the port (default elided) and
the path without trailing or doubled slashes, no query or fragment; for a folder its real path.
Nothing the registry itself serves (``registry.json``'s name or path templates) is part of it,
so a registry cannot make the client forget by changing them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from skillreg.core.atomic import write_atomic
from skillreg.core.errors import IntegrityError
from skillreg.core.jsonio import dump_json

if TYPE_CHECKING:
    from skillreg.registry.model import SkillDocument


def registry_identity(location: str) -> str:
    """The normalised identity of the registry at `location` (a URL or an absolute folder)."""
    if not location.lower().startswith(("http://", "https://")):
        return os.path.realpath(location)
    from urllib.parse import urlsplit

    parts = urlsplit(location)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    port = parts.port
    default = 443 if scheme == "https" else 80
    shown = f"[{host}]" if ":" in host else host
    netloc = shown if port in (None, default) else f"{shown}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/")
    return f"{scheme}://{netloc}{path}"


def document_digest(doc: SkillDocument) -> str:
    """Of the document's content, not its bytes: reformatting by a mirror is no equivocation."""
    return hashlib.sha256(dump_json(doc.model_dump(mode="json"))).hexdigest()


class SerialMemory:
    """One file per (identity, name) under `folder`; a damaged or missing one is no memory."""

    def __init__(self, folder: Path, location: str) -> None:
        self.identity = registry_identity(location)
        key = hashlib.sha256(self.identity.encode()).hexdigest()[:32]
        self.folder = folder / key

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.json"  # `name` is a checked skill name

    def recall(self, name: str) -> tuple[int, str] | None:
        try:
            data = json.loads(self.path(name).read_text(encoding="utf-8"))
            serial, digest = data["serial"], data["sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(serial, int) or not isinstance(digest, str):
            return None
        return serial, digest

    def check(self, doc: SkillDocument, url: str) -> None:
        """Refuse `doc` (`IntegrityError`) if it rolls back or equivocates; else remember it."""
        digest = document_digest(doc)
        seen = self.recall(doc.name)
        if seen is not None:
            serial, known = seen
            forget = f"delete {self.path(doc.name)} to trust it again"
            if doc.serial < serial:
                raise IntegrityError(
                    f"{url}: serial {doc.serial} is lower than {serial} seen before from"
                    f" {self.identity} (rollback or stale mirror); refusing it (if the registry"
                    f" was rebuilt on purpose, {forget})",
                    url=url,
                )
            if doc.serial == serial and digest != known:
                raise IntegrityError(
                    f"{url}: serial {doc.serial} was seen before from {self.identity} with"
                    f" other contents (equivocation: two versions of one document); refusing"
                    f" it (if the registry was rebuilt on purpose, {forget})",
                    url=url,
                )
            if doc.serial == serial:
                return
        record = {"registry": self.identity, "name": doc.name, "serial": doc.serial}
        with contextlib.suppress(OSError):  # like the cache: a read-only disk must not stop us
            write_atomic(self.path(doc.name), dump_json({**record, "sha256": digest}))
