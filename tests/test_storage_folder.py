"""The folder backend under w12's conditional writes keeps w9a's trust boundary: it never writes,
locks or marks through a symlink below the registry root, and reads only bounded regular files.
A signed registry is written only in a folder (signing reads and writes its metadata as files)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillreg.core.errors import RegistryError
from skillreg.registry.model import RegistryRoot
from skillreg.registry.signed import check_signing_keys
from skillreg.registry.storage.base import Kind
from skillreg.registry.storage.folder import FolderStorage
from skillreg.registry.store import FolderRegistry, RegistryStore, open_registry_store


def test_a_folder_target_opens_as_a_folder_registry(tmp_path: Path) -> None:
    assert isinstance(open_registry_store(str(tmp_path / "reg")), FolderRegistry)


@pytest.mark.parametrize("create", [False, True])
def test_writes_never_go_through_a_linked_folder(tmp_path: Path, create: bool) -> None:
    root, outside = tmp_path / "reg", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "index").symlink_to(outside, target_is_directory=True)
    storage = FolderStorage(root)
    with pytest.raises(RegistryError, match="symlink"):
        storage.check_writable()
    with pytest.raises(RegistryError, match="symlink"):
        storage.write("index/ab/cd/abcd.json", b"{}", Kind.DOCUMENT, create=create)
    assert list(outside.iterdir()) == []


def test_a_fifo_is_refused_unread(tmp_path: Path) -> None:
    root = tmp_path / "reg"
    root.mkdir()
    os.mkfifo(root / "catalog.json")
    with pytest.raises(RegistryError, match="regular file"):
        FolderStorage(root).read("catalog.json")


def test_a_signed_registry_outside_a_folder_is_refused_before_writing(tmp_path: Path) -> None:
    store = RegistryStore(FolderStorage(tmp_path))  # any store that is not a FolderRegistry
    root = RegistryRoot(format="skillreg-registry", tuf="tuf")
    with pytest.raises(RegistryError, match="signs only registries in a folder"):
        check_signing_keys(store, root)


def test_a_document_write_removes_what_a_killed_writer_of_it_left(tmp_path: Path) -> None:
    """Documents are written under their key's lock, so a temp file of one is a dead writer's:
    the next write of that document (a rerun) removes it; other files' temp files stay."""
    storage = FolderStorage(tmp_path)
    key = "index/ab/cd/abcd.json"
    storage.write(key, b"{}", Kind.DOCUMENT, create=True)
    folder = tmp_path / "index/ab/cd"
    leftover = folder / ".skillreg-tmp-abcd.json-999999-0123abcd"
    other = folder / ".skillreg-tmp-abce.json-999999-0123abcd"
    leftover.write_bytes(b"half")
    other.write_bytes(b"half")
    stored = storage.read(key)
    assert stored is not None
    storage.write(key, b'{"a": 1}', Kind.DOCUMENT, etag=stored.etag)
    assert not leftover.exists() and other.exists()
