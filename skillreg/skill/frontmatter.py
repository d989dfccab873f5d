"""YAML frontmatter: splitting it off the body, and its values with the position of every node.

libyaml's composer (``yaml.compose`` with ``CSafeLoader``) gives a node tree with marks, cheaply.
Values are built from that tree here rather than by PyYAML's constructor so that duplicate keys,
anchors and aliases are seen (and refused) instead of silently resolved or expanded.
"""

from __future__ import annotations

import unicodedata
from typing import Any, NamedTuple

import yaml

from skillreg.core.diagnostics import Diagnostic
from skillreg.skill import syntax_rules as sr

Key = tuple[str | int, ...]
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_TAG_PREFIX = "tag:yaml.org,2002:"
_STR_TAG = _TAG_PREFIX + "str"
_MAX_DEPTH = 32  # frontmatter is a few levels deep; deeper nesting is refused, not recursed into


class Span(NamedTuple):
    """1-based file positions; `end_col` is exclusive.

    Spans and entries are named tuples, not frozen dataclasses: every node of every frontmatter
    has one or two, and a tuple is built several times faster.
    """

    line: int
    col: int
    end_line: int
    end_col: int


class Entry(NamedTuple):
    """What lint needs to know about one node besides its value."""

    span: Span
    key_span: Span | None  # the key's span when the node is a mapping value
    tag: str  # "str", "int", "float", "bool", "null", "timestamp", "map", "seq", or a custom tag
    plain: bool  # an unquoted scalar: its type came from YAML's implicit resolution
    raw: str | None  # the scalar's source text
    key_tag: str | None = None  # the key's tag, in `tag`'s form, when the node is a mapping value


class Frontmatter(NamedTuple):
    """Parsed frontmatter. `data` is None when the YAML could not be read safely."""

    data: Any
    entries: dict[Key, Entry]
    first_line: int  # file line of the first YAML line
    closing_line: int  # file line of the closing `---`

    def span(self, key: Key) -> Span:
        """The span of `key`, or of its nearest ancestor that exists."""
        while key not in self.entries and key:
            key = key[:-1]
        entry = self.entries.get(key)
        return entry.span if entry else Span(self.first_line - 1, 1, self.first_line - 1, 4)


def parse(
    yaml_text: str, first_line: int, closing_line: int, path: str
) -> tuple[Frontmatter, list[Diagnostic]]:
    """Compose the YAML between the delimiters; `first_line` is its file line (1-based)."""
    findings = _tab_findings(yaml_text, first_line, path)
    if ("&" in yaml_text or "*" in yaml_text) and (alias := _first_anchor(yaml_text)):
        line, col = alias
        findings.append(
            sr.finding(
                sr.YAML_ALIAS,
                path,
                line + first_line,
                col + 1,
                "YAML anchors and aliases are not allowed in frontmatter",
            )
        )
        return Frontmatter(None, {}, first_line, closing_line), findings
    try:
        node = yaml.compose(yaml_text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + first_line
        if not any(f.line == line for f in findings):  # a tab finding already explains it
            col = (mark.column if mark else 0) + 1
            findings.append(sr.finding(sr.YAML_SYNTAX, path, line, col, _yaml_message(exc)))
        return Frontmatter(None, {}, first_line, closing_line), findings
    except yaml.reader.ReaderError as exc:
        line, col, message = _reader_problem(yaml_text, exc)
        findings.append(sr.finding(sr.YAML_SYNTAX, path, line + first_line, col + 1, message))
        return Frontmatter(None, {}, first_line, closing_line), findings
    except (yaml.YAMLError, RecursionError) as exc:
        message = f"frontmatter cannot be read as YAML: {type(exc).__name__}"
        findings.append(sr.finding(sr.YAML_SYNTAX, path, first_line, 1, message))
        return Frontmatter(None, {}, first_line, closing_line), findings
    builder = _Builder(first_line, path)
    data = builder.value(node, (), None) if node is not None else None
    fm = Frontmatter(data, builder.entries, first_line, closing_line)
    findings.extend(builder.findings)
    if not isinstance(data, dict):
        span = fm.span(())
        kind = "empty" if data is None else f"a {type(data).__name__}"
        findings.append(
            sr.finding(
                sr.FRONTMATTER_NOT_MAPPING,
                path,
                span.line,
                span.col,
                f"frontmatter is {kind}, not a mapping of fields",
            )
        )
    return fm, findings


class _Builder:
    """Turns a composed node tree into plain values plus an `Entry` per key path."""

    def __init__(self, first_line: int, path: str) -> None:
        self.first_line = first_line
        self.path = path
        self.entries: dict[Key, Entry] = {}
        self.findings: list[Diagnostic] = []

    def span(self, node: yaml.Node) -> Span:
        start, end = node.start_mark, node.end_mark
        return Span(
            start.line + self.first_line,
            start.column + 1,
            end.line + self.first_line,
            end.column + 1,
        )

    def value(
        self, node: yaml.Node, key: Key, key_span: Span | None, key_tag: str | None = None
    ) -> Any:
        if len(key) > _MAX_DEPTH:
            span = self.span(node)
            message = f"frontmatter nests deeper than {_MAX_DEPTH} levels"
            if not self.findings or self.findings[-1].message != message:
                self.findings.append(
                    sr.finding(sr.YAML_SYNTAX, self.path, span.line, span.col, message)
                )
            return None
        if isinstance(node, yaml.MappingNode):
            self.entries[key] = Entry(self.span(node), key_span, "map", False, None, key_tag)
            return self.mapping(node, key)
        if isinstance(node, yaml.SequenceNode):
            self.entries[key] = Entry(self.span(node), key_span, "seq", False, None, key_tag)
            return [self.value(item, (*key, i), None) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        plain = not node.style  # libyaml reports plain scalars as '' (the pure loader: None)
        entry = Entry(self.span(node), key_span, _short_tag(node), plain, node.value, key_tag)
        self.entries[key] = entry
        return _scalar(node)

    def mapping(self, node: yaml.MappingNode, key: Key) -> dict[str, Any]:
        result: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_span = self.span(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                self.findings.append(
                    sr.finding(
                        sr.NON_STRING_KEY,
                        self.path,
                        key_span.line,
                        key_span.col,
                        "a mapping key must be a plain string",
                    )
                )
                continue
            name = key_node.value
            if name in seen:
                self.findings.append(
                    sr.finding(
                        sr.DUPLICATE_KEY,
                        self.path,
                        key_span.line,
                        key_span.col,
                        f"duplicate key '{name}' (first defined on line {seen[name]})",
                        end_line=key_span.end_line,
                        end_col=key_span.end_col,
                    )
                )
            seen[name] = key_span.line
            result[name] = self.value(value_node, (*key, name), key_span, _short_tag(key_node))
        return result


def _short_tag(node: yaml.Node) -> str:
    """The tag's suffix for core tags (``int``), else the full custom tag (``!x``)."""
    tag: str = node.tag
    return tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag


def _scalar(node: yaml.ScalarNode) -> Any:
    if node.tag == _STR_TAG:
        return node.value  # what SafeConstructor's str constructor returns, without the calls
    constructor = _CONSTRUCTOR.yaml_constructors.get(node.tag)
    if constructor is None:
        return node.value  # a custom tag: keep the text
    try:
        return constructor(_CONSTRUCTOR, node)
    except (yaml.YAMLError, ValueError, OverflowError):
        return node.value


def _tab_findings(yaml_text: str, first_line: int, path: str) -> list[Diagnostic]:
    if "\t" not in yaml_text:
        return []
    findings = []
    for index, line in enumerate(yaml_text.split("\n")):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            findings.append(
                sr.finding(
                    sr.TAB_INDENT,
                    path,
                    index + first_line,
                    indent.index("\t") + 1,
                    "tab character in indentation (YAML allows only spaces)",
                )
            )
    return findings


def _first_anchor(yaml_text: str) -> tuple[int, int] | None:
    """Position (0-based) of the first anchor or alias, from the event stream (never expanded)."""
    try:
        for event in yaml.parse(yaml_text, Loader=yaml.CSafeLoader):
            if (isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None)) and (
                event.start_mark is not None
            ):
                return event.start_mark.line, event.start_mark.column
    except yaml.YAMLError:
        return None  # compose reports the syntax error with its position
    return None


def _reader_problem(yaml_text: str, exc: yaml.reader.ReaderError) -> tuple[int, int, str]:
    """(line, column) (0-based, in `yaml_text`) and a message for a character YAML refuses.

    The reader refuses the first such character in the stream, so its first occurrence is the
    one; libyaml's `position` counts UTF-8 bytes, not characters, and is only the fallback.
    """
    code = exc.character if isinstance(exc.character, int) else None
    index = yaml_text.find(chr(code)) if code is not None else -1
    if index < 0:
        prefix = yaml_text.encode("utf-8")[: max(exc.position, 0)]
        index = len(prefix.decode("utf-8", "ignore"))
    line = yaml_text.count("\n", 0, index)
    col = index - (yaml_text.rfind("\n", 0, index) + 1)
    if code is None:
        return line, col, f"invalid YAML: {exc.reason}"
    kind = "control character" if unicodedata.category(chr(code)) == "Cc" else "character"
    return line, col, f"{kind} U+{code:04X} is not allowed in YAML"


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "invalid YAML"
    context = f" {exc.context}" if exc.context else ""
    return f"invalid YAML: {problem}{context}".replace("\n", " ")
