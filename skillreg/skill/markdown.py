"""The Markdown body's outline: headings, sections, relative links, HTML comments, code blocks.

A single line scanner that follows CommonMark's block structure for what an outline needs (fenced
and indented code, ATX and setext headings, HTML comments, list context). It is about ten
times faster than a mistune block pass and, unlike mistune's tokens, knows every line number.
Inline scanning is `skillreg.skill.markdown_inline`; the one section that needs full inline parsing
(Related Skills) goes to mistune in `skillreg.skill.related`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from skillreg.core.lazy_pattern import lazy
from skillreg.skill.markdown_inline import blank_code_spans, find_comments, find_links

_FENCE = lazy(r"( {0,3})(`{3,}|~{3,})(.*)")
_SETEXT = lazy(r" {0,3}(=+|-+)[ \t]*")
_BREAK = lazy(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})")
_LIST_ITEM = lazy(r" {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
_ITEM_MARKS = frozenset("-+*0123456789")
_REF_DEF = lazy(r" {0,3}\[[^\]]+\]:[ \t]*(<[^>\n]*>|\S+)")
# First characters that may open something other than paragraph text.
_BLOCK_STARTERS = frozenset(" \t`~#=-*+_<[0123456789")
_HTML_BLOCK = lazy(
    r" {0,3}(?:<!--|<(?:script|pre|style|textarea)(?:\s|>|$)"
    r"|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>[ \t]*$)"
)
_SCHEME = lazy(r"[A-Za-z][A-Za-z0-9+.-]*:")

# The outline's records are named tuples, not frozen dataclasses: a body has hundreds of them and
# a tuple is built several times faster, which the corpus-wide lint feels; and making a frozen
# dataclass costs about a millisecond at import, which every one-skill `skill lint` feels.


class Heading(NamedTuple):
    level: int
    text: str
    line: int  # file line (the text line of a setext heading)
    col: int  # column of the first marker character
    end_col: int


class Link(NamedTuple):
    target: str  # as written, without angle brackets
    line: int
    col: int  # column of the target's first character
    end_col: int
    image: bool


class Comment(NamedTuple):
    text: str  # between `<!--` and `-->`, stripped
    line: int
    col: int


class CodeBlock(NamedTuple):
    first_line: int  # the opening fence (or first indented line)
    last_line: int  # the closing fence; the document's last line when never closed
    info: str  # the fence's info string ("" for indented code)
    closed: bool


class Section(NamedTuple):
    heading: Heading
    first_line: int  # the heading's line
    last_line: int  # the line before the next heading of the same or a higher level


class Body(NamedTuple):
    lines: tuple[str, ...]
    first_line: int  # file line of `lines[0]`
    headings: tuple[Heading, ...]
    links: tuple[Link, ...]
    comments: tuple[Comment, ...]
    code_blocks: tuple[CodeBlock, ...]

    @property
    def last_line(self) -> int:
        return self.first_line + len(self.lines) - 1

    def sections(self, level: int | None = None) -> Iterator[Section]:
        """Each heading (of `level`, when given) with the lines it governs."""
        for index, heading in enumerate(self.headings):
            if level is not None and heading.level != level:
                continue
            last = self.last_line
            for later in self.headings[index + 1 :]:
                if later.level <= heading.level:
                    last = later.line - 1
                    break
            yield Section(heading, heading.line, last)

    def section(self, title: str, level: int = 2) -> Section | None:
        """The first section whose heading text is exactly `title`."""
        return next((s for s in self.sections(level) if s.heading.text == title), None)

    def text_of(self, section: Section) -> str:
        """The section's lines after its heading, as one string."""
        start = section.first_line - self.first_line + 1
        return "\n".join(self.lines[start : section.last_line - self.first_line + 1])


def parse_body(text: str, first_line: int) -> Body:
    """Scan `text` (the body, starting at file line `first_line`) into an outline."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = _Outline()
    _scan(lines, first_line, out)
    return Body(
        tuple(lines),
        first_line,
        tuple(out.headings),
        tuple(out.links),
        tuple(out.comments),
        tuple(out.code),
    )


def _closing_fence(lines: list[str], start: int, marker: str, in_list: bool) -> int:
    """Index of the line that closes a fence opened with `marker`, or -1."""
    char = marker[0]
    for index in range(start, len(lines)):
        line = lines[index]
        if marker in line:
            stripped = line.strip()
            if (
                stripped.startswith(marker)
                and not stripped.strip(char)
                and (in_list or len(line) - len(line.lstrip(" ")) < 4)
            ):
                return index
    return -1


class _Outline:
    """What the scan collects, and the one piece of inline state a line can leave open."""

    __slots__ = ("code", "comment", "comments", "headings", "links")

    def __init__(self) -> None:
        self.headings: list[Heading] = []
        self.links: list[Link] = []
        self.comments: list[Comment] = []
        self.code: list[CodeBlock] = []
        self.comment: tuple[int, int, list[str]] | None = None  # line, col, parts of an open one


def _scan(lines: list[str], first_line: int, out: _Outline) -> None:
    """The block pass: one loop with its state in locals, since it runs for every line of every
    skill. Each kind of line pays for the few tests that tell it apart and nothing more: plain
    text, blank lines and bullet items, most of a body, take no regular expression, and a fence's
    content is skipped by substring search."""
    headings, code = out.headings, out.code
    paragraph: list[str] | None = None  # the open paragraph's lines
    paragraph_line = 0  # the file line of its first
    in_list = False
    list_paragraph = False  # the last line belongs to a list item's paragraph
    html = False  # inside an HTML block, which runs to the next blank line
    indented: tuple[int, int] | None = None  # first, last line of open indented code
    in_comment = False  # an HTML comment runs on (`out.comment`)
    index, count = 0, len(lines)
    while index < count:
        line = lines[index]
        number = first_line + index
        index += 1
        if in_comment:
            in_comment = _in_comment(line, number, out)
            continue
        first = line[:1]
        if first and first not in _BLOCK_STARTERS and not html and indented is None:
            # Paragraph text: the common case once lists and headings are out of the way.
            if not list_paragraph:
                in_list = False
                if paragraph is None:
                    paragraph, paragraph_line = [line], number
                else:
                    paragraph.append(line)
            if "](" in line or "<!--" in line:
                in_comment = _inline(line, number, 0, out)
            continue
        if not line or line.isspace():
            paragraph, list_paragraph, html = None, False, False
            continue
        if html:
            continue
        if first == "#" and (atx := _atx(line)) is not None:  # a heading, the next most common
            if indented is not None:
                code.append(CodeBlock(indented[0], indented[1], "", True))
                indented = None
            headings.append(Heading(atx[0], atx[1], number, 1, len(line) + 1))
            paragraph, list_paragraph, in_list = None, False, False
            if "](" in line or "<!--" in line:
                in_comment = _inline(line, number, 0, out)
            continue
        if indented is not None or first in " \t":
            is_code = line.startswith(("    ", "\t"))
            if indented is not None and not is_code:
                code.append(CodeBlock(indented[0], indented[1], "", True))
                indented = None
            if is_code and paragraph is None and not in_list:
                indented = (indented[0] if indented else number, number)
                continue
        if first not in _BLOCK_STARTERS:
            if not list_paragraph:
                in_list = False
                if paragraph is None:
                    paragraph, paragraph_line = [line], number
                else:
                    paragraph.append(line)
            if "](" in line or "<!--" in line:
                in_comment = _inline(line, number, 0, out)
            continue
        if (
            first in "-*+"
            and line[1:2] in (" ", "\t", "")
            and (paragraph is None or line.rstrip() != first)
            and not (first != "+" and not line.strip(first + " \t") and _BREAK.fullmatch(line))
        ):  # a bullet item at the margin, the next most common line
            in_list, list_paragraph, paragraph = True, True, None
            if "](" in line or "<!--" in line:
                in_comment = _inline(line, number, 0, out)
            continue
        at_margin = first not in " \t"
        probe = line if at_margin or not in_list else line.lstrip(" \t")
        if probe[:1] in ("`", "~") and (fence := _FENCE.fullmatch(probe)):
            marker, info = fence.group(2), fence.group(3).strip()
            if not (marker[0] == "`" and "`" in info):
                paragraph, list_paragraph = None, False
                if at_margin:
                    in_list = False
                close = _closing_fence(lines, index, marker, in_list)
                last = first_line + (close if close >= 0 else count - 1)
                code.append(CodeBlock(number, last, info.split(" ")[0] if info else "", close >= 0))
                index = close + 1 if close >= 0 else count
                continue
        if (at_margin or not in_list) and first in "# =-":
            atx = _atx(line) if "#" in line[:4] else None
            if atx is not None:
                headings.append(Heading(atx[0], atx[1], number, line.index("#") + 1, len(line) + 1))
                paragraph, list_paragraph, in_list = None, False, False
                if "](" in line or "<!--" in line:
                    in_comment = _inline(line, number, 0, out)
                continue
            if (
                paragraph
                and line.lstrip(" ")[:1] in ("=", "-")
                and (setext := _SETEXT.fullmatch(line))
            ):
                text = paragraph[0]
                level = 1 if setext.group(1)[0] == "=" else 2
                col = len(text) - len(text.lstrip()) + 1
                joined = " ".join(part.strip() for part in paragraph)
                headings.append(Heading(level, joined, paragraph_line, col, len(text) + 1))
                paragraph, list_paragraph, in_list = None, False, False
                continue
        if first in "-*+ 0123456789" and _list_item(line):
            in_list, list_paragraph, paragraph = True, True, None
        elif first in "-*_ " and not line.strip(" \t-*_") and _BREAK.fullmatch(line):
            paragraph, list_paragraph = None, False
            if at_margin:
                in_list = False
            continue
        elif first in "< " and paragraph is None and not list_paragraph and _HTML_BLOCK.match(line):
            html = not line.lstrip().startswith("<!--")  # comments are tracked on their own
            paragraph, list_paragraph = None, False
            if at_margin:
                in_list = False
        else:
            if not list_paragraph:
                if at_margin:
                    in_list = False
                if paragraph is None:
                    paragraph, paragraph_line = [line], number
                else:
                    paragraph.append(line)
            if "](" in line or "<!--" in line:
                in_comment = _inline(line, number, 0, out)
            if first in " [" and "]:" in line and (ref := _REF_DEF.match(line)):
                _add_link(out, ref.group(1), number, ref.start(1), False)
            continue
        if "](" in line or "<!--" in line:
            in_comment = _inline(line, number, 0, out)
    if indented is not None:
        code.append(CodeBlock(indented[0], indented[1], "", True))


def _in_comment(line: str, number: int, out: _Outline) -> bool:
    """A line inside an open HTML comment; whether a comment is still open after it."""
    assert out.comment is not None
    start, col, parts = out.comment
    end = line.find("-->")
    if end < 0:
        parts.append(line)
        return True
    parts.append(line[:end])
    out.comments.append(Comment("\n".join(parts).strip(), start, col))
    out.comment = None
    return _inline(line[end + 3 :], number, end + 3, out)


def _inline(text: str, number: int, offset: int, out: _Outline) -> bool:
    """The links and comments of a line; whether it leaves an HTML comment open."""
    if "](" not in text and "<!--" not in text:
        return False  # no link or comment, inside code spans or out
    if "`" in text:
        text = blank_code_spans(text)
    if "<!--" in text:
        closed, open_at = find_comments(text)
        for body, start in closed:
            out.comments.append(Comment(body, number, offset + start + 1))
        if open_at is not None:  # runs on over the next lines
            out.comment = (number, offset + open_at + 1, [text[open_at + 4 :]])
    for target, start, image in find_links(text):
        _add_link(out, target, number, offset + start, image)
    return out.comment is not None


def _add_link(out: _Outline, target: str, number: int, start: int, image: bool) -> None:
    raw = target[1:-1] if target.startswith("<") and target.endswith(">") else target
    shift = 1 if raw is not target else 0
    out.links.append(Link(raw, number, start + shift + 1, start + shift + len(raw) + 1, image))


def _list_item(line: str) -> bool:
    """`_LIST_ITEM.match(line)`, without the regex for lines that cannot start an item."""
    return line.lstrip(" ")[:1] in _ITEM_MARKS and _LIST_ITEM.match(line) is not None


def _atx(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line, or None.

    String scanning, not a regex: a lazy text group followed by optional trailing blanks and a
    closing `#` run backtracks quadratically on `#` + text + a long run of spaces + a character.
    """
    marks = line.lstrip(" ")
    if len(line) - len(marks) > 3:
        return None
    rest = marks.lstrip("#")
    level = len(marks) - len(rest)
    if not 1 <= level <= 6 or rest[:1] not in ("", " ", "\t"):
        return None
    text = rest.strip(" \t")
    unclosed = text.rstrip("#")
    if not unclosed or unclosed[-1] in " \t":  # a closing sequence: blanks, then only `#`s
        text = unclosed
    return level, text.strip()


def is_relative(target: str) -> bool:
    """A link to a file inside the skill (no scheme, not absolute, not a bare fragment)."""
    return bool(target) and not (
        target.startswith(("#", "/", "\\")) or _SCHEME.match(target) or target.startswith("//")
    )
