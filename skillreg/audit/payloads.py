"""Payloads: downloads piped into a shell, downloaded code evaluated in place, long encoded blobs,
and decode-then-execute one-liners, in the body and in bundled scripts.

Each pattern starts at a literal anchor and crosses only bounded runs of characters that cannot
start another match, so a scan is linear in the text whatever it holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import compress

from skillreg.audit import rules as r
from skillreg.audit.document import Document, Kind, anchors
from skillreg.audit.findings import at
from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.core.lazy_pattern import lazy

_FETCH = lazy(
    r"\b(?:curl|wget|fetch|iwr|irm|Invoke-WebRequest|Invoke-RestMethod|http(?:ie)?)\b", re.I
)
_INTO_SHELL = lazy(
    r"\|[ \t]{0,8}(?:sudo[ \t]{1,8}(?:-[A-Za-z]{1,3}[ \t]{1,8}){0,3})?(?:env[ \t]{1,8})?"
    r"(?:(?:ba|z|k|c|tc|da|fi|a)?sh|python[23]?|perl|ruby|node|php|iex|Invoke-Expression)\b",
    re.I,
)
#: Any command worth flagging when an HTML comment holds it.
COMMAND = lazy(
    r"\b(?:curl|wget|bash[ \t]+-c|sh[ \t]+-c|python[23]?[ \t]+-c|rm[ \t]+-rf|eval|exec|chmod"
    r"[ \t]+\+x|base64[ \t]+(?:-d|--decode)|nc[ \t]+-|powershell|iex)\b",
    re.I,
)
_EVAL_FETCH = lazy(
    r"(?:\beval\b|\b(?:ba|z)?sh[ \t]+-c|\bsource\b|\bpython[23]?[ \t]+-c)[^\n]{0,40}?"
    r"(?:\$\(|`|<\()[ \t]{0,4}(?:curl|wget)\b"
    r"|\b(?:ba|z)?sh[ \t]{1,8}<\([ \t]{0,4}(?:curl|wget)\b"
    r"|\b(?:source|\.)[ \t]{1,8}<\([ \t]{0,4}(?:curl|wget)\b"
    r"|\b(?:exec|eval)[ \t]{0,4}\([ \t]{0,4}(?:urllib\.request\.)?(?:urlopen|requests\.get|"
    r"httpx\.get|urllib2\.urlopen)\("
    r"|\b(?:iex|Invoke-Expression)\b[^\n]{0,40}?(?:DownloadString|iwr|irm|Invoke-WebRequest|"
    r"Invoke-RestMethod)\b"
    r"|\beval[ \t]{0,4}\([ \t]{0,4}await[ \t]{1,4}fetch\b",
    re.I,
)
_DECODE_EXEC = lazy(
    r"\bbase64[ \t]{1,8}(?:-d|--decode|-D)\b[^\n|]{0,200}\|[ \t]{0,8}(?:sudo[ \t]{1,8})?"
    r"(?:(?:ba|z|k|da)?sh|python[23]?|perl)\b"
    r"|\bxxd[ \t]{1,8}-r\b[^\n|]{0,200}\|[ \t]{0,8}(?:(?:ba|z)?sh|python[23]?)\b"
    r"|\b(?:exec|eval)[ \t]{0,4}\([^\n()]{0,80}?(?:b64decode|a85decode|b32decode|decompress|"
    r"marshal\.loads|bytes\.fromhex|codecs\.decode|unhexlify)\b"
    r"|\b(?:eval|Function)[ \t]{0,4}\([ \t]{0,4}(?:atob|Buffer\.from)\b"
    r"|-(?:EncodedCommand|enc|ec)[ \t]{1,8}[A-Za-z0-9+/=]{40,}"
    r"|FromBase64String\b[^\n]{0,200}?\b(?:iex|Invoke-Expression)\b",
    re.I,
)
_BLOB = 200  # characters: the shortest blob
_BASE64 = lazy(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{200,}={0,2}")
_HEX = lazy(r"(?<![0-9A-Fa-f])(?:[0-9A-Fa-f]{2}){100,}(?![0-9A-Fa-f])")
_DATA_URL = lazy(r"data:(?:image|font|audio|video)/[\w.+-]{1,40};base64,$", re.I)


# Rare substrings that every match contains: lines without one are never scanned, which keeps
# the family cheap enough to run in `skill lint` on every commit.
_FETCH_ANCHORS = anchors("curl", "wget", "iwr ", "irm ", "invoke-webrequest", "invoke-restmethod",
                  "http ", "https ", "fetch ")  # fmt: skip
_EVAL_ANCHORS = anchors("curl", "wget", "urlopen", "requests.get", "httpx.get", "downloadstring",
                 "await fetch")  # fmt: skip
_DECODE_ANCHORS = anchors("base64 -", "xxd -r", "b64decode", "a85decode", "b32decode", "decompress",
                   "marshal.loads", "fromhex", "codecs.decode", "unhexlify", "atob", "buffer.from",
                   "-enc", "-ec ", "frombase64string")  # fmt: skip


def pipe_findings(doc: Document) -> Iterator[Diagnostic]:
    if "|" not in doc.text:
        return
    for line in doc.hits(_FETCH_ANCHORS):
        start, end = doc.span(line)
        fetch = _FETCH.search(doc.text, start, end)
        # One search for the pipe from the first download: searching again from every download
        # on a line of downloads would be quadratic.
        pipe = _INTO_SHELL.search(doc.text, fetch.end(), end) if fetch is not None else None
        if fetch is not None and pipe is not None and not doc.cautioned(line):
            why = "downloaded content is piped into an interpreter unreviewed"
            yield at(doc, r.PIPE_TO_SHELL, fetch.start(), pipe.end(), why)


def exec_findings(doc: Document) -> Iterator[Diagnostic]:
    for rule, pattern, words, why in (
        (r.DOWNLOAD_EXEC, _EVAL_FETCH, _EVAL_ANCHORS,
         "downloaded content is evaluated in place, unreviewed"),
        (r.OBFUSCATED_EXEC, _DECODE_EXEC, _DECODE_ANCHORS,
         "encoded content is decoded and executed: what runs is hidden"),
    ):  # fmt: skip
        for line in doc.hits(words):
            start, end = doc.span(line)
            match = pattern.search(doc.text, start, end)
            if match is not None and not doc.cautioned(line):
                yield at(doc, rule, match.start(), match.end(), why)


def blob_findings(doc: Document) -> Iterator[Diagnostic]:
    lines = doc.lines
    long_lines = compress(lines, map((_BLOB - 1).__lt__, map(len, lines)))
    if not any(max(map(len, line.split()), default=0) >= _BLOB for line in long_lines):
        return  # a blob is one word of 200 characters or more, on a long line: most have none
    starts = doc.line_starts
    ends = [*starts[1:], len(doc.text) + 1]
    for begin, after in zip(starts, ends, strict=True):
        if after - begin > 200 and not _in_pem(doc, begin):  # a blob needs a long line
            yield from _blobs_in(doc, begin, after - 1)


def _in_pem(doc: Document, begin: int) -> bool:
    """A key or certificate body (a secret there is SK520's; a certificate is public)."""
    line, _ = doc.position(begin)
    return doc.line(line - 1).startswith("-----BEGIN ")


def _blobs_in(doc: Document, start: int, end: int) -> Iterator[Diagnostic]:
    text = doc.text
    for match in _BASE64.finditer(text, start, end):
        blob = match.group()
        if not _mixed(blob) or _DATA_URL.search(text, max(0, match.start() - 60), match.start()):
            continue
        yield _blob(doc, match.start(), match.end(), "base64")
    for match in _HEX.finditer(text, start, end):
        blob = match.group()
        if len(set(blob.lower())) >= 8 and not blob.isdigit() and not blob.isalpha():
            yield _blob(doc, match.start(), match.end(), "hex")


def _mixed(blob: str) -> bool:
    """Base64 mixes cases and digits; a long word, path or ruler does not."""
    return (
        any(c.isdigit() for c in blob)
        and any(c.isupper() for c in blob)
        and any(c.islower() for c in blob)
        and blob.count("/") < len(blob) // 16
    )


def _blob(doc: Document, start: int, end: int, kind: str) -> Diagnostic:
    severity = Severity.WARNING if doc.kind is not Kind.TEXT else Severity.INFO
    why = f"a {end - start}-character {kind} blob hides its content from review"
    return at(doc, r.ENCODED_BLOB, start, end, why, severity)
