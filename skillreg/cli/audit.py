"""`skill audit`: scan skills for what they hide (the SK5xx family) in folders, in a registry's
bundles, or as installed; output formats and exit codes as `skill lint`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from skillreg.core.diagnostics import Severity
from skillreg.core.errors import EXIT_FAILED, UsageError
from skillreg.report import CHOICES


@click.command()
@click.argument("targets", nargs=-1, metavar="[PATH | NAME[@RANGE]]...")
@click.option("--registry", "-r", metavar="URL|DIR", help="Audit NAME[@RANGE] from this registry.")
@click.option("--installed", is_flag=True, help="Audit the skills installed in this project.")
@click.option("--global", "-g", "global_", is_flag=True, help="With --installed: user scope.")
@click.option("--select", multiple=True, help="Only these codes, names or prefixes (e.g. SK52).")
@click.option("--ignore", multiple=True, help="Skip these codes, names or prefixes.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]),
              help="Exit 1 on findings at or above this severity (default: error).")  # fmt: skip
@click.option("--output-format", "fmt", type=click.Choice(CHOICES), default="text",
              show_default=True)  # fmt: skip
def audit(targets: tuple[str, ...], registry: str | None, installed: bool, global_: bool,
          select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str | None,
          fmt: str) -> None:  # fmt: skip
    """Find hidden instructions, payloads, secrets and data theft in skills.

    Scans every file of each skill (rules SK5xx, listed by `skill rules`); exit 1 when a finding
    reaches --fail-on.

    \b
    Examples:
      skill audit                               every skill under the current folder
      skill audit skills/                       the skills under a folder
      skill audit backend-developer@^1 -r URL   a registry's bundle, before installing it
      skill audit --installed                   what this project has installed
    """
    from skillreg.lint.audit_run import AuditOptions, audit_folders, audit_paths
    from skillreg.lint.catalog import all_rules
    from skillreg.report import render, resolve_format

    level = Severity.parse(fail_on) if fail_on else None
    options = AuditOptions(select=select or None, ignore=ignore, fail_on=level)
    if installed or registry:
        from dataclasses import replace

        from skillreg.install.audit_sources import installed_folders, registry_folders
        from skillreg.install.session import InstallOptions

        where = InstallOptions(cwd=Path.cwd(), registry=registry, global_=global_)
        untrusted = replace(options, suppressions=False)
        if installed:
            report = audit_folders(installed_folders(where), untrusted)
        else:
            if not targets:
                raise UsageError("give NAME[@RANGE] to audit from --registry")
            with registry_folders(where, list(targets)) as folders:
                report = audit_folders(folders, untrusted)
    else:
        report = audit_paths([Path(t) for t in targets], options)
    concrete = resolve_format(fmt, os.environ)
    color = concrete == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    root = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
    click.echo(render(concrete, report.diagnostics, all_rules(), files_checked=report.files,
                      root=root, color=color), nl=False)  # fmt: skip
    if report.failed:
        sys.exit(EXIT_FAILED)
