"""`skill pack` and `skill publish`: thin wrappers over bundles and registry publishing."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from skillreg.cli import say
from skillreg.cli.progress import drawing, summary_line
from skillreg.core.errors import EXIT_FAILED
from skillreg.core.terminal import for_terminal

if TYPE_CHECKING:
    from skillreg.core.diagnostics import Diagnostic
    from skillreg.registry.publish import PublishResult


@click.command(epilog="\b\nExamples:\n  skill pack my-skill -o dist\n  skill pack --json")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(path_type=Path),
    default=".",
    help="Folder to write {name}-{version}.tar.gz into. [default: .]",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def pack(path: Path, out_dir: Path, as_json: bool) -> None:
    """Build the reproducible bundle of the skill folder PATH.

    Prints the bundle's path and sha256. The same folder always gives the same bytes.
    """
    from skillreg.bundle.pack import pack_to_folder

    bundle, target = pack_to_folder(path, out_dir)
    if as_json:
        fields = {"path": str(target), "name": bundle.name, "version": bundle.version,
                  "sha256": bundle.sha256, "size": bundle.size}  # fmt: skip
        click.echo(json.dumps(fields, indent=2, sort_keys=True))
        return
    say(f"{target}  sha256:{bundle.sha256}  {bundle.size} bytes")


PUBLISH_EXAMPLES = """
\b
Examples:
  skill publish skills/ --to ./site
  skill publish skills/ --to ./site --dry-run
  skill publish skills/ --to ./site --keep-going   # publish the valid ones, list the rest
"""


@click.command(epilog=PUBLISH_EXAMPLES)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--to",
    "registry",
    required=True,
    metavar="REGISTRY",
    help="Registry folder, file:// or s3://BUCKET/PREFIX URL (created when missing or empty).",
)
@click.option(
    "--endpoint-url",
    metavar="URL",
    help="S3-compatible endpoint for s3:// registries (default: from the AWS config).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be written; write nothing.")
@click.option("--profile", metavar="PROFILE", help="Lint profile (default: from config).")
@click.option("--keep-going", is_flag=True, help="Publish the valid skills; list the refused.")
@click.option("--nested", is_flag=True, help="Also publish SKILL.md files inside another skill.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
def publish(paths: tuple[Path, ...], registry: str, endpoint_url: str | None, dry_run: bool,
            profile: str | None, keep_going: bool, nested: bool, as_json: bool,
            quiet: bool) -> None:  # fmt: skip
    """Lint, pack and publish the skills under PATHS (default: .) to REGISTRY.

    Every refusal is reported at once (exit 1, nothing written): lint errors, unknown related
    skills, missing versions, changed published versions. Publishing the same bytes again is a
    no-op. A SKILL.md inside another skill's folder is not published unless --nested.
    """
    from skillreg.registry.publish import LintRefusal, PublishOptions
    from skillreg.registry.publish import publish as run_publish

    started = time.perf_counter()
    try:
        with drawing("Packed", "skill", quiet=quiet or as_json) as progress:
            options = PublishOptions(
                registry=registry, endpoint_url=endpoint_url, dry_run=dry_run, profile=profile,
                keep_going=keep_going, nested=nested, progress=progress,
                phase=getattr(progress, "phase", None),
            )  # fmt: skip
            result = run_publish(list(paths) or [Path(".")], options)
    except LintRefusal as exc:
        click.echo(_findings(exc.diagnostics, exc.files), err=True, nl=False)
        for refusal in exc.refusals:
            click.echo(f"refused: {for_terminal(refusal)}", err=True)
        raise
    if result.warnings:
        click.echo(_findings(result.warnings, result.files_linted), err=True, nl=False)
    for file in result.nested:
        click.echo(f"note: skipped {file}: inside another skill's folder (--nested publishes "
                   "it)", err=True)  # fmt: skip
    _print_result(result, as_json)
    if not dry_run:
        summary_line("Published", "skill", len(result.published), started, quiet=quiet or as_json)
    if result.refused:
        sys.exit(EXIT_FAILED)


def _print_result(result: PublishResult, as_json: bool) -> None:
    if as_json:
        keys = ("published", "unchanged", "written", "dry_run", "refused", "nested")
        payload = {k: getattr(result, k) for k in keys}
        click.echo(json.dumps({**payload, "registry": str(result.registry)}, indent=2))
        return
    verb = "would publish" if result.dry_run else "published"
    for spec in result.published:
        say(f"{verb} {spec}")
    for spec in result.unchanged:
        say(f"unchanged {spec}")
    for rel in result.written:
        say(f"{'would write' if result.dry_run else 'wrote'} {rel}")
    for refusal in result.refused:
        click.echo(f"refused: {for_terminal(refusal)}", err=True)


def _findings(diagnostics: Sequence[Diagnostic], files: int) -> str:
    """Lint findings as `skill lint` prints them (text format, paths from the current folder)."""
    from skillreg.lint.catalog import all_rules
    from skillreg.report import render

    return render("text", diagnostics, all_rules(), files_checked=files, root=Path.cwd())
