"""The Markdown body's outline: headings, sections, relative links, HTML comments, code blocks.

A single line scanner that follows CommonMark's block structure for what an outline needs (fenced
and indented code, ATX and setext headings, HTML comments, list context). It is about ten
times faster than a mistune block pass and, unlike mistune's tokens, knows every line number.
Inline scanning is `skillreg.skill.markdown_inline`; the one section that needs full inline parsing
(Related Skills) goes to mistune in `skillreg.skill.related`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from skillreg.skill.markdown_inline import blank_code_spans, find_comments, find_links

_FENCE = re.compile(r"( {0,3})(`{3,}|~{3,})(.*)")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*")
_BREAK = re.compile(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})")
_LIST_ITEM = re.compile(r" {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
_REF_DEF = re.compile(r" {0,3}\[[^\]]+\]:[ \t]*(<[^>\n]*>|\S+)")
# First characters that may open something other than paragraph text.
_BLOCK_STARTERS = frozenset(" \t`~#=-*+_<[0123456789")
_HTML_BLOCK = re.compile(
    r" {0,3}(?:<!--|<(?:script|pre|style|textarea)(?:\s|>|$)"
    r"|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>[ \t]*$)"
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    line: int  # file line (the text line of a setext heading)
    col: int  # column of the first marker character
    end_col: int


@dataclass(frozen=True, slots=True)
class Link:
    target: str  # as written, without angle brackets
    line: int
    col: int  # column of the target's first character
    end_col: int
    image: bool


@dataclass(frozen=True, slots=True)
class Comment:
    text: str  # between `<!--` and `-->`, stripped
    line: int
    col: int


@dataclass(frozen=True, slots=True)
class CodeBlock:
    first_line: int  # the opening fence (or first indented line)
    last_line: int  # the closing fence; the document's last line when never closed
    info: str  # the fence's info string ("" for indented code)
    closed: bool


@dataclass(frozen=True, slots=True)
class Section:
    heading: Heading
    first_line: int  # the heading's line
    last_line: int  # the line before the next heading of the same or a higher level


@dataclass(frozen=True)
class Body:
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
    scanner = _Scanner(first_line)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    index, count = 0, len(lines)
    while index < count:
        line = lines[index]
        if line and line[0] not in _BLOCK_STARTERS and scanner.plain_text_ready():
            scanner._text(line, first_line + index)
        else:
            scanner.feed(line, first_line + index)
        index += 1
        if scanner.fence is not None:  # skip the fence's content in one tight loop
            close = _closing_fence(
                lines, index, scanner.fence[0] * scanner.fence[1], scanner.in_list
            )
            if close >= 0:
                scanner.feed(lines[close], first_line + close)
                index = close + 1
            else:
                index = count
    scanner.finish(first_line + count - 1)
    return Body(
        tuple(lines),
        first_line,
        tuple(scanner.headings),
        tuple(scanner.links),
        tuple(scanner.comments),
        tuple(scanner.code),
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


class _Scanner:
    def __init__(self, first_line: int) -> None:
        self.headings: list[Heading] = []
        self.links: list[Link] = []
        self.comments: list[Comment] = []
        self.code: list[CodeBlock] = []
        self.fence: tuple[str, int, int, str] | None = None  # char, length, first line, info
        self.indented: tuple[int, int] | None = None  # first, last line of indented code
        self.comment: tuple[int, int, list[str]] | None = (
            None  # line, col, parts of an open comment
        )
        self.paragraph: list[tuple[int, str]] | None = None  # the open paragraph's lines
        self.in_list = False
        self.list_paragraph = False  # the last line belongs to a list item's paragraph
        self.html = False  # inside an HTML block, which runs to the next blank line

    def plain_text_ready(self) -> bool:
        """True when a plain text line can skip the block checks (no block is open)."""
        return (
            self.fence is None and self.comment is None and not self.html and self.indented is None
        )

    def feed(self, line: str, number: int) -> None:
        if self.fence is not None:
            self._in_fence(line, number)
        elif self.comment is not None:
            self._in_comment(line, number)
        elif not line.strip():
            self.paragraph, self.list_paragraph, self.html = None, False, False
        elif self.html or self._indented_code(line, number):
            pass
        else:
            self._block(line, number)

    def finish(self, last_line: int) -> None:
        if self.fence is not None:
            _, _, first, info = self.fence
            self.code.append(CodeBlock(first, last_line, info, False))
        if self.indented is not None:
            self.code.append(CodeBlock(*self.indented, "", True))

    def _in_fence(self, line: str, number: int) -> None:
        assert self.fence is not None
        char, length, first, info = self.fence
        stripped = line.strip()
        if (
            (len(line) - len(line.lstrip(" ")) < 4 or self.in_list)
            and stripped.startswith(char * length)
            and not stripped.strip(char)
        ):
            self.code.append(CodeBlock(first, number, info, True))
            self.fence = None

    def _in_comment(self, line: str, number: int) -> None:
        assert self.comment is not None
        start, col, parts = self.comment
        end = line.find("-->")
        if end < 0:
            parts.append(line)
            return
        parts.append(line[:end])
        self.comments.append(Comment("\n".join(parts).strip(), start, col))
        self.comment = None
        self._inline(line[end + 3 :], number, end + 3)

    def _indented_code(self, line: str, number: int) -> bool:
        """Indented code: four spaces or a tab, not continuing a paragraph or a list item."""
        indented = line.startswith(("    ", "\t"))
        if self.indented is not None and not (indented or not line.strip()):
            self.code.append(CodeBlock(*self.indented, "", True))
            self.indented = None
        if not indented or self.paragraph is not None or self.in_list:
            return False
        first = self.indented[0] if self.indented else number
        self.indented = (first, number)
        return True

    def _block(self, line: str, number: int) -> None:
        # Dispatch on the first character so that each line pays for at most a regex or two.
        first = line[0]
        if first not in _BLOCK_STARTERS:  # plain text, the common case
            self._text(line, number)
            return
        if (
            first in "-*+"
            and line[1:2] in (" ", "\t", "")
            and (self.paragraph is None or line.rstrip() != first)  # else a setext underline
            and not _BREAK.fullmatch(line)
        ):  # a bullet item at the margin, the next most common line
            self.in_list, self.list_paragraph, self.paragraph = True, True, None
            if "`" in line or "](" in line or "<!--" in line:
                self._inline(line, number, 0)
            return
        at_margin = first not in " \t"
        probe = line if at_margin or not self.in_list else line.lstrip(" \t")
        if probe[:1] in ("`", "~") and (fence := _FENCE.fullmatch(probe)):
            marker, info = fence.group(2), fence.group(3).strip()
            if not (marker[0] == "`" and "`" in info):
                self.fence = (marker[0], len(marker), number, info.split(" ")[0] if info else "")
                self._end_blocks(ends_list=at_margin)
                return
        if (at_margin or not self.in_list) and first in "# =-" and self._heading(line, number):
            self._end_blocks(ends_list=True)
            return
        if first in "-*+ 0123456789" and _LIST_ITEM.match(line):
            self.in_list, self.list_paragraph, self.paragraph = True, True, None
        elif first in "-*_ " and _BREAK.fullmatch(line):
            self._end_blocks(ends_list=at_margin)
            return
        elif (
            first in "< "
            and self.paragraph is None
            and not self.list_paragraph
            and _HTML_BLOCK.match(line)
        ):
            self.html = not line.lstrip().startswith("<!--")  # comments are tracked on their own
            self._end_blocks(ends_list=at_margin)
        else:
            self._text(line, number)
            return
        self._inline(line, number, 0)

    def _text(self, line: str, number: int) -> None:
        """A paragraph line, or a lazy continuation of a list item's paragraph."""
        if not self.list_paragraph:
            if line[0] not in " \t":
                self.in_list = False
            if self.paragraph is None:
                self.paragraph = [(number, line)]
            else:
                self.paragraph.append((number, line))
        if "`" in line or "](" in line or "<!--" in line:
            self._inline(line, number, 0)
        if line[0] in " [" and (ref := _REF_DEF.match(line)):
            self._add_link(ref.group(1), number, ref.start(1), False)

    def _end_blocks(self, *, ends_list: bool) -> None:
        self.paragraph = None
        self.list_paragraph = False
        if ends_list:
            self.in_list = False

    def _heading(self, line: str, number: int) -> bool:
        atx = _atx(line) if "#" in line[:4] else None
        if atx:
            col = line.index("#") + 1
            self.headings.append(Heading(atx[0], atx[1], number, col, len(line) + 1))
            self.paragraph = None
            self._inline(line, number, 0)
            return True
        if self.paragraph and (setext := _SETEXT.fullmatch(line)):
            first, text = self.paragraph[0]
            level = 1 if setext.group(1)[0] == "=" else 2
            col = len(text) - len(text.lstrip()) + 1
            joined = " ".join(part.strip() for _, part in self.paragraph)
            self.headings.append(Heading(level, joined, first, col, len(text) + 1))
            self.paragraph = None
            return True
        return False

    def _inline(self, text: str, number: int, offset: int) -> None:
        if "`" in text:
            text = blank_code_spans(text)
        if "<!--" in text:
            self._comments(text, number, offset)
        for target, start, image in find_links(text):
            self._add_link(target, number, offset + start, image)

    def _comments(self, text: str, number: int, offset: int) -> None:
        closed, open_at = find_comments(text)
        for body, start in closed:
            self.comments.append(Comment(body, number, offset + start + 1))
        if open_at is not None:  # runs on over the next lines
            self.comment = (number, offset + open_at + 1, [text[open_at + 4 :]])

    def _add_link(self, target: str, number: int, start: int, image: bool) -> None:
        raw = target[1:-1] if target.startswith("<") and target.endswith(">") else target
        shift = 1 if raw is not target else 0
        self.links.append(Link(raw, number, start + shift + 1, start + shift + len(raw) + 1, image))


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
