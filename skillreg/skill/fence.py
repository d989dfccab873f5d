"""Where a SKILL.md's frontmatter starts and ends: the `---` lines, found without YAML.

Apart from `skillreg.skill.frontmatter`, which composes what is between them, so that a reader
that wants only the body (the audit's scan of an installed skill) does not import PyYAML.
"""

from __future__ import annotations


def split(text: str) -> tuple[int, int] | None:
    """Line indexes (0-based) of the opening and closing `---`; None when there is no frontmatter.

    The closing index is -1 when the frontmatter is never closed.
    """
    if not text.startswith("---"):
        return None
    first_end = text.find("\n")
    if text[3 : first_end if first_end >= 0 else len(text)].strip():
        return None  # `---x` is not a delimiter
    if first_end < 0:
        return 0, -1
    pos, line_no = first_end + 1, 1
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        if text[pos:end].rstrip() == "---":
            return 0, line_no
        pos, line_no = end + 1, line_no + 1
    return 0, -1
