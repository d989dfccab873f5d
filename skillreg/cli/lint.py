"""`skill lint` and `skill rules`: thin click wrappers over `skillreg.lint`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from skillreg.cli import say
from skillreg.core.diagnostics import Severity
from skillreg.core.errors import EXIT_FAILED, EXIT_OK
from skillreg.report import CHOICES

_LEVELS = ("error", "warning", "info")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--profile", help="Profile name or path to a profile .json (default: config, else agentskills)."
)
@click.option(
    "--select", multiple=True, help="Only these codes, names or prefixes (e.g. SK1,SK201)."
)
@click.option("--ignore", multiple=True, help="Skip these codes, names or prefixes.")
@click.option(
    "--fail-on", type=click.Choice(_LEVELS), help="Exit 1 on findings at or above this severity."
)
@click.option("--strict", is_flag=True, help="Same as --fail-on warning.")
@click.option(
    "--fix", is_flag=True, help="Apply safe fixes (BOM, CRLF, unquoted versions), then lint."
)
@click.option(
    "--output-format", "fmt", type=click.Choice(CHOICES), default="text", show_default=True
)
@click.option(
    "--config", type=click.Path(path_type=Path, dir_okay=False), help="Use this config file."
)
@click.option(
    "--known-name", multiple=True, help="A skill name that exists elsewhere (repeatable)."
)
@click.option(
    "--registry", metavar="URL|DIR",
    help="Resolve Related Skills against this registry's catalog too (default: config).",
)  # fmt: skip
@click.option("--offline", is_flag=True, help="Read the registry from the cache only.")
@click.option(
    "-j", "--jobs", type=click.IntRange(min=1), help="Worker processes (default: automatic)."
)
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
def lint(paths: tuple[Path, ...], profile: str | None, select: tuple[str, ...],
         ignore: tuple[str, ...], fail_on: str | None, strict: bool, fix: bool, fmt: str,
         config: Path | None, known_name: tuple[str, ...], registry: str | None,
         offline: bool, jobs: int | None, quiet: bool) -> None:  # fmt: skip
    """Check SKILL.md files (default: every skill under the current folder)."""
    from skillreg.lint import LintOptions, run_lint
    from skillreg.lint.catalog import all_rules
    from skillreg.report import render, resolve_format

    level = Severity.WARNING if strict else Severity.parse(fail_on) if fail_on else None
    options = LintOptions(
        profile=profile, known_names=frozenset(known_name), select=select or None,
        ignore=ignore, fail_on=level, fix=fix, config=config, jobs=jobs, registry=registry,
        offline=offline,
    )  # fmt: skip
    report = run_lint(list(paths), options)
    concrete = resolve_format(fmt, os.environ)
    color = concrete == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    # Inside GitHub Actions, paths in annotations and SARIF must be relative to the checkout.
    root = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
    output = render(concrete, report.diagnostics, all_rules(), files_checked=report.files,
                    root=root, color=color)  # fmt: skip
    if quiet and concrete == "text":
        output = _without_summary(output)
    click.echo(output, nl=False)
    if report.fixed and not quiet:
        say(f"fixed {len(report.fixed)} file(s): {', '.join(report.fixed)}", err=True)
    for path, why in report.unfixed.items():
        say(f"not fixed: {path}: {why}", err=True)
    sys.exit(EXIT_FAILED if report.failed else EXIT_OK)


def _without_summary(text: str) -> str:
    """The text format minus its last line (the summary) and the blank line before it."""
    lines = text.splitlines()[:-1]
    if lines and not lines[-1]:
        lines.pop()
    return "".join(line + "\n" for line in lines)


@click.command()
@click.argument("rule", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def rules(rule: str | None, as_json: bool) -> None:
    """List every lint rule, or explain RULE (a code such as SK105 or a name)."""
    from skillreg.lint.explain import describe, rule_table, rules_json, select_rules

    chosen = select_rules(rule)
    if as_json:
        click.echo(rules_json(chosen))
    elif rule is None:
        click.echo(rule_table(chosen), nl=False)
    else:
        click.echo(describe(chosen[0]), nl=False)
