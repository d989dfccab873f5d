"""Verified reads from a signed registry: ngclient's Updater over our fetcher and trust store.

`open_signed` decides, per registry, whether reads must be verified: signed (``"tuf"`` in
``registry.json``) or trusted before (a root in the trust store) or pinned means verified; an
unsigned answer from a registry trusted or pinned as signed is refused. `SignedIndex.document`
returns a per-skill document's bytes only after they match the length and sha256 that the
verified bin lists, read from the content-addressed copy of one consistent snapshot.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from skillreg.core.atomic import write_atomic
from skillreg.core.errors import IntegrityError, NotFoundError, RegistryError, SkillError
from skillreg.registry.signing import layout, trust

if TYPE_CHECKING:
    from tuf.ngclient import Updater

    from skillreg.registry.http import HttpClient
    from skillreg.registry.model import RegistryRoot

Notice = Callable[[str], None]
T = TypeVar("T")


def open_signed(
    location: str,
    root: RegistryRoot,
    *,
    http: HttpClient | None,
    offline: bool,
    notice: Notice | None,
) -> SignedIndex | None:
    """The verified view of `location`, or None for a registry that is (and was) unsigned."""
    pin = trust.pin_for(location)
    if root.tuf is None:
        if trust.is_trusted(location) or pin is not None:
            raise IntegrityError(
                f"{location}: was signed (its root is {'pinned' if pin else 'trusted'}), but now"
                " answers unsigned; refusing (a downgrade attack, or the registry dropped"
                " signing: investigate, then remove its entry from the trust store)",
                url=location,
            )
        return None
    index = SignedIndex(location, root.tuf, http=http, offline=offline)
    index.start(pin, notice)
    return index


class SignedIndex:
    def __init__(self, location: str, tuf: str, *, http: HttpClient | None, offline: bool) -> None:
        from skillreg.registry.signing.fetcher import RegistryFetcher

        self.location = location
        self.base = f"{location}/{tuf}" if http is not None else str(Path(location) / tuf)
        self.folder = trust.trust_dir(location)
        self.http = http
        self.fetcher = RegistryFetcher(http, self.folder if offline else None)
        self.offline = offline
        self._updater: Updater | None = None

    # -- trust -------------------------------------------------------------------------------
    def start(self, pin: str | None, notice: Notice | None) -> None:
        """Refresh the top-level metadata, trusting the first root when none is stored yet."""
        if trust.is_trusted(self.location):
            if self.offline:
                self._check_cached_expiry()
            if pin is not None:
                kept = self.folder / "root_history" / "1.root.json"
                trust.check_pin(self.location, pin, kept.read_bytes() if kept.is_file() else b"")
            self._updater = self._refresh(self.folder, None)
            return
        if self.offline:
            raise RegistryError(
                f"{self.location}: signed, and not trusted yet (run once without --offline)",
                url=self.location,
            )
        first_url = f"{self.base}/metadata/1.root.json"
        first = self._guard(lambda: self.fetcher.download_bytes(first_url, 512_000))
        if pin is not None:
            trust.check_pin(self.location, pin, first)
        # A first use that fails verification leaves nothing behind: the trust folder is new,
        # and removed again unless ngclient accepted the whole top-level chain.
        try:
            self._updater = self._refresh(self.folder, first)
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        if notice is not None and pin is None:
            digest = hashlib.sha256(first).hexdigest()
            notice(
                f"trusting the signing root of {self.location} on first use (sha256:{digest});"
                f' to pin it, add "{self.location}" = "sha256:{digest}" to [install.trust]'
                " in the user config"
            )

    def _check_cached_expiry(self) -> None:
        """Offline, ngclient would only say "not in the cache"; say why: it expired."""
        from datetime import UTC, datetime

        from tuf.api.metadata import Metadata

        try:
            cached = Metadata.from_bytes((self.folder / "timestamp.json").read_bytes())
        except Exception:  # unreadable: ngclient reports it in its own words
            return
        if cached.signed.is_expired(datetime.now(tz=UTC)):
            raise IntegrityError(
                f"{self.location}: the cached signed metadata expired at"
                f" {cached.signed.expires:%Y-%m-%dT%H:%M:%SZ}; run once without --offline",
                url=self.location,
            )

    def _refresh(self, folder: Path, bootstrap: bytes | None) -> Updater:
        from tuf.ngclient import Updater, UpdaterConfig

        config = UpdaterConfig(
            max_root_rotations=32, timestamp_max_length=16_384, snapshot_max_length=4_000_000
        )

        def run() -> Updater:
            updater = Updater(
                str(folder),
                f"{self.base}/metadata/",
                target_base_url=f"{self.base}/targets/",
                fetcher=self.fetcher,
                config=config,
                bootstrap=bootstrap,
            )
            updater.refresh()
            return updater

        return self._guard(run)

    # -- documents ---------------------------------------------------------------------------
    def document(self, name: str) -> tuple[str, bytes]:
        """(url, bytes) of `name`'s document, verified against the signed bin."""
        assert self._updater is not None
        updater = self._updater
        path = layout.target_path(name)
        info = self._guard(lambda: updater.get_targetinfo(path))
        if info is None:
            raise NotFoundError(f"skill {name!r} not found in {self.location} (signed)")
        digest = info.hashes.get("sha256", "")
        url = f"{self.location}/{layout.target_file(name, digest)}"
        cached = self.folder / "documents" / f"{digest}.json"
        if cached.is_file() and _sha256(cached.read_bytes()) == digest:
            return url, cached.read_bytes()
        if self.offline:
            raise RegistryError(f"{url}: not in the cache (run once without --offline)", url=url)
        where = (
            url
            if self.http is not None
            else str(Path(self.location) / layout.target_file(name, digest))
        )
        data = self._guard(lambda: self.fetcher.download_bytes(where, info.length))
        self._guard(lambda: info.verify_length_and_hashes(data))
        with contextlib.suppress(OSError):  # an unwritable cache only costs a download next time
            write_atomic(cached, data, durable=False)
        return url, data

    def _guard(self, step: Callable[[], T]) -> T:
        """Run a python-tuf step; its failures become one-line `SkillError`s naming the registry."""
        from tuf.api import exceptions as tuf_errors

        try:
            return step()
        except SkillError:
            raise
        except tuf_errors.DownloadError as exc:
            error = self.fetcher.error
            raise error if error is not None else RegistryError(f"{self.location}: {exc}") from None
        except tuf_errors.RepositoryError as exc:
            raise _refusal(self.location, exc) from None
        except OSError as exc:
            raise RegistryError(
                f"{self.folder}: cannot keep signed metadata: {exc.strerror}", path=self.folder
            ) from None


def _refusal(location: str, exc: Exception) -> IntegrityError:
    from tuf.api import exceptions as tuf_errors

    detail = plain_text(str(exc) or type(exc).__name__)
    if isinstance(exc, tuf_errors.ExpiredMetadataError):
        what = (
            "signed metadata has expired (a freeze attack or a stale mirror; the registry"
            " must run `skill registry refresh`)"
        )
    elif isinstance(exc, tuf_errors.BadVersionNumberError):
        what = (
            "signed metadata is not the version that trusted metadata says (a rollback, or"
            " files mixed from different snapshots); refusing"
        )
    elif isinstance(exc, tuf_errors.UnsignedMetadataError):
        what = "metadata is not signed by the keys the trusted root names"
    elif isinstance(exc, tuf_errors.LengthOrHashMismatchError):
        what = (
            "a file does not match the length or hash its signed metadata records"
            " (tampered, or from another snapshot)"
        )
    else:
        what = "signed metadata failed verification"
    return IntegrityError(f"{location}: {what} ({detail})", url=location)


def plain_text(text: str, limit: int = 200) -> str:
    """`text` safe for a terminal or CI log: one line, control characters escaped, bounded.
    (python-tuf's messages can quote bytes from a hostile server.)"""
    line = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text[: limit * 2])
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
