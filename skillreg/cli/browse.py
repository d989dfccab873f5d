"""`skill list`, `outdated`, `info`, `search`: read-only views, each with `--json`."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import click

from skillreg.cli import say
from skillreg.cli.install import global_option, make_options, offline_option, scope_options

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
        say(f"{r.name:<28} {r.version:<12} {r.status:<9} {r.mode:<5} {where}")
    if not rows:
        say("no skills installed", err=True)


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
        say(f"{r.name:<28} {r.current:<12} wanted {r.wanted:<12} latest {r.latest}")


@click.command()
@click.argument("name")
@scope_options
@json_option
def info(name: str, as_json: bool, **kw: Any) -> None:
    """A skill's versions (yanked ones marked), related skills and digests."""
    from skillreg.install.status import info as run

    data = run(make_options(**kw), name)
    if as_json:
        _dump(data)
        return
    say(f"{data['name']}  ({data['registry']})")
    if data["deprecated"] is not None:
        say(f"deprecated: {data['deprecated'] or 'no reason given'}")
    for v in data["versions"]:
        yanked = f"  yanked: {v['yanked_reason'] or 'yes'}" if v["yanked"] else ""
        say(f"  {v['version']:<12} sha256:{v['sha256']}  {v['size']} bytes{yanked}")
        if v["related"]:
            say(f"  {'':<12} related: {', '.join(v['related'])}")


@click.command()
@click.argument("query")
@scope_options
@json_option
def search(query: str, as_json: bool, **kw: Any) -> None:
    """Skills in the registry's catalog whose name or description matches QUERY."""
    from skillreg.install.status import search as run

    hits = run(make_options(**kw), query)
    if as_json:
        _dump(hits)
        return
    for hit in hits:
        flag = " (deprecated)" if hit["deprecated"] else ""
        say(f"{hit['name']:<28} {hit['latest'] or '-':<10} {hit['description']}{flag}")
    if not hits:
        say(f"no skills match {query!r}", err=True)
