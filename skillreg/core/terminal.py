"""Text from outside made safe to print: the one neutraliser for every terminal and CI log line.

Anything that came from a file, a registry, a mirror or a path is untrusted. Printed raw, a
control character or an escape sequence in it could rewrite the user's terminal (OSC 52 writes the
clipboard, OSC 8 hides a link, CSI clears the screen), a newline or a carriage return could forge
a line of our own (``installed x@1.0.0``) or a CI workflow command at the start of a line
(``::error``, ``::stop-commands::``), and bidi overrides could make a line read differently from
what it says. Each of these is shown as a visible escape instead, so the reader still sees that
something odd was there. Tabs stay: they move the cursor but can neither forge a line nor hide text.
"""

from __future__ import annotations

_ESCAPES: dict[int, str] = {
    code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    for code in (
        *range(0x20),  # C0, with ESC, CR and LF
        0x7F,  # DEL
        *range(0x80, 0xA0),  # C1, with CSI (0x9b), OSC (0x9d) and NEL (0x85)
        0x061C,  # Arabic letter mark
        0x200E,  # left-to-right mark
        0x200F,  # right-to-left mark
        0x2028,  # line separator
        0x2029,  # paragraph separator
        *range(0x202A, 0x202F),  # bidi embeddings and overrides
        *range(0x2066, 0x206A),  # bidi isolates
    )
    if code != 0x09
}


def _escape_surrogates(text: str) -> str:
    """Lone surrogates as ``\\udXXX``: undecodable bytes of a file name (surrogateescape) cannot
    even be encoded for output, so printing one would end the run with a traceback. Done by the
    codec rather than 2,048 more table entries, which cost ~2 ms of every start-up to build."""
    if text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def for_terminal(text: str) -> str:
    """`text` with every character that could act on a terminal or a log shown as an escape."""
    return _escape_surrogates(text.translate(_ESCAPES))


def one_line(text: str) -> str:
    """`text` on one line: line breaks become spaces (a wrapped message reads on), the rest as
    `for_terminal`. For messages whose line breaks are only formatting."""
    return for_terminal(" ".join(text.splitlines()))


# The same characters, as JSON escapes: an encoder escapes C0 controls, but with
# `ensure_ascii=False` it writes DEL, C1, bidi controls and lone surrogates as they are. C0 ones
# are escaped too (all but the line feed between values): a document spliced from cached pieces
# (`skill index`) holds what a damaged or edited cache file holds, encoded or not.
_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in _ESCAPES if code != 0x0A}


def json_for_terminal(document: str) -> str:
    """A JSON document printed to a terminal: the same value, with every character that could act
    on the terminal written as a ``\\uXXXX`` escape (in a valid document they only occur inside
    strings, and a line feed only between values: it stays)."""
    return _escape_surrogates(document.translate(_JSON_ESCAPES))
