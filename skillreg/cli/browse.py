"""`skill list`, `outdated`, `info`, `search`: read-only views, each with `--json`."""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Any

import click

from skillreg.cli.install import global_option, make_options, offline_option, scope_options
from skillreg.core.errors import EXIT_FAILED
from skillreg.core.terminal import for_terminal

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _dump(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, sort_keys=True))


@click.command("list", epilog="\b\nExamples:\n  skill list\n  skill list --global --json")
@global_option
@json_option
def list_installed(as_json: bool, **kw: Any) -> None:
    """Installed skills and their state: ok, modified (on disk), unmanaged or missing."""
    from skillreg.cli.tables import print_table
    from skillreg.install.status import list_installed as run

    rows = run(make_options(**kw))
    if as_json:
        _dump([dataclasses.asdict(r) for r in rows])
        return
    if not rows:
        click.echo("no skills installed", err=True)
        return
    print_table(
        ["name", "version", "status", "mode", "agents"],
        [(r.name, r.version, r.status, r.mode, ", ".join(r.agents) or "shared") for r in rows],
    )


@click.command(
    epilog="\b\nExamples:\n  skill outdated\n  skill outdated --exit-code   # in CI: 1 when "
    "something is outdated or yanked"
)
@global_option
@offline_option
@json_option
@click.option(
    "--exit-code", is_flag=True,
    help="Exit 1 when a skill is outdated or its version in use was yanked (like npm outdated).",
)  # fmt: skip
def outdated(as_json: bool, exit_code: bool, **kw: Any) -> None:
    """Installed skills with a newer version in range (wanted) or at all (latest), and those
    whose version in use was yanked."""
    from skillreg.install.status import outdated as run

    rows = run(make_options(**kw))
    if as_json:
        _dump([dataclasses.asdict(r) for r in rows])
    elif rows:
        from skillreg.cli.tables import print_table

        print_table(
            ["name", "current", "wanted", "latest", "note"],
            [(r.name, r.current, r.wanted, r.latest, _yank_note(r.yanked, r.yanked_reason))
             for r in rows],
        )  # fmt: skip
    from skillreg.core.terminal import for_terminal

    for r in rows:
        if r.yanked:  # the reason is the registry's text: untrusted, so neutralised
            reason = f" ({for_terminal(r.yanked_reason)})" if r.yanked_reason else ""
            click.echo(f"warning: {r.name} {r.current} is yanked{reason}; run `skill update "
                       f"{r.name}` or pin another version", err=True)  # fmt: skip
    if exit_code and rows:
        sys.exit(EXIT_FAILED)


def _yank_note(yanked: bool, reason: str | None) -> str:
    if not yanked:
        return ""
    return f"yanked: {reason}" if reason else "yanked"


@click.command(
    epilog="\b\nExamples:\n  skill info backend-developer\n  skill info golang-pro --json"
)
@click.argument("name")
@scope_options
@json_option
def info(name: str, as_json: bool, **kw: Any) -> None:
    """A skill's metadata (tier, council, category, license: of its newest version), its versions
    (yanked ones marked), related skills and digests."""
    from skillreg.install.status import info as run

    data = run(make_options(**kw), name)
    if as_json:
        _dump(data)
        return
    from skillreg.cli.tables import print_table
    from skillreg.core.terminal import for_terminal

    click.echo(for_terminal(f"{data['name']}  ({data['registry']})"))
    if data["deprecated"] is not None:
        click.echo(for_terminal(f"deprecated: {data['deprecated'] or 'no reason given'}"))
    newest = data["versions"][0] if data["versions"] else {}
    for key in ("license", "compatibility"):  # of the newest version, like the metadata
        if newest.get(key):
            click.echo(for_terminal(f"{key}: {newest[key]}"))
    for key, value in sorted(newest.get("metadata", {}).items()):
        click.echo(for_terminal(f"{key}: {value}"))
    print_table(
        ["version", "size", "sha256", "related", "note"],
        [(v["version"], str(v["size"]), v["sha256"], ", ".join(v["related"]),
          _yank_note(v["yanked"], v["yanked_reason"])) for v in data["versions"]],
        numeric=(1,),
    )  # fmt: skip


@click.command(
    epilog="\b\nExamples:\n  skill search python\n  skill search --tier executive\n"
    "  skill search 'data pipeline' --json"
)
@click.argument("query", required=False, default="")
@click.option("--tier", help="Only skills whose metadata.tier is TIER.")
@click.option("--council", help="Only skills whose metadata.council is COUNCIL.")
@click.option("--category", help="Only skills whose metadata.category is CATEGORY.")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many.")
@scope_options
@json_option
def search(
    query: str,
    tier: str | None,
    council: str | None,
    category: str | None,
    limit: int | None,
    as_json: bool,
    **kw: Any,
) -> None:
    """Skills in the registry's catalog matching QUERY (name matches first; typos tolerated)
    and the --tier/--council/--category filters; no QUERY lists every skill they keep."""
    from skillreg.install.status import search as run

    filters = {"tier": tier or "", "council": council or "", "category": category or ""}
    result = run(make_options(**kw), query, filters, limit)
    if as_json:
        _dump([hit.model_dump(mode="json") for hit in result.hits])
        return
    if result.hits:
        from skillreg.cli.tables import print_table

        rows = []
        for hit in result.hits:
            flag = " (deprecated)" if hit.deprecated else ""
            groups = ", ".join(hit.metadata[k] for k in ("tier", "council") if k in hit.metadata)
            where = f" [{groups}]" if groups else ""
            rows.append((hit.name, hit.latest or "-", f"{hit.description}{where}{flag}"))
        print_table(["name", "latest", "description"], rows)
        if result.total > len(result.hits):
            click.echo(f"({result.total - len(result.hits)} more; raise --limit)", err=True)
        return
    what = f"{query!r}" if query else "the filters"
    hint = f"; did you mean {', '.join(result.suggestions)}?" if result.suggestions else ""
    click.echo(for_terminal(f"no skills match {what}{hint}"), err=True)
    for note in result.notes:
        click.echo(for_terminal(note), err=True)
