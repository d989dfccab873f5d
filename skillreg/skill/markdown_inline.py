"""Inline Markdown that the outline needs from a line: link targets, HTML comments, code spans.

Every scan here is linear in the line's length: a hostile line (thousands of `[a](` or `<!--`)
must not make a regular expression backtrack.
"""

from __future__ import annotations

import bisect

from skillreg.core.lazy_pattern import lazy

_TICKS = lazy(r"`+")
_MAX_LABEL = 1000  # how far back a link's `[` is looked for
_TARGET = lazy(r"[ \t]*(<[^<>\n]*>|[^\s()<]+)(?:[ \t]+(?:\"[^\"]{0,300}\"|'[^']{0,300}'))?[ \t]*\)")


def find_links(text: str) -> list[tuple[str, int, bool]]:
    """(target as written, its 0-based start, is an image) of each inline link in `text`."""
    found: list[tuple[str, int, bool]] = []
    pos = 0
    while (close := text.find("](", pos)) >= 0:
        pos = close + 2
        opened = text.rfind("[", max(0, close - _MAX_LABEL), close)
        target = _TARGET.match(text, close + 2) if opened >= 0 else None
        if target is not None:
            image = opened > 0 and text[opened - 1] == "!"
            found.append((target.group(1), target.start(1), image))
            pos = target.end()
    return found


def find_comments(text: str) -> tuple[list[tuple[str, int]], int | None]:
    """(stripped body, 0-based start) of each closed ``<!-- -->``; where an unclosed one opens."""
    closed: list[tuple[str, int]] = []
    pos = 0
    while (start := text.find("<!--", pos)) >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            return closed, start
        closed.append((text[start + 4 : end].strip(), start))
        pos = end + 3
    return closed, None


def code_spans(text: str) -> list[tuple[int, int, int, int]]:
    """(opener start, content start, content end, closer end) of each code span in `text`, per
    CommonMark's pairing: a run of n backticks closes at the next run of exactly n backticks.

    Runs are paired by length through one index, so the scan stays linear however many unclosed
    openers a line holds (a lazy regex would rescan the rest of the line from each opener).
    """
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(text)]
    spans: list[tuple[int, int, int, int]] = []
    if len(runs) < 2:
        return spans
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    index = 0
    while index < len(runs):
        start, end = runs[index]
        same = by_length[end - start]
        later = bisect.bisect_right(same, index)
        if later == len(same):
            index += 1
            continue
        closer = same[later]
        spans.append((start, end, runs[closer][0], runs[closer][1]))
        index = closer + 1
    return spans


def blank_code_spans(text: str) -> str:
    """`text` with each code span replaced by spaces (columns kept)."""
    spans = code_spans(text)
    if not spans:
        return text
    chars = list(text)
    for start, _, _, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
