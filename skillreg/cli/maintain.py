"""`skill yank|unyank|deprecate` and `skill registry verify|reindex`: registry maintenance."""

from __future__ import annotations

import json

import click

from skillreg.cli import say

_FROM = click.option(
    "--from", "registry", required=True, metavar="REGISTRY", help="Registry folder or file:// URL."
)


@click.command()
@click.argument("spec", metavar="NAME@VERSION")
@_FROM
@click.option("--reason", help="Why, shown to anyone who pins this version.")
def yank(spec: str, registry: str, reason: str | None) -> None:
    """Mark NAME@VERSION as yanked: resolution skips it unless pinned exactly."""
    from skillreg.registry.edit import yank as run

    say(run(registry, spec, reason).summary)


@click.command()
@click.argument("spec", metavar="NAME@VERSION")
@_FROM
def unyank(spec: str, registry: str) -> None:
    """Undo `skill yank` for NAME@VERSION."""
    from skillreg.registry.edit import unyank as run

    say(run(registry, spec).summary)


@click.command()
@click.argument("name")
@_FROM
@click.option("--message", help="What to use instead.")
@click.option("--undo", is_flag=True, help="Remove the deprecation.")
def deprecate(name: str, registry: str, message: str | None, undo: bool) -> None:
    """Mark the skill NAME as deprecated (every version), or undo it."""
    from skillreg.registry.edit import deprecate as run

    say(run(registry, name, message, undo).summary)


@click.group()
def registry() -> None:
    """Check and repair a registry folder."""


@registry.command()
@click.argument("target", metavar="REGISTRY")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def verify(target: str, as_json: bool) -> None:
    """Check every document, bundle digest and derived file; exit 1 on any error.

    Orphan bundles (nothing references them) are reported as info and do not fail.
    """
    from skillreg.registry.verify import verify as run

    report = run(target)
    if as_json:
        findings = [
            {"severity": f.severity.label, "path": f.path, "message": f.message}
            for f in report.findings
        ]
        click.echo(json.dumps({"ok": report.ok, "findings": findings}, indent=2))
    else:
        for f in report.findings:
            say(f"{f.path}: {f.severity.label}: {f.message}")
        verdict = "ok" if report.ok else "FAILED"
        say(
            f"{verdict}: {report.skills} skills, {report.versions} versions, "
            f"{report.blobs} bundles checked"
        )
    if not report.ok:
        click.get_current_context().exit(1)


@registry.command()
@click.argument("target", metavar="REGISTRY")
def reindex(target: str) -> None:
    """Rebuild the derived files (catalog.json, index.html) from the skill documents.

    Also removes temporary files that killed publishers left behind (older than 10 minutes).
    """
    from skillreg.registry.verify import reindex as run

    written, removed = run(target)
    for rel in written:
        say(f"wrote {rel}")
    for rel in removed:
        say(f"removed {rel} (left by an interrupted publish)")
    if not written and not removed:
        say("derived files already current")
