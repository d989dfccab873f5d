"""HTTP for registries: timeouts, retries with backoff, bearer tokens, strict bodies, progress.

One GET at a time, each either a whole verified body, a 304, or one `RegistryError` line naming the
URL. Retried: connection failures, timeouts, bodies cut short, 5xx and 429 (honouring
``Retry-After``). Never retried: 4xx, TLS failures. Tokens are scoped to an origin
(`origin_of`): a request gets the token of its own origin or none, never over plain http except to
a loopback host. A token is only ever put in a header; no message built here contains it.
"""

from __future__ import annotations

import ipaddress
import os
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from skillreg import __version__
from skillreg.core.errors import ConfigError, IntegrityError, NotFoundError, RegistryError
from skillreg.registry.httpx_import import load_httpx

if TYPE_CHECKING:
    import httpx

MIN_RATE = 16 * 1024  # bytes/s a download may not stay under (besides the per-read timeout)
BACKOFF_ENV = "SKILL_HTTP_BACKOFF"  # seconds before the first retry; tests set it tiny


class ProgressSink(Protocol):
    def advance(self, nbytes: int) -> None: ...
    def close(self) -> None: ...


class BodySink(Protocol):
    """Where a streamed body goes (a binary file, or a wrapper that hashes as it writes)."""

    def write(self, data: bytes, /) -> int: ...
    def seek(self, offset: int, /) -> int: ...
    def truncate(self) -> int: ...


#: Called as ``factory(label, total_bytes_or_None)`` when a download starts.
ProgressFactory = Callable[[str, int | None], ProgressSink]


@dataclass(frozen=True)
class HttpSettings:
    timeout: float = 20.0
    retries: int = 3  # attempts after the first
    backoff: float = 0.5  # doubles on each retry
    max_wait: float = 30.0  # cap on any single wait, Retry-After included
    max_body: int = 64 * 1024 * 1024  # for bodies of unknown size: an index file is never this big
    tokens: Mapping[str, str] = field(default_factory=dict)  # origin (`origin_of`) -> token

    @classmethod
    def from_env(cls, *, tokens: Mapping[str, str] | None = None) -> HttpSettings:
        """Settings with `tokens` by origin (`skillreg.registry.tokens.registry_tokens`)."""
        raw = os.environ.get(BACKOFF_ENV)
        try:
            backoff = float(raw) if raw else cls.backoff
        except ValueError:
            backoff = cls.backoff
        return cls(backoff=backoff, tokens=dict(tokens or {}))


def origin_of(url: str) -> str | None:
    """``scheme://host:port`` of an http(s) URL (lowercased, default port filled in); None for
    anything else, a malformed URL included."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url.strip())
        scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError:
        return None
    if scheme not in ("http", "https") or not host:
        return None
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port or (443 if scheme == 'https' else 80)}"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: the only hosts a token may reach over plain http."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class HttpResult:
    status: int  # 200, or 304 when the ETag sent still matches
    body: bytes
    etag: str | None


class _Retry(Exception):
    def __init__(self, error: RegistryError, wait: float | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.wait = wait


class HttpClient:
    def __init__(
        self,
        settings: HttpSettings,
        progress: ProgressFactory | None = None,
        notice: Callable[[str], None] | None = None,
    ) -> None:
        load_httpx()
        import httpx

        self.settings = settings
        self.progress = progress
        self.notice = notice  # told about each retry, so a slow run is never a silent one
        self.requests = 0  # counted for benchmarks and tests
        self._client = httpx.Client(
            timeout=settings.timeout,
            follow_redirects=True,  # httpx drops Authorization when a redirect changes origin
            headers={"User-Agent": f"skillreg/{__version__}"},
            transport=_lazy_transport(),
        )

    def close(self) -> None:
        self._client.close()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        size: int | None = None,
        label: str | None = None,
        into: BodySink | None = None,
        limit: int | None = None,
    ) -> HttpResult:
        """GET `url`; `size` (when known) caps the body and must match; `label` shows progress.

        With `into`, the body is streamed there (the result's body is empty): memory stays at
        one chunk however large the body, and the cap still applies. `limit` caps a body of unknown
        size below `max_body` (signed metadata has its own caps)."""
        attempts = self.settings.retries + 1
        for attempt in range(1, attempts + 1):
            if into is not None:  # a retry starts the body afresh
                into.seek(0)
                into.truncate()
            try:
                return self._once(url, etag, size, label, into, limit)
            except _Retry as retry:
                if retry.wait is not None and retry.wait > self.settings.max_wait:
                    raise RegistryError(
                        f"{retry.error.message}; the server asks to retry after {retry.wait:g}s,"
                        " try again later",
                        url=url,
                    ) from None
                if attempt == attempts:
                    raise RegistryError(
                        f"{retry.error.message} (gave up after {attempts} attempts)", url=url
                    ) from None
                wait = (
                    self.settings.backoff * 2 ** (attempt - 1) if retry.wait is None else retry.wait
                )
                if self.notice:
                    self.notice(
                        f"{retry.error.message}; retry {attempt} of {attempts - 1} in {wait:.1f}s"
                    )
                time.sleep(wait)
        raise AssertionError("unreachable")

    def _headers(self, url: str, etag: str | None) -> dict[str, str]:
        headers = {}
        # The ETag comes from the (untrusted) cache: one a request cannot carry (not ASCII, a
        # control character, not text at all) is not sent, and the body is fetched whole.
        if isinstance(etag, str) and etag and etag.isascii() and etag.isprintable():
            headers["If-None-Match"] = etag
        where = origin_of(url)
        token = self.settings.tokens.get(where) if where else None
        if token and where:
            _check_plain_http(where)
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def _once(
        self,
        url: str,
        etag: str | None,
        size: int | None,
        label: str | None,
        into: BodySink | None = None,
        limit: int | None = None,
    ) -> HttpResult:
        import httpx

        self.requests += 1
        try:
            with self._client.stream("GET", url, headers=self._headers(url, etag)) as response:
                if response.status_code == 304 and etag:
                    return HttpResult(304, b"", etag)
                if response.status_code == 404:  # a probe (changes.json): keep the connection
                    _drain(response, self.settings.timeout)
                _check_status(url, response)
                body = self._read_body(url, response, size, label, into, limit)
                return HttpResult(200, body, response.headers.get("ETag"))
        except httpx.TimeoutException:
            raise _Retry(
                RegistryError(f"{url}: timed out after {self.settings.timeout:g}s", url=url)
            ) from None
        except httpx.ConnectError as exc:
            raise _connect_error(url, exc) from None
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Retry(
                RegistryError(
                    f"{url}: connection dropped before the whole body arrived ({exc})", url=url
                )
            ) from None
        except httpx.HTTPError as exc:
            raise RegistryError(f"{url}: request failed: {exc}", url=url) from None
        except httpx.InvalidURL as exc:  # not an HTTPError: a malformed URL never left the client
            raise RegistryError(f"{url}: invalid URL ({exc})", url=url) from None

    def _read_body(
        self,
        url: str,
        response: httpx.Response,
        size: int | None,
        label: str | None,
        into: BodySink | None,
        limit: int | None = None,
    ) -> bytes:
        declared = _declared_length(response)
        if size is not None and declared is not None and declared != size:
            raise IntegrityError(
                f"{url}: server sends {declared} bytes but the registry records {size}", url=url
            )
        cap = min(limit or self.settings.max_body, self.settings.max_body) if size is None else size
        sink = self.progress(label, declared or size) if label and self.progress else None
        chunks: list[bytes] = []
        received = 0
        # The timeout bounds each read; this bounds the whole body, so a server that trickles a
        # byte at a time cannot hold a run forever.
        deadline = time.monotonic() + self.settings.timeout + (declared or size or 0) / MIN_RATE
        try:
            for chunk in response.iter_bytes():
                if time.monotonic() > deadline:
                    raise _Retry(
                        RegistryError(
                            f"{url}: too slow (under {MIN_RATE // 1024} KiB/s); timed out", url=url
                        )
                    )
                received += len(chunk)
                if received > cap:
                    raise IntegrityError(
                        f"{url}: body is larger than {_expected(size, cap)}", url=url
                    )
                if into is None:
                    chunks.append(chunk)
                else:
                    into.write(chunk)
                if sink:
                    sink.advance(len(chunk))
        finally:
            if sink:
                sink.close()
        if declared is not None and received != declared:
            raise _Retry(
                RegistryError(f"{url}: truncated body ({received} of {declared} bytes)", url=url)
            )
        return b"".join(chunks)


def _lazy_transport() -> httpx.BaseTransport:
    """A transport that loads CA certificates only when an https:// URL is first fetched.

    Building httpx's default transport loads the CA bundle (~70 ms), which a plain-http or
    fully cached run never needs; start-up time is a feature.
    """
    load_httpx()
    import httpx

    class Lazy(httpx.BaseTransport):
        def __init__(self) -> None:
            self._by_scheme: dict[str, httpx.HTTPTransport] = {}

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            scheme = request.url.scheme
            if scheme not in self._by_scheme:
                # Plain http never does TLS; a context with no CA loaded fails closed if it did.
                plain = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
                verify: ssl.SSLContext | bool = True if scheme == "https" else plain
                self._by_scheme[scheme] = httpx.HTTPTransport(verify=verify)
            return self._by_scheme[scheme].handle_request(request)

        def close(self) -> None:
            for transport in self._by_scheme.values():
                transport.close()

    return Lazy()


def _check_plain_http(origin: str) -> None:
    scheme, _, rest = origin.partition("://")
    host = rest.rpartition(":")[0]
    if scheme == "http" and not is_loopback(host):
        raise ConfigError(
            f"{origin}: refusing to send a registry token over plain http (only to loopback"
            " hosts); use https, or remove the token for this origin"
        )


def _expected(size: int | None, cap: int) -> str:
    return f"the recorded {size} bytes" if size is not None else f"{cap} bytes; refusing it"


def _declared_length(response: httpx.Response) -> int | None:
    """Content-Length of the body as we will see it (none when the server compresses on the fly)."""
    if response.headers.get("Content-Encoding", "identity") != "identity":
        return None
    raw = response.headers.get("Content-Length")
    return int(raw) if raw and raw.isdigit() else None


def _drain(response: httpx.Response, seconds: float, most: int = 65_536) -> None:
    """Read a small error body to its end, so the connection is reused rather than reset with
    unread bytes in it; a large, slow or failing one is left (the connection is then closed).
    `seconds` bounds the whole drain: the read timeout alone never fires on a server that
    trickles a byte at a time."""
    import httpx

    read = 0
    deadline = time.monotonic() + seconds
    try:
        for chunk in response.iter_raw():
            read += len(chunk)
            if read > most or time.monotonic() > deadline:
                return
    except httpx.HTTPError:
        return


def _check_status(url: str, response: httpx.Response) -> None:
    status = response.status_code
    if status == 200:
        return
    if status == 429 or status >= 500:
        raise _Retry(
            RegistryError(f"{url}: server answered {status}", url=url, status=status),
            _retry_after(response.headers.get("Retry-After")),
        )
    if status == 404:
        raise NotFoundError(f"{url}: not found (404)", url=url, status=status)
    if status in (401, 403):
        raise RegistryError(
            f"{url}: access denied ({status}); set SKILL_REGISTRY_TOKEN (for --registry or"
            " SKILL_REGISTRY) or map this origin in [install.tokens] of the user config",
            url=url,
            status=status,
        )
    raise RegistryError(f"{url}: unexpected HTTP status {status}", url=url, status=status)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    from email.utils import parsedate_to_datetime

    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _connect_error(url: str, exc: Exception) -> Exception:
    text = str(exc)
    if isinstance(exc.__cause__, ssl.SSLError) or "SSL" in text or "CERTIFICATE" in text:
        return RegistryError(
            f"{url}: TLS failure ({text}); check the certificate or the URL", url=url
        )
    if (
        "Name or service not known" in text
        or "nodename nor servname" in text
        or "getaddrinfo" in text
    ):
        return _Retry(
            RegistryError(f"{url}: cannot resolve the host name (DNS): check the URL", url=url)
        )
    return _Retry(RegistryError(f"{url}: cannot connect ({text})", url=url))
