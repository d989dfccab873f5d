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


STAND_INS = """
import sys
from skillreg.registry.signing.tuf_import import load_tuf
load_tuf()
import tuf.ngclient
from tuf.api.metadata import Metadata
from securesystemslib.signer import CryptoSigner, Key
loaded = sorted(m for m in ("securesystemslib._gpg.functions", "subprocess") if m in sys.modules)
assert not loaded, loaded
try:
    Key.from_dict("ab", {"keytype": "rsa", "scheme": "pgp+rsa-pkcsv1.5", "keyval": {"public": "x"}})
except ValueError as exc:
    print("refused", type(exc).__name__)
"""


def test_unused_signers_are_stand_ins_and_their_keys_are_refused() -> None:
    """GnuPG's, Sigstore's and the key services' signer modules are not loaded (~20 ms of every
    signed install); a root naming a GnuPG key is refused as an unknown key type is."""
    done = subprocess.run([sys.executable, "-c", STAND_INS], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "refused ValueError"


FALLBACK = """
import sys
from skillreg.registry.signing import tuf_import
tuf_import._UNUSED_SIGNERS["_gpg_signer"] = ("GPGSigner",)  # as if a version wanted more of it
tuf_import.load_tuf()
from securesystemslib.signer import GPGKey
print(type(GPGKey).__name__, GPGKey.__module__, "_Unused" in [c.__name__ for c in GPGKey.__mro__])
"""


def test_a_securesystemslib_that_wants_more_than_the_stand_ins_gets_the_real_modules() -> None:
    done = subprocess.run([sys.executable, "-c", FALLBACK], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["ABCMeta", "securesystemslib.signer._gpg_signer", "False"]
