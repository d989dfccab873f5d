"""Reading a SKILL.md from disk: size cap, binary and encoding checks, BOM and line endings.

The text handed on is always LF-terminated and BOM-free, so line numbers and columns computed on it
are the file's own (CRLF only adds a trailing ``\\r`` that no position points into).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from skillreg.core.bounded import read_regular
from skillreg.core.diagnostics import Diagnostic
from skillreg.skill import syntax_rules as sr

DEFAULT_MAX_BYTES = 1024 * 1024
_BINARY_PROBE = 8192
_BOM = b"\xef\xbb\xbf"


class Source(NamedTuple):
    """The decoded text of one file and what was normalised away."""

    path: Path
    text: str
    size: int
    bom: bool
    crlf: bool


def leaves_folder(file: Path) -> bool:
    """Whether `file` is a symlink to something outside the folder that holds it.

    Such a file is never read: in a cloned repository it could point at any file on the machine,
    and what lint or index reads they may quote (publish refuses the same links when packing).
    """
    return file.is_symlink() and not file.resolve().is_relative_to(file.parent.resolve())


def read_source(
    path: Path, display: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Source | None, list[Diagnostic]]:
    """Read `path`; on failure return no source and the finding that says why."""
    try:
        size = os.stat(path).st_size
        if size > max_bytes:
            message = f"file is {size} bytes, over the {max_bytes}-byte cap"
            return None, [sr.finding(sr.FILE_TOO_LARGE, display, 1, 1, message)]
        raw = read_regular(path, max_bytes)  # never blocks on a FIFO, never past the cap
    except OSError as exc:
        message = f"cannot read file: {exc.strerror or exc}"
        return None, [sr.finding(sr.MISSING_SKILL_FILE, display, 1, 1, message)]
    return decode(path, display, raw)


def decode(path: Path, display: str, raw: bytes) -> tuple[Source | None, list[Diagnostic]]:
    findings: list[Diagnostic] = []
    nul = raw.find(b"\0", 0, _BINARY_PROBE)
    if nul >= 0:
        line, col = _position(raw, nul)
        return None, [sr.finding(sr.BINARY_FILE, display, line, col, "file contains a NUL byte")]
    bom = raw.startswith(_BOM)
    body = raw[3:] if bom else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(body, exc.start)
        byte = body[exc.start : exc.start + 1].hex()
        message = f"invalid UTF-8 byte 0x{byte} (re-save the file as UTF-8)"
        return None, [sr.finding(sr.NOT_UTF8, display, line, col, message)]
    if bom:
        findings.append(
            sr.finding(
                sr.BYTE_ORDER_MARK, display, 1, 1, "file starts with a UTF-8 BOM", fixable=True
            )
        )
    crlf = "\r\n" in text
    if crlf:
        first = text.count("\n", 0, text.index("\r\n")) + 1
        findings.append(
            sr.finding(
                sr.CRLF_LINE_ENDINGS, display, first, 1, "file uses CRLF line endings", fixable=True
            )
        )
        text = text.replace("\r\n", "\n")
    return Source(path, text, len(raw), bom, crlf), findings


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters of the valid prefix) of a byte offset."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    prefix = raw[line_start:offset].decode("utf-8", errors="replace")
    return raw.count(b"\n", 0, offset) + 1, len(prefix) + 1
