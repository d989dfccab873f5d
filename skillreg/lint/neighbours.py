"""The collection around the files named on the command line (pre-commit's way of calling lint).

`skill lint a/SKILL.md b/SKILL.md` reports only on those files, but their Related Skills name
skills elsewhere in the repository. Those names come from the project's whole collection: every
skill under the project root (the folder of the project config, else the git work tree, else the
current folder) that the config's `exclude` does not drop. Only the names are read, from each
file's frontmatter (its first 64 KiB), so a pre-commit run over two files of a large collection
stays cheap.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from skillreg.collection.workspace import find_skill_files
from skillreg.core.errors import UsageError

# Reading a name needs at most the frontmatter; a skill file is capped at this many bytes here.
_HEAD_BYTES = 64 * 1024


def project_root(config_root: Path | None, cwd: Path) -> Path:
    """Where the collection starts: the config's folder, else the enclosing git work tree,
    else `cwd`."""
    if config_root is not None:
        return config_root
    here = cwd.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def names_beside(
    named: Sequence[Path],
    root: Path,
    keep: Callable[[list[str], list[Path]], list[str]],
) -> frozenset[str]:
    """The names of the collection's skills under `root`, the files in `named` excepted.

    `keep` filters found files the way lint's `exclude` does. A skill whose name cannot be read
    contributes its folder's name, as lint would call it.
    """
    linted = {os.path.realpath(path) for path in named}
    try:
        found = [str(file) for file in find_skill_files([root]) if file.is_file()]
    except UsageError:  # the named files lie outside an empty project root: no neighbours
        return frozenset()
    names = set()
    for file in keep(found, [root]):
        if os.path.realpath(file) not in linted:
            names.add(_name_of(Path(file)))
    return frozenset(names)


def _name_of(file: Path) -> str:
    """The frontmatter `name` (as `refs.skill_name` reads it), else the folder's name."""
    from skillreg.skill import frontmatter
    from skillreg.skill.fence import split

    fallback = file.parent.name
    try:
        with open(file, "rb") as fh:
            text = fh.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return fallback
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    bounds = split(text)
    if bounds is None or bounds[1] < 0:
        return fallback
    yaml_text = "\n".join(text.split("\n", bounds[1] + 1)[1 : bounds[1]]) + "\n"
    parsed, _ = frontmatter.parse(yaml_text, 2, bounds[1] + 1, str(file))
    name = parsed.data.get("name") if isinstance(parsed.data, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() else fallback
