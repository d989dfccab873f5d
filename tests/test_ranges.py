from __future__ import annotations

import re

import pytest

from skillreg.core.errors import UsageError
from skillreg.install.semver_range import parse_range, parse_version

VERSIONS = [
    "0.0.3",
    "0.2.0",
    "0.2.5",
    "0.3.0",
    "1.0.0",
    "1.2.0",
    "1.2.7",
    "1.3.0-beta.1",
    "1.3.0",
    "1.9.9",
    "2.0.0-rc.1",
    "2.0.0",
    "2.1.0",
]


def matching(text: str) -> list[str]:
    rng = parse_range(text)
    found = []
    for v in VERSIONS:
        parsed = parse_version(v)
        assert parsed is not None
        if rng.matches(parsed):
            found.append(v)
    return found


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("1.2.7", ["1.2.7"]),
        ("=1.2.0", ["1.2.0"]),
        ("1.2", ["1.2.0", "1.2.7"]),
        ("1", ["1.0.0", "1.2.0", "1.2.7", "1.3.0", "1.9.9"]),
        ("^1.2.0", ["1.2.0", "1.2.7", "1.3.0", "1.9.9"]),
        ("^0.2.1", ["0.2.5"]),
        ("^0.0.3", ["0.0.3"]),
        ("^0", ["0.0.3", "0.2.0", "0.2.5", "0.3.0"]),
        ("~1.2.1", ["1.2.7"]),
        ("~1", ["1.0.0", "1.2.0", "1.2.7", "1.3.0", "1.9.9"]),
        (">=1.2,<2", ["1.2.0", "1.2.7", "1.3.0", "1.9.9"]),
        (">= 1.2 < 2", ["1.2.0", "1.2.7", "1.3.0", "1.9.9"]),
        (">1.2", ["1.3.0", "1.9.9", "2.0.0", "2.1.0"]),
        ("<=1.2", ["0.0.3", "0.2.0", "0.2.5", "0.3.0", "1.0.0", "1.2.0", "1.2.7"]),
        (">=2.0.0-rc.1", ["2.0.0-rc.1", "2.0.0", "2.1.0"]),
        ("^1.3.0-beta.1", ["1.3.0-beta.1", "1.3.0", "1.9.9"]),
        ("1.3.0-beta.1", ["1.3.0-beta.1"]),
        ("0.2.0 || >=2.1", ["0.2.0", "2.1.0"]),
        (">=1,!=1.2.7,<1.3", ["1.0.0", "1.2.0"]),
        ("*", [v for v in VERSIONS if "-" not in v]),
        ("latest", [v for v in VERSIONS if "-" not in v]),
        ("", [v for v in VERSIONS if "-" not in v]),
        ("1.x", ["1.0.0", "1.2.0", "1.2.7", "1.3.0", "1.9.9"]),
    ],
)
def test_range_matches(spec: str, expected: list[str]) -> None:
    assert matching(spec) == expected


def test_prerelease_only_when_named() -> None:
    # ^1.0.0 must never pick a pre-release, even one inside the interval.
    assert "1.3.0-beta.1" not in matching("^1.0.0")
    assert "2.0.0-rc.1" not in matching(">=1.0.0")


@pytest.mark.parametrize(
    ("spec", "exact"),
    [
        ("1.2.3", "1.2.3"),
        ("=1.0.0-rc.1", "1.0.0-rc.1"),
        ("^1.2.3", None),
        ("1.2", None),
        ("*", None),
    ],
)
def test_exact(spec: str, exact: str | None) -> None:
    got = parse_range(spec).exact
    assert (str(got) if got else None) == exact


@pytest.mark.parametrize("spec", ["banana", ">=1.2.3.4", "^", "1.2-beta", "!=1.2"])
def test_bad_ranges_are_usage_errors(spec: str) -> None:
    with pytest.raises(UsageError, match="range"):
        parse_range(spec)


def test_parse_version_ignores_garbage() -> None:
    assert parse_version("not-a-version") is None
    assert str(parse_version("1.2.3")) == "1.2.3"


def test_v_prefix_is_not_a_version() -> None:
    """Publish never writes `v1.2.3`, so install must not read it as a version either."""
    assert parse_version("v1.2.3") is None
    for spec, fixed in (("^v1", "^1"), ("v1.2.3", "1.2.3"), (">=v1.0,<2", ">=1.0")):
        with pytest.raises(UsageError, match=re.escape(f"no 'v' prefix (write '{fixed}'")):
            parse_range(spec)
