"""Sensitive reach: reading credential stores, switching off safety prompts, sending data out.

Naming a credential path is not reading it: a security skill names `~/.ssh` to protect it. A
finding needs a verb that reads, copies or sends on the same line, and no caution nearby; sending
a credential, the environment or shell history to a remote host is an error wherever it appears.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from skillreg.audit import rules as r
from skillreg.audit.document import Document, anchors
from skillreg.audit.findings import at
from skillreg.core.diagnostics import Diagnostic
from skillreg.core.lazy_pattern import lazy

_CREDENTIALS = lazy(
    r"(?:~|\$HOME|\$\{HOME\}|%USERPROFILE%|/home/[\w.-]{1,32}|/root)/\.(?:ssh|aws|gnupg|kube|docker"
    r"|netrc|git-credentials|npmrc|pypirc|config/gcloud|azure|password-store)\b"
    r"|\bid_(?:rsa|ed25519|ecdsa|dsa)\b(?!\.pub)"
    r"|\.aws/credentials\b|/etc/shadow\b"
    r"|\b(?:Login[ ]Data|Local[ ]State|cookies\.sqlite|logins\.json|key[34]\.db)\b"
    r"|(?:Google/Chrome|google-chrome|\.mozilla/firefox|BraveSoftware|Microsoft/Edge)/"
    r"|\.(?:bash|zsh)_history\b",
)
_READS = lazy(
    r"\b(?:cat|less|more|head|tail|read|reads|open|opens|copy|copies|cp|scp|rsync|tar|zip|upload"
    r"|send|print|dump|collect|exfiltrate|grep|base64|load|readFile|read_text|open\(|os\.walk"
    r"|glob|find)\b",
    re.I,
)
_PROTECTS = lazy(
    r"\b(?:protect|permissions?|chmod|chown|gitignore|\.gitignore|never[ ]commit|exclude|secure"
    r"|restrict|private|do[ ]not[ ]share|don'?t[ ]share|ssh-keygen|ssh-add|ssh-copy-id|backup)\b",
    re.I,
)
_SAFETY = lazy(
    r"--dangerously-(?:skip-permissions|bypass-approvals-and-sandbox)\b|--yolo\b"
    r"|\bbypassPermissions\b|--trust-all-tools\b|--allow-all-tools\b"
    r"|\bapproval[_-]policy[\"']?[ \t]{0,4}[=:][ \t]{0,4}[\"']?never\b"
    r"|\b(?:disable|turn[ \t]off|bypass|suppress)[ \t]{1,4}(?:all[ \t]{1,4}|the[ \t]{1,4})?"
    r"(?:safety|security|confirmation|permission|approval)[ \t]{1,4}(?:prompts?|checks?|dialogs?"
    r"|questions?|confirmations?)\b"
    r"|\bwithout[ \t]{1,4}asking[ \t]{1,4}(?:the[ \t]{1,4}user[ \t]{1,4})?for[ \t]{1,4}"
    r"(?:permission|confirmation|approval)\b",
    re.I,
)
_SENDS = lazy(
    r"\b(?:curl|wget[ \t][^\n]{0,80}--post|nc|ncat|netcat|socat|scp|requests\.post|httpx\.post"
    r"|urllib\.request\.urlopen|Invoke-WebRequest|Invoke-RestMethod|iwr|irm|smtplib)\b|\bfetch\(",
    re.I,
)
_LOCAL_DATA = lazy(
    r"\b(?:env|printenv|set)[ \t]*\||\$\((?:env|printenv)\)|`(?:env|printenv)`"
    r"|os\.environ\b(?!\.get|\[)"
    r"|process\.env\b(?!\.)|Get-ChildItem[ \t]+env:|\.env\b(?!\.example|\.sample|\.template)",
    re.I,
)
_PUBLIC_KEY = lazy(r"\.pub\b|ssh-copy-id")
# What makes a request carry local data out, rather than fetch something in.
_UPLOADS = lazy(
    r"[ \t]-(?:d|F|T)\b|--data|--form|--upload-file|-X[ \t]{0,4}(?:POST|PUT)\b|--request[ \t]{1,4}"
    r"(?:POST|PUT)\b|[ \t]@[~/$.\w]|\.post\(|smtplib|\|[ \t]{0,8}(?:curl|nc|ncat|netcat|socat)\b"
    r"|(?:nc|ncat|netcat)\b[^\n<]{0,80}<|\bscp\b",
)
_DROP = lazy(
    r"\b(?:webhook\.site|requestbin|pipedream\.net|ngrok(?:-free)?\.(?:io|app)|burpcollaborator"
    r"|interact\.sh|oast\.(?:fun|live|pro|site)|pastebin\.com|transfer\.sh|discord(?:app)?\.com/api"
    r"/webhooks)\b",
    re.I,
)


# Rare substrings every match contains (see `payloads` for why).
_CREDENTIAL_ANCHORS = anchors("/.ssh", "/.aws", "/.gnupg", "/.kube", "/.docker", "/.netrc",
                       "/.git-credentials", "/.npmrc", "/.pypirc", "/.config/gcloud", "/.azure",
                       "/.password-store", "id_rsa", "id_ed25519", "id_ecdsa", "id_dsa",
                       "/etc/shadow", "login data", "local state", "cookies.sqlite", "logins.json",
                       "key3.db", "key4.db", "google/chrome", "google-chrome", ".mozilla/firefox",
                       "bravesoftware", "microsoft/edge", "_history")  # fmt: skip
_SAFETY_ANCHORS = anchors("dangerously", "--yolo", "bypasspermissions", "trust-all-tools",
                   "allow-all-tools", "approval_policy", "approval-policy", "safety ",
                   "confirmation ", "permission ", "approval ", "security prompt",
                   "security check", "security dialog", "without asking")  # fmt: skip
_DATA_ANCHORS = _CREDENTIAL_ANCHORS + anchors(
    "env |", "env|", "printenv", "os.environ", "process.env", "env:", ".env", "$(env", "`env",
    "webhook", "requestbin", "pipedream", "ngrok", "burpcollaborator", "interact.sh", "oast.",
    "pastebin", "transfer.sh",
)  # fmt: skip


def reach_findings(doc: Document) -> Iterator[Diagnostic]:
    yield from _credential_reads(doc)
    for line in doc.hits(_SAFETY_ANCHORS):
        match = _SAFETY.search(doc.text, *doc.span(line))
        if match is not None and not doc.cautioned(line):
            yield at(doc, r.DISABLE_SAFETY, match.start(), match.end(),
                     "switches off the prompts that let the user see what runs")  # fmt: skip
    yield from _exfiltration(doc)


def _credential_reads(doc: Document) -> Iterator[Diagnostic]:
    for line in doc.hits(_CREDENTIAL_ANCHORS):
        match = _CREDENTIALS.search(doc.text, *doc.span(line))
        if match is None:
            continue
        text = doc.line(line)
        if not _READS.search(text) or _PROTECTS.search(text) or _PUBLIC_KEY.search(text):
            continue
        if doc.cautioned(line):
            continue
        yield at(doc, r.CREDENTIAL_PATH, match.start(), match.end(),
                 f"reads {match.group()}, where the user's credentials live")  # fmt: skip


def _local_data(text: str) -> re.Match[str] | None:
    """A credential path or environment dump on the line that is not part of a URL."""
    for pattern in (_CREDENTIALS, _LOCAL_DATA):
        for match in pattern.finditer(text):
            token_start = max(text.rfind(" ", 0, match.start()), text.rfind("\t", 0, match.start()))
            if "://" not in text[token_start + 1 : match.start()]:
                return match
    return None


def _exfiltration(doc: Document) -> Iterator[Diagnostic]:
    for line in doc.hits(_DATA_ANCHORS):
        send = _SENDS.search(doc.text, *doc.span(line))
        if send is None:
            continue
        text = doc.line(line)
        if _PUBLIC_KEY.search(text):
            continue  # copying a public key to a server is how ssh access is granted
        if not _UPLOADS.search(text):
            continue  # a download, even of a file called id_rsa, sends nothing of the user's
        what = _local_data(text)
        drop = _DROP.search(text)
        if (what is None and drop is None) or doc.cautioned(line):
            continue
        where = f"to {drop.group()}" if drop is not None else "to a remote host"
        sent = f"{what.group().strip(' |')}" if what is not None else "data"
        yield at(doc, r.EXFILTRATION, send.start(), send.end(), f"sends {sent} {where}")
