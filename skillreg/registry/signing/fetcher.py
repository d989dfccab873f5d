"""A python-tuf fetcher over our own reads: `HttpClient` for http(s) (retries, deadlines, size
caps and tokens as for every registry read), bounded file reads for folders, and the trust
store's verified copies when offline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from skillreg.core.errors import NotFoundError, RegistryError
from skillreg.registry.signing.tuf_import import load_tuf

load_tuf()  # before any tuf import: see tuf_import

from tuf.api.exceptions import DownloadError, DownloadHTTPError  # noqa: E402
from tuf.ngclient import FetcherInterface  # noqa: E402

if TYPE_CHECKING:
    from skillreg.registry.http import HttpClient


class RegistryFetcher(FetcherInterface):
    """`http` for http(s) registries, None for folders; `offline_dir` serves only the cached
    timestamp (and says "no newer root"), so ngclient verifies what the trust store holds."""

    def __init__(self, http: HttpClient | None, offline_dir: Path | None = None) -> None:
        self.http = http
        self.offline_dir = offline_dir
        self.error: RegistryError | None = None  # the last failure, with our one-line message

    def download_bytes(self, url: str, max_length: int) -> bytes:
        try:
            return self._get(url, max_length)
        except NotFoundError as exc:
            self.error = exc
            raise DownloadHTTPError(exc.message, 404) from None
        except RegistryError as exc:
            self.error = exc
            raise DownloadError(exc.message) from None

    def _fetch(self, url: str) -> Iterator[bytes]:  # ngclient calls download_bytes only
        yield self.download_bytes(url, 1 << 26)

    def _get(self, url: str, max_length: int) -> bytes:
        if self.offline_dir is not None:
            return self._offline(url)
        if self.http is not None:
            return self.http.get(url, limit=max_length).body
        return _read_bounded(Path(url), max_length)

    def _offline(self, url: str) -> bytes:
        name = url.rsplit("/", 1)[-1]
        if name.endswith(".root.json"):
            raise NotFoundError(f"{url}: offline (the trusted root is the cached one)", url=url)
        if name == "timestamp.json":
            assert self.offline_dir is not None
            return _read_bounded(self.offline_dir / name, 1 << 20)
        raise RegistryError(
            f"{url}: signed metadata not in the cache (run once without --offline)", url=url
        )


def _read_bounded(path: Path, max_length: int) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_length + 1)
    except FileNotFoundError:
        raise NotFoundError(f"{path}: not found", path=path) from None
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read: {exc.strerror}", path=path) from None
    if len(data) > max_length:
        raise RegistryError(f"{path}: larger than {max_length} bytes; refusing it", path=path)
    return data
