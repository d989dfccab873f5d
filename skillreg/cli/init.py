"""`skill init`: scaffold a new skill folder (see `skillreg.lint.scaffold`)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("name", required=False)
@click.option(
    "--profile",
    "profile_name",
    metavar="PROFILE",
    help="Template to use: agentskills or council. [default: [lint] profile of the project "
    "config, else agentskills]",
)
@click.option("--description", help="The frontmatter description (default: a placeholder).")
@click.option(
    "--tier",
    metavar="TIER",
    help="council: the tier whose sections (and council) to scaffold, e.g. executive. "
    "[default: placeholders, which lint rejects until filled in]",
)
@click.option("--force", is_flag=True, help="Overwrite an existing SKILL.md.")
def init(
    name: str | None,
    profile_name: str | None,
    description: str | None,
    tier: str | None,
    force: bool,
) -> None:
    """Create NAME/SKILL.md, or SKILL.md in the current folder when NAME is omitted.

    Without NAME the skill is named after the current folder. Prints the path it wrote.
    """
    from skillreg.core.errors import UsageError
    from skillreg.lint.scaffold import check_name, default_profile, scaffold_skill

    cwd = Path.cwd()
    parent = cwd
    if name is None:
        parent, name = cwd.parent, cwd.name
        try:
            check_name(name)
        except UsageError as exc:
            raise UsageError(f"{exc.message} (the current folder's name; pass NAME)") from None
    profile = profile_name or default_profile(cwd)
    path = scaffold_skill(parent, name, profile, description=description, force=force, tier=tier)
    click.echo(path.relative_to(cwd) if path.is_relative_to(cwd) else path)
