"""Prompt injection: phrasing aimed at taking the agent away from its user, scored.

A strong phrase (override the instructions, hide something from the user) scores 3, a fake system
turn or an appeal to a higher authority 2, covert-action words 1. A line scoring 3 or more is an
error, 2 a warning; below that nothing is reported, which keeps false positives rare. Text that
quotes such phrases as examples (in code, or in a line that names prompt injection) is a security
skill explaining the attack, not performing it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from skillreg.audit import rules as r
from skillreg.audit.document import Document, anchors
from skillreg.audit.findings import at
from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.core.lazy_pattern import lazy

_STRONG = lazy(
    r"\b(?:ignore|disregard|forget|override|bypass)[ \t]{1,4}(?:all[ \t]{1,4}|any[ \t]{1,4})?"
    r"(?:of[ \t]{1,4})?(?:the[ \t]{1,4}|your[ \t]{1,4}|my[ \t]{1,4})?"
    r"(?:previous|prior|above|earlier|preceding|original|system|safety)[ \t]{1,4}"
    r"(?:instructions?|prompts?|rules|directions|guidelines|messages?)\b"
    r"|\b(?:do[ \t]+not|don'?t|never)[ \t]{1,4}(?:tell|inform|notify|alert|mention[ \t]{1,4}"
    r"(?:this|it|anything)[ \t]{1,4}to|reveal[ \t]{1,4}(?:this|it)[ \t]{1,4}to|show)"
    r"[ \t]{1,4}the[ \t]{1,4}user\b"
    r"|\bwithout[ \t]{1,4}(?:telling|informing|notifying|alerting)[ \t]{1,4}the[ \t]{1,4}user\b"
    r"|\b(?:hide|conceal)[ \t]{1,4}(?:this|it|these[ \t]{1,4}\w{1,20}|your[ \t]{1,4}actions)"
    r"[ \t]{1,4}from[ \t]{1,4}the[ \t]{1,4}user\b"
    r"|\byou[ \t]{1,4}are[ \t]{1,4}now[ \t]{1,4}(?:in[ \t]{1,4})?(?:DAN|developer[ \t]{1,4}mode|"
    r"jailbroken|unrestricted|unfiltered)\b",
    re.I,
)
_MEDIUM = lazy(
    r"<\|(?:system|im_start\|>[ \t]{0,2}system)\|?>|\[(?:SYSTEM|INST)\]"
    r"|^\s{0,3}(?:SYSTEM|System)[ \t]*:"
    r"|\byour[ \t]{1,4}(?:real|true|new|actual)[ \t]{1,4}(?:instructions|task|purpose)\b"
    r"|\b(?:message|instruction|order)s?[ \t]{1,4}from[ \t]{1,4}(?:anthropic|openai|the[ \t]{1,4}"
    r"system|your[ \t]{1,4}(?:developer|creator|administrator))\b",
    re.I | re.M,
)
_WEAK = lazy(
    r"\b(?:secretly|silently|covertly|quietly)[ \t]{1,4}(?:run|execute|send|upload|delete|copy|"
    r"install|modify|add)\b",
    re.I,
)
_DISCUSSED = lazy(r"\b(?:injection|jailbreak|adversarial|red[ -]?team|attack)", re.I)


def injection_score(text: str) -> int:
    return (
        3 * len(_STRONG.findall(text)) + 2 * len(_MEDIUM.findall(text)) + len(_WEAK.findall(text))
    )


# Rare substrings every match contains (see `payloads` for why).
_STRONG_ANCHORS = anchors("ignore", "disregard", "forget", "override", "bypass", "tell the user",
                   "inform the user", "notify the user", "alert the user", "to the user",
                   "show the user", "from the user", "telling the user", "informing the user",
                   "notifying the user", "alerting the user", "you are now")  # fmt: skip
_MEDIUM_ANCHORS = anchors("<|", "[system]", "[inst]", "system:", "system :", "your real",
                          "your true", "your new", "your actual", "from anthropic", "from openai",
                          "from the system", "from your")  # fmt: skip
_WEAK_ANCHORS = anchors("secretly", "silently", "covertly", "quietly")


def injection_findings(doc: Document) -> Iterator[Diagnostic]:
    scores: dict[int, tuple[int, int, int]] = {}  # line -> (score, start, end)
    for pattern, weight, words in (
        (_STRONG, 3, _STRONG_ANCHORS), (_MEDIUM, 2, _MEDIUM_ANCHORS), (_WEAK, 1, _WEAK_ANCHORS)
    ):  # fmt: skip
        for line in doc.hits(words):
            if weight < 3 and doc.executed(line):
                continue  # a system turn inside a code example is how prompts are documented
            for match in pattern.finditer(doc.text, *doc.span(line)):
                score, start, end = scores.get(line, (0, match.start(), match.end()))
                scores[line] = (score + weight, min(start, match.start()), max(end, match.end()))
    for line, (score, start, end) in sorted(scores.items()):
        if score < 2 or _explained(doc, line):
            continue
        severity = Severity.ERROR if score >= 3 else Severity.WARNING
        yield at(doc, r.PROMPT_INJECTION, start, end,
                 "phrasing that tries to override the agent or hide actions from the user",
                 severity)  # fmt: skip


def _explained(doc: Document, line: int) -> bool:
    """Quoted as an example of the attack: in code or quotes, beside a mention of the attack or a
    warning against it."""
    text = doc.line(line)
    block = doc.block_of(line)
    quoted = block is not None or "`" in text or '"' in text or "\u201c" in text
    if not quoted:
        return False
    if doc.cautioned(line):
        return True
    start = block[0] if block is not None else line
    near = {*range(max(1, start - 3), start + 1), *range(max(1, line - 3), line + 1)}
    return any(_DISCUSSED.search(doc.line(n)) for n in sorted(near))
