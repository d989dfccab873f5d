from __future__ import annotations

import time
from pathlib import Path

import pytest

from skillreg.skill.parsed import parse_skill


def _write(tmp_path: Path, text: str | bytes, name: str = "demo") -> Path:
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    data = text.encode() if isinstance(text, str) else text
    (folder / "SKILL.md").write_bytes(data)
    return folder


def _codes(folder: Path) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.col) for d in parse_skill(folder).diagnostics]


def test_values_and_positions(tmp_path: Path) -> None:
    folder = _write(tmp_path, '---\nname: demo\nmetadata:\n  version: 1.0\n  tier: "a"\n---\n# T\n')
    skill = parse_skill(folder)
    assert skill.diagnostics == ()
    assert skill.name == "demo"
    assert skill.metadata == {"version": 1.0, "tier": "a"}
    assert skill.version is None  # a float, not a string
    assert skill.frontmatter is not None
    entry = skill.frontmatter.entries[("metadata", "version")]
    assert (entry.span.line, entry.span.col, entry.tag, entry.plain) == (4, 12, "float", True)
    assert entry.key_span is not None and (entry.key_span.line, entry.key_span.col) == (4, 3)
    assert skill.frontmatter.entries[("metadata", "tier")].plain is False
    assert skill.body is not None and skill.body.headings[0].line == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# no frontmatter\n", [("SK010", 1, 1)]),
        ("---\nname: x\n", [("SK011", 1, 1)]),
        ("---\nname: [invalid\n---\n", [("SK012", 3, 1)]),
        ("---\n- a\n- b\n---\n", [("SK013", 2, 1)]),
        ("---\n---\n", [("SK013", 1, 1)]),
        ("---\nname: a\ndescription: b\nname: c\n---\n", [("SK014", 4, 1)]),
        ("---\na: &x [1]\nb: *x\n---\n", [("SK015", 2, 4)]),
        ("---\nmetadata:\n\tversion: x\n---\n", [("SK016", 3, 1)]),
        ("---\n? [a, b]\n: c\n---\n", [("SK018", 2, 3)]),
    ],
)
def test_frontmatter_findings(
    tmp_path: Path, text: str, expected: list[tuple[str, int, int]]
) -> None:
    assert _codes(_write(tmp_path, text)) == expected


def test_encoding_findings(tmp_path: Path) -> None:
    assert _codes(_write(tmp_path, b"---\nname: x\n---\ncaf\xe9\n", "a")) == [("SK002", 4, 4)]
    assert _codes(_write(tmp_path, b"---\n\x00\x01", "b")) == [("SK003", 2, 1)]
    bom = _write(tmp_path, b"\xef\xbb\xbf---\nname: c\n---\n", "c")
    assert _codes(bom) == [("SK005", 1, 1)]
    assert parse_skill(bom).name == "c"
    crlf = _write(tmp_path, b"---\r\nname: d\r\n---\r\n# T\r\n", "d")
    assert _codes(crlf) == [("SK006", 1, 1)]
    assert parse_skill(crlf).name == "d"


def test_size_cap_does_not_read_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    with (folder / "SKILL.md").open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB that cost nothing to write

    def no_reading(self: Path) -> bytes:
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    assert [d.code for d in parse_skill(folder).diagnostics] == ["SK004"]


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(
            f"{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]"
        )
    folder = _write(tmp_path, "---\n" + "\n".join(lines) + "\n---\n")
    started = time.perf_counter()
    skill = parse_skill(folder)
    assert time.perf_counter() - started < 5.0  # a guard against expansion, not a benchmark
    assert [d.code for d in skill.diagnostics] == ["SK015"]
    assert skill.frontmatter is not None and skill.frontmatter.data is None


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    folder = _write(tmp_path, "---\na: " + "[" * 600 + "]" * 600 + "\n---\n")
    assert [d.code for d in parse_skill(folder).diagnostics] == ["SK012"]


def test_missing_skill_file(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert _codes(tmp_path / "empty") == [("SK001", 1, 1)]


def test_fallback_lowercase_file(tmp_path: Path) -> None:
    folder = tmp_path / "low"
    folder.mkdir()
    (folder / "skill.md").write_text("---\nname: low\n---\n")
    assert parse_skill(folder).name == "low"


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("---\nname: x\ndescription: a\x07b\n---\n", (3, 15), "control character U+0007"),
        # libyaml counts the position in UTF-8 bytes: the column must count characters
        ("---\nname: caf\u00e9\ndescription: \u00e9\u00e9\x1b\n---\n", (3, 16), "U+001B"),
        ("---\nname: x\n# a comment \x7f\n---\n", (3, 13), "control character U+007F"),
        ("---\nname: x\ndescription: \ufffe\n---\n", (3, 14), "character U+FFFE"),
    ],
)
def test_a_character_yaml_refuses_is_named_at_its_position(
    tmp_path: Path, text: str, position: tuple[int, int], message: str
) -> None:
    (finding,) = parse_skill(_write(tmp_path, text)).diagnostics
    assert (finding.code, finding.line, finding.col) == ("SK012", *position)
    assert message in finding.message and finding.message.endswith("is not allowed in YAML")
    assert "ReaderError" not in finding.message


def test_mapping_values_record_their_keys_tag(tmp_path: Path) -> None:
    text = '---\nname: x\nmetadata: {3: a, "4": b, yes: c, !!float 5: d, !k e: f}\n---\n'
    fm = parse_skill(_write(tmp_path, text)).frontmatter
    assert fm is not None
    tags = {key[-1]: entry.key_tag for key, entry in fm.entries.items() if len(key) == 2}
    assert tags == {"3": "int", "4": "str", "yes": "bool", "5": "float", "e": "!k"}
    assert fm.entries[("name",)].key_tag == "str"
    assert fm.entries[()].key_tag is None
