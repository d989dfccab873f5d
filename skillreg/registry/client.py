"""Reading a registry: a folder, a ``file://`` URL or an ``http(s)://`` URL, through the user cache.

Index files (``registry.json``, per-skill documents, ``catalog.json``) are cached with their ETag
and revalidated with ``If-None-Match``; ``--offline`` reads the cache only. A per-skill document
whose `serial` is lower than the one cached is refused (a rollback). Bundles are checked for size
and sha256 before anyone sees them, and cached by digest.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote, urlparse

from skillreg.core.atomic import write_atomic
from skillreg.core.errors import (
    IntegrityError,
    NotFoundError,
    RegistryError,
    UsageError,
    describe_error,
)

if TYPE_CHECKING:
    from pydantic import BaseModel

    from skillreg.registry.http import HttpClient
    from skillreg.registry.model import Catalog, RegistryRoot, SkillDocument

M = TypeVar("M", bound="BaseModel")


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def registry_id(spec: str, base: Path) -> str:
    """The stable name recorded in the lockfile: a URL, or an absolute folder path.

    Raises `UsageError` for a URL that cannot be used: an unknown scheme, no host, a malformed
    host or port, or a user/password part (a credential must never reach the lockfile)."""
    scheme = _SCHEME.match(spec)
    if scheme is not None and scheme.group(1).lower() in ("http", "https"):
        spec = scheme.group(1).lower() + spec[len(scheme.group(1)) :]
        return _check_http_url(spec).rstrip("/")
    if scheme is not None and scheme.group(1).lower() != "file":
        raise UsageError(
            f"unsupported registry URL scheme {scheme.group(1)!r} (use https://, http://,"
            " file:// or a folder)"
        )
    try:
        if spec.startswith("file://"):
            return str(Path(unquote(urlparse(spec).path)).resolve())
        return str((base / Path(spec).expanduser()).resolve())
    except (RuntimeError, OSError, ValueError) as exc:  # `~nobody`, a symlink loop, a NUL
        raise UsageError(f"invalid registry folder {spec!r}: {exc}") from None


def _check_http_url(spec: str) -> str:
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(spec)
        _ = parts.port  # raises ValueError for a port that is not a number in range
        userinfo = "@" in parts.netloc
        host = parts.hostname
    except ValueError as exc:
        raise UsageError(f"invalid registry URL {_redacted(spec)!r}: {exc}") from None
    if userinfo:
        raise UsageError(
            f"registry URL {_redacted(spec)!r} holds a user/password part; put the credential in"
            " SKILL_REGISTRY_TOKEN or [install.tokens] instead"
        )
    if not host:
        raise UsageError(f"invalid registry URL {spec!r}: no host")
    import httpx

    try:
        httpx.URL(spec)
    except httpx.InvalidURL as exc:
        raise UsageError(f"invalid registry URL {spec!r}: {exc}") from None
    return spec


def _redacted(spec: str) -> str:
    """`spec` with anything between ``://`` and an ``@`` in the authority replaced by ``***``."""
    return re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@", r"\1***@", spec)


@dataclass(frozen=True)
class _Cached:
    etag: str | None
    body: bytes


class IndexCache:
    """One JSON file per URL under ``<cache>/index``: the body and its ETag."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, url: str) -> Path:
        return self.folder / f"{hashlib.sha256(url.encode()).hexdigest()}.json"

    def get(self, url: str) -> _Cached | None:
        try:
            data = json.loads(self._path(url).read_text(encoding="utf-8"))
            return _Cached(data.get("etag"), data["body"].encode("utf-8"))
        except (OSError, ValueError, KeyError, AttributeError):
            return None  # a missing or damaged cache entry is just a miss

    def put(self, url: str, etag: str | None, body: bytes, *, had: _Cached | None) -> None:
        """Remember `body`; nothing is written when `had` (the cached entry) is the same."""
        if had is not None and had.etag == etag and had.body == body:
            return
        record = {"url": url, "etag": etag, "body": body.decode("utf-8", "replace")}
        _best_effort(self._path(url), json.dumps(record).encode("utf-8"))


class Registry:
    """A registry being read. `location` is `registry_id`; `http` is None for folders.

    `recorded` is the name lock entries use: the location, or ``builtin`` for the registry
    shipped inside the package (its path differs from one machine to the next).
    """

    def __init__(
        self, location: str, *, http: HttpClient | None, cache_dir: Path, offline: bool = False
    ) -> None:
        self.location = location
        self.recorded = location  # what lock entries name it by (see `open_registry`)
        self.http = http
        self.offline = offline
        self.index_cache = IndexCache(cache_dir / "index")
        self.blob_dir = cache_dir / "bundles"
        self._root: RegistryRoot | None = None

    # -- locations ---------------------------------------------------------------------------
    def _url(self, rel: str) -> str:
        if self.http is not None:
            return f"{self.location}/{rel}"
        return str(Path(self.location) / rel)

    # -- index files -------------------------------------------------------------------------
    def _fetch_index(self, rel: str) -> tuple[str, bytes, _Cached | None, str | None]:
        """(url, body, what the cache held, new etag); the caller validates then caches."""
        url = self._url(rel)
        cached = self.index_cache.get(url)
        if self.http is None:
            try:
                return url, Path(url).read_bytes(), cached, None
            except FileNotFoundError:
                raise NotFoundError(f"{url}: not found", url=url) from None
            except OSError as exc:
                raise RegistryError(f"{url}: cannot read: {exc.strerror}", url=url) from None
        if self.offline:
            if cached is None:
                raise RegistryError(
                    f"{url}: not in the cache (run once without --offline)", url=url
                )
            return url, cached.body, cached, cached.etag
        result = self.http.get(url, etag=cached.etag if cached else None)
        if result.status == 304 and cached is not None:
            return url, cached.body, cached, cached.etag
        return url, result.body, cached, result.etag

    def _parse(self, url: str, body: bytes, model: type[M]) -> M:
        from pydantic import ValidationError

        try:
            return model.model_validate_json(body)
        except ValidationError as exc:
            raise RegistryError(
                f"{url}: not a valid {model.__name__} ({describe_error(exc)})", url=url
            ) from None

    def root(self) -> RegistryRoot:
        from skillreg.registry.model import FORMAT_VERSION, ROOT_FILE, RegistryRoot

        if self._root is None:
            try:
                url, body, cached, etag = self._fetch_index(ROOT_FILE)
            except NotFoundError as exc:
                raise RegistryError(
                    f"{self.location}: not a skill registry (no {ROOT_FILE})", url=exc.url
                ) from None
            root = self._parse(url, body, RegistryRoot)
            if root.format_version > FORMAT_VERSION:  # older ones stay readable
                raise RegistryError(
                    f"{url}: registry format version {root.format_version} is newer than this"
                    " skillreg reads (upgrade skillreg)",
                    url=url,
                )
            self.index_cache.put(url, etag, body, had=cached)
            self._root = root
        return self._root

    def document(self, name: str) -> SkillDocument:
        """The per-skill document; refuses one older (lower serial) than the cached one."""
        from skillreg.registry.model import SkillDocument

        rel = _fill(self.root().index, prefix=_prefix(name), name=name)
        try:
            url, body, cached, etag = self._fetch_index(rel)
        except NotFoundError as exc:
            raise NotFoundError(
                f"skill {name!r} not found in {self.location}{self._did_you_mean(name)}",
                url=exc.url,
                status=exc.status,
            ) from None
        doc = self._parse(url, body, SkillDocument)
        if doc.name != name:
            raise RegistryError(f"{url}: document names {doc.name!r}, expected {name!r}", url=url)
        previous = _serial_of(cached.body) if cached else None
        if previous is not None and doc.serial < previous:
            raise IntegrityError(
                f"{url}: serial {doc.serial} is lower than {previous} seen before"
                " (rollback or stale mirror); refusing it",
                url=url,
            )
        self.index_cache.put(url, etag, body, had=cached)
        return doc

    def catalog(self) -> Catalog:
        from skillreg.registry.model import Catalog

        url, body, cached, etag = self._fetch_index(self.root().catalog)
        catalog = self._parse(url, body, Catalog)
        self.index_cache.put(url, etag, body, had=cached)
        return catalog

    def _did_you_mean(self, name: str) -> str:
        import difflib

        try:
            names = [entry.name for entry in self.catalog().skills]
        except RegistryError:
            return ""
        if name in names:  # listed, yet its document is gone: the catalog lags the documents
            return " (the catalog still lists it: the registry needs `skill registry reindex`)"
        close = difflib.get_close_matches(name, names, n=3)
        return f" (did you mean {', '.join(close)}?)" if close else ""

    # -- bundles -----------------------------------------------------------------------------
    def bundle(self, sha256: str, size: int, *, label: str | None = None) -> bytes:
        """The bundle's bytes, verified against `size` and `sha256` (from cache when possible)."""
        cached = self.blob_dir / f"{sha256}.tar.gz"
        if self.http is not None and cached.is_file():
            data = cached.read_bytes()
            if _matches(data, sha256, size):
                return data
            cached.unlink(missing_ok=True)  # damaged cache entry: fetch again
        rel = _fill(self.root().blobs, h01=sha256[:2], h23=sha256[2:4], sha256=sha256)
        url = self._url(rel)
        data = self._fetch_blob(url, size, label)
        if len(data) != size:
            raise IntegrityError(
                f"{url}: size {len(data)} does not match the recorded {size}", url=url
            )
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise IntegrityError(
                f"{url}: sha256 mismatch (expected {sha256[:12]}…, got {actual[:12]}…);"
                " the bundle is corrupt or was tampered with",
                url=url,
            )
        if self.http is not None:
            _best_effort(cached, data)
        return data

    def _fetch_blob(self, url: str, size: int, label: str | None) -> bytes:
        if self.http is None:
            try:
                return Path(url).read_bytes()
            except OSError as exc:
                raise RegistryError(f"{url}: cannot read bundle: {exc.strerror}", url=url) from None
        if self.offline:
            raise RegistryError(
                f"{url}: bundle not in the cache (run once without --offline)", url=url
            )
        return self.http.get(url, size=size, label=label).body


def _best_effort(path: Path, data: bytes) -> None:
    """Caches speed things up; a full disk or read-only cache must not stop an install.
    Not fsync'd: a cache entry lost in a crash is only a miss (and bundles are re-verified)."""
    with contextlib.suppress(OSError):
        write_atomic(path, data, durable=False)


def _fill(template: str, **values: str) -> str:
    """Expand ``{key}`` placeholders; not `str.format`, which would let a hostile
    registry.json reach attributes (``{name.__class__}``)."""
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def _matches(data: bytes, sha256: str, size: int) -> bool:
    return len(data) == size and hashlib.sha256(data).hexdigest() == sha256


def _serial_of(body: bytes) -> int | None:
    try:
        value: Any = json.loads(body).get("serial")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def _prefix(name: str) -> str:
    from skillreg.registry.model import index_prefix

    return index_prefix(name)


def open_registry(
    spec: str,
    *,
    base: Path,
    cache_dir: Path,
    http: HttpClient | None = None,
    offline: bool = False,
) -> Registry:
    """Open `spec` (URL or folder, relative to `base`); `http` is required for http(s) URLs."""
    location = registry_id(spec, base)
    if location.startswith(("http://", "https://")):
        if http is None:
            raise RegistryError(f"{location}: an HTTP client is needed for this registry")
        return Registry(location, http=http, cache_dir=cache_dir, offline=offline)
    if not Path(location).is_dir():
        raise UsageError(f"{location}: registry folder not found", path=location)
    return Registry(location, http=None, cache_dir=cache_dir, offline=offline)
