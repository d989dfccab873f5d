"""python-tuf is imported without the cloud key-service SDKs securesystemslib tries (boto3 alone
costs about a second) and without ngclient's urllib3 fetcher (we pass our own), and boto3 stays
importable afterwards for the S3 storage back-end."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

SCRIPT = """
import sys
import skillreg.registry.signing.fetcher
import skillreg.registry.signing.writer
from tuf.api.metadata import Metadata
from securesystemslib.signer import CryptoSigner
import tuf.ngclient
leaked = sorted(m for m in ("boto3", "botocore", "urllib3") if m in sys.modules)
assert not leaked, leaked
import boto3  # the S3 back-end still can
print("ok", boto3.__name__)
"""


@pytest.mark.skipif(importlib.util.find_spec("boto3") is None, reason="boto3 (the s3 extra) absent")
def test_tuf_loads_without_boto3_and_boto3_still_loads_after() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok boto3"
