"""`skill yank|unyank|deprecate` and `skill registry verify|reindex`: registry maintenance."""

from __future__ import annotations

import json

import click

_FROM = click.option(
    "--from",
    "registry",
    required=True,
    metavar="REGISTRY",
    help="Registry folder, file:// or s3://BUCKET/PREFIX URL.",
)
ENDPOINT = click.option(
    "--endpoint-url",
    metavar="URL",
    help="S3-compatible endpoint for s3:// registries (default: from the AWS config).",
)


@click.command()
@click.argument("spec", metavar="NAME@VERSION")
@_FROM
@click.option("--reason", help="Why, shown to anyone who pins this version.")
@ENDPOINT
def yank(spec: str, registry: str, reason: str | None, endpoint_url: str | None) -> None:
    """Mark NAME@VERSION as yanked: resolution skips it unless pinned exactly."""
    from skillreg.registry.edit import yank as run

    click.echo(run(registry, spec, reason, endpoint_url).summary)


@click.command()
@click.argument("spec", metavar="NAME@VERSION")
@_FROM
@ENDPOINT
def unyank(spec: str, registry: str, endpoint_url: str | None) -> None:
    """Undo `skill yank` for NAME@VERSION."""
    from skillreg.registry.edit import unyank as run

    click.echo(run(registry, spec, endpoint_url).summary)


@click.command()
@click.argument("name")
@_FROM
@click.option("--message", help="What to use instead.")
@click.option("--undo", is_flag=True, help="Remove the deprecation.")
@ENDPOINT
def deprecate(
    name: str, registry: str, message: str | None, undo: bool, endpoint_url: str | None
) -> None:
    """Mark the skill NAME as deprecated (every version), or undo it."""
    from skillreg.registry.edit import deprecate as run

    click.echo(run(registry, name, message, undo, endpoint_url).summary)


@click.group()
def registry() -> None:
    """Check and repair a registry (folder or s3:// bucket)."""


@registry.command()
@click.argument("target", metavar="REGISTRY")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@ENDPOINT
def verify(target: str, as_json: bool, endpoint_url: str | None) -> None:
    """Check every document, bundle digest and derived file; exit 1 on any error.

    Orphan bundles (nothing references them) are reported as info and do not fail.
    """
    from skillreg.registry.verify import verify as run

    report = run(target, endpoint_url=endpoint_url)
    if as_json:
        findings = [
            {"severity": f.severity.label, "path": f.path, "message": f.message}
            for f in report.findings
        ]
        click.echo(json.dumps({"ok": report.ok, "findings": findings}, indent=2))
    else:
        for f in report.findings:
            click.echo(f"{f.path}: {f.severity.label}: {f.message}")
        verdict = "ok" if report.ok else "FAILED"
        click.echo(
            f"{verdict}: {report.skills} skills, {report.versions} versions, "
            f"{report.blobs} bundles checked"
        )
    if not report.ok:
        click.get_current_context().exit(1)


@registry.command()
@click.argument("target", metavar="REGISTRY")
@ENDPOINT
def reindex(target: str, endpoint_url: str | None) -> None:
    """Rebuild the derived files (the catalog, index.html) from the skill documents.

    Also removes temporary files that killed publishers left behind (older than 10 minutes).
    """
    from skillreg.registry.verify import reindex as run

    written, removed = run(target, endpoint_url=endpoint_url)
    for rel in written:
        click.echo(f"wrote {rel}")
    for rel in removed:
        click.echo(f"removed {rel} (left by an interrupted publish)")
    if not written and not removed:
        click.echo("derived files already current")
