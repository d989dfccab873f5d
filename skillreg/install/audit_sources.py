"""What `skill audit` scans besides folders: a registry's bundles (resolved like an install,
verified, unpacked into a temporary folder) and the skills installed in this project."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from skillreg.install.extract import extract_bundle, skill_root
from skillreg.install.resolve import parse_request, pick_version
from skillreg.install.session import InstallOptions, Session


@contextmanager
def registry_folders(options: InstallOptions, specs: list[str]) -> Iterator[list[tuple[Path, str]]]:
    """Each NAME[@RANGE] of `specs` fetched from the registry, checked against its digest and
    unpacked under a temporary folder, as (folder, label); removed on exit."""
    requests = [parse_request(text) for text in specs]
    with Session(options) as session, tempfile.TemporaryDirectory(prefix="skill-audit-") as tmp:
        registry = session.registry()
        folders: list[tuple[Path, str]] = []
        for request in requests:
            picked = pick_version(registry.document(request.name), request.spec)
            label = f"{picked.name}@{picked.version}"
            data = registry.bundle(
                picked.entry.sha256, picked.entry.size, workdir=Path(tmp), label=label
            )
            dest = Path(tmp) / picked.name
            extract_bundle(data, dest, label=label)
            folders.append((skill_root(dest), label))
        yield folders


def installed_folders(options: InstallOptions) -> list[tuple[Path, str]]:
    """The canonical copy of every skill the lockfile records, as (folder, label)."""
    with Session(options) as session:
        found = []
        for entry in session.lock.skills:
            folder = session.project.canonical / entry.name
            if folder.is_dir():
                found.append((folder, f"{entry.name}@{entry.version}"))
        return found
