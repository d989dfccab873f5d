"""`skill pack` and `skill publish`: thin wrappers over bundles and registry publishing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from skillreg.cli import say

if TYPE_CHECKING:
    from skillreg.core.diagnostics import Diagnostic


@click.command()
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(path_type=Path),
    default=".",
    help="Folder to write {name}-{version}.tar.gz into. [default: .]",
)
def pack(path: Path, out_dir: Path) -> None:
    """Build the reproducible bundle of the skill folder PATH.

    Prints the bundle's path and sha256. The same folder always gives the same bytes.
    """
    from skillreg.bundle.pack import pack_to_folder

    bundle, target = pack_to_folder(path, out_dir)
    say(f"{target}  sha256:{bundle.sha256}  {bundle.size} bytes")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--to",
    "registry",
    required=True,
    metavar="REGISTRY",
    help="Registry folder or file:// URL (created when missing or empty).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@click.option("--profile", metavar="PROFILE", help="Lint profile (default: from config).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def publish(
    paths: tuple[Path, ...], registry: str, dry_run: bool, profile: str | None, as_json: bool
) -> None:
    """Lint, pack and publish the skills under PATHS (default: .) to REGISTRY.

    Refused (exit 1, nothing written) when a skill has lint errors, names an unknown related
    skill, or changes an already published version. Publishing the same bytes again is a no-op.
    """
    from skillreg.registry.publish import LintRefusal, PublishOptions
    from skillreg.registry.publish import publish as run_publish

    options = PublishOptions(registry=registry, dry_run=dry_run, profile=profile)
    try:
        result = run_publish(list(paths) or [Path(".")], options)
    except LintRefusal as exc:
        click.echo(_findings(exc.diagnostics, exc.files), err=True, nl=False)
        raise
    if result.warnings:
        click.echo(_findings(result.warnings, result.files_linted), err=True, nl=False)
    if as_json:
        payload = {k: getattr(result, k) for k in ("published", "unchanged", "written", "dry_run")}
        click.echo(json.dumps({**payload, "registry": str(result.registry)}, indent=2))
        return
    verb = "would publish" if dry_run else "published"
    for spec in result.published:
        say(f"{verb} {spec}")
    for spec in result.unchanged:
        say(f"unchanged {spec}")
    for rel in result.written:
        say(f"{'would write' if dry_run else 'wrote'} {rel}")


def _findings(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """Lint findings as `skill lint` prints them (text format, paths from the current folder)."""
    from skillreg.lint.catalog import all_rules
    from skillreg.report import render

    return render("text", diagnostics, all_rules(), files_checked=files, root=Path.cwd())
