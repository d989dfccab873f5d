"""Related Skills references: extraction with exact positions, and resolution findings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from skillreg.collection.refs import REF_RULES, check_references
from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.skill.parsed import ParsedSkill, parse_skill
from skillreg.skill.related import Reference, related_references

from .conftest import RELATED, SEED

SEED_NAMES = ("python-pro", "golang-pro", "devops-engineer", "security-engineer", "data-engineer")


def write_skill(root: Path, name: str, body: str, *, folder: str | None = None) -> ParsedSkill:
    path = root / (folder or name)
    path.mkdir(parents=True, exist_ok=True)
    text = f"---\nname: {name}\ndescription: A test skill named {name}.\n---\n\n# {name}\n\n{body}"
    (path / "SKILL.md").write_text(text, encoding="utf-8")
    return parse_skill(path)


def position_of(path: Path, name: str) -> tuple[int, int]:
    """1-based line and column of `name`'s first character inside backticks, after the heading."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index("## Related Skills")
    for number, line in enumerate(lines[start:], start + 1):
        if f"`{name}`" in line:
            return number, line.index(f"`{name}`") + 2
    raise AssertionError(f"{name} not in the Related Skills section")


def codes(findings: list[Diagnostic]) -> list[str]:
    return [f.code for f in findings]


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "skills" / "backend-developer"
    shutil.copytree(SEED, target)
    return target


def test_seed_alone_has_five_unresolved_references_at_their_positions(seed_copy: Path) -> None:
    skill = parse_skill(seed_copy)
    findings = check_references([skill])
    assert codes(findings) == ["SK301"] * 5
    expected = {name: position_of(seed_copy / "SKILL.md", name) for name in SEED_NAMES}
    got = {f.message.split("'")[1]: (f.line, f.col) for f in findings}
    assert got == expected
    for f in findings:
        assert f.severity is Severity.ERROR
        assert f.path == skill.display
        name = f.message.split("'")[1]
        assert f.end_col == f.col + len(name)


def test_seed_references_carry_reasons_and_alternatives(seed_copy: Path) -> None:
    refs = related_references(parse_skill(seed_copy))
    assert [r.name for r in refs] == list(SEED_NAMES)
    python, golang, devops = refs[0], refs[1], refs[2]
    assert python.reason == golang.reason == "Language expertise"
    assert python.alternatives_group == golang.alternatives_group
    assert devops.alternatives_group == python.alternatives_group + 1
    assert devops.reason == "Deployment and infrastructure"
    assert len({r.alternatives_group for r in refs}) == 4


def test_seed_resolves_against_its_siblings(tmp_path: Path, seed_copy: Path) -> None:
    for folder in RELATED.iterdir():
        shutil.copytree(folder, seed_copy.parent / folder.name)
    skills = [parse_skill(p) for p in sorted(seed_copy.parent.iterdir())]
    assert check_references(skills) == []


def test_typo_suggests_the_existing_name(seed_copy: Path) -> None:
    shutil.copytree(RELATED / "security-engineer", seed_copy.parent / "security-engineer")
    file = seed_copy / "SKILL.md"
    file.write_text(file.read_text().replace("`security-engineer`", "`securty-engineer`"))
    skills = [parse_skill(seed_copy), parse_skill(seed_copy.parent / "security-engineer")]
    findings = [f for f in check_references(skills) if "securty" in f.message]
    assert len(findings) == 1
    assert findings[0].code == "SK301"
    assert "did you mean 'security-engineer'?" in findings[0].message
    assert (findings[0].line, findings[0].col) == position_of(file, "securty-engineer")


def test_known_names_resolve(seed_copy: Path) -> None:
    findings = check_references([parse_skill(seed_copy)], known_names=frozenset(SEED_NAMES[:3]))
    assert sorted(f.message.split("'")[1] for f in findings) == [
        "data-engineer",
        "security-engineer",
    ]


def test_heading_only_inside_a_fence_is_not_the_section(tmp_path: Path) -> None:
    body = "## Usage\n\n```markdown\n## Related Skills\n\n- `ghost-skill` - inside a fence\n```\n"
    skill = write_skill(tmp_path, "fenced", body)
    assert related_references(skill) == []
    assert check_references([skill]) == []


def test_fenced_heading_before_the_real_section(tmp_path: Path) -> None:
    body = (
        "## Example\n\n~~~\n## Related Skills\n- `ghost-skill` - no\n~~~\n\n"
        "## Related Skills\n\n- `real-one` - yes\n"
    )
    skill = write_skill(tmp_path, "fenced", body)
    assert [r.name for r in related_references(skill)] == ["real-one"]


def test_code_blocks_inside_the_section_are_ignored(tmp_path: Path) -> None:
    body = (
        "## Related Skills\n\n- `kept` - yes\n\n```\n- `in-code` - no\n```\n\n"
        "    - `indented` - no\n"
    )
    skill = write_skill(tmp_path, "host", body)
    assert [r.name for r in related_references(skill)] == ["kept"]


def test_positions_and_shapes(tmp_path: Path) -> None:
    body = (
        "## Related Skills\n\n"
        "Works well with: `not-in-a-list`\n\n"
        "* ``double-tick`` \u2013 en dash reason\n"
        "1. [`linked-skill`](../linked-skill/SKILL.md): colon reason\n"
        "- `one`, `two` - comma means two groups\n"
        "- `alpha` or `beta`\n"
        "  - `nested` - nested item\n"
        "- prose `lazy-one`\n"
        "  continued `lazy-two` - wrapped\n"
    )
    skill = write_skill(tmp_path, "host", body)
    refs = related_references(skill)
    lines = (tmp_path / "host" / "SKILL.md").read_text().split("\n")
    for ref in refs:
        assert lines[ref.line - 1][ref.col - 1 : ref.end_col - 1] == ref.name
    by_name = {r.name: r for r in refs}
    assert list(by_name) == [
        "double-tick", "linked-skill", "one", "two", "alpha", "beta", "nested", "lazy-one",
        "lazy-two",
    ]  # fmt: skip
    assert by_name["double-tick"].reason == "en dash reason"
    assert by_name["linked-skill"].reason == "colon reason"
    assert by_name["one"].alternatives_group != by_name["two"].alternatives_group
    assert by_name["alpha"].alternatives_group == by_name["beta"].alternatives_group
    assert by_name["lazy-one"].line + 1 == by_name["lazy-two"].line
    assert by_name["lazy-two"].reason == "wrapped"


def test_not_a_skill_name(tmp_path: Path) -> None:
    body = "## Related Skills\n\n- `Python_Pro` - capitals\n- `npm install` - a command\n- `a.md`\n"
    skill = write_skill(tmp_path, "host", body)
    assert related_references(skill) == []
    findings = check_references([skill])
    assert codes(findings) == ["SK305"]
    assert (findings[0].line, findings[0].col) == position_of(skill.path, "Python_Pro")
    assert findings[0].severity is Severity.WARNING
    assert "did you mean 'python-pro'?" in findings[0].message


def test_self_and_duplicate_references(tmp_path: Path) -> None:
    other = write_skill(tmp_path, "other", "Text.\n")
    body = "## Related Skills\n\n- `host` - me\n- `other` - first\n- `other` - again\n"
    skill = write_skill(tmp_path, "host", body)
    findings = check_references([skill, other])
    assert codes(findings) == ["SK302", "SK303"]
    assert all(f.severity is Severity.WARNING for f in findings)
    dup_line, _ = position_of(skill.path, "other")
    assert f"line {dup_line}" in findings[1].message
    assert findings[1].line == dup_line + 1


def test_duplicate_skill_name_names_both_paths(tmp_path: Path) -> None:
    first = write_skill(tmp_path, "same", "A.\n", folder="a")
    second = write_skill(tmp_path, "same", "B.\n", folder="b")
    findings = check_references([second, first])
    assert codes(findings) == ["SK304"]
    assert first.display in findings[0].message and second.display in findings[0].message
    assert (findings[0].path, findings[0].line, findings[0].col) == (second.display, 2, 7)


def test_registry_status_warnings(tmp_path: Path) -> None:
    body = "## Related Skills\n\n- `old-one` - gone\n- `aging` - going\n- `fine` - ok\n"
    skill = write_skill(tmp_path, "host", body)
    status = {"old-one": "yanked", "aging": "deprecated", "fine": "active"}
    known = frozenset(status)
    findings = check_references([skill], known_names=known, registry_status=status)
    assert codes(findings) == ["SK306", "SK307"]
    assert "yanked" in findings[0].message and "deprecated" in findings[1].message


def test_custom_section_title_and_no_body(tmp_path: Path) -> None:
    skill = write_skill(tmp_path, "host", "## See Also\n\n- `elsewhere` - x\n")
    assert related_references(skill) == []
    assert [r.name for r in related_references(skill, "See Also")] == ["elsewhere"]
    assert related_references(parse_skill(tmp_path / "missing")) == []


def test_reference_is_a_frozen_value() -> None:
    ref = Reference("a", 1, 2, 3, "r", 0)
    with pytest.raises(AttributeError):
        ref.name = "b"  # type: ignore[misc]


def test_rule_catalogue() -> None:
    assert [r.code for r in REF_RULES] == [f"SK30{i}" for i in range(1, 9)]
    assert len({r.name for r in REF_RULES}) == len(REF_RULES)
    assert all(r.summary and r.rationale and r.help for r in REF_RULES)


def test_entries_in_multiline_html_comments_are_ignored(tmp_path: Path) -> None:
    body = (
        "## Related Skills\n\n"
        "- `kept-one` - yes <!-- inline note -->\n"
        "<!--\n- `parked` - commented out\n-->\n"
        "- `kept-two` - yes\n"
        "<!-- - `parked-too` -->\n"
    )
    skill = write_skill(tmp_path, "host", body)
    assert [r.name for r in related_references(skill)] == ["kept-one", "kept-two"]
    assert related_references(skill)[0].reason == "yes"


def test_metadata_related_skills_are_references_with_positions(tmp_path: Path) -> None:
    from skillreg.skill.related import metadata_references

    folder = tmp_path / "reader"
    folder.mkdir()
    (folder / "SKILL.md").write_text(
        "---\nname: reader\ndescription: d\nmetadata:\n"
        '  related-skills: "writer,  Bad Name, editor"\n---\n# T\n'
    )
    skill = parse_skill(folder)
    refs, suspects = metadata_references(skill, "related-skills")
    assert [(r.name, r.line, r.col, r.end_col) for r in refs] == [
        ("writer", 5, 20, 26),
        ("editor", 5, 39, 45),
    ]
    assert suspects == []  # two words: prose, not a misspelt name
    found = check_references(
        [skill], known_names=frozenset({"writer"}), metadata_key="related-skills"
    )
    assert [(d.code, d.line, d.col) for d in found] == [("SK301", 5, 39)]
    assert check_references([skill], known_names=frozenset({"writer"})) == []  # switch off


# -- items read without mistune ---------------------------------------------------------------

_PIECES = (
    "`", "``", "a", "b-c", " ", "  ", " / ", " - ", " or ", "|", "*", "_", "[", "]", "(", ")",
    "<", ">", "!", "&", "~", "\\", "#", ":", ".", "\t", "x_y", "&amp;", "1. ", "- ", "\u2014",
    "'", '"', "http://x", "$", "==", "---", "<!-- c -->", "**", "[l](u)",
)  # fmt: skip
_MARKERS = ("- ", "* ", "+ ", "1. ", "2) ", "-  ", "- \t", "-\t", "- - ", "1234567890. ")
_OPENINGS = ("`a`", "`` a ``", "`b-c`", "` `", "``a`b``", "`", "")


def _read(tokens: list[dict[str, object]]) -> list[tuple[str, str]]:
    """What `_read_item` takes from a token list: code spans (stripped) and the plain text
    between them, adjacent text joined, trailing blanks dropped."""
    from skillreg.skill.related import _plain

    out: list[tuple[str, str]] = []
    for token in tokens:
        if token.get("type") == "codespan":
            out.append(("code", str(token.get("raw", "")).strip()))
        elif out and out[-1][0] == "text":
            out[-1] = ("text", out[-1][1] + _plain(token))
        else:
            out.append(("text", _plain(token)))
    if out and out[-1][0] == "text":
        out[-1] = ("text", out[-1][1].rstrip())
    return [item for item in out if item != ("text", "")]


def test_an_item_read_without_mistune_gives_what_mistune_gives() -> None:
    """The plain-item reader either declines or yields the tokens mistune yields, over every
    item of the fixtures and ~40,000 generated ones (seeded: the same ones each run); and it
    is used for most of them, or it would be dead code."""
    import random

    from skillreg.skill.related import _MAX_ITEM, _inline_tokens, _plain_item_tokens

    texts = [
        line.lstrip()
        for path in (SEED / "SKILL.md", *sorted(RELATED.glob("*/SKILL.md")))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("- `")
    ]
    fixtures = list(texts)
    rng = random.Random(17)
    for _ in range(40_000):
        tail = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 10)))
        texts.append(rng.choice(_MARKERS) + rng.choice(_OPENINGS) + tail)
    taken = 0
    for text in texts:
        plain = _plain_item_tokens(text)
        if plain is None:
            continue
        taken += 1
        assert _read(plain) == _read(_inline_tokens(text[:_MAX_ITEM])), repr(text)
    assert taken > 2_000
    assert len(fixtures) > 10
    assert all(_plain_item_tokens(t) is not None for t in fixtures), fixtures


@pytest.mark.parametrize(
    "item",
    [
        "- `a` - see [b](x)",  # a link
        "- `a` - *b*",  # emphasis
        "- `a` - \\`b\\`",  # escapes
        "- `a` - <b>",  # HTML
        "- `a` - &amp;",  # an entity
        "- `a` - `b",  # an unclosed code span
        "-  `a` - two spaces after the marker",
        "- see `a`",  # not a code span first
        "- `a`\n  continued",  # two lines
        "- `a` " + "x" * 600,  # longer than mistune is given
    ],
)
def test_an_item_with_other_syntax_goes_to_mistune(item: str) -> None:
    from skillreg.skill.related import _plain_item_tokens

    assert _plain_item_tokens(item) is None


def test_a_skill_with_plain_items_is_read_without_importing_mistune(tmp_path: Path) -> None:
    """`skill index` of skills whose Related Skills items are plain does not import mistune
    (~20 ms of its start-up), and still finds every reference."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import sys, runpy; sys.argv = ['skill', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('skillreg', run_name='__main__')\n"
        "except SystemExit as exc:\n    code = exc.code\n"
        "print('mistune' in sys.modules, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    out = tmp_path / "index.json"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-c", code, "index", str(RELATED), "--no-cache", "-o", str(out)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert proc.stderr.splitlines()[-1] == "False", proc.stderr
    skills = {s["name"]: s for s in json.loads(out.read_text(encoding="utf-8"))["skills"]}
    related = [r["name"] for r in skills["golang-pro"]["related"]]
    assert related == ["devops-engineer", "python-pro"], related  # backend-developer: missing


def test_an_item_with_a_lone_carriage_return_is_not_read_as_one_line(tmp_path: Path) -> None:
    """A lone CR is a line ending to mistune (and to CommonMark renderers) but not to the
    outline, which splits on LF: such an "item" is several lines, so the plain reader must
    decline it. Read as one line, a code block after the CR (`b`, indented under the item) was
    a reference that the rendered page shows as code, and that --with-related would install."""
    from skillreg.skill.related import _plain_item_tokens

    assert _plain_item_tokens("- `a`\r\r        `b`") is None
    body = "## Related Skills\n\n- `a` - x\r\r        `b`\n"
    skill = write_skill(tmp_path, "host", body)
    assert [r.name for r in related_references(skill)] == ["a"]


def test_an_item_whose_spans_the_scan_cannot_place_stays_linear(tmp_path: Path) -> None:
    """mistune reads an escaped backtick's `a` ` ` span, which the line's own scan does not
    hold, so finding its position consumes every span after it: with a list's pop(0) that was
    quadratic (a 1 MB line: ~7 s, against under 1 s for the same line without the escape).
    Judged against that line as a ratio of CPU time, never an absolute timing."""
    import time

    from skillreg.skill.related import scan

    def cost(item: str) -> float:
        write_skill(tmp_path, "host", f"## Related Skills\n\n{item}\n")
        start = time.process_time()
        scan(parse_skill(tmp_path / "host"), "Related Skills")
        return time.process_time() - start

    spans = " `x`" * 250_000  # the 1 MB a SKILL.md may hold
    plain = cost("- `a` - x" + spans)
    escaped = cost("- \\`a` ` `b`" + spans)
    assert escaped < 2.5 * plain, (escaped, plain)  # ~5x before, ~1x since
