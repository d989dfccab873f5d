"""Reading a registry: a folder, a ``file://`` URL or an ``http(s)://`` URL, through the user cache.

Index files (``registry.json``, per-skill documents, ``catalog.json``) are cached with their ETag
and revalidated with ``If-None-Match``; ``--offline`` reads the cache only. Over HTTP a registry's
change log (`skillreg.registry.changes`) is asked for instead of ``registry.json``; a restore
uses a cached document it lists as unchanged without a request (signed registries keep
``registry.json`` and TUF's own freshness). A per-skill document
whose `serial` is lower than the highest seen from the same registry, or equal with other
contents, is refused (`skillreg.registry.serials`). Bundles are checked for size
and sha256 before anyone sees them, and cached by digest.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import unquote, urlparse

from skillreg.core.atomic import write_atomic
from skillreg.core.errors import (
    IntegrityError,
    NotFoundError,
    RegistryError,
    UsageError,
    describe_error,
)
from skillreg.core.record import validation_error
from skillreg.registry.blobfile import HashingFile, cache_copy, file_matches
from skillreg.registry.model import MAX_BUNDLE, MAX_INDEX_FILE
from skillreg.registry.serials import SerialMemory

if TYPE_CHECKING:
    from collections.abc import Callable

    from skillreg.core.record import Record
    from skillreg.registry.changes import ChangeLog, Seen
    from skillreg.registry.http import HttpClient
    from skillreg.registry.model import Catalog, RegistryRoot, SkillDocument
    from skillreg.registry.signing.verifier import SignedIndex

M = TypeVar("M", bound="Record")


# What each registry file is, in the words of the format description (not the model's class name).
_KINDS = {
    "RegistryRoot": "registry root (registry.json)",
    "SkillDocument": "skill document",
    "Catalog": "catalog (catalog.json)",
}
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
    from skillreg.registry.httpx_import import load_httpx

    load_httpx()
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
        self.label: str | None = None  # how messages name it when not by its location
        self.http = http
        self.offline = offline
        self.index_cache = IndexCache(cache_dir / "index")
        self.serials = SerialMemory(cache_dir / "serials", location)
        self.blob_dir = cache_dir / "bundles"
        self.cache_dir = cache_dir
        self._root: RegistryRoot | None = None
        self._log: ChangeLog | None = None  # the change log read this run (HTTP only)
        self._seen: Seen | None = None  # what earlier runs saw of it
        self.notice: Callable[[str], None] | None = (
            None  # told when a signing root is first trusted
        )
        self.signed: SignedIndex | None = None  # set by `root()` for a signed (or pinned) registry

    # -- locations ---------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The registry as messages name it: its label (e.g. "the built-in registry"), else its
        location. The shipped registry's folder is an install detail users cannot act on."""
        return self.label or self.location

    def shown(self, url: str) -> str:
        """`url` for a message: relative to the registry's label when it has one."""
        if self.label and url.startswith(self.location):
            return f"{self.label} ({url[len(self.location) :].lstrip('/')})"
        return url

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
            from skillreg.core.bounded import read_regular

            try:  # a FIFO or /dev/zero planted in a folder registry must not hang or flood us
                return url, read_regular(url, MAX_INDEX_FILE), cached, None
            except FileNotFoundError:
                raise NotFoundError(f"{self.shown(url)}: not found", url=url) from None
            except OSError as exc:
                raise RegistryError(
                    f"{self.shown(url)}: cannot read: {exc.strerror}", url=url
                ) from None
        if self.offline:
            if cached is None:
                raise RegistryError(
                    f"{self.shown(url)}: not in the cache (run once without --offline)", url=url
                )
            return url, cached.body, cached, cached.etag
        result = self.http.get(url, etag=cached.etag if cached else None)
        if result.status == 304 and cached is not None:
            return url, cached.body, cached, cached.etag
        return url, result.body, cached, result.etag

    def _parse(self, url: str, body: bytes, model: type[M]) -> M:
        try:
            return model.model_validate_json(body)
        except validation_error() as exc:
            raise RegistryError(
                f"{self.shown(url)}: not a valid {_KINDS.get(model.__name__, 'registry file')}"
                f" ({describe_error(exc)})",
                url=url,
            ) from None

    def root(self) -> RegistryRoot:
        from skillreg.registry.model import FORMAT_VERSION, ROOT_FILE, RegistryRoot

        if self._root is None:
            quick = self.http is not None and not self.offline
            kept = self._kept_signed_root() if quick else None
            if kept is not None:
                self._root = kept
                return kept
            root = self._root_without_request() if quick else None
            fetched = None
            if root is None:
                try:
                    url, body, cached, etag = self._fetch_index(ROOT_FILE)
                except NotFoundError as exc:
                    raise RegistryError(
                        f"{self.name}: not a skill registry (no {ROOT_FILE})", url=exc.url
                    ) from None
                root = self._parse(url, body, RegistryRoot)
                fetched = (url, etag, body, cached)
            url = self._url(ROOT_FILE)
            if root.format_version > FORMAT_VERSION:  # older ones stay readable
                raise RegistryError(
                    f"{self.shown(url)}: registry format version {root.format_version} is newer"
                    " than this skillreg reads (upgrade skillreg)",
                    url=url,
                )
            if self.recorded != "builtin":  # the package's own registry: pip checked its files
                self.signed = _open_signed(self, root)
                if self.signed is not None and fetched is not None and self.http is not None:
                    from skillreg.registry.signing.trust import keep_root

                    keep_root(self.location, fetched[2])
            if fetched is not None:
                self.index_cache.put(fetched[0], fetched[1], fetched[2], had=fetched[3])
            elif self._log is not None:  # the log's copy, for --offline
                self.index_cache.put(url, None, json.dumps(self._log.root).encode(), had=None)
            self._root = root
        return self._root

    def _kept_signed_root(self) -> RegistryRoot | None:
        """A trusted signed registry opened with the registry.json it answered with less than a
        day ago: TUF's metadata, asked for anyway, says whether anything changed. None to take
        the usual path: nothing kept, or anything failed (the usual path then says what, in its
        own words: e.g. the unsigned registry.json of a registry that dropped its metadata)."""
        from skillreg.registry.model import FORMAT_VERSION, ROOT_FILE, RegistryRoot

        if self.recorded == "builtin" or not _trusted(self.location):
            return None
        from skillreg.registry.signing.trust import kept_root

        body = kept_root(self.location)
        if body is None:
            return None
        try:
            root = self._parse(self._url(ROOT_FILE), body, RegistryRoot)
        except RegistryError:
            return None  # damaged: ask
        if root.tuf is None or root.format_version > FORMAT_VERSION:
            return None
        try:
            self.signed = _open_signed(self, root)
        except (IntegrityError, NotFoundError):  # not a network failure, which asking repeats
            self.signed = None
            return None
        return root if self.signed is not None else None

    def _root_without_request(self) -> RegistryRoot | None:
        """The root from the change log: one small request that also says which cached documents
        are current. None to ask for ``registry.json`` as before: for a registry without a log,
        and for a signed one (``registry.json`` is what says it is signed, and a trusted one
        answering unsigned must be seen to be refused; TUF's timestamp is its freshness)."""
        from skillreg.registry.changes import CHANGES_FILE, MAX_LOG_BYTES, Seen, parse_log
        from skillreg.registry.changes import root_model as logged_root
        from skillreg.registry.serials import registry_identity

        assert self.http is not None
        if self.recorded != "builtin" and _trusted(self.location):
            return None
        seen = self._seen = Seen.load(self.cache_dir / "changes", registry_identity(self.location))
        if seen.absent_recently():
            return None
        try:
            body = self.http.get(self._url(CHANGES_FILE), limit=MAX_LOG_BYTES).body
        except NotFoundError:
            seen.mark_absent()  # a registry an older skillreg writes: asked again in a day
            return None
        except RegistryError:
            return None  # asking for registry.json gives the error in its own words
        log = parse_log(body)
        root = logged_root(log) if log is not None and log.serial >= seen.serial else None
        if log is None or root is None or root.tuf is not None:
            return None  # damaged, a replay of an older log, or signed: read as if it had none
        if (seen.serial, seen.absent_at) != (log.serial, None):
            seen.serial, seen.absent_at, seen.dirty = log.serial, None, True
        self._log = log
        return root

    def _current_cached(self, name: str, url: str) -> SkillDocument | None:
        """The cached document of `name` when the change log says it has not changed since it
        was fetched; None (ask the registry) when not, or when the cached copy does not hold up."""
        from skillreg.registry.model import SkillDocument

        log, seen = self._log, self._seen
        if log is None or seen is None or not log.unchanged(name, seen.docs.get(name, -1)):
            return None
        cached = self.index_cache.get(url)
        if cached is None:
            return None
        try:  # the cache is not trusted more than the registry: the same checks, or a refetch
            doc = self._parse(url, cached.body, SkillDocument)
            if doc.name != name:
                return None
            self.serials.check(doc, url)
        except RegistryError:
            return None
        seen.current(name, log.serial)
        return doc

    def close(self) -> None:
        """Remember what this run learned of the change log (best effort)."""
        if self._seen is not None:
            self._seen.save()

    def document(self, name: str, *, logged: bool = False) -> SkillDocument:
        """The per-skill document; refuses one older (lower serial) than the cached one.

        `logged`: a cached copy the change log says is current will do (a restore's yank and
        deprecation check); resolving a version always asks the registry."""
        from skillreg.registry.model import SkillDocument

        rel = _fill(self.root().index, prefix=_prefix(name), name=name)
        if self.signed is not None:  # verified against signed metadata: no serial check needed
            url, body = self.signed.document(name)
            return self._named(url, self._parse(url, body, SkillDocument), name)
        current = self._current_cached(name, self._url(rel)) if logged else None
        if current is not None:
            return current
        try:
            url, body, cached, etag = self._fetch_index(rel)
        except NotFoundError as exc:
            raise NotFoundError(
                f"skill {name!r} not found in {self.name}{self._did_you_mean(name)}"
                + ("; pass --registry to install from another one" if self.label else ""),
                url=exc.url,
                status=exc.status,
            ) from None
        doc = self._parse(url, body, SkillDocument)
        if doc.name != name:
            raise RegistryError(
                f"{self.shown(url)}: document names {doc.name!r}, expected {name!r}", url=url
            )
        log, seen = self._log, self._seen
        # The log lists a change of `name` since this client last took its copy as current: a
        # document no newer than that copy may come from a cache in front of the registry (a CDN
        # keeps documents a minute) from before the change, and is not taken as current (the
        # next run asks again, as every run did before the log).
        before = seen.docs.get(name) if log is not None and seen is not None else None
        changed = before is not None and log is not None and log.changed.get(name, 0) > before
        held = self.serials.recall(name) if changed else None
        self.serials.check(doc, url)  # keyed by registry and name, not by URL
        self.index_cache.put(url, etag, body, had=cached)
        if log is not None and seen is not None and (held is None or doc.serial > held[0]):
            seen.current(name, log.serial)  # the log was read before this
        return doc

    def _named(self, url: str, doc: SkillDocument, name: str) -> SkillDocument:
        if doc.name != name:
            raise RegistryError(f"{url}: document names {doc.name!r}, expected {name!r}", url=url)
        return doc

    def catalog(self) -> Catalog:
        from skillreg.registry.model import Catalog

        if self.root().sharded:  # 25 MB at 100,000 skills: search reads shards instead
            raise RegistryError(
                f"{self.location}: the catalog is sharded; this command needs the whole list"
                " of skills, which such a registry does not offer in one file"
            )
        url, body, cached, etag = self._fetch_index(self.root().catalog)
        catalog = self._parse(url, body, Catalog)
        self.index_cache.put(url, etag, body, had=cached)
        return catalog

    def shard(self, rel: str, model: type[M]) -> M | None:
        """One file of a sharded catalog (`skillreg.registry.shards`); None when it is absent."""
        try:
            url, body, cached, etag = self._fetch_index(rel)
        except NotFoundError:
            return None
        shard = self._parse(url, body, model)
        self.index_cache.put(url, etag, body, had=cached)
        return shard

    def _did_you_mean(self, name: str) -> str:
        import difflib

        from skillreg.registry.model import CatalogShard

        try:
            if self.root().sharded:  # the names sharing the first three characters suffice
                rel = _fill(self.root().catalog, shard=name[:3])
                shard = self.shard(rel, CatalogShard)
                names = [entry.name for entry in shard.skills] if shard else []
            else:
                names = [entry.name for entry in self.catalog().skills]
        except RegistryError:
            return ""
        if name in names:  # listed, yet its document is gone: the catalog lags the documents
            return " (the catalog still lists it: the registry needs `skill registry reindex`)"
        close = difflib.get_close_matches(name, names, n=3)
        return f" (did you mean {', '.join(close)}?)" if close else ""

    # -- bundles -----------------------------------------------------------------------------
    def bundle(self, sha256: str, size: int, *, workdir: Path, label: str | None = None) -> Path:
        """A file holding the bundle, verified against `size` and `sha256`: from the cache when
        possible, else streamed into `workdir` while hashing (memory stays at one chunk)."""
        if size > MAX_BUNDLE:
            raise IntegrityError(
                f"{label or sha256}: recorded size {size} bytes is over the {MAX_BUNDLE}-byte"
                " limit for a bundle; refusing it"
            )
        cached = self.blob_dir / f"{sha256}.tar.gz"
        if self.http is not None and file_matches(cached, sha256, size):
            return cached
        url = self._url(_fill(self.root().blobs, h01=sha256[:2], h23=sha256[2:4], sha256=sha256))
        dest = workdir / f"{sha256}.tar.gz"
        with open(dest, "wb") as out:
            hashing = HashingFile(out)
            self._fetch_blob(url, size, label, hashing)
        if hashing.size != size:
            raise IntegrityError(
                f"{self.shown(url)}: size {hashing.size} does not match the recorded {size}",
                url=url,
            )
        actual = hashing.digest.hexdigest()
        if actual != sha256:
            raise IntegrityError(
                f"{self.shown(url)}: sha256 mismatch (expected {sha256[:12]}…, got {actual[:12]}…);"
                " the bundle is corrupt or was tampered with",
                url=url,
            )
        if self.http is not None:
            cache_copy(dest, cached)
        return dest

    def _fetch_blob(self, url: str, size: int, label: str | None, out: HashingFile) -> None:
        if self.http is None:
            from skillreg.core.bounded import copy_capped, open_regular

            try:
                with open_regular(url, size) as (fd, _):
                    copy_capped(fd, size, out.write, url)
            except FileNotFoundError:
                raise RegistryError(f"{url}: cannot read bundle: not found", url=url) from None
            except OSError as exc:
                raise RegistryError(
                    f"{self.shown(url)}: cannot read bundle: {exc.strerror}", url=url
                ) from None
            return
        if self.offline:
            raise RegistryError(
                f"{self.shown(url)}: bundle not in the cache (run once without --offline)", url=url
            )
        self.http.get(url, size=size, label=label, into=out)


def _trusted(location: str) -> bool:
    """Whether a signing root of `location` is trusted (without loading the signing stack)."""
    from skillreg.registry.signing.trust import is_trusted

    return is_trusted(location)


def _open_signed(registry: Registry, root: RegistryRoot) -> SignedIndex | None:
    """Verified reads for a signed registry; None for one that is (and always was) unsigned."""
    if root.tuf is None and not registry.location.startswith(("http://", "https://")):
        from skillreg.registry.signing.trust import is_trusted

        if not is_trusted(registry.location):
            return None  # an unsigned folder never needs the signing stack loaded
    from skillreg.registry.signing.verifier import open_signed

    return open_signed(
        registry.location,
        root,
        http=registry.http,
        offline=registry.offline,
        notice=registry.notice,
    )


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
