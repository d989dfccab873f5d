"""`skill init`: scaffold a new skill folder (see `skillreg.lint.scaffold`)."""

from __future__ import annotations

from pathlib import Path

import click

from skillreg.cli import say

EXAMPLES = """
\b
Examples:
  skill init my-skill
  skill init my-skill --profile council --description "Reviews Go code for concurrency bugs"
"""


@click.command(epilog=EXAMPLES)
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
@click.option("-q", "--quiet", is_flag=True, help="Print the path only, no next steps.")
def init(name: str | None, profile_name: str | None, description: str | None, tier: str | None,
         force: bool, quiet: bool) -> None:  # fmt: skip
    """Create NAME/SKILL.md, or SKILL.md in the current folder when NAME is omitted.

    Without NAME the skill is named after the current folder. Prints the path it wrote (stdout)
    and the next steps (stderr).
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
    shown = path.relative_to(cwd) if path.is_relative_to(cwd) else path
    say(shown)
    if not quiet:
        folder = shown.parent
        click.echo(_next_steps(str(shown), "." if str(folder) == "." else str(folder)), err=True)


def _next_steps(file: str, folder: str) -> str:
    import shlex

    return (
        "\nNext steps:\n"
        f"  1. Edit {file}: say in `description` when an agent should use the skill\n"
        f"  2. skill lint {shlex.quote(folder)}\n"
        f"  3. skill publish {shlex.quote(folder)} --to ./site   (or commit it with the others)"
    )
