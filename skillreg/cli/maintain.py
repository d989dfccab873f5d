"""`skill yank|unyank|deprecate` and `skill registry verify|reindex`: registry maintenance
(the signing commands of the `registry` group live in `skillreg.cli.signing`)."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING

import click

from skillreg.cli import say

if TYPE_CHECKING:
    from skillreg.registry.edit import EditResult

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


_JSON = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


def _show(result: EditResult, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(result), indent=2, sort_keys=True))
    else:
        say(result.summary)


@click.command(
    epilog="\b\nExamples:\n  skill yank golang-pro@1.2.0 --from ./site --reason 'leaks a token'"
)
@click.argument("spec", metavar="NAME@VERSION")
@_FROM
@click.option("--reason", help="Why, shown to anyone who pins this version.")
@_JSON
@ENDPOINT
def yank(
    spec: str, registry: str, reason: str | None, as_json: bool, endpoint_url: str | None
) -> None:
    """Mark NAME@VERSION as yanked: resolution skips it unless pinned exactly."""
    from skillreg.registry.edit import yank as run

    _show(run(registry, spec, reason, endpoint_url), as_json)


@click.command(epilog="\b\nExamples:\n  skill unyank golang-pro@1.2.0 --from ./site")
@click.argument("spec", metavar="NAME@VERSION")
@_FROM
@_JSON
@ENDPOINT
def unyank(spec: str, registry: str, as_json: bool, endpoint_url: str | None) -> None:
    """Undo `skill yank` for NAME@VERSION."""
    from skillreg.registry.edit import unyank as run

    _show(run(registry, spec, endpoint_url), as_json)


@click.command(
    epilog="\b\nExamples:\n  skill deprecate old-skill --from ./site --message 'use new-skill'"
)
@click.argument("name")
@_FROM
@click.option("--message", help="What to use instead.")
@click.option("--undo", is_flag=True, help="Remove the deprecation.")
@_JSON
@ENDPOINT
def deprecate(
    name: str,
    registry: str,
    message: str | None,
    undo: bool,
    as_json: bool,
    endpoint_url: str | None,
) -> None:
    """Mark the skill NAME as deprecated (every version), or undo it."""
    from skillreg.registry.edit import deprecate as run

    _show(run(registry, name, message, undo, endpoint_url), as_json)


@click.group(
    epilog="\b\nExamples:\n  skill registry verify ./site\n  skill registry reindex ./site"
)
def registry() -> None:
    """Check, repair and sign a registry (folder or s3:// bucket; signing: folders only)."""


@registry.command(epilog="\b\nExamples:\n  skill registry verify ./site --json")
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
            say(f"{f.path}: {f.severity.label}: {f.message}")
        verdict = "ok" if report.ok else "FAILED"
        signed = "" if report.signed is None else f", {report.signed} signed documents"
        say(
            f"{verdict}: {report.skills} skills, {report.versions} versions, "
            f"{report.blobs} bundles checked{signed}"
        )
    if not report.ok:
        click.get_current_context().exit(1)


@registry.command(epilog="\b\nExamples:\n  skill registry reindex ./site --json")
@click.argument("target", metavar="REGISTRY")
@_JSON
@ENDPOINT
def reindex(target: str, as_json: bool, endpoint_url: str | None) -> None:
    """Rebuild the derived files (the catalog, index.html) from the skill documents.

    Also removes temporary files that killed publishers left behind (older than 10 minutes).
    """
    from skillreg.registry.verify import reindex as run

    written, removed = run(target, endpoint_url=endpoint_url)
    if as_json:
        click.echo(json.dumps({"written": written, "removed": removed}, indent=2))
        return
    for rel in written:
        say(f"wrote {rel}")
    for rel in removed:
        say(f"removed {rel} (left by an interrupted publish)")
    if not written and not removed:
        say("derived files already current")


@registry.command(epilog="\b\nExamples:\n  skill registry site ./site")
@click.argument("target", metavar="REGISTRY")
def site(target: str) -> None:
    """Rebuild the web catalog (index.html and site/) from the skill documents.

    Publish and reindex keep it current; this rewrites it all, e.g. after upgrading skillreg.
    """
    from skillreg.registry.derived import rebuild_site

    written = rebuild_site(target)
    click.echo(f"wrote {len(written)} files" if written else "web catalog already current")


@registry.command(epilog="\b\nExamples:\n  skill registry serve ./site --port 8000")
@click.argument("target", metavar="REGISTRY", type=click.Path(file_okay=False))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; the default keeps the preview on this machine.",
)
def serve(target: str, port: int, host: str) -> None:
    """Preview a registry folder (its web catalog) over HTTP until Ctrl-C."""
    from pathlib import Path

    from skillreg.registry.site.serve import make_server

    server = make_server(Path(target), port, host, log=lambda line: click.echo(line, err=True))
    where = f"{host}:{server.server_address[1]}"
    click.echo(f"serving {target} at http://{where}/ (Ctrl-C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.server_close()


def _add_signing_commands() -> None:
    from skillreg.cli.signing import init, keygen, refresh, rotate

    for command in (keygen, init, refresh, rotate):
        registry.add_command(command)


_add_signing_commands()
