"""Rendering a lint run's findings in one of the output formats (text, json, github, sarif).

Each format lives in its own module and is imported only when chosen, so `skill lint` pays for
`json` or `hashlib` only when it writes a format that needs them. Renderers return strings.

May import `core` only (it renders `Diagnostic` values, whoever made them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from skillreg.core.diagnostics import Diagnostic, Rule

# Concrete formats, in the order help text lists them; "auto" is resolved by `resolve_format`.
FORMATS: tuple[str, ...] = ("text", "json", "github", "sarif")
CHOICES: tuple[str, ...] = (*FORMATS, "auto")


def resolve_format(fmt: str, environ: Mapping[str, str]) -> str:
    """Turn `auto` into a concrete format: annotations inside GitHub Actions, text elsewhere."""
    if fmt == "auto":
        return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"
    if fmt not in FORMATS:
        raise ValueError(f"unknown output format {fmt!r} (use one of {', '.join(CHOICES)})")
    return fmt


def render(
    fmt: str,
    diagnostics: Sequence[Diagnostic],
    rules: Mapping[str, Rule],
    *,
    files_checked: int,
    root: Path | None = None,
    color: bool = False,
) -> str:
    """Render `diagnostics` as `fmt`, one of FORMATS (resolve `auto` first); ends with a newline.

    `rules` maps a code to its Rule: pass the whole catalog so that SARIF rule indexes do not
    depend on which rules fired. Paths are shown relative to `root` when they lie under it
    (SARIF and GitHub need repository-relative paths). `color` styles the text format only.
    Diagnostics are ordered by path, line, column and code whatever order they arrive in.
    """
    if fmt == "text":
        from skillreg.report import text

        return text.render(diagnostics, files_checked=files_checked, root=root, color=color)
    if fmt == "json":
        from skillreg.report import json_format

        return json_format.render(diagnostics, files_checked=files_checked, root=root)
    if fmt == "github":
        from skillreg.report import github

        return github.render(diagnostics, rules, files_checked=files_checked, root=root)
    if fmt == "sarif":
        from skillreg.report import sarif

        return sarif.render(diagnostics, rules, root=root)
    raise ValueError(f"unknown output format {fmt!r} (use one of {', '.join(FORMATS)})")
