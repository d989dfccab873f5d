"""`skill list`, `outdated`, `info`, `search`: read-only views, each with `--json`."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import click

from skillreg.cli.install import global_option, make_options, offline_option, scope_options
from skillreg.report.text import printable

json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _dump(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, sort_keys=True))


@click.command("list")
@global_option
@json_option
def list_installed(as_json: bool, **kw: Any) -> None:
    """Installed skills and their state: ok, modified (on disk) or missing."""
    from skillreg.install.status import list_installed as run

    rows = run(make_options(**kw))
    if as_json:
        _dump([dataclasses.asdict(r) for r in rows])
        return
    for r in rows:
        where = ", ".join(r.agents) or "shared"
        click.echo(f"{r.name:<28} {r.version:<12} {r.status:<9} {r.mode:<5} {where}")
    if not rows:
        click.echo("no skills installed", err=True)


@click.command()
@global_option
@offline_option
@json_option
def outdated(as_json: bool, **kw: Any) -> None:
    """Installed skills with a newer version in range (wanted) or at all (latest)."""
    from skillreg.install.status import outdated as run

    rows = run(make_options(**kw))
    if as_json:
        _dump([dataclasses.asdict(r) for r in rows])
        return
    for r in rows:
        click.echo(f"{r.name:<28} {r.current:<12} wanted {r.wanted:<12} latest {r.latest}")


@click.command()
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
    click.echo(printable(f"{data['name']}  ({data['registry']})"))
    if data["deprecated"] is not None:
        click.echo(printable(f"deprecated: {data['deprecated'] or 'no reason given'}"))
    newest = data["versions"][0] if data["versions"] else {}
    for key in ("license", "compatibility"):  # of the newest version, like the metadata
        if newest.get(key):
            click.echo(printable(f"{key}: {newest[key]}"))
    for key, value in sorted(newest.get("metadata", {}).items()):
        click.echo(printable(f"{key}: {value}"))
    for v in data["versions"]:
        yanked = f"  yanked: {v['yanked_reason'] or 'yes'}" if v["yanked"] else ""
        line = f"  {v['version']:<12} sha256:{v['sha256']}  {v['size']} bytes{yanked}"
        click.echo(printable(line))
        if v["related"]:
            click.echo(f"  {'':<12} related: {', '.join(v['related'])}")


@click.command()
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
    else:
        for hit in result.hits:
            flag = " (deprecated)" if hit.deprecated else ""
            groups = ", ".join(hit.metadata[k] for k in ("tier", "council") if k in hit.metadata)
            where = f" [{groups}]" if groups else ""
            line = f"{hit.name:<28} {hit.latest or '-':<10} {hit.description}{where}{flag}"
            click.echo(printable(line))
        if result.total > len(result.hits):
            click.echo(f"({result.total - len(result.hits)} more; raise --limit)", err=True)
    if not result.hits:
        what = f"{query!r}" if query else "the filters"
        hint = f"; did you mean {', '.join(result.suggestions)}?" if result.suggestions else ""
        click.echo(printable(f"no skills match {what}{hint}"), err=True)
        for note in result.notes:
            click.echo(printable(note), err=True)
