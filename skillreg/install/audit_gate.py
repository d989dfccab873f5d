"""The audit an install runs on every bundle it unpacks, before anything is put in place.

The registry's recorded audit summary is shown by `skill info`, but never trusted here: the
installer scans the files it is about to place. Findings at or above the reporting level are
shown; an error-level finding refuses the skill unless its code is allowed by the command line
(`--allow-audit CODE`, or `all`) or by the user's own config (``[install] allow-audit``). A
project's config is not read for this: a cloned repository must not switch its own checks off.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from skillreg.audit.findings import quoted
from skillreg.audit.scan import scan_folder
from skillreg.core.config import load_user_config
from skillreg.core.diagnostics import Diagnostic, Severity
from skillreg.core.errors import ConfigError, InstallError

ALL = "all"


class AuditPolicy(NamedTuple):
    allowed: frozenset[str] = frozenset()  # codes whose errors do not refuse; "all" for every one
    show: Severity = Severity.WARNING  # findings at or above this are shown

    def allows(self, code: str) -> bool:
        return ALL in self.allowed or code in self.allowed


def user_policy(allowed: tuple[str, ...], show: str | None) -> AuditPolicy:
    """The policy of this run: the command line's allowances plus the user config's."""
    config = load_user_config()
    section = config.section("install")
    extra = section.get("allow-audit", [])
    if not isinstance(extra, list) or not all(isinstance(code, str) for code in extra):
        raise ConfigError(
            f"{config.path}: [install] allow-audit must be a list of rule codes", path=config.path
        )
    level = show or section.get("audit-level", "warning")
    try:
        severity = Severity.parse(str(level))
    except ValueError as exc:
        raise ConfigError(
            f"{config.path}: [install] audit-level: {exc}", path=config.path
        ) from None
    codes = {code.strip().upper() if code.strip().lower() != ALL else ALL for code in allowed}
    codes |= {code.strip().upper() for code in extra}
    return AuditPolicy(frozenset(codes), severity)


def check_unpacked(
    folder: Path, label: str, policy: AuditPolicy, notice: Callable[[str], None] | None
) -> list[Diagnostic]:
    """Scan the unpacked skill in `folder`; show what the policy shows, refuse what it refuses."""
    found = scan_folder(folder, display=label)
    for finding in found:
        if finding.severity >= policy.show and notice is not None:
            notice(_line(finding))
    refused = [f for f in found if f.severity >= Severity.ERROR and not policy.allows(f.code)]
    if refused:
        codes = sorted({f.code for f in refused})
        first = _line(refused[0])
        raise InstallError(
            f"{label}: the audit found {len(refused)} error(s) ({', '.join(codes)}), first {first};"
            f" review with `skill audit`, or install anyway with"
            f" {' '.join(f'--allow-audit {code}' for code in codes)}"
        )
    return found


def _line(finding: Diagnostic) -> str:
    where = quoted(f"{finding.path}:{finding.line}:{finding.col}")
    return f"audit: {where}: {finding.code} {finding.severity.label}: {quoted(finding.message)}"
