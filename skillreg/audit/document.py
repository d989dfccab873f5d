"""One file as the scanners see it: its text, where its lines start, and the context of a line.

Context decides how much a match means. In a script every line runs. In Markdown a command inside a
fenced block is an example the agent may copy, and one the text warns against (a caution word
nearby, or a section such as "Anti-Patterns to Avoid") is usually documentation of a danger.
Everything is computed lazily: most files never need more than the raw text.
"""

from __future__ import annotations

import bisect
import re
from enum import Enum
from functools import cached_property
from itertools import accumulate
from typing import Any

from skillreg.core.lazy_pattern import lazy
from skillreg.skill.markdown import Body, parse_body


class Kind(Enum):
    SKILL = "skill"  # SKILL.md: frontmatter + Markdown the agent follows
    MARKDOWN = "markdown"  # other Markdown the skill ships (references, examples)
    SCRIPT = "script"  # code the skill ships to run
    TEXT = "text"  # any other text file


CAUTION = lazy(
    r"\b(?:never|don'?t|do not|avoid|dangerous|insecure|unsafe|risky|instead of|anti-?patterns?"
    r"|bad practice|not recommended|beware|warning|malicious|attackers?|pitfalls?|mistakes?)\b"
    r"|\u274c|\u26a0",
    re.IGNORECASE,
)
_NEAR = 3  # lines before a match (or before its code block) that may carry a caution
# Lower-casing that keeps every offset: str.lower() may lengthen non-ASCII text.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# Every scanner's anchors: rare lower-case substrings that any of its matches contains. They are
# found in one pass over a file (Aho-Corasick), and patterns run only on lines holding one:
# most files hold none, which keeps the family cheap enough for `skill lint` on every commit.
_ANCHORS: set[str] = set()
_AUTOMATON: list[tuple[Any, list[str]]] = []
_SEARCHES = [0]  # files searched with the current automaton
# After this many files the automaton is rebuilt as a DFA: building one takes about a
# millisecond (five times the default's), and it then searches three to four times faster,
# which a tree of skills feels (about 5% of linting the shared corpus) and one skill would not.
_DFA_AFTER = 16


def anchors(*words: str) -> tuple[str, ...]:
    """Register a scanner's anchors (at import) and return them."""
    _ANCHORS.update(words)
    _AUTOMATON.clear()
    return words


def _automaton() -> tuple[Any, list[str]]:
    """The anchors' automaton over UTF-8 bytes, and the anchor of each pattern index.

    Bytes, not text: every anchor is ASCII, and in UTF-8 an ASCII byte only ever stands for
    itself, so a match in the encoded text is a match in the text, found several times faster.
    """
    _SEARCHES[0] += 1
    if not _AUTOMATON or _SEARCHES[0] == _DFA_AFTER:
        import ahocorasick_rs

        if not _AUTOMATON:
            _SEARCHES[0] = 1
        dfa = ahocorasick_rs.Implementation.DFA if _SEARCHES[0] >= _DFA_AFTER else None
        words = sorted(_ANCHORS)
        automaton = ahocorasick_rs.BytesAhoCorasick(
            [word.encode("ascii") for word in words], implementation=dfa
        )
        _AUTOMATON[:] = [(automaton, words)]
    return _AUTOMATON[0]


class Document:
    """A plain class, not a dataclass: making one costs about a millisecond at import."""

    def __init__(self, display: str, text: str, kind: Kind, body: Body | None = None) -> None:
        self.display, self.text, self.kind, self.body = display, text, kind, body

    @cached_property
    def lines(self) -> list[str]:
        """The text's lines, without their newlines."""
        return self.text.split("\n")

    @cached_property
    def line_starts(self) -> list[int]:
        lengths = map(len, self.lines[:-1])
        return [0, *accumulate(map((1).__add__, lengths))]

    @cached_property
    def lower_bytes(self) -> bytes:
        """The text as UTF-8 with ASCII letters lower-cased, for finding ASCII words in it.

        Lower-casing the bytes touches only ASCII letters. So did lower-casing the text, for the
        ASCII words searched for, except for one character: the Kelvin sign lowers to an ASCII
        "k", and the scanners' patterns (case-insensitive) match it as one, so a text holding it
        is still lower-cased as text, keeping every offset.
        """
        text = self.text
        if "\u212a" not in text:
            return text.encode("utf-8", "surrogatepass").lower()
        lowered = text.lower()
        if len(lowered) != len(text):  # some character lowers to two
            lowered = text.translate(_ASCII_LOWER)
        return lowered.encode("utf-8", "surrogatepass")

    @cached_property
    def _anchor_lines(self) -> dict[str, list[int]]:
        """The line numbers of each anchor's occurrences (overlapping ones included)."""
        automaton, words = _automaton()
        data = self.lower_bytes
        found: dict[str, list[int]] = {}
        line, counted = 1, 0
        # Matches come in order of their end (else counted afresh). No anchor holds a newline, so
        # a match's line is one more than the newlines before its end, counted once for the text.
        for index, _, end in automaton.find_matches_as_indexes(data, overlapping=True):
            if end >= counted:
                line += data.count(b"\n", counted, end)
            else:  # not in order after all: count from the start
                line = 1 + data.count(b"\n", 0, end)
            counted = end
            found.setdefault(words[index], []).append(line)
        return found

    def hits(self, words: tuple[str, ...]) -> list[int]:
        """The numbers of the lines holding one of `words` (registered with `anchors`)."""
        found = self._anchor_lines
        present = [found[word] for word in words if word in found]
        if not present:  # the usual answer: a scanner asks for rare words
            return []
        return sorted({line for lines in present for line in lines})

    def holds_any(self, words: tuple[str, ...]) -> bool:
        """Whether some line holds one of `words` (registered with `anchors`)."""
        found = self._anchor_lines
        return any(word in found for word in words)

    def span(self, number: int) -> tuple[int, int]:
        """Start and end offsets of line `number` (the end excludes the newline)."""
        starts = self.line_starts
        end = starts[number] - 1 if number < len(starts) else len(self.text)
        return starts[number - 1], end

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def line(self, number: int) -> str:
        lines = self.lines
        return lines[number - 1] if 1 <= number <= len(lines) else ""

    @cached_property
    def outline(self) -> Body | None:
        """The Markdown outline (SKILL.md's comes parsed; other Markdown is parsed on demand)."""
        if self.body is not None or self.kind not in (Kind.SKILL, Kind.MARKDOWN):
            return self.body
        return parse_body(self.text, 1)

    @cached_property
    def _blocks(self) -> list[tuple[int, int]]:
        outline = self.outline
        if outline is None:
            return []
        return sorted((b.first_line, b.last_line) for b in outline.code_blocks)

    def block_of(self, number: int) -> tuple[int, int] | None:
        """The code block (first, last line) holding line `number`, if any."""
        blocks = self._blocks
        index = bisect.bisect_right(blocks, (number, 1 << 62)) - 1
        if index >= 0 and blocks[index][0] <= number <= blocks[index][1]:
            return blocks[index]
        return None

    @cached_property
    def _caution_sections(self) -> list[tuple[int, int]]:
        outline = self.outline
        if outline is None:
            return []
        return [
            (s.first_line, s.last_line)
            for s in outline.sections()
            if CAUTION.search(s.heading.text)
        ]

    def executed(self, number: int) -> bool:
        """Whether line `number` is code that runs: a script line, or a line of a code block."""
        return self.kind is Kind.SCRIPT or self.block_of(number) is not None

    def cautioned(self, number: int) -> bool:
        """Whether the text warns about what line `number` shows (Markdown only)."""
        if self.kind is Kind.SCRIPT:
            return False
        if any(first <= number <= last for first, last in self._caution_sections):
            return True
        block = self.block_of(number)
        start = block[0] if block is not None else number
        lines = {
            *range(max(1, start - _NEAR), start + 1),
            *range(max(1, number - _NEAR), number + 1),
        }
        return any(CAUTION.search(self.line(n)) for n in sorted(lines))
