"""Rules about the Markdown body: title, required sections, outline, size and relative links."""

from __future__ import annotations

import os
from itertools import pairwise
from urllib.parse import unquote

from skillreg.core.diagnostics import Diagnostic, Rule
from skillreg.lint import catalog as c
from skillreg.lint.profiles import Profile
from skillreg.skill.markdown import Body, Heading, is_relative
from skillreg.skill.parsed import ParsedSkill
from skillreg.skill.syntax_rules import finding


def body_findings(skill: ParsedSkill, body: Body, profile: Profile) -> list[Diagnostic]:
    found = outline_findings(skill.display, body, profile)
    found.extend(size_findings(skill.display, body, profile))
    if body.links:
        found.extend(link_findings(skill, body))
    return found


def _norm(title: str) -> str:
    return " ".join(title.casefold().rstrip(":").split())


def outline_findings(display: str, body: Body, profile: Profile) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    h1s = [h for h in body.headings if h.level == 1]
    if profile.require_single_h1:
        if not h1s:
            found.append(
                finding(c.MISSING_H1, display, body.first_line, 1, "the body has no `# Title`")
            )
        for extra in h1s[1:]:
            message = f"second level-1 heading '{extra.text}' (the title is on line {h1s[0].line})"
            found.append(_at(c.MULTIPLE_H1, display, extra, message))
    if profile.required_sections:
        present = {_norm(h.text) for h in body.headings if h.level == 2}
        line = h1s[0].line if h1s else body.first_line
        why = f" (required for {profile.applies_to})" if profile.applies_to else ""
        for title in profile.required_sections:
            if _norm(title) not in present:
                message = f"missing required section '## {title}'{why}"
                found.append(finding(c.MISSING_SECTION, display, line, 1, message))
    if profile.first_section or profile.last_section:
        found.extend(_order(display, body.headings, profile))
    found.extend(_duplicates(display, body.headings))
    found.extend(_jumps(display, body.headings))
    return found


def _at(rule: Rule, display: str, heading: Heading, message: str) -> Diagnostic:
    return finding(rule, display, heading.line, heading.col, message,
                   end_line=heading.line, end_col=heading.end_col)  # fmt: skip


def _order(display: str, headings: tuple[Heading, ...], profile: Profile) -> list[Diagnostic]:
    """SK210: the profile's first (last) section is present but another H2 comes before (after)
    it. A missing section is SK203's business."""
    h2s = [h for h in headings if h.level == 2]
    found = []
    for title, place, other in (
        (profile.first_section, "first", h2s[:1]),
        (profile.last_section, "last", h2s[-1:]),
    ):
        wanted = _norm(title) if title else ""
        at = next((h for h in h2s if _norm(h.text) == wanted), None)
        if at is None or not other or other[0] is at:
            continue
        where = "before" if place == "first" else "after"
        message = f"'## {at.text}' should be the {place} section "
        message += f"('## {other[0].text}' is {where} it)"
        found.append(_at(c.SECTION_ORDER, display, at, message))
    return found


def _duplicates(display: str, headings: tuple[Heading, ...]) -> list[Diagnostic]:
    """Same title (ignoring case) at the same level under the same parent heading."""
    found = []
    stack: list[Heading] = []  # the open headings, shallowest first
    seen: dict[tuple[int, int, str], Heading] = {}
    for heading in headings:
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        key = (heading.level, stack[-1].line if stack else 0, heading.text.casefold())
        first = seen.setdefault(key, heading)
        if first is not heading:
            message = f"section '{heading.text}' already appears on line {first.line}"
            found.append(_at(c.DUPLICATE_SECTION, display, heading, message))
        stack.append(heading)
    return found


def _jumps(display: str, headings: tuple[Heading, ...]) -> list[Diagnostic]:
    found = []
    for previous, heading in pairwise(headings):
        if heading.level > previous.level + 1:
            message = f"heading level {heading.level} follows level {previous.level}"
            found.append(_at(c.HEADING_JUMP, display, heading, message))
    return found


def size_findings(display: str, body: Body, profile: Profile) -> list[Diagnostic]:
    found = []
    lines = len(body.lines)
    if lines > profile.max_lines:
        message = f"the body is {lines} lines, over the recommended {profile.max_lines}"
        found.append(
            finding(c.BODY_TOO_LONG, display, body.first_line + profile.max_lines, 1, message)
        )
    tokens = (sum(map(len, body.lines)) + lines) // 4
    if tokens > profile.max_tokens:
        message = f"the body is about {tokens} tokens, over the recommended {profile.max_tokens}"
        found.append(finding(c.BODY_TOO_MANY_TOKENS, display, body.first_line, 1, message))
    return found


def link_findings(skill: ParsedSkill, body: Body) -> list[Diagnostic]:
    found = []
    root = os.path.abspath(skill.folder)
    verdicts: dict[str, tuple[Rule, str] | None] = {}  # a target repeated is checked once
    for link in body.links:
        if not is_relative(link.target):
            continue
        if link.target not in verdicts:
            verdicts[link.target] = link_problem(root, link.target)
        problem = verdicts[link.target]
        if problem is not None:
            rule, message = problem
            found.append(finding(rule, skill.display, link.line, link.col, message,
                                 end_line=link.line, end_col=link.end_col))  # fmt: skip
    return found


def link_problem(root: str, target: str) -> tuple[Rule, str] | None:
    """Why a relative link target is wrong: it leaves the skill folder or names nothing."""
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if not path:
        return None
    full = os.path.normpath(os.path.join(root, path))
    if full != root and not full.startswith(root + os.sep):
        return c.LINK_OUTSIDE_SKILL, f"link '{target}' leaves the skill folder"
    if not os.path.exists(full):
        return c.BROKEN_LINK, f"link '{target}' points to a file that does not exist"
    return None
