"""`skill graph`: the related-skills graph of a collection, or one skill's neighbourhood."""

from __future__ import annotations

from pathlib import Path

import click

EXAMPLES = """
\b
Examples:
  skill graph                              # every skill under the current folder
  skill graph backend-developer skills/    # one skill's neighbourhood
  skill graph --format mermaid > graph.md
"""


@click.command(epilog=EXAMPLES)
@click.argument("args", nargs=-1, metavar="[NAME] [PATHS]...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "mermaid", "dot", "json"]),
    default="text",
    show_default=True,
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.option("--name", "name_option", metavar="NAME", help="The skill to centre on.")
def graph(args: tuple[str, ...], fmt: str, as_json: bool, name_option: str | None) -> None:
    """Show how the skills under PATHS (default: the current folder) name each other.

    A first argument that is a skill name found in the graph of the remaining PATHS is the NAME
    whose outgoing and incoming edges to show; otherwise it is a path. --name is unambiguous.
    """
    from skillreg.core.errors import UsageError
    from skillreg.core.names import is_skill_name
    from skillreg.index.graph import RENDERERS, collection_graph
    from skillreg.registry.lint_names import read_registry_names

    def paths_of(items: tuple[str, ...]) -> tuple[Path, ...]:
        return tuple(Path(item) for item in items) or (Path("."),)

    name = name_option
    full = collection_graph(paths_of(args if name or not args else args[1:]), read_registry_names)
    if name is None and args and is_skill_name(args[0]):
        if args[0] in full or not Path(args[0]).exists():
            name = args[0]
        else:
            full = collection_graph(paths_of(args), read_registry_names)
    elif name is None and args:
        full = collection_graph(paths_of(args), read_registry_names)
    if name is not None and name not in full:
        raise UsageError(f"no skill named '{name}' in the graph")
    shown = full.neighbourhood(name) if name is not None else full
    click.echo(RENDERERS["json" if as_json else fmt](shown, name), nl=False)
