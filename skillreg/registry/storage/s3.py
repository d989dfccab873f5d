"""A registry in an S3-compatible bucket (AWS S3, R2, GCS's XML API, MinIO, Ceph, SeaweedFS).

Conditional writes are S3's own: ``If-None-Match: *`` to create, ``If-Match: <etag>`` to replace;
the service applies them atomically, so publishers on many machines need no lock. A failed
condition (412, or 409 when two conditional writes race) is a `WriteConflict`; throttling and
5xx answers are retried by botocore's standard retry mode before anything gives up.

Credentials and region come from the standard AWS chain (environment, ``~/.aws`` profiles, SSO,
container and instance roles) and the endpoint from ``--endpoint-url`` or the AWS config
(``AWS_ENDPOINT_URL_S3``, ``endpoint_url`` in a profile). They are never printed: messages name
the bucket and key, the HTTP status and the service's error code, never the service's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from skillreg.core.errors import RegistryError, UsageError
from skillreg.registry.storage.base import CACHE_CONTROL, CONTENT_TYPE, Kind, Stored, WriteConflict

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MAX_OBJECT = 256 << 20  # an object larger than this is refused unread: nothing we write is
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_KEY = re.compile(r"[A-Za-z0-9._/+-]+")  # every key we write; others are never yielded
_CODE = re.compile(r"[A-Za-z0-9.]{1,64}")
_CONFLICT = {"PreconditionFailed", "ConditionalRequestConflict"}
_DENIED = {
    "AccessDenied",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "AllAccessDisabled",
}


def parse_url(target: str) -> tuple[str, str]:
    """(bucket, key prefix ending in ``/`` or empty) of ``s3://bucket[/prefix]``."""
    url = urlparse(target)
    prefix = url.path.strip("/")
    if (
        url.scheme != "s3"
        or not _BUCKET.fullmatch(url.netloc)
        or url.query
        or url.fragment
        or (prefix and not _KEY.fullmatch(prefix))
        or any(part in ("", ".", "..") for part in prefix.split("/") if prefix)
    ):
        raise UsageError(f"{target}: expected s3://BUCKET[/PREFIX] (lower-case bucket name)")
    return url.netloc, f"{prefix}/" if prefix else ""


class S3Storage:
    """Objects under ``s3://{bucket}/{prefix}``."""

    def __init__(self, client: S3Client, bucket: str, prefix: str) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    @classmethod
    def from_url(cls, target: str, *, endpoint_url: str | None = None) -> S3Storage:
        bucket, prefix = parse_url(target)
        if endpoint_url is not None and urlparse(endpoint_url).scheme not in ("http", "https"):
            raise UsageError(f"--endpoint-url {endpoint_url!r}: expected an http(s):// URL")
        try:
            import boto3
            from botocore.config import Config
        except ImportError:
            raise UsageError(
                f"{target}: s3:// registries need boto3: pip install 'skillreg[s3]'"
            ) from None
        config = Config(
            retries={"mode": "standard", "max_attempts": 5},  # throttling and 5xx, with backoff
            connect_timeout=10,
            read_timeout=60,
            user_agent_extra="skillreg",
        )
        client = boto3.session.Session().client("s3", endpoint_url=endpoint_url, config=config)
        return cls(client, bucket, prefix)

    @property
    def location(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")

    @property
    def sharded_catalog(self) -> bool:
        return True

    def read(self, key: str) -> Stored | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
            if answer.get("ContentLength", 0) > MAX_OBJECT:
                raise RegistryError(f"{self._where(key)}: larger than {MAX_OBJECT} bytes")
            data = answer["Body"].read(MAX_OBJECT + 1)
        except Exception as exc:
            if _code(exc) in ("NoSuchKey", "404", "NotFound"):
                return None
            raise self._failure(key, "read", exc) from None
        if len(data) > MAX_OBJECT:
            raise RegistryError(f"{self._where(key)}: larger than {MAX_OBJECT} bytes")
        return Stored(data, answer.get("ETag", ""))

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.prefix + key)
        except Exception as exc:
            if _code(exc) in ("NoSuchKey", "404", "NotFound"):
                return False
            raise self._failure(key, "check", exc) from None
        return True

    def write(
        self, key: str, data: bytes, kind: Kind, *, etag: str | None = None, create: bool = False
    ) -> None:
        extra: dict[str, Any] = {}
        if create:
            extra["IfNoneMatch"] = "*"
        elif etag is not None:
            extra["IfMatch"] = etag
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.prefix + key,
                Body=data,
                ContentType=CONTENT_TYPE[kind],
                CacheControl=CACHE_CONTROL[kind],
                **extra,
            )
        except Exception as exc:
            code = _code(exc)
            # 404 on If-Match: the object was deleted since it was read; re-read and retry.
            if code in _CONFLICT or (etag is not None and code in ("NoSuchKey", "404")):
                raise WriteConflict(f"{self._where(key)}: changed by another writer") from None
            raise self._failure(key, "write", exc) from None

    def keys(self, prefix: str) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2")
        try:
            for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in page.get("Contents", []):
                    key = item["Key"].removeprefix(self.prefix)
                    if _KEY.fullmatch(key):
                        yield key
        except Exception as exc:
            raise self._failure(prefix, "list", exc) from None

    def is_empty(self) -> bool:
        try:
            page = self.client.list_objects_v2(Bucket=self.bucket, Prefix=self.prefix, MaxKeys=1)
        except Exception as exc:
            raise self._failure("", "list", exc) from None
        return not page.get("Contents")

    # Object storage keeps no pending marks and no temp files: `verify` compares serials.
    def check_writable(self, keys: Iterable[str] = (), *, everywhere: bool = False) -> None:
        """Nothing to refuse: keys in a bucket are names, never links."""

    def mark_pending(self, name: str) -> None:
        return None

    def pending_names(self) -> set[str]:
        return set()

    def clear_pending(self, older_than: float, names: Iterable[str] | None = None) -> None:
        return None

    def sweep_temp_files(self) -> list[str]:
        return []

    def _where(self, key: str) -> str:
        return f"s3://{self.bucket}/{self.prefix}{key}"

    def _failure(self, key: str, verb: str, exc: Exception) -> RegistryError:
        """One line naming the object and what to do; no credential and no server text."""
        where = self._where(key)
        code = _code(exc)
        status = _status(exc)
        if type(exc).__name__ in ("NoCredentialsError", "PartialCredentialsError"):
            hint = "no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/…"
        elif code in _DENIED or status == 403:
            hint = f"credentials refused ({code or status}): check the profile and its rights"
        elif code == "NoSuchBucket":
            hint = "no such bucket: create it or fix the URL"
        elif status is not None:
            hint = f"the service answered {status} {code} (after retries); try again later"
        elif type(exc).__name__ in ("EndpointConnectionError", "ConnectTimeoutError"):
            hint = "cannot connect to the endpoint; check --endpoint-url and the network"
        elif type(exc).__module__.startswith(("botocore", "urllib3", "boto3")):
            hint = f"{type(exc).__name__}; check --endpoint-url and the network"
        else:
            raise exc  # a bug of ours, not the service's: let it surface
        return RegistryError(f"{where}: cannot {verb}: {hint}", url=where, status=status)


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    code = str(response.get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""
    return code if _CODE.fullmatch(code) else ""


def _status(exc: Exception) -> int | None:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status if isinstance(status, int) else None
