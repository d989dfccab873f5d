"""Making untrusted text safe to print: control characters and bidi overrides become escapes.

Skill content, registry documents and catalog entries are untrusted: an escape sequence in a name
or description could rewrite the user's terminal or a CI log, and bidi overrides could make a line
read differently from what it says. Tabs stay; everything else below 0x20 is escaped.
"""

from __future__ import annotations

UNPRINTABLE = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in (
        *range(0x20),
        0x7F,
        *range(0x80, 0xA0),
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
    )
    if code != 0x09
}


def printable(text: str) -> str:
    """`text` with every control character shown as an escape (``\\x1b``), on one line."""
    return text.translate(UNPRINTABLE)
