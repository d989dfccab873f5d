"""Secrets: credentials in any bundled file, by the documented formats of their issuers.

detect-secrets (Yelp) is the well-kept detector for this; importing it costs over a second, which
`skill lint` on every commit cannot pay, so the formats are matched here and the test suite checks
that detect-secrets agrees on every labelled secret. Only formats with a fixed prefix or structure
are matched: entropy guesses flag hashes and ids in documentation and would not stay switched on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from skillreg.audit import rules as r
from skillreg.audit.document import Document, anchors
from skillreg.audit.findings import at
from skillreg.core.diagnostics import Diagnostic
from skillreg.core.lazy_pattern import lazy

# (what, anchors that any match contains, in lower case, pattern)
_KINDS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("an AWS access key id", ("akia", "asia", "abia", "acca"),
     r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])"),
    ("an AWS secret access key", ("aws_secret_access_key",),
     r"aws_secret_access_key[\"']?[ \t]{0,4}[:=][ \t]{0,4}[\"']?"
     r"[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])"),
    ("a GitHub token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
     r"\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,251}\b"),
    ("a GitHub fine-grained token", ("github_pat_",), r"\bgithub_pat_[A-Za-z0-9_]{60,251}\b"),
    ("a GitLab token", ("glpat-",), r"\bglpat-[A-Za-z0-9_-]{20,64}\b"),
    ("a Slack token", ("xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-"),
     r"\bxox[abposr]-[A-Za-z0-9-]{10,250}"),
    ("a Slack webhook", ("hooks.slack.com",),
     r"https://hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{16,}"),
    ("a Google API key", ("aiza",), r"\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])"),
    ("a Stripe live key", ("_live_",), r"\b(?:sk|rk)_live_[0-9A-Za-z]{24,247}\b"),
    ("an OpenAI key", ("t3blbkfj",),
     r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,200}T3BlbkFJ[A-Za-z0-9_-]{16,200}"),
    ("an Anthropic key", ("sk-ant-",), r"\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,120}"),
    ("an npm token", ("npm_",), r"\bnpm_[A-Za-z0-9]{36}\b"),
    ("a PyPI token", ("pypi-ageichlwas5vcmc",), r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,250}"),
    ("a SendGrid key", ("sg.",), r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b"),
    ("a Telegram bot token", (":aa",), r"\b\d{8,10}:AA[0-9A-Za-z_-]{33}\b"),
    ("a Hugging Face token", ("hf_",), r"\bhf_[A-Za-z]{34}\b"),
    ("a private key", ("private key",),
     r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----"),
)  # fmt: skip
_PATTERNS = tuple(lazy(pattern) for _, _, pattern in _KINDS)
_ALL_ANCHORS = anchors(*(word for _, words, _ in _KINDS for word in words))
_PLACEHOLDER = lazy(r"EXAMPLE|X{6}|x{6}|0{8}|1234567|abcdef|your|<|\.\.\.|\*{4}", re.I)
_KEY_BODY = lazy(r"[A-Za-z0-9+/=]{40,}")


def secret_findings(doc: Document) -> Iterator[Diagnostic]:
    if not doc.holds_any(_ALL_ANCHORS):
        return  # most files: one look instead of one per kind
    for (kind, words, _), pattern in zip(_KINDS, _PATTERNS, strict=True):
        for line in doc.hits(words):
            for match in pattern.finditer(doc.text, *doc.span(line)):
                if kind == "a private key":
                    if not _KEY_BODY.match(doc.line(line + 1).strip()):
                        continue  # a header alone, as documentation shows it, holds no key
                elif _PLACEHOLDER.search(match.group()) or _repetitive(match.group()):
                    continue
                yield at(
                    doc, r.SECRET, match.start(), match.end(), f"{kind} is written in the file"
                )


def _repetitive(value: str) -> bool:
    return len(set(value)) < max(6, len(value) // 6)
