"""The SK5xx rules: what each finds, why it matters, and what to do about it."""

from __future__ import annotations

from skillreg.core.diagnostics import Rule, Severity

E, W = Severity.ERROR, Severity.WARNING

#: Recorded with every audit summary; bump when a rule's meaning changes.
SCANNER_VERSION = "skillreg-audit/1"

INVISIBLE = Rule(
    "SK501", "invisible-character", E,
    "Invisible Unicode (zero-width or tag characters) in the text.",
    "Invisible characters carry instructions a reviewer cannot see but an agent reads (ASCII "
    "smuggling through the U+E0000 tag block, zero-width payloads).",
    "Delete the characters; if one is needed, write it as an escape in a code example.",
)  # fmt: skip
BIDI = Rule(
    "SK502", "bidi-control", E,
    "A bidirectional override or isolate character (the Trojan Source class).",
    "Bidi controls make text display in a different order than it is read, so a reviewer sees "
    "one instruction and the agent follows another.",
    "Delete the control characters.",
)  # fmt: skip
COMMENT_INSTRUCTION = Rule(
    "SK503", "hidden-comment-instruction", E,
    "An HTML comment holds instructions or commands aimed at the agent.",
    "Comments are invisible in rendered Markdown but the agent reads them: a reviewer of the "
    "rendered page never sees the instruction.",
    "Move the text into the visible body, or delete it.",
)  # fmt: skip
HIDDEN_HTML = Rule(
    "SK504", "hidden-html-text", W,
    "Text hidden by HTML or CSS (display:none, hidden, zero font size, zero opacity).",
    "Hidden markup shows reviewers nothing while the agent reads everything inside it.",
    "Make the text visible or remove it.",
)  # fmt: skip
LOOKALIKE_NAME = Rule(
    "SK505", "lookalike-name", W,
    "The skill's name looks like another skill's name in the same collection or registry.",
    "A look-alike name (0 for o, rn for m, l for 1) lets a hostile skill be installed in place "
    "of the one the user meant.",
    "Choose a name that cannot be mistaken for the other skill's.",
)  # fmt: skip
PIPE_TO_SHELL = Rule(
    "SK510", "pipe-to-shell", W,
    "Downloaded content piped straight into a shell or interpreter (`curl … | sh`).",
    "The agent runs whatever the server sends at that moment, unreviewed and unpinned.",
    "Download to a file, check its digest, then run it; or install from a package manager.",
)  # fmt: skip
DOWNLOAD_EXEC = Rule(
    "SK511", "exec-downloaded", W,
    "Downloaded content evaluated in place (`eval \"$(curl …)\"`, `bash <(curl …)`, "
    "`exec(urlopen(…).read())`).",
    "As with a pipe to a shell, nothing the agent runs was reviewed.",
    "Download to a file, check its digest, then run it.",
)  # fmt: skip
ENCODED_BLOB = Rule(
    "SK512", "encoded-blob", W,
    "A long base64 or hex blob.",
    "Encoded blobs hide payloads from review; legitimate skills rarely need them outside images.",
    "Ship the content as a reviewable file, or explain the blob beside it.",
)  # fmt: skip
OBFUSCATED_EXEC = Rule(
    "SK513", "obfuscated-exec", E,
    "Encoded or obfuscated content decoded and executed (`base64 -d | sh`, `exec(b64decode(…))`).",
    "Decoding then executing exists to hide what runs; it is the signature of a dropper.",
    "Ship the code in the clear, or remove it.",
)  # fmt: skip
SECRET = Rule(
    "SK520", "hard-coded-secret", E,
    "A credential (cloud key, access token, private key) in a skill file.",
    "A published secret is compromised; a skill that carries one can also act as someone else.",
    "Revoke the credential, remove it, and read secrets from the environment at run time.",
)  # fmt: skip
CREDENTIAL_PATH = Rule(
    "SK530", "credential-access", W,
    "Reads credential stores (`~/.ssh`, `~/.aws`, browser profiles, `.env`).",
    "Skills rarely need the user's keys; reading them is the first step of theft.",
    "Remove the access, or explain in the text why the skill needs it.",
)  # fmt: skip
DISABLE_SAFETY = Rule(
    "SK531", "disables-safety", W,
    "Turns off the agent's or a tool's safety prompts (e.g. skip-permissions flags).",
    "Without confirmation prompts, every later instruction runs without the user seeing it.",
    "Leave the prompts on; tell the user which commands to allow instead.",
)  # fmt: skip
EXFILTRATION = Rule(
    "SK532", "sends-data-out", E,
    "Sends local files, credentials or the environment to a remote URL.",
    "Uploading the user's data is exfiltration unless the user asked for it.",
    "Remove the upload, or make it an explicit, documented step the user runs.",
)  # fmt: skip
PROMPT_INJECTION = Rule(
    "SK540", "prompt-injection", E,
    "Phrasing aimed at overriding the agent's instructions or hiding actions from the user.",
    "`ignore previous instructions`, `do not tell the user` and fake system turns try to take the "
    "agent away from its user.",
    "Remove the phrasing; a skill states what to do, never what to hide.",
)  # fmt: skip

AUDIT_RULES: tuple[Rule, ...] = (
    INVISIBLE, BIDI, COMMENT_INSTRUCTION, HIDDEN_HTML, LOOKALIKE_NAME, PIPE_TO_SHELL,
    DOWNLOAD_EXEC, ENCODED_BLOB, OBFUSCATED_EXEC, SECRET, CREDENTIAL_PATH, DISABLE_SAFETY,
    EXFILTRATION, PROMPT_INJECTION,
)  # fmt: skip
AUDIT_CODES = frozenset(rule.code for rule in AUDIT_RULES)
