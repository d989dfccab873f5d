"""Reading one skill out of a git repository, treating the repository as hostile.

git runs with nothing from the user or the repository that could run code or ask questions: no
system or global config, no templates or hooks, no credential helpers, no terminal prompts, only
the transports the URL names (``https``, or ``file`` for a local repository), fsck on every
fetched object, stdin closed and a time limit. Nothing is checked out: the files are read from
the fetched commit's tree (``ls-tree`` with sizes first, so limits hold before any blob is read)
and written into a fresh folder. Symlinks and submodules are refused, as are paths that are not
plain relative names; the caller packs the folder as it packs any other.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from skillreg.bundle.pack import Limits
from skillreg.core.errors import InstallError, UsageError
from skillreg.core.terminal import for_terminal

GIT_TIMEOUT = 120.0  # seconds for each git command (a fetch of one shallow commit)
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
_KEEP_ENV = ("PATH", "SYSTEMROOT", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY")
_KEEP_ENV_CA = ("SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSL_CAINFO")


@dataclass(frozen=True)
class GitSource:
    """``git+URL[@REF][#SUBDIR]`` taken apart; `url` is what git is given."""

    url: str
    ref: str  # "" for the remote's default branch
    subdir: str  # "" for the repository root

    @property
    def locator(self) -> str:
        """How the lock and manifest name it (the ref too: `skill update` follows it)."""
        ref = f"@{self.ref}" if self.ref else ""
        sub = f"#{self.subdir}" if self.subdir else ""
        return f"git+{self.url}{ref}{sub}"


def parse_git_source(text: str) -> GitSource:
    """`text` is ``git+https://…`` or ``git+file://…``; anything else is a `UsageError`."""
    rest, _, subdir = text.removeprefix("git+").partition("#")
    scheme, sep, after = rest.partition("://")
    if not sep or scheme not in ("https", "file"):
        raise UsageError(
            f"{for_terminal(text)}: use git+https://HOST/PATH or git+file:///PATH"
            " (optionally @REF and #SUBDIR)"
        )
    # The ref follows the last "@" of the path: an "@" in the host part would be a user name.
    host, slash, path = after.partition("/")
    if "@" in host:
        raise UsageError(f"{for_terminal(text)}: a user or password in a git URL is not supported")
    path, _, ref = path.rpartition("@") if "@" in path else (path, "", "")
    if ref and (ref.startswith("-") or not re.fullmatch(r"[\w./-]+", ref)):
        raise UsageError(f"{for_terminal(text)}: {ref!r} is not a branch, tag or commit")
    clean = _relative_parts(subdir.strip("/"), text) if subdir else ()
    return GitSource(f"{scheme}://{host}{slash}{path}", ref, "/".join(clean))


def _relative_parts(path: str, where: str) -> tuple[str, ...]:
    """The parts of a repository path, refusing anything but plain relative names."""
    parts = tuple(PurePosixPath(path).parts)
    bad = (
        not parts
        or path.startswith("/")
        or "\\" in path
        or any(p in (".", "..") or p.casefold() == ".git" or not p.isprintable() for p in parts)
    )
    if bad:
        raise InstallError(f"{for_terminal(where)}: path {for_terminal(path)!r} refused")
    return parts


def _environment(home: Path) -> dict[str, str]:
    env = {k: os.environ[k] for k in (*_KEEP_ENV, *_KEEP_ENV_CA) if k in os.environ}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0",
        GIT_ASKPASS="",
        SSH_ASKPASS="",
        GCM_INTERACTIVE="never",
        GIT_PROTOCOL_FROM_USER="0",
        LC_ALL="C",
    )
    return env


class _Git:
    """git commands against one private bare repository in a temporary folder."""

    def __init__(self, source: GitSource, work: Path) -> None:
        self.source = source
        self.repo = work / "repo.git"
        self.env = _environment(work)
        self.config = [
            "-c",
            "protocol.allow=never",
            "-c",
            f"protocol.{'file' if source.url.startswith('file:') else 'https'}.allow=always",
            "-c",
            f"core.hooksPath={os.devnull}",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "credential.helper=",
            "-c",
            "transfer.fsckObjects=true",
        ]

    def run(self, *args: str, stdin: bytes | None = None) -> bytes:
        git = shutil.which("git")
        if git is None:
            raise InstallError("git is not installed; it is needed for git+ sources")
        command = [git, *self.config, "--git-dir", str(self.repo), *args]
        try:
            done = subprocess.run(
                command,
                input=stdin,
                stdin=None if stdin is not None else subprocess.DEVNULL,
                capture_output=True,
                env=self.env,
                timeout=GIT_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise InstallError(
                f"{self.source.locator}: git {args[0]} took longer than {GIT_TIMEOUT:.0f} s"
            ) from None
        if done.returncode != 0:
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["failed"]
            why = for_terminal(lines[-1].removeprefix("fatal: "))[:300]
            raise InstallError(f"{for_terminal(self.source.locator)}: git {args[0]}: {why}")
        return done.stdout


def fetch_tree(source: GitSource, dest: Path, commit: str | None = None) -> str:
    """Fetch `commit` (else the source's ref, else the default branch), write the skill's files
    into the new folder `dest`, and return the commit's full sha."""
    with tempfile.TemporaryDirectory(prefix="skillreg-git-") as tmp:
        git = _Git(source, Path(tmp))
        git.run("init", "--quiet", "--bare", "--template=")
        want = commit or source.ref or "HEAD"
        git.run("fetch", "--quiet", "--depth=1", "--no-tags", "--no-recurse-submodules",
                "--", source.url, want)  # fmt: skip
        resolved = git.run("rev-parse", "--verify", "FETCH_HEAD^{commit}").decode().strip()
        if not _SHA.match(resolved) or (commit is not None and resolved != commit):
            raise InstallError(f"{source.locator}: fetched {resolved[:12]!r}, not {commit}")
        listing = git.run("ls-tree", "-r", "-l", "-z", "--full-tree", resolved)
        files = _select(source, _entries(listing, source))
        blobs = _read_blobs(git, [sha for _, sha, _ in files])
        dest.mkdir(parents=True)
        for (path, _, executable), data in zip(files, blobs, strict=True):
            _write(dest, path, data, executable)
        return resolved


def _entries(listing: bytes, source: GitSource) -> list[tuple[str, str, str, int]]:
    """(mode, sha, path, size) of every tree entry, from ``ls-tree -r -l -z``."""
    entries = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, sha, size = meta.decode("ascii", "replace").split()
        path = raw_path.decode("utf-8", "replace")
        entries.append((mode, sha, path, int(size) if size.isdigit() else 0))
        if kind not in ("blob", "commit"):
            raise InstallError(f"{source.locator}: unexpected tree entry {for_terminal(path)!r}")
    return entries


_LIMITS = Limits()  # the same as `skill pack` applies to a folder


def _select(
    source: GitSource, entries: list[tuple[str, str, str, int]]
) -> list[tuple[str, str, bool]]:
    """The skill folder's files as (path inside it, blob sha, executable), limits enforced."""
    limits = _LIMITS
    folder = source.subdir or _skill_folder(source, [e[2] for e in entries])
    prefix = f"{folder}/" if folder else ""
    chosen: list[tuple[str, str, bool]] = []
    total = 0
    for mode, sha, path, size in entries:
        if not path.startswith(prefix):
            continue
        rel = path[len(prefix) :]
        _relative_parts(rel, source.locator)
        if mode == "120000":
            raise InstallError(f"{source.locator}: {for_terminal(path)!r} is a symlink (refused)")
        if mode == "160000":
            raise InstallError(f"{source.locator}: {for_terminal(path)!r} is a submodule (refused)")
        total += size
        chosen.append((rel, sha, mode == "100755"))
        if len(chosen) > limits.max_files or total > limits.max_bytes:
            raise InstallError(
                f"{source.locator}: the skill folder is too large (limit {limits.max_files}"
                f" files, {limits.max_bytes} bytes)"
            )
    if not any(rel == "SKILL.md" for rel, _, _ in chosen):
        where = f"#{folder}" if folder else "the repository root"
        raise InstallError(f"{for_terminal(source.locator)}: no SKILL.md in {where}")
    return chosen


def _skill_folder(source: GitSource, paths: list[str]) -> str:
    """With no #SUBDIR: the root when it holds SKILL.md, else the one folder that does."""
    if "SKILL.md" in paths:
        return ""
    found = sorted(p.rpartition("/")[0] for p in paths if p.endswith("/SKILL.md"))
    if len(found) == 1:
        return found[0]
    if not found:
        raise InstallError(f"{source.locator}: no SKILL.md in the repository")
    shown = ", ".join(for_terminal(f) for f in found[:5]) + (", …" if len(found) > 5 else "")
    raise InstallError(
        f"{source.locator}: holds {len(found)} skills ({shown}); name one with #SUBDIR"
    )


def _read_blobs(git: _Git, shas: list[str]) -> list[bytes]:
    out = git.run("cat-file", "--batch", stdin="".join(f"{s}\n" for s in shas).encode())
    blobs: list[bytes] = []
    at = 0
    for sha in shas:
        header_end = out.index(b"\n", at)
        got, kind, size = out[at:header_end].decode("ascii").split()
        if got != sha or kind != "blob":
            raise InstallError(f"{git.source.locator}: object {sha[:12]} is not a file")
        start = header_end + 1
        blobs.append(out[start : start + int(size)])
        at = start + int(size) + 1
    return blobs


def _write(dest: Path, rel: str, data: bytes, executable: bool) -> None:
    """Create `rel` under `dest` (a fresh folder holding only what this function made)."""
    target = dest.joinpath(*PurePosixPath(rel).parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(target, flags, 0o755 if executable else 0o644)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
