"""Version ranges: parse the text after ``NAME@`` and test semantic versions against it.

Accepted forms (npm-like): an exact version (``1.2.3``, ``=1.2.3``), partial versions (``1.2`` means
``>=1.2.0,<1.3.0``), caret (``^1.2.3``), tilde (``~1.2``), comparison sets separated by commas or
spaces (``>=1.2,<2``), alternatives joined by ``||``, and ``*`` / ``latest`` / empty for any.

Pre-releases match only when a comparator in the same set names a pre-release of the same
``major.minor.patch``: ``^1.0.0`` never picks ``1.1.0-beta``, ``>=1.1.0-beta`` does.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import semver

from skillreg.core.errors import UsageError

_PARTIAL = re.compile(
    r"^(?P<major>\d+|[xX*])(?:\.(?P<minor>\d+|[xX*]))?(?:\.(?P<patch>\d+|[xX*]))?"
    r"(?:-(?P<pre>[0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)
# Python refuses to convert integers of more than 4,300 digits (ValueError); no real version
# number comes near this bound, which keeps such ranges a usage error.
_MAX_DIGITS = 18
_MAX_SHOWN = 80
_OP = re.compile(r"^(<=|>=|==|!=|<|>|=|\^|~)?(.*)$")
_ANY = frozenset({"", "*", "latest", "x", "X"})


class Comparator(NamedTuple):
    op: str  # one of < <= > >= == !=
    version: semver.Version

    def matches(self, version: semver.Version) -> bool:
        order = version.compare(self.version)
        return {
            "<": order < 0,
            "<=": order <= 0,
            ">": order > 0,
            ">=": order >= 0,
            "==": order == 0,
            "!=": order != 0,
        }[self.op]


class VersionRange(NamedTuple):
    """Alternatives (OR) of comparator sets (AND); an empty set matches any release."""

    text: str
    alternatives: tuple[tuple[Comparator, ...], ...]

    def matches(self, version: semver.Version) -> bool:
        return any(_set_matches(comparators, version) for comparators in self.alternatives)

    @property
    def exact(self) -> semver.Version | None:
        """The version when the range pins exactly one, else None (exact pins may pick yanked)."""
        if len(self.alternatives) == 1 and len(self.alternatives[0]) == 1:
            only = self.alternatives[0][0]
            return only.version if only.op == "==" else None
        return None


def _set_matches(comparators: tuple[Comparator, ...], version: semver.Version) -> bool:
    if not all(c.matches(version) for c in comparators):
        return False
    if not version.prerelease:
        return True
    core = (version.major, version.minor, version.patch)
    return any(
        c.version.prerelease and (c.version.major, c.version.minor, c.version.patch) == core
        for c in comparators
    )


def parse_version(text: str) -> semver.Version | None:
    """A full semantic version, or None when `text` is not one (such versions are ignored).

    No ``v`` prefix: publish never writes one, so install must not read one either."""
    try:
        return semver.Version.parse(text)
    except (ValueError, TypeError):
        return None


def parse_range(text: str) -> VersionRange:
    """Parse `text`; raises `UsageError` naming the range when it cannot be understood."""
    stripped = text.strip()
    alternatives: list[tuple[Comparator, ...]] = []
    for part in stripped.split("||"):
        alternatives.append(_parse_set(part.strip(), text))
    return VersionRange(stripped, tuple(alternatives))


def _parse_set(text: str, whole: str) -> tuple[Comparator, ...]:
    if text in _ANY:
        return ()
    # "> = 1.2" and ">= 1.2" are both written by people; glue the operator to its version.
    glued = re.sub(r"(<=|>=|==|!=|<|>|=|\^|~)\s+", r"\1", text)
    comparators: list[Comparator] = []
    for token in re.split(r"[,\s]+", glued):
        if token and token not in _ANY:
            comparators.extend(_parse_token(token, whole))
    return tuple(comparators)


def _parse_token(token: str, whole: str) -> list[Comparator]:
    op_match = _OP.match(token)
    assert op_match is not None  # the pattern accepts any string
    op, rest = op_match.group(1) or "", op_match.group(2)
    parsed = _PARTIAL.match(rest)
    if parsed is None and rest[:1] in ("v", "V") and _PARTIAL.match(rest[1:]):
        raise UsageError(
            f"invalid version range {_shown(whole)}: versions have no 'v' prefix"
            f" (write '{op}{rest[1:]}' instead of '{token}')"
        )
    if parsed is None:
        raise UsageError(f"invalid version range {_shown(whole)}: cannot read {_shown(token)}")
    digits = [parsed.group(k) or "" for k in ("major", "minor", "patch")]
    if max(len(d) for d in digits) > _MAX_DIGITS:
        raise UsageError(
            f"invalid version range {_shown(whole)}: a version number has more than"
            f" {_MAX_DIGITS} digits"
        )
    parts = [_number(parsed.group(k)) for k in ("major", "minor", "patch")]
    pre = parsed.group("pre")
    if parts[0] is None:
        return []  # "*" or "x" in the major position: anything
    if pre and None in parts:
        raise UsageError(
            f"invalid version range {_shown(whole)}: a pre-release needs a full version"
        )
    major, minor, patch = parts[0], parts[1], parts[2]
    low = semver.Version(major, minor or 0, patch or 0, pre)
    if op == "^":
        return [Comparator(">=", low), Comparator("<", _caret_upper(major, minor, patch))]
    if op == "~":
        upper = semver.Version(major + 1) if minor is None else semver.Version(major, minor + 1)
        return [Comparator(">=", low), Comparator("<", upper)]
    return _compare(op, low, minor, patch)


def _shown(whole: str) -> str:
    """The range as an error quotes it: repr'd (no control character gets through), and cut
    short, since a range from a project's skills.toml may be any length."""
    return repr(whole) if len(whole) <= _MAX_SHOWN else repr(whole[:_MAX_SHOWN]) + "..."


def _number(text: str | None) -> int | None:
    return None if text is None or text in ("x", "X", "*") else int(text)


def _caret_upper(major: int, minor: int | None, patch: int | None) -> semver.Version:
    if major > 0 or minor is None:
        return semver.Version(major + 1)
    if minor > 0 or patch is None:
        return semver.Version(0, minor + 1)
    return semver.Version(0, 0, patch + 1)


def _next_partial(low: semver.Version, minor: int | None) -> semver.Version:
    """The first version above a partial one: ``1`` -> ``2.0.0``, ``1.2`` -> ``1.3.0``."""
    return low.bump_major() if minor is None else low.bump_minor()


def _compare(
    op: str, low: semver.Version, minor: int | None, patch: int | None
) -> list[Comparator]:
    partial = minor is None or patch is None
    if not partial:
        return [Comparator("==" if op in ("", "=") else op, low)]
    upper = _next_partial(low, minor)
    if op in ("", "=", "=="):
        return [Comparator(">=", low), Comparator("<", upper)]
    if op == ">":
        return [Comparator(">=", upper)]
    if op == "<=":
        return [Comparator("<", upper)]
    if op == "!=":
        raise UsageError(f"invalid version range: '!=' needs a full version, not {low}")
    return [Comparator(op, low)]  # ">=" and "<" with a partial version pad with zeros
