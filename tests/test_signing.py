"""Signed registries against a real HTTP server on 127.0.0.1: install verifies, every attack in
issue 11 is refused with one `error:` line and nothing written in the project."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from skillreg.registry.edit import deprecate, yank
from skillreg.registry.signing import layout
from skillreg.registry.signing.keys import generate_key
from skillreg.registry.signing.rotate import rotate
from skillreg.registry.signing.trust import trust_dir
from skillreg.registry.store import FolderRegistry
from tests.install_helpers import Server, read_json, serve, skill, tree
from tests.signing_helpers import (
    current_bin,
    forge_timestamp,
    make_keys,
    metadata_bytes,
    signed_registry,
    wrong_root_rotation,
)


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    return make_keys(tmp_path / "keys")


@pytest.fixture
def signed(tmp_path: Path, keys: Path, monkeypatch: pytest.MonkeyPatch) -> FolderRegistry:
    monkeypatch.setenv("SKILL_SIGNING_KEYS", str(keys))
    return signed_registry(tmp_path / "registry", keys)


@pytest.fixture
def server(signed: FolderRegistry) -> Iterator[Server]:
    with serve(signed.root) as running:
        yield running


def install(project: Path, server: Server, *names: str, offline: bool = False) -> object:
    project.mkdir(exist_ok=True)
    extra = ["--offline"] if offline else []
    return skill("install", *names, "--registry", server.url, *extra, cwd=project)


def trusted(tmp_path: Path, server: Server) -> None:
    """A first install: the client now trusts this registry's root."""
    result = install(tmp_path / "first", server, "golang-pro")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]


def client_stderr(err: str) -> str:
    """The CLI's stderr without the test server's own report of a connection the client cut
    (socketserver prints it to the same, captured, sys.stderr from its thread)."""
    err = re.sub(r"-{40}\nException occurred during processing.*?-{40}\n", "", err, flags=re.S)
    # A block the server thread was still printing when the command returned: its first lines.
    return re.sub(r"-{40}\nException occurred during processing of request from [^\n]*\n", "", err)


def assert_refused(result: object, project: Path, *words: str) -> str:
    """Exit 1, exactly one `error:` line on stderr mentioning `words`, the project untouched."""
    err = client_stderr(result.stderr)  # type: ignore[attr-defined]
    assert result.exit_code == 1, err  # type: ignore[attr-defined]
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, err
    assert tree(project) == {}, "nothing may be written on a refusal"
    return err


# -- the happy path ------------------------------------------------------------------------------


def test_install_verifies_and_the_lock_records_it(tmp_path: Path, server: Server) -> None:
    result = install(tmp_path / "p", server, "backend-developer")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert "trusting the signing root" in result.stderr  # type: ignore[attr-defined]
    entry = read_json(tmp_path / "p" / "skills.lock")["skills"][0]
    assert entry["verified"] == "tuf"
    # Signed reads never touch the mutable document path: only content-addressed copies.
    assert not any(p.startswith("/index/") for p in server.paths())
    assert (trust_dir(server.url) / "root_history" / "1.root.json").is_file()


def test_unsigned_registries_keep_working_and_their_lock_entries_do_not_change(
    tmp_path: Path,
) -> None:
    from tests.install_helpers import standard_registry

    standard_registry(tmp_path / "plain")
    with serve(tmp_path / "plain") as plain:
        result = install(tmp_path / "p", plain, "golang-pro")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert "verified" not in read_json(tmp_path / "p" / "skills.lock")["skills"][0]
    assert "tuf" not in read_json(tmp_path / "plain" / "registry.json")


def test_warm_install_uses_cached_metadata_and_offline_works(
    tmp_path: Path, server: Server
) -> None:
    trusted(tmp_path, server)
    server.log.clear()
    result = install(tmp_path / "p", server, "golang-pro")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    # registry.json, the next-root probe, timestamp; document and bundle come from caches.
    assert len(server.paths()) <= 5, server.paths()
    server.log.clear()
    result = install(tmp_path / "q", server, "golang-pro", offline=True)
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert server.paths() == []


def test_offline_refuses_cached_metadata_once_it_expired(
    tmp_path: Path, server: Server, signed: FolderRegistry, keys: Path
) -> None:
    trusted(tmp_path, server)
    forge_timestamp(signed, keys, days=-1)  # validly signed, but expired: as time passing would
    cached = trust_dir(server.url) / "timestamp.json"
    cached.write_bytes(metadata_bytes(signed, layout.metadata_file("timestamp")))
    result = install(tmp_path / "p", server, "golang-pro", offline=True)
    assert_refused(result, tmp_path / "p", "expired")


# -- attacks -------------------------------------------------------------------------------------


def test_tampered_document_is_refused(
    tmp_path: Path, server: Server, signed: FolderRegistry
) -> None:
    trusted(tmp_path, server)
    doc = signed.root / "index/ba/ck/backend-developer.json"
    digest = hashlib.sha256(doc.read_bytes()).hexdigest()
    evil = json.loads(doc.read_text())
    evil["versions"]["1.1.0"]["description"] = "do something else"
    rel = layout.target_file("backend-developer", digest)
    server.overrides["/" + rel] = json.dumps(evil).encode()
    assert_refused(install(tmp_path / "p", server, "backend-developer"), tmp_path / "p", "hash")


def test_tampered_bundle_is_refused(tmp_path: Path, server: Server, signed: FolderRegistry) -> None:
    trusted(tmp_path, server)
    doc = read_json(signed.root / "index/ba/ck/backend-developer.json")
    sha = doc["versions"]["1.1.0"]["sha256"]
    blob = f"/blobs/sha256/{sha[:2]}/{sha[2:4]}/{sha}.tar.gz"
    good = (signed.root / blob.lstrip("/")).read_bytes()
    server.overrides[blob] = good[:-1] + bytes([good[-1] ^ 1])
    assert_refused(install(tmp_path / "p", server, "backend-developer"), tmp_path / "p", "sha256")


def test_older_snapshot_is_refused_as_a_rollback(
    tmp_path: Path, server: Server, signed: FolderRegistry
) -> None:
    old_timestamp = metadata_bytes(signed, layout.metadata_file("timestamp"))
    yank(str(signed.root), "devops-engineer@3.0.0", "newer state")
    trusted(tmp_path, server)  # the client has seen the newer state
    server.overrides["/" + layout.metadata_file("timestamp")] = old_timestamp
    result = install(tmp_path / "p", server, "devops-engineer@3.0.0")
    assert_refused(result, tmp_path / "p", "rollback")


def test_expired_timestamp_is_refused_as_a_freeze(
    tmp_path: Path, server: Server, signed: FolderRegistry, keys: Path
) -> None:
    trusted(tmp_path, server)
    forge_timestamp(signed, keys, days=-1)
    assert_refused(install(tmp_path / "p", server, "python-pro"), tmp_path / "p", "expired")


def test_bin_from_another_snapshot_is_refused(
    tmp_path: Path, server: Server, signed: FolderRegistry, keys: Path
) -> None:
    old_bin = metadata_bytes(signed, current_bin(signed, keys, "python-pro"))
    yank(str(signed.root), "python-pro@1.0.0", "move the bin on")
    trusted(tmp_path, server)
    server.overrides["/" + current_bin(signed, keys, "python-pro")] = old_bin
    shutil.rmtree(trust_dir(server.url) / "documents")
    for cached in trust_dir(server.url).glob("bin-*.json"):
        cached.unlink()  # a client that has not read this bin yet
    assert_refused(install(tmp_path / "p", server, "python-pro@1.0.0"), tmp_path / "p", "mixed")


def test_document_from_another_snapshot_is_refused(
    tmp_path: Path, server: Server, signed: FolderRegistry
) -> None:
    doc = signed.root / "index/py/th/python-pro.json"
    yank(str(signed.root), "python-pro@1.0.0")
    old_bytes = doc.read_bytes()  # signed in its time, and shorter than the next one
    deprecate(str(signed.root), "python-pro", "use golang-pro")
    trusted(tmp_path, server)
    new_digest = hashlib.sha256(doc.read_bytes()).hexdigest()
    server.overrides["/" + layout.target_file("python-pro", new_digest)] = old_bytes
    result = install(tmp_path / "p", server, "python-pro@1.0.0")
    assert_refused(result, tmp_path / "p", "another snapshot")


def test_metadata_signed_by_a_key_not_in_root_is_refused(
    tmp_path: Path, server: Server, signed: FolderRegistry, keys: Path
) -> None:
    trusted(tmp_path, server)
    evil = tmp_path / "evil.pem"
    generate_key(evil, None)
    forge_timestamp(signed, keys, by=evil)
    assert_refused(install(tmp_path / "p", server, "python-pro"), tmp_path / "p", "not signed")


def test_root_rotation_done_right_is_accepted(
    tmp_path: Path, server: Server, signed: FolderRegistry, keys: Path
) -> None:
    trusted(tmp_path, server)
    new_root, new_timestamp = tmp_path / "new" / "root.pem", tmp_path / "new" / "timestamp.pem"
    generate_key(new_root, None)
    generate_key(new_timestamp, None)
    rotate(signed, "root", keys, [new_root])
    shutil.copy(new_root, keys / "root.pem")
    rotate(signed, "timestamp", keys, [new_timestamp])
    result = install(tmp_path / "p", server, "python-pro")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert (trust_dir(server.url) / "root_history" / "3.root.json").is_file()


def test_root_rotation_done_wrong_is_refused(
    tmp_path: Path, server: Server, signed: FolderRegistry
) -> None:
    trusted(tmp_path, server)
    new_root = tmp_path / "new-root.pem"
    generate_key(new_root, None)
    wrong_root_rotation(signed, new_root)
    assert_refused(install(tmp_path / "p", server, "python-pro"), tmp_path / "p", "not signed")


def unsigned_answer(signed: FolderRegistry, server: Server) -> None:
    root = read_json(signed.root / "registry.json")
    del root["tuf"]
    server.overrides["/registry.json"] = json.dumps(root).encode()


def age_kept_root(url: str, seconds: float) -> None:
    kept = trust_dir(url) / "registry.json"
    assert kept.is_file(), "a trusted registry's registry.json is kept beside its root"
    old = time.time() - seconds
    os.utime(kept, (old, old))


def test_signed_registry_turning_unsigned_is_refused(
    tmp_path: Path, server: Server, signed: FolderRegistry
) -> None:
    """registry.json drops "tuf" and the metadata is gone: refused, even within the day the
    client reuses the registry.json it kept (TUF's missing metadata sends it to ask)."""
    trusted(tmp_path, server)
    unsigned_answer(signed, server)
    shutil.rmtree(signed.root / layout.TUF_DIR)
    assert_refused(install(tmp_path / "p", server, "python-pro"), tmp_path / "p", "unsigned")


def test_signed_registry_answering_unsigned_after_a_day_is_refused(
    tmp_path: Path, server: Server, signed: FolderRegistry
) -> None:
    trusted(tmp_path, server)
    age_kept_root(server.url, 86_400 + 60)
    unsigned_answer(signed, server)  # the metadata is still there: registry.json alone says so
    assert_refused(install(tmp_path / "p", server, "python-pro"), tmp_path / "p", "unsigned")


def test_within_a_day_registry_json_is_not_asked_and_installs_stay_verified(
    tmp_path: Path, server: Server, signed: FolderRegistry
) -> None:
    trusted(tmp_path, server)
    unsigned_answer(signed, server)  # not asked for: it cannot turn the install unverified
    server.log.clear()
    result = install(tmp_path / "p", server, "python-pro")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert "/registry.json" not in server.paths()
    assert read_json(tmp_path / "p" / "skills.lock")["skills"][0]["verified"] == "tuf"


def test_a_damaged_kept_registry_json_is_asked_for_again(
    tmp_path: Path, server: Server, signed: FolderRegistry
) -> None:
    trusted(tmp_path, server)
    (trust_dir(server.url) / "registry.json").write_bytes(b"\x1b[31m{not json")
    server.log.clear()
    result = install(tmp_path / "p", server, "python-pro")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert server.paths()[0] == "/registry.json"
    assert read_json(tmp_path / "p" / "skills.lock")["skills"][0]["verified"] == "tuf"


def test_a_differently_rooted_registry_is_refused(
    tmp_path: Path, server: Server, signed: FolderRegistry
) -> None:
    trusted(tmp_path, server)
    other = signed_registry(tmp_path / "other", make_keys(tmp_path / "other-keys"))
    shutil.rmtree(signed.root)
    shutil.copytree(other.root, signed.root)
    assert_refused(install(tmp_path / "p", server, "python-pro"), tmp_path / "p", "not signed")


# -- pins ----------------------------------------------------------------------------------------


def pin(value: str, url: str) -> None:
    import platformdirs

    config = Path(platformdirs.user_config_dir("skillreg")) / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'[install.trust]\n"{url}" = "{value}"\n')


def test_a_matching_pin_is_trusted_without_notice(
    tmp_path: Path, server: Server, signed: FolderRegistry, keys: Path
) -> None:
    root_key = json.loads((keys / "root.pem.pub").read_text())
    from skillreg.registry.signing.keys import key_id

    pin(key_id(root_key), server.url)
    result = install(tmp_path / "p", server, "python-pro")
    assert result.exit_code == 0, result.stderr  # type: ignore[attr-defined]
    assert "trusting" not in result.stderr  # type: ignore[attr-defined]


def test_a_pin_that_does_not_match_is_refused_on_first_use(tmp_path: Path, server: Server) -> None:
    pin("sha256:" + "0" * 64, server.url)
    assert_refused(install(tmp_path / "p", server, "python-pro"), tmp_path / "p", "pin")
    assert not trust_dir(server.url).exists(), "a refused first use must store no trust"


def test_a_pinned_registry_that_answers_unsigned_is_refused(tmp_path: Path) -> None:
    from tests.install_helpers import standard_registry

    standard_registry(tmp_path / "plain")
    with serve(tmp_path / "plain") as plain:
        pin("sha256:" + "0" * 64, plain.url)
        assert_refused(install(tmp_path / "p", plain, "golang-pro"), tmp_path / "p", "unsigned")


KEYGEN = "sys.argv = ['skill', 'registry', 'keygen', 'k.pem']\nmain()\n"


def test_verification_needs_no_cryptography(tmp_path: Path, server: Server) -> None:
    """Installing from a signed registry works without the `sign` extra (pure-Python ed25519)."""
    import os
    import subprocess
    import sys

    project = tmp_path / "p"
    project.mkdir()
    code = (
        "import sys; sys.modules['cryptography'] = None\n"  # as if it were not installed
        "from skillreg.cli import main\n"
        f"sys.argv = ['skill', 'install', 'python-pro', '--registry', {server.url!r}]\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=project, env=dict(os.environ), capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert read_json(project / "skills.lock")["skills"][0]["verified"] == "tuf"
    check = subprocess.run(
        [sys.executable, "-c", code.split("sys.argv")[0] + KEYGEN],
        cwd=project, env=dict(os.environ), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert check.returncode == 2 and check.stderr.startswith("error: signing needs"), check.stderr


@pytest.mark.parametrize(
    "body",
    [
        b"\x1b[31mnot json\x1b[0m",
        b'{"signed": {"_type": "\x1b[2Jtimestamp"}, "signatures": []}',
        b'{"signed": {"_type": "timestamp"}, "signatures": []}',
        b"x" * 100_000,
    ],
)
def test_garbage_timestamp_is_one_plain_error_line(
    tmp_path: Path, server: Server, body: bytes
) -> None:
    trusted(tmp_path, server)
    server.overrides["/" + layout.metadata_file("timestamp")] = body
    err = assert_refused(install(tmp_path / "p", server, "python-pro"), tmp_path / "p")
    assert "\x1b" not in err and len(err) < 600, err


def test_verify_reports_a_forged_bin(tmp_path: Path, signed: FolderRegistry, keys: Path) -> None:
    rel = current_bin(signed, keys, "python-pro")
    data = json.loads((signed.root / rel).read_text())
    data["signed"]["targets"]["index/py/th/python-pro.json"]["length"] += 1
    (signed.root / rel).write_text(json.dumps(data))
    result = skill("registry", "verify", str(signed.root), cwd=tmp_path)
    assert result.exit_code == 1
    assert f"{rel}: error: signature check failed" in result.stdout


# -- writers and the CLI -------------------------------------------------------------------------


@pytest.mark.parametrize("keys_env", [None, "other"])
def test_writes_to_a_signed_registry_without_its_keys_are_refused_before_writing(
    tmp_path: Path, signed: FolderRegistry, monkeypatch: pytest.MonkeyPatch, keys_env: str | None
) -> None:
    if keys_env is None:
        monkeypatch.delenv("SKILL_SIGNING_KEYS")
    else:
        monkeypatch.setenv("SKILL_SIGNING_KEYS", str(make_keys(tmp_path / keys_env)))
    before = tree(signed.root)
    result = skill("yank", "golang-pro@1.0.0", "--from", str(signed.root), cwd=tmp_path)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert tree(signed.root) == before


def test_keygen_writes_private_keys_0600_and_prints_the_key_id(tmp_path: Path) -> None:
    from skillreg.registry.signing.keys import key_id

    result = skill("registry", "keygen", str(tmp_path / "k" / "root.pem"), cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "k" / "root.pem").stat().st_mode & 0o777 == 0o600
    public = json.loads((tmp_path / "k" / "root.pem.pub").read_text())
    assert result.stdout.strip() == key_id(public)
    again = skill("registry", "keygen", str(tmp_path / "k" / "root.pem"), cwd=tmp_path)
    assert again.exit_code == 2 and "already exists" in again.stderr


def test_encrypted_keys_need_their_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skillreg.core.errors import ConfigError
    from skillreg.registry.signing.keys import load_signer

    monkeypatch.setenv("SKILL_SIGNING_PASSPHRASE", "correct horse")
    result = skill("registry", "keygen", "--encrypt", str(tmp_path / "t.pem"), cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert b"ENCRYPTED" in (tmp_path / "t.pem").read_bytes()
    load_signer(tmp_path / "t.pem")
    monkeypatch.delenv("SKILL_SIGNING_PASSPHRASE")
    with pytest.raises(ConfigError, match="encrypted"):
        load_signer(tmp_path / "t.pem")


def test_cli_init_refresh_rotate_and_verify(tmp_path: Path, keys: Path) -> None:
    from tests.test_publish import write_skill

    reg = tmp_path / "reg"
    for name in ("alpha-skill", "beta-skill"):
        write_skill(tmp_path / "src", name)
    published = skill("publish", str(tmp_path / "src"), "--to", str(reg), cwd=tmp_path)
    assert published.exit_code == 0, published.stderr
    init = skill("registry", "init", str(reg), "--sign", "--keys", str(keys), "--bins", "256",
                 "--expires", "timestamp=2", cwd=tmp_path)  # fmt: skip
    assert init.exit_code == 0, init.stderr
    assert "signed 2 document(s) into 256 bins" in init.stdout
    assert read_json(reg / "registry.json")["tuf"] == "tuf"
    again = skill("registry", "init", str(reg), "--sign", "--keys", str(keys), cwd=tmp_path)
    assert again.exit_code == 1 and "already signed" in again.stderr
    before = read_json(reg / layout.metadata_file("timestamp"))["signed"]["version"]
    refresh = skill("registry", "refresh", str(reg), "--keys", str(keys), cwd=tmp_path)
    assert refresh.exit_code == 0, refresh.stderr
    assert read_json(reg / layout.metadata_file("timestamp"))["signed"]["version"] == before + 1
    generate_key(tmp_path / "new-snapshot.pem", None)
    rotated = skill("registry", "rotate", str(reg), "snapshot", "--keys", str(keys),
                    "--new-key", str(tmp_path / "new-snapshot.pem"), cwd=tmp_path)  # fmt: skip
    assert rotated.exit_code == 0, rotated.stderr
    assert "root version 2" in rotated.stdout
    verified = skill("registry", "verify", str(reg), cwd=tmp_path)
    assert verified.exit_code == 0, verified.stdout
    assert "2 signed documents" in verified.stdout


def test_a_signed_folder_registry_is_verified_too(tmp_path: Path, signed: FolderRegistry) -> None:
    project = tmp_path / "p"
    project.mkdir()
    result = skill("install", "golang-pro", "--registry", str(signed.root), cwd=project)
    assert result.exit_code == 0, result.stderr
    assert read_json(project / "skills.lock")["skills"][0]["verified"] == "tuf"
    doc = signed.root / "index/go/la/golang-pro.json"
    digest = hashlib.sha256(doc.read_bytes()).hexdigest()
    (signed.root / layout.target_file("golang-pro", digest)).write_text("{}")
    shutil.rmtree(trust_dir(str(signed.root)) / "documents")
    (tmp_path / "q").mkdir()
    again = skill("install", "golang-pro", "--registry", str(signed.root), cwd=tmp_path / "q")
    assert_refused(again, tmp_path / "q", "hash")


def test_a_lock_entry_from_a_signed_registry_is_not_restored_from_an_unsigned_answer(
    tmp_path: Path, server: Server, signed: FolderRegistry
) -> None:
    trusted(tmp_path, server)
    project = tmp_path / "clone"
    project.mkdir()
    for name in ("skills.lock", "skills.toml"):
        shutil.copy(tmp_path / "first" / name, project / name)
    shutil.rmtree(trust_dir(server.url))  # another machine: no trust stored yet
    root = read_json(signed.root / "registry.json")
    del root["tuf"]
    server.overrides["/registry.json"] = json.dumps(root).encode()
    before = tree(project)
    result = skill("install", cwd=project)
    assert result.exit_code == 1, result.stderr
    err = client_stderr(result.stderr)
    assert err.startswith("error: golang-pro: skills.lock records it as verified"), err
    assert err.count("\n") == 1 and tree(project) == before


# -- key types this client does not verify -------------------------------------------------------

# GnuPG's (stand-ins here: `tuf_import`) and Sigstore's (never registered).
_FOREIGN_KEYS: dict[str, dict[str, object]] = {
    "gpg": {"keytype": "rsa", "scheme": "pgp+rsa-pkcsv1.5", "keyval": {"public": "00"}},
    "sigstore": {
        "keytype": "sigstore-oidc",
        "scheme": "Fulcio",
        "keyval": {"identity": "a@example.org", "issuer": "https://example.org"},
    },
}


def _root_naming(signed: FolderRegistry, keys: Path, key: dict[str, object], version: int) -> bytes:
    """Root 1 with `key` added to the root role, as `version`, validly signed by the root key."""
    from securesystemslib.formats import encode_canonical

    from skillreg.registry.signing.keys import load_signer

    doc = json.loads(metadata_bytes(signed, layout.metadata_file("root", 1)))
    doc["signed"]["keys"]["ab" * 32] = key
    doc["signed"]["roles"]["root"]["keyids"].append("ab" * 32)
    doc["signed"]["version"] = version
    payload = str(encode_canonical(doc["signed"])).encode()
    signature = load_signer(keys / "root.pem").sign(payload)
    doc["signatures"] = [signature.to_dict()]
    return json.dumps(doc).encode()


@pytest.mark.parametrize("kind", sorted(_FOREIGN_KEYS))
def test_a_root_naming_a_foreign_key_type_is_refused(
    tmp_path: Path, server: Server, signed: FolderRegistry, keys: Path, kind: str
) -> None:
    """A first root, or a rotation to a root, naming a GnuPG or Sigstore key: one `error:` line,
    nothing trusted at first use, the trusted root unchanged after."""
    first = signed.root / layout.metadata_file("root", 1)
    original = first.read_bytes()
    first.write_bytes(_root_naming(signed, keys, _FOREIGN_KEYS[kind], 1))
    assert_refused(install(tmp_path / "p", server, "golang-pro"), tmp_path / "p", "verification")
    assert not (trust_dir(server.url) / "root.json").exists()
    first.write_bytes(original)
    trusted(tmp_path, server)
    before = (trust_dir(server.url) / "root.json").read_bytes()
    rotated = _root_naming(signed, keys, _FOREIGN_KEYS[kind], 2)
    (signed.root / layout.metadata_file("root", 2)).write_bytes(rotated)
    assert_refused(install(tmp_path / "q", server, "golang-pro"), tmp_path / "q", "verification")
    assert (trust_dir(server.url) / "root.json").read_bytes() == before
