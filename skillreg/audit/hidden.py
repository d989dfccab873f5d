"""Hidden content: invisible and bidirectional Unicode, instructions in HTML comments, text that
HTML or CSS hides from a reader of the rendered page."""

from __future__ import annotations

import re
from collections.abc import Iterator

from skillreg.audit import rules as r
from skillreg.audit.document import Document, Kind
from skillreg.audit.findings import at
from skillreg.audit.injection import injection_score
from skillreg.audit.payloads import COMMAND
from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.core.lazy_pattern import lazy

# Zero-width characters, word joiner and invisible operators, BOM (not at the start), Mongolian
# vowel separator, Hangul fillers, and the whole tag block (U+E0000-E007F: ASCII smuggling).
_INVISIBLE = lazy("[\u200b\u200c\u200d\u2060-\u2064\ufeff\u180e\u3164\uffa0\U000e0000-\U000e007f]")
_BIDI = lazy("[\u202a-\u202e\u2066-\u2069]")
# The UTF-8 forms of every character the two patterns match: searching the encoded text skips
# at C speed over everything but a few rare lead bytes, so most non-ASCII files cost a scan.
_SUSPECT_BYTES = lazy(
    rb"\xe2\x80[\x8b-\x8d\xaa-\xae]|\xe2\x81[\xa0-\xa4\xa6-\xa9]|\xef\xbb\xbf|\xe1\xa0\x8e"
    rb"|\xe3\x85\xa4|\xef\xbe\xa0|\xf3\xa0[\x80\x81]"
)
_BLACK_FLAG = "\U0001f3f4"
_TAG_CANCEL = "\U000e007f"


def _emoji(ch: str) -> bool:
    code = ord(ch)
    return code >= 0x1F000 or 0x2600 <= code <= 0x27BF or ch in "\ufe0f\u20e3"


def _legitimate(text: str, start: int) -> bool:
    """A joiner inside an emoji sequence, or tags inside a subdivision flag (England's, say)."""
    ch = text[start]
    if ch == "\u200d":
        return 0 < start < len(text) - 1 and _emoji(text[start - 1]) and _emoji(text[start + 1])
    if ch == "\ufeff":
        return start == 0
    if "\U000e0020" <= ch <= _TAG_CANCEL:
        back = start
        while back > 0 and "\U000e0020" <= text[back - 1] <= _TAG_CANCEL:
            back -= 1
        return back > 0 and text[back - 1] == _BLACK_FLAG and back >= start - 8
    return False


def unicode_findings(doc: Document) -> Iterator[Diagnostic]:
    text = doc.text
    if text.isascii() or not _SUSPECT_BYTES.search(text.encode("utf-8", "surrogatepass")):
        return
    last_line = 0
    for match in _INVISIBLE.finditer(text):
        if _legitimate(text, match.start()):
            continue
        line, _ = doc.position(match.start())
        if line == last_line:
            continue  # one finding a line: a smuggled sentence is hundreds of tag characters
        last_line = line
        code = ord(match.group())
        what = "a tag character" if code >= 0xE0000 else f"U+{code:04X}"
        yield at(doc, r.INVISIBLE, match.start(), match.end(),
                 f"invisible character {what}: text a reader cannot see")  # fmt: skip
    last_line = 0
    for match in _BIDI.finditer(text):
        line, _ = doc.position(match.start())
        if line != last_line:
            last_line = line
            what = f"bidirectional control U+{ord(match.group()):04X}"
            yield at(doc, r.BIDI, match.start(), match.end(), f"{what} reorders the text shown")


_DIRECTIVE = lazy(
    r"(?:skill-lint|markdownlint|prettier|eslint|cspell|vale|textlint|toc|end ?toc|lint)\b"
    r"|(?:TODO|FIXME|NOTE|XXX)\b",
    re.IGNORECASE,
)
# Spoken to the agent: second person, or a vocative ("Assistant:", "Claude,"). Comments that speak
# *about* the agent in the third person are a template's guidance to the skill's author.
_ADDRESSED = lazy(
    r"\byou\b[^.\n]{0,60}?\b(?:must|should|will|shall|always|never|are to|need to|have to)\b"
    r"|^\s{0,8}(?:assistant|agent|claude|ai|model)\s{0,2}[:,]",
    re.IGNORECASE | re.MULTILINE,
)


def comment_findings(doc: Document) -> Iterator[Diagnostic]:
    outline = doc.outline if "<!--" in doc.text else None
    if outline is None:
        return
    for comment in outline.comments:
        text = comment.text
        if not text or _DIRECTIVE.match(text):
            continue
        why, severity = _why_hidden(text)
        if why:
            start = doc.line_starts[comment.line - 1] + comment.col - 1
            yield at(doc, r.COMMENT_INSTRUCTION, start, start + 4,
                     f"an HTML comment, invisible when rendered, {why}", severity)  # fmt: skip


def _why_hidden(text: str) -> tuple[str, Severity]:
    """Why a comment matters: overriding the agent or running a command is an error; telling
    the agent what to do out of the reader's sight (a template's reminder, say) a warning."""
    if injection_score(text) >= 2:
        return "tries to override the agent's instructions", Severity.ERROR
    if COMMAND.search(text):
        return "holds a command for the agent to run", Severity.ERROR
    if _ADDRESSED.search(text):
        return "gives the agent instructions", Severity.WARNING
    return "", Severity.INFO


_TAG = lazy(r"<[A-Za-z][^<>\n]{0,2000}>")
_HIDING = lazy(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?:px|em|rem|%)?\s*[;\"']"
    r"|opacity\s*:\s*0(?:\.0*)?\s*[;\"']|\shidden(?:[\s>/=]|$)|\saria-hidden\s*=\s*[\"']?true",
    re.IGNORECASE,
)


def html_findings(doc: Document) -> Iterator[Diagnostic]:
    if doc.kind not in (Kind.SKILL, Kind.MARKDOWN) or "<" not in doc.text:
        return
    if not any(word in doc.lower_bytes for word in (b"display", b"visibility", b"font-size",
                                                    b"opacity", b"hidden")):  # fmt: skip
        return
    for match in _TAG.finditer(doc.text):
        tag = match.group()
        if tag.startswith(("<br", "<img", "<hr")) or not _HIDING.search(tag):
            continue
        line, _ = doc.position(match.start())
        if doc.block_of(line) is not None:
            continue  # markup shown as code is visible
        yield at(doc, r.HIDDEN_HTML, match.start(), match.end(),
                 "markup hides its content from a reader of the rendered page")  # fmt: skip
