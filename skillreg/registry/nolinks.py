"""Registry folder paths the publisher writes through: real folders only, never symlinks.

A registry folder is shared, synced or checked out from somewhere else; a symlink inside it
(``index/``, a prefix folder, ``blobs/sha256``, ``.locks``) would make a publish write, lock or
delete outside the registry, and leave the registry itself stale. The publisher walks every
path it reads or writes below the root one level at a time with ``lstat`` and refuses a link with
one error. Before its first write it also looks at the registry's skeleton (`skeleton_links`):
the entries of the root, of the fixed folders below it and of the first level of prefix folders,
a bounded number whatever the registry's size, so that a publish into 20,000 skills does not walk
60,000 files. `reindex` and `verify`, which read everything anyway, walk every path
(`links_under`); `verify` reports every link it finds as damage. The root itself is the user's
choice (it may be a link: the command line is trusted).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from skillreg.core.errors import RegistryError

SKIPPED = frozenset({".git"})  # a checkout's own metadata is not the registry's


def _refuse(path: Path, what: str) -> RegistryError:
    return RegistryError(
        f"{path}: {what} inside the registry; the publisher never writes through it"
        " (replace it with a real folder, then `skill registry verify`)",
        path=path,
    )


def real_folder(root: Path, rel: str, *, create: bool = True) -> Path:
    """``root / rel``, every level below `root` a real folder (made when missing and `create`);
    `RegistryError` for a symlink or a file in the way."""
    if create:
        try:
            root.mkdir(parents=True, exist_ok=True)  # the root is the user's choice
        except OSError as exc:
            raise RegistryError(f"{root}: cannot create: {exc.strerror}", path=root) from None
    folder = root
    for part in Path(rel).parts:
        folder = folder / part
        try:
            mode = os.lstat(folder).st_mode
        except FileNotFoundError:
            if not create:
                return root / rel
            try:
                folder.mkdir()
            except FileExistsError:
                pass
            except OSError as exc:
                raise RegistryError(
                    f"{folder}: cannot create: {exc.strerror}", path=folder
                ) from None
            mode = os.lstat(folder).st_mode
        if stat.S_ISLNK(mode):
            raise _refuse(folder, "a symlink")
        if not stat.S_ISDIR(mode):
            raise _refuse(folder, "not a folder")
    return folder


def check_file(root: Path, rel: str, *, create: bool = True) -> Path:
    """The path of file `rel`: its folders real (see `real_folder`), itself no symlink."""
    parent = real_folder(root, os.path.dirname(rel), create=create)
    path = parent / os.path.basename(rel)
    if path.is_symlink():
        raise _refuse(path, "a symlink")
    return path


#: Folders whose entries `skeleton_links` looks at (when they are real folders): the fixed
#: layout, and the first level of the prefix folders of documents, bundles, pages and locks.
#: Each holds a bounded number of entries (at most ~1,300 two-character prefixes), never one per
#: skill or per published version.
SKELETON = (
    "",
    "index",
    "blobs",
    "blobs/sha256",
    ".locks",
    ".locks/keys",
    ".locks/keys/index",
    ".locks/keys/blobs",
    ".locks/keys/blobs/sha256",
    "site",
    "site/assets",
    "site/search",
    "site/skills",
    "catalog",
    "tuf",
    "tuf/targets",
    "tuf/targets/index",
)


def skeleton_links(root: Path) -> list[str]:
    """The symlinks among the entries of the `SKELETON` folders of the registry at `root`
    (relative, sorted): what a writer checks before its first write. Entries come from
    ``readdir`` (their type without a ``stat`` each), and a folder that is itself a link is
    reported, never entered."""
    found: list[str] = []
    for rel in SKELETON:
        folder = root / rel if rel else root
        try:
            if rel and not stat.S_ISDIR(os.lstat(folder).st_mode):
                continue  # missing, a file or a link: a link is its parent's entry, found there
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_symlink() and not (not rel and entry.name in SKIPPED):
                        found.append(f"{rel}/{entry.name}" if rel else entry.name)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise RegistryError(f"{folder}: cannot read: {exc.strerror}", path=folder) from None
    return sorted(found)


def links_under(root: Path) -> list[str]:
    """Every symlink below `root` (relative, sorted); links are listed, never followed."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if here == root:
            dirnames[:] = [d for d in dirnames if d not in SKIPPED]
        for name in [*dirnames, *filenames]:
            if (here / name).is_symlink():
                found.append((here / name).relative_to(root).as_posix())
    return sorted(found)
