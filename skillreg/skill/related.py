"""The Related Skills section: which skills a skill names, where, and why.

A skill's ``## Related Skills`` section is a list; each item names skills in backticks,
alternatives joined by ``/``, then `` - `` and a reason. The outline (`skillreg.skill.markdown`)
gives the section's line range and its code blocks; each list item's first paragraph is handed to
mistune for its code spans, and every span is then found again in the item's own source lines to
recover its exact position (mistune tokens carry no line numbers). Resolving the names is
`skillreg.collection.refs`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any, NamedTuple

from skillreg.core.lazy_pattern import lazy
from skillreg.core.names import is_skill_name
from skillreg.skill.markdown_inline import code_spans
from skillreg.skill.parsed import ParsedSkill

RELATED_SKILLS = "Related Skills"

_NAME_LIKE = lazy(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_ITEM = lazy(r"[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
_HEADING = lazy(r" {0,3}#{1,6}(?:[ \t]|$)")
_SEPARATOR = lazy(r"\s*(?:[-\u2013\u2014:]\s*)")
_ALTERNATIVE = frozenset({"/", "|", "or"})
# Outside code spans, where mistune's reading of a one-line item could differ from plain text.
_INLINE_SYNTAX = frozenset("\\*_[]<>!&~`")
# mistune reads an item up to here. Some of its regular expressions backtrack quadratically (an
# ATX heading inside an item, runs of openers), so a hostile item must not reach it whole; real
# items are a name or two and a short reason (the longest in the shared corpus is 112 characters).
_MAX_ITEM = 500


class Reference(NamedTuple):
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


class Suspect(NamedTuple):
    """Backticked text that looks like a name but is not a valid one."""

    text: str
    line: int
    col: int
    end_col: int


def related_references(skill: ParsedSkill, section_title: str = RELATED_SKILLS) -> list[Reference]:
    """The skill's references in file order (empty when it has no such section)."""
    return scan(skill, section_title)[0]


def scan(skill: ParsedSkill, title: str) -> tuple[list[Reference], list[Suspect]]:
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
    suspects: list[Suspect] = []
    for item in _items(
        body.lines, body.first_line, section.first_line + 1, section.last_line, in_code
    ):
        _read_item(item, refs, suspects)
    return refs, suspects


class _Item(NamedTuple):
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


def _read_item(item: _Item, refs: list[Reference], suspects: list[Suspect]) -> None:
    spans = _span_positions(item)
    group = refs[-1].alternatives_group if refs else -1
    found: list[tuple[str, tuple[int, int, int], int]] = []  # name, position, group
    between: list[str] = []
    text = "\n".join(line.lstrip() for line in item.lines)
    if "`" not in text:  # no code span, so no name: mistune need not see it
        return
    tokens = _plain_item_tokens(text)
    for token in _inline_tokens(text[:_MAX_ITEM]) if tokens is None else tokens:
        if token.get("type") != "codespan":
            between.append(_plain(token))
            continue
        raw = str(token.get("raw", "")).strip()
        where = _locate(raw, spans)
        if where is None or not (is_skill_name(raw) or _NAME_LIKE.fullmatch(raw)):
            between.append(f"`{raw}`")
            continue
        if not is_skill_name(raw):
            suspects.append(Suspect(raw, *where))
            continue
        if not found or "".join(between).strip() not in _ALTERNATIVE:
            group += 1
        found.append((raw, where, group))
        between = []
    reason = _reason("".join(between))
    refs.extend(Reference(name, *where, reason, g) for name, where, g in found)


def _span_positions(item: _Item) -> deque[tuple[str, int, int, int]]:
    """Every code span written in the item's lines: (text, line, col, end_col), in order."""
    spans: deque[tuple[str, int, int, int]] = deque()
    for index, line in enumerate(item.lines):
        if "`" not in line:
            continue
        for _, start, end, _ in code_spans(line):
            content = line[start:end]
            text = content.strip()
            col = start + len(content) - len(content.lstrip()) + 1
            spans.append((text, item.first_line + index, col, col + len(text)))
    return spans


def _locate(text: str, spans: deque[tuple[str, int, int, int]]) -> tuple[int, int, int] | None:
    """Consume `spans` up to the one holding `text`; mistune and the scan see spans in one order.

    A deque: a span mistune reads that the line's scan does not hold (an escaped backtick before
    it) consumes every span left, and a list's pop(0) made that quadratic (7 s for a 1 MB line)."""
    while spans:
        found, line, col, end_col = spans.popleft()
        if found == text:
            return line, col, end_col
    return None


def _plain_item_tokens(text: str) -> list[dict[str, Any]] | None:
    """`_inline_tokens` of an item written the common way, without mistune: one line, the
    marker and one space, a code span first, and outside code spans no character that starts
    inline syntax (escapes, emphasis, links, HTML, entities). Such an item's tokens are its
    code spans and the plain text between them, which is all mistune would give (and 20 ms of
    importing it, and ~0.1 ms a parse, are most of what a skill's Related Skills cost). None
    for any other item."""
    if "\n" in text or "\r" in text or len(text) > _MAX_ITEM:
        return None  # a lone CR (LF is the outline's only line end) is a line end to mistune
    marker = _ITEM.match(text)
    if marker is None or not text.startswith(" `", marker.end() - 1):
        return None
    rest = text[marker.end() :]
    tokens: list[dict[str, Any]] = []
    position = 0
    for opener, start, end, closer in code_spans(rest):
        if opener > position:
            tokens.append({"type": "text", "raw": rest[position:opener]})
        tokens.append({"type": "codespan", "raw": rest[start:end]})
        position = closer
    if position < len(rest):
        tokens.append({"type": "text", "raw": rest[position:]})
    if not tokens or tokens[0]["type"] != "codespan":
        return None
    for token in tokens:
        if token["type"] == "text" and not _INLINE_SYNTAX.isdisjoint(token["raw"]):
            return None
    return tokens


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


def metadata_references(skill: ParsedSkill, key: str) -> tuple[list[Reference], list[Suspect]]:
    """The names in the comma-separated ``metadata.<key>`` (``related-skills: a, b``), at their
    file positions, each its own alternatives group after the section's; text that cannot be a
    name is a `Suspect`.

    Positions come from the value's source text, so they are exact for a one-line value (plain
    or quoted, the common form); a value folded over several lines puts every name at its start.
    """
    fm = skill.frontmatter
    meta = fm.data.get("metadata") if fm is not None and isinstance(fm.data, dict) else None
    value = meta.get(key) if isinstance(meta, dict) else None
    entry = fm.entries.get(("metadata", key)) if fm is not None else None
    if not isinstance(value, str) or entry is None:
        return [], []
    span = entry.span
    raw = entry.raw if entry.raw is not None and span.line == span.end_line else ""
    start = span.col if entry.plain else span.col + 1  # past the opening quote
    refs: list[Reference] = []
    suspects: list[Suspect] = []
    searched = 0
    for group, part in enumerate(value.split(","), start=1000):
        name = part.strip()
        if not name:
            continue
        found = raw.find(name, searched)
        col = start + found if found >= 0 else span.col
        searched = found + len(name) if found >= 0 else searched
        if is_skill_name(name):
            refs.append(Reference(name, span.line, col, col + len(name), "", group))
        elif _NAME_LIKE.fullmatch(name) or " " not in name:
            suspects.append(Suspect(name, span.line, col, col + len(name)))
    return refs, suspects
