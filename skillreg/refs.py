"""Related Skills cross-references: extracting them from skills and resolving them.

A skill's ``## Related Skills`` section is a list; each item names skills in backticks,
alternatives joined by ``/``, then `` - `` and a reason. The outline (`skillreg.markdown`) gives
the section's line range and its code blocks; each list item's first paragraph is handed to mistune
for its code spans, and every span is then found again in the item's own source lines to recover
its exact position (mistune tokens carry no line numbers).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from skillreg.diagnostics import Diagnostic, Rule, Severity
from skillreg.names import is_skill_name
from skillreg.skill import ParsedSkill
from skillreg.syntax_rules import finding

RELATED_SKILLS = "Related Skills"

E, W = Severity.ERROR, Severity.WARNING

UNRESOLVED_REFERENCE = Rule(
    "SK301",
    "unresolved-reference",
    E,
    "A Related Skills entry names a skill that does not exist.",
    "Agents and readers follow related skills by name; a name that resolves nowhere is a dead end "
    "(often a typo or a skill that was renamed).",
    "Fix the name, add the skill to the collection, or publish it to the registry you resolve "
    "against.",
)
SELF_REFERENCE = Rule(
    "SK302",
    "self-reference",
    W,
    "A skill lists itself under Related Skills.",
    "A skill is always related to itself; the entry adds nothing and is usually a copy-paste slip.",
    "Remove the entry.",
)
DUPLICATE_REFERENCE = Rule(
    "SK303",
    "duplicate-reference",
    W,
    "The same skill is named more than once under Related Skills.",
    "Repeated entries add noise and may disagree on the reason.",
    "Keep one entry and merge the reasons.",
)
DUPLICATE_SKILL_NAME = Rule(
    "SK304",
    "duplicate-skill-name",
    E,
    "Two skill folders declare the same name.",
    "A name must identify one skill; references, indexes and installs cannot tell the two apart.",
    "Rename one of the skills (and its folder).",
)
NOT_A_SKILL_NAME = Rule(
    "SK305",
    "not-a-skill-name",
    W,
    "Backticked text under Related Skills looks like a skill name but is not a valid one.",
    "Skill names are lowercase letters, digits and single hyphens; anything else cannot resolve.",
    "Write the skill's exact name, e.g. `python-pro` rather than `Python_Pro`.",
)
YANKED_REFERENCE = Rule(
    "SK306",
    "yanked-reference",
    W,
    "A Related Skills entry names a skill that the registry has yanked.",
    "A yanked skill is no longer offered to new installs; pointing readers at it misleads them.",
    "Point at the skill that replaces it, or remove the entry.",
)
DEPRECATED_REFERENCE = Rule(
    "SK307",
    "deprecated-reference",
    W,
    "A Related Skills entry names a skill that the registry marks deprecated.",
    "Deprecated skills are on their way out; new references should use their replacement.",
    "Point at the replacement the registry names, or remove the entry.",
)

REF_RULES: tuple[Rule, ...] = (
    UNRESOLVED_REFERENCE,
    SELF_REFERENCE,
    DUPLICATE_REFERENCE,
    DUPLICATE_SKILL_NAME,
    NOT_A_SKILL_NAME,
    YANKED_REFERENCE,
    DEPRECATED_REFERENCE,
)

# Text that a writer plausibly meant as a skill name: one word of letters, digits, `_` and `-`.
_NAME_LIKE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_ITEM = re.compile(r"[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_SEPARATOR = re.compile(r"\s*(?:[-\u2013\u2014:]\s*)")
_ALTERNATIVE = frozenset({"/", "|", "or"})


@dataclass(frozen=True, slots=True)
class Reference:
    """One backticked skill name under Related Skills, at its 1-based file position.

    `end_col` is exclusive. References sharing an `alternatives_group` were written as
    alternatives of one another (``a`` / ``b``); groups count from 0 within a skill.
    """

    name: str
    line: int
    col: int
    end_col: int
    reason: str
    alternatives_group: int


@dataclass(frozen=True, slots=True)
class _Suspect:
    """Backticked text that looks like a name but is not a valid one."""

    text: str
    line: int
    col: int
    end_col: int


def skill_name(skill: ParsedSkill) -> str:
    """The name a skill is known by: its frontmatter `name`, else its folder's name."""
    name = skill.name
    return name.strip() if name and name.strip() else skill.folder.name


def related_references(skill: ParsedSkill, section_title: str = RELATED_SKILLS) -> list[Reference]:
    """The skill's references in file order (empty when it has no such section)."""
    return _scan(skill, section_title)[0]


def check_references(
    skills: Sequence[ParsedSkill],
    *,
    known_names: frozenset[str] = frozenset(),
    section_title: str = RELATED_SKILLS,
    registry_status: Mapping[str, str] | None = None,
) -> list[Diagnostic]:
    """Findings about every skill's references, resolved over `skills` plus `known_names`.

    `registry_status` maps a name to ``"yanked"`` or ``"deprecated"``. Findings are sorted.
    """
    owners = _owners(skills)
    findings = _duplicate_names(owners)
    names = frozenset(owners) | known_names
    status = registry_status or {}
    candidates = sorted(names)
    for skill in skills:
        refs, suspects = _scan(skill, section_title)
        own = skill_name(skill)
        findings.extend(_suspect_findings(skill.display, suspects))
        seen: dict[str, int] = {}
        for ref in refs:
            findings.extend(_ref_findings(skill.display, own, ref, seen, names, candidates, status))
            seen.setdefault(ref.name, ref.line)
    return sorted(findings)


def _owners(skills: Sequence[ParsedSkill]) -> dict[str, list[ParsedSkill]]:
    owners: dict[str, list[ParsedSkill]] = {}
    for skill in skills:
        if skill.source is not None:
            owners.setdefault(skill_name(skill), []).append(skill)
    return owners


def _duplicate_names(owners: dict[str, list[ParsedSkill]]) -> list[Diagnostic]:
    findings = []
    for name, group in owners.items():
        ordered = sorted(group, key=lambda s: s.display)
        first = ordered[0]
        for other in ordered[1:]:
            line, col = _name_position(other)
            message = f"skill name '{name}' is declared by both {first.display} and {other.display}"
            findings.append(finding(DUPLICATE_SKILL_NAME, other.display, line, col, message))
    return findings


def _name_position(skill: ParsedSkill) -> tuple[int, int]:
    fm = skill.frontmatter
    if fm is None or ("name",) not in fm.entries:
        return 1, 1
    span = fm.entries[("name",)].span
    return span.line, span.col


def _ref_findings(
    path: str,
    own: str,
    ref: Reference,
    seen: dict[str, int],
    names: frozenset[str],
    candidates: list[str],
    status: Mapping[str, str],
) -> Iterator[Diagnostic]:
    def make(rule: Rule, message: str) -> Diagnostic:
        return finding(rule, path, ref.line, ref.col, message, end_col=ref.end_col)

    if ref.name == own:
        yield make(SELF_REFERENCE, f"'{ref.name}' is this skill itself")
    elif ref.name in seen:
        yield make(DUPLICATE_REFERENCE, f"'{ref.name}' is already listed on line {seen[ref.name]}")
    elif ref.name not in names:
        close = difflib.get_close_matches(ref.name, candidates, n=1, cutoff=0.8)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        yield make(UNRESOLVED_REFERENCE, f"no skill named '{ref.name}'{hint}")
    state = status.get(ref.name)
    if state == "yanked":
        yield make(YANKED_REFERENCE, f"'{ref.name}' is yanked from the registry")
    elif state == "deprecated":
        yield make(DEPRECATED_REFERENCE, f"'{ref.name}' is deprecated in the registry")


def _suspect_findings(path: str, suspects: list[_Suspect]) -> Iterator[Diagnostic]:
    for suspect in suspects:
        message = f"'{suspect.text}' is not a valid skill name (lowercase letters, digits, '-')"
        hint = suspect.text.lower().replace("_", "-")
        if is_skill_name(hint):
            message += f"; did you mean '{hint}'?"
        yield finding(
            NOT_A_SKILL_NAME, path, suspect.line, suspect.col, message, end_col=suspect.end_col
        )


# --- extraction ------------------------------------------------------------------------------


def _scan(skill: ParsedSkill, title: str) -> tuple[list[Reference], list[_Suspect]]:
    body = skill.body
    if body is None:
        return [], []
    section = body.section(title, 2)
    if section is None:
        return [], []
    in_code: set[int] = set()
    for block in body.code_blocks:
        if block.last_line >= section.first_line and block.first_line <= section.last_line:
            in_code.update(range(block.first_line, block.last_line + 1))
    refs: list[Reference] = []
    suspects: list[_Suspect] = []
    for item in _items(
        body.lines, body.first_line, section.first_line + 1, section.last_line, in_code
    ):
        _read_item(item, refs, suspects)
    return refs, suspects


@dataclass(frozen=True, slots=True)
class _Item:
    first_line: int  # file line of the list marker
    lines: tuple[str, ...]  # the item's first paragraph, as in the file


def _items(
    lines: tuple[str, ...], offset: int, first: int, last: int, in_code: set[int]
) -> Iterator[_Item]:
    """Each list item's first paragraph: its marker line and lazy continuation lines.

    Lines of code blocks and of multi-line HTML comments (a common way to park old entries)
    belong to no item.
    """
    current: list[str] = []
    start = 0
    in_comment = False
    for number in range(first, last + 1):
        line = lines[number - offset]
        hidden = in_comment or number in in_code
        if "<!--" in line or in_comment:
            in_comment = _comment_open(line, in_comment)
            hidden = hidden or (in_comment and line.lstrip().startswith("<!--"))
        starts = not hidden and _ITEM.match(line) is not None
        ends = hidden or not line.strip() or _HEADING.match(line) is not None
        if current and (starts or ends):
            yield _Item(start, tuple(current))
            current = []
        if starts:
            current, start = [line], number
        elif current and not ends:
            current.append(line)
    if current:
        yield _Item(start, tuple(current))


def _comment_open(line: str, open_before: bool) -> bool:
    """Whether an HTML comment is still open at the end of `line`."""
    position, is_open = 0, open_before
    while True:
        marker = "-->" if is_open else "<!--"
        found = line.find(marker, position)
        if found < 0:
            return is_open
        position, is_open = found + len(marker), not is_open


def _read_item(item: _Item, refs: list[Reference], suspects: list[_Suspect]) -> None:
    spans = _span_positions(item)
    group = refs[-1].alternatives_group if refs else -1
    found: list[tuple[str, tuple[int, int, int], int]] = []  # name, position, group
    between: list[str] = []
    for token in _inline_tokens("\n".join(line.lstrip() for line in item.lines)):
        if token.get("type") != "codespan":
            between.append(_plain(token))
            continue
        raw = str(token.get("raw", "")).strip()
        where = _locate(raw, spans)
        if where is None or not (is_skill_name(raw) or _NAME_LIKE.fullmatch(raw)):
            between.append(f"`{raw}`")
            continue
        if not is_skill_name(raw):
            suspects.append(_Suspect(raw, *where))
            continue
        if not found or "".join(between).strip() not in _ALTERNATIVE:
            group += 1
        found.append((raw, where, group))
        between = []
    reason = _reason("".join(between))
    refs.extend(Reference(name, *where, reason, g) for name, where, g in found)


def _span_positions(item: _Item) -> list[tuple[str, int, int, int]]:
    """Every code span written in the item's lines: (text, line, col, end_col), in order."""
    spans = []
    for index, line in enumerate(item.lines):
        if "`" not in line:
            continue
        for match in _SPAN.finditer(line):
            content = match.group(2)
            text = content.strip()
            col = match.start(2) + len(content) - len(content.lstrip()) + 1
            spans.append((text, item.first_line + index, col, col + len(text)))
    return spans


def _locate(text: str, spans: list[tuple[str, int, int, int]]) -> tuple[int, int, int] | None:
    """Consume `spans` up to the one holding `text`; mistune and the scan see spans in one order."""
    while spans:
        found, line, col, end_col = spans.pop(0)
        if found == text:
            return line, col, end_col
    return None


def _inline_tokens(text: str) -> list[dict[str, Any]]:
    """The leaf inline tokens of a list item (inside links and emphasis too), in order."""
    tokens: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = list(reversed(_markdown()(text)))
    while stack:
        token = stack.pop()
        if token.get("type") in ("block_code", "block_html"):
            continue
        children = token.get("children")
        if isinstance(children, list):
            stack.extend(reversed(children))
        elif "raw" in token or token.get("type") in ("softbreak", "linebreak"):
            tokens.append(token)
    return tokens


def _plain(token: dict[str, Any]) -> str:
    kind, raw = token.get("type"), str(token.get("raw", ""))
    if kind in ("softbreak", "linebreak"):
        return " "
    return "" if kind == "inline_html" and raw.startswith("<!--") else raw


def _reason(tail: str) -> str:
    """The text after the names: `` - reason`` (or an en/em dash or a colon)."""
    match = _SEPARATOR.match(tail)
    return " ".join((tail[match.end() :] if match else tail).split())


_PARSER: list[Any] = []


def _markdown() -> Any:
    """mistune's AST parser, built once (imported here: only this section needs it)."""
    if not _PARSER:
        import mistune

        _PARSER.append(mistune.create_markdown(renderer=None))
    return _PARSER[0]
