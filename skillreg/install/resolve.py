"""Choosing versions: a request ``NAME[@RANGE]`` against a skill's document, and related skills.

No I/O of its own beyond asking the `Registry` for documents. Yanked versions are skipped unless
the range pins exactly that version (then it is used, with a warning); a deprecated skill resolves
normally and adds a warning.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from skillreg.core.errors import InstallError, NotFoundError, UsageError
from skillreg.core.names import RULE, is_skill_name
from skillreg.install.semver_range import parse_range, parse_version

if TYPE_CHECKING:
    from skillreg.registry.model import SkillDocument, VersionEntry

MAX_RELATED = 64  # related skills one --with-related install may add (and fetch documents for)
_TAG = re.compile(r"^[a-z][a-z0-9-]*$")  # a dist-tag such as "beta" (checked against the document)


class Request(NamedTuple):
    name: str
    spec: str  # the range as typed ("" when none)


class Resolved(NamedTuple):
    name: str
    version: str
    entry: VersionEntry
    warnings: tuple[str, ...] = ()


def check_name(name: str, *, where: str = "skill name") -> str:
    if not is_skill_name(name):  # names become folder names: the one portable rule
        raise UsageError(f"invalid {where} {name!r}: {RULE}")
    return name


def parse_request(text: str) -> Request:
    name, _, spec = text.partition("@")
    request = Request(check_name(name.strip()), spec.strip())
    if request.spec and not _TAG.match(request.spec):
        parse_range(request.spec)  # a bad range is a usage error before anything is fetched
    return request


def pick_version(doc: SkillDocument, spec: str, locked: str | None = None) -> Resolved:
    """The newest version of `doc` matching `spec`, by the yanking rules above.

    `locked` is the version a lockfile holds: it stays a candidate even when yanked (with a
    warning), so an update never moves a skill down to an older version or fails over a yank.
    """
    warnings: list[str] = []
    if doc.deprecated is not None:
        message = doc.deprecated.message or "no reason given"
        warnings.append(f"{doc.name} is deprecated: {message}")
    if spec and spec in doc.tags:
        spec = doc.tags[spec]
    elif _TAG.match(spec) and spec not in ("latest", "x"):
        tags = ", ".join(sorted(doc.tags)) or "none"
        raise NotFoundError(f"{doc.name} has no tag {spec!r} (tags: {tags})")
    wanted = parse_range(spec)
    ordered = sorted(
        ((v, text) for text in doc.versions if (v := parse_version(text)) is not None), reverse=True
    )
    matching = [text for v, text in ordered if wanted.matches(v)]
    for text in matching:
        entry = doc.versions[text]
        if entry.yanked and text == locked:
            warnings.append(yank_warning(doc.name, text, entry) + " (locked)")
            return Resolved(doc.name, text, entry, tuple(warnings))
        if not entry.yanked:
            return Resolved(doc.name, text, entry, tuple(warnings))
    exact = wanted.exact
    pinned = next((text for v, text in ordered if exact is not None and v == exact), None)
    if pinned is not None:
        entry = doc.versions[pinned]
        warnings.append(yank_warning(doc.name, pinned, entry))
        return Resolved(doc.name, pinned, entry, tuple(warnings))
    raise NotFoundError(_no_match(doc, spec, [text for _, text in ordered], matching))


def yank_warning(name: str, version: str, entry: VersionEntry) -> str:
    reason = f": {entry.yanked_reason}" if entry.yanked_reason else ""
    return f"{name}@{version} is yanked{reason}"


def _no_match(doc: SkillDocument, spec: str, ordered: list[str], matching: list[str]) -> str:
    shown = spec or "*"
    if matching:
        return (
            f"{doc.name}@{shown}: only yanked versions match ({', '.join(matching[:5])});"
            " pin one exactly to use it anyway"
        )
    if not ordered:
        return f"{doc.name} has no published versions"
    return f"{doc.name}@{shown}: no version matches (available: {', '.join(ordered[:8])})"


def default_spec(version: str) -> str:
    """What the manifest records when no range was given: compatible updates of what we got."""
    return f"^{version}"


def related_closure(
    roots: list[Resolved], fetch: Callable[[str], SkillDocument], cap: int = MAX_RELATED
) -> tuple[list[Resolved], list[str]]:
    """Related skills reachable from `roots` (newest non-yanked each), and names not found.

    A registry decides what is related, so the walk stops with an `InstallError` before
    fetching a document for more than `cap` names: one command never turns into hundreds of
    requests and installs."""
    known = {r.name for r in roots}
    queue = deque(name for r in roots for name in r.entry.related)
    added: list[Resolved] = []
    missing: list[str] = []
    while queue:
        name = queue.popleft()
        if name in known:
            continue
        if len(known) - len(roots) >= cap:
            raise InstallError(
                f"--with-related: more than {cap} related skills reachable from"
                f" {', '.join(r.name for r in roots)}; install the ones you need by name"
            )
        known.add(name)
        try:
            resolved = pick_version(fetch(check_name(name, where="related skill name")), "")
        except (NotFoundError, UsageError):
            missing.append(name)
            continue
        added.append(resolved)
        queue.extend(resolved.entry.related)
    return added, missing
