"""Rules about a file's syntax: encoding, size, frontmatter delimiters and YAML structure.

These findings come from parsing (`skillreg.skill.source`, `skillreg.skill.frontmatter`), before
any schema or
body rule runs; the lint rule catalogue includes them so that they are selectable like any other.
"""

from __future__ import annotations

from skillreg.core.diagnostics import Diagnostic, Rule, Severity

E, W = Severity.ERROR, Severity.WARNING

MISSING_SKILL_FILE = Rule(
    "SK001",
    "missing-skill-file",
    E,
    "A skill folder has no SKILL.md.",
    "Agents discover a skill by its SKILL.md; a folder without one is not a skill.",
    "Add a SKILL.md at the folder's root, or remove the folder from the paths you lint.",
)
NOT_UTF8 = Rule(
    "SK002",
    "not-utf8",
    E,
    "SKILL.md is not valid UTF-8.",
    "The Agent Skills format is UTF-8 text; other encodings are read as garbage or rejected.",
    "Re-save the file as UTF-8.",
)
BINARY_FILE = Rule(
    "SK003",
    "binary-file",
    E,
    "SKILL.md contains NUL bytes (binary content).",
    "A binary file is not Markdown; agents cannot load it.",
    "Replace the file with the skill's Markdown text.",
)
FILE_TOO_LARGE = Rule(
    "SK004",
    "file-too-large",
    E,
    "SKILL.md is larger than the configured size cap.",
    "Agents load the whole file into their context; a huge file wastes it and may be a mistake.",
    "Move long material into referenced files, or raise `max-file-size` in the lint config.",
)
BYTE_ORDER_MARK = Rule(
    "SK005",
    "byte-order-mark",
    W,
    "SKILL.md starts with a UTF-8 byte order mark.",
    "The reference validator and some agents reject frontmatter that does not start at byte 0.",
    "Remove the BOM (`skill lint --fix` does).",
)
CRLF_LINE_ENDINGS = Rule(
    "SK006",
    "crlf-line-endings",
    W,
    "SKILL.md uses CRLF line endings.",
    "Some frontmatter parsers do not recognise `---\\r\\n` as a delimiter.",
    "Convert to LF line endings (`skill lint --fix` does).",
)
SYMLINK_OUTSIDE = Rule(
    "SK007",
    "symlink-outside",
    E,
    "SKILL.md is a symlink to a file outside its skill folder.",
    "A cloned repository could point SKILL.md at any file on the machine (a key, a token), which "
    "lint would read and quote into a CI log; publish refuses such a link for the same reason.",
    "Copy the file into the skill folder, or link to a file inside it.",
)
MISSING_FRONTMATTER = Rule(
    "SK010",
    "missing-frontmatter",
    E,
    "SKILL.md does not start with YAML frontmatter.",
    "`name` and `description` live in frontmatter that starts with `---` on the first line.",
    "Start the file with `---`, the fields, then a closing `---`.",
)
UNTERMINATED_FRONTMATTER = Rule(
    "SK011",
    "unterminated-frontmatter",
    E,
    "The frontmatter has no closing `---` line.",
    "Without a closing delimiter the whole file would be read as YAML.",
    "Add a line `---` after the last frontmatter field.",
)
YAML_SYNTAX = Rule(
    "SK012",
    "yaml-syntax",
    E,
    "The frontmatter is not valid YAML.",
    "Agents skip a skill whose frontmatter they cannot read.",
    "Fix the YAML at the position given; quote values containing `: ` or starting with symbols.",
)
FRONTMATTER_NOT_MAPPING = Rule(
    "SK013",
    "frontmatter-not-mapping",
    E,
    "The frontmatter is not a mapping of keys to values.",
    "Fields such as `name` and `description` can only be read from a mapping.",
    "Write the frontmatter as `key: value` lines.",
)
DUPLICATE_KEY = Rule(
    "SK014",
    "duplicate-key",
    E,
    "A frontmatter key appears more than once in the same mapping.",
    "Parsers disagree on which value wins (most keep the last silently).",
    "Keep one of the two entries.",
)
YAML_ALIAS = Rule(
    "SK015",
    "yaml-anchor-alias",
    E,
    "The frontmatter uses YAML anchors or aliases.",
    "Aliases can expand exponentially (the 'billion laughs' attack) in tools that walk the data.",
    "Write each value out in full.",
)
TAB_INDENT = Rule(
    "SK016",
    "tab-indentation",
    E,
    "A frontmatter line is indented with a tab.",
    "YAML forbids tabs in indentation; parsers reject or misread such lines.",
    "Indent with spaces.",
)
DELIMITER_IN_VALUE = Rule(
    "SK017",
    "delimiter-in-value",
    W,
    "A frontmatter value contains `---`.",
    "Naive splitters (the reference validator among them) cut the frontmatter at any `---`.",
    "Reword the value so that it holds no `---`.",
)
NON_STRING_KEY = Rule(
    "SK018",
    "complex-key",
    E,
    "A frontmatter key is not a plain string.",
    "Keys must be strings for JSON-based consumers.",
    "Use a plain string key.",
)

SYNTAX_RULES: tuple[Rule, ...] = (
    MISSING_SKILL_FILE,
    NOT_UTF8,
    BINARY_FILE,
    FILE_TOO_LARGE,
    BYTE_ORDER_MARK,
    CRLF_LINE_ENDINGS,
    SYMLINK_OUTSIDE,
    MISSING_FRONTMATTER,
    UNTERMINATED_FRONTMATTER,
    YAML_SYNTAX,
    FRONTMATTER_NOT_MAPPING,
    DUPLICATE_KEY,
    YAML_ALIAS,
    TAB_INDENT,
    DELIMITER_IN_VALUE,
    NON_STRING_KEY,
)


def finding(
    rule: Rule,
    path: str,
    line: int,
    col: int,
    message: str,
    *,
    end_line: int | None = None,
    end_col: int | None = None,
    fixable: bool = False,
) -> Diagnostic:
    """A `Diagnostic` for `rule` with its default severity (config may override it later)."""
    return Diagnostic(
        path, line, col, rule.code, rule.name, rule.severity, message, end_line, end_col, fixable
    )
