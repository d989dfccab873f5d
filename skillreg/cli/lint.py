"""`skill lint` and `skill rules`: thin click wrappers over `skillreg.lint`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from skillreg.cli import color, say
from skillreg.core.diagnostics import Severity
from skillreg.core.errors import EXIT_FAILED, EXIT_OK
from skillreg.report import CHOICES

if TYPE_CHECKING:
    from skillreg.lint.model import LintReport

_LEVELS = ("error", "warning", "info")

LINT_EXAMPLES = """
\b
Examples:
  skill lint                                  # every skill under the current folder
  skill lint --profile council --strict skills/
  skill lint --output-format github --sarif-file lint.sarif
  skill lint --statistics                     # findings per rule
"""


@click.command(epilog=LINT_EXAMPLES)
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
    "--sarif-file", type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the findings as SARIF to this file (one run, two outputs).",
)  # fmt: skip
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them.")
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
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary or progress.")
def lint(paths: tuple[Path, ...], profile: str | None, select: tuple[str, ...],
         ignore: tuple[str, ...], fail_on: str | None, strict: bool, fix: bool, fmt: str,
         sarif_file: Path | None, statistics: bool, config: Path | None,
         known_name: tuple[str, ...], registry: str | None, offline: bool, jobs: int | None,
         quiet: bool) -> None:  # fmt: skip
    """Check SKILL.md files (default: every skill under the current folder).

    Named files are reported on alone, but their Related Skills resolve against the whole
    collection (as pre-commit calls it).
    """
    from skillreg.cli.progress import counter
    from skillreg.lint import LintOptions, run_lint
    from skillreg.registry.lint_names import read_registry_names

    level = Severity.WARNING if strict else Severity.parse(fail_on) if fail_on else None
    options = LintOptions(
        profile=profile, known_names=frozenset(known_name), select=select or None,
        ignore=ignore, fail_on=level, fix=fix, config=config, jobs=jobs, registry=registry,
        offline=offline, registry_reader=read_registry_names,
    )  # fmt: skip
    with counter("Linted", "skill", quiet=quiet) as progress:
        report = run_lint(list(paths), options, progress=progress)
    if sarif_file is not None:
        _write_sarif(report, sarif_file)
    if statistics:
        _print_statistics(report, fmt)
    else:
        _print_report(report, fmt, quiet)
    sys.exit(EXIT_FAILED if report.failed else EXIT_OK)


def _root() -> Path:
    # Inside GitHub Actions, paths in annotations and SARIF must be relative to the checkout.
    return Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd())


def _print_report(report: LintReport, fmt: str, quiet: bool) -> None:
    from skillreg.lint.catalog import all_rules
    from skillreg.report import render, resolve_format

    concrete = resolve_format(fmt, os.environ)
    paint = concrete == "text" and color.for_stdout()
    output = render(concrete, report.diagnostics, all_rules(), files_checked=report.files,
                    root=_root(), color=paint)  # fmt: skip
    if quiet and concrete == "text":
        output = _without_summary(output)
    click.echo(output, nl=False, color=paint)
    if report.fixed and not quiet:
        say(f"fixed {len(report.fixed)} file(s): {', '.join(report.fixed)}", err=True)
    for path, why in report.unfixed.items():
        say(f"not fixed: {path}: {why}", err=True)


def _write_sarif(report: LintReport, path: Path) -> None:
    from skillreg.core.atomic import write_atomic
    from skillreg.core.errors import UsageError
    from skillreg.lint.catalog import all_rules
    from skillreg.report import render

    text = render("sarif", report.diagnostics, all_rules(), files_checked=report.files,
                  root=_root())  # fmt: skip
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write SARIF: {exc.strerror or exc}", path=path) from None


def _print_statistics(report: LintReport, fmt: str) -> None:
    """Findings per rule: a table for people, a list of objects for `--output-format json`."""
    from skillreg.lint.catalog import all_rules
    from skillreg.report.statistics import count_by_rule

    rows = count_by_rule(report.diagnostics, all_rules())
    if fmt == "json":
        from skillreg.core.jsonio import dump_json

        click.echo(dump_json([vars(row) for row in rows]).decode(), nl=False)
        return
    from skillreg.cli.tables import print_table

    print_table(
        ["count", "code", "rule", "fixable"],
        [(str(r.count), r.code, r.name, str(r.fixable) if r.fixable else "") for r in rows],
        numeric=(0, 3),
    )
    fixable = sum(row.fixable for row in rows)
    if fixable:
        click.echo(f"{fixable} fixable with --fix")


def _without_summary(text: str) -> str:
    """The text format minus its last line (the summary) and the blank line before it."""
    lines = text.splitlines()[:-1]
    if lines and not lines[-1]:
        lines.pop()
    return "".join(line + "\n" for line in lines)


@click.command(epilog="\b\nExamples:\n  skill rules\n  skill rules SK301\n  skill rules --json")
@click.argument("rule", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def rules(rule: str | None, as_json: bool) -> None:
    """List every lint rule, or explain RULE (a code such as SK105 or a name)."""
    from skillreg.lint.explain import describe, rules_json, select_rules

    chosen = select_rules(rule)
    if as_json:
        click.echo(rules_json(chosen))
    elif rule is None:
        from skillreg.cli.tables import print_table

        rows = [(r.code, r.name, r.severity.label, r.summary) for r in chosen]
        print_table(["code", "name", "severity", "summary"], rows)
    else:
        click.echo(describe(chosen[0]), nl=False)
