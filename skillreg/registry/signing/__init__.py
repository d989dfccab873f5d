"""Signed registries: TUF metadata (python-tuf) over the static layout.

Owns keys (`keys`), the signed layout and its defaults (`layout`), writing and re-signing the
metadata (`writer`, `rotate`), checking a signed folder (`check`), and the client side: a fetcher
over our HTTP client (`fetcher`), the user's trust store (`trust`) and verified reads (`verifier`).
Imports `core` and `registry` modules below it; never `install` or click. Signing needs the
``sign`` extra (cryptography); verifying does not (securesystemslib falls back to pure-Python
ed25519).
"""
