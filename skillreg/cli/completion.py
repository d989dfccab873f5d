"""`skill completion bash|zsh|fish`, and what the shell completes: agent ids, installed names.

The script click generates calls back into `skill` (through ``_SKILL_COMPLETE``) for each
completion, so the candidates are always current: installed names come from the project's
skills.lock at the moment of the tab. Reading it must never fail loudly into the user's prompt,
so any problem completes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:  # imported when completing: every command declares these callbacks
    from click.shell_completion import CompletionItem

SHELLS = ("bash", "zsh", "fish")

EXAMPLES = """
\b
Examples:
  skill completion bash > ~/.local/share/bash-completion/completions/skill
  skill completion zsh > "${fpath[1]}/_skill"
  skill completion fish > ~/.config/fish/completions/skill.fish
"""


def agent_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    from click.shell_completion import CompletionItem

    from skillreg.install.agents import AGENTS

    return [CompletionItem(a) for a in sorted(AGENTS) if a.startswith(incomplete)]


def installed_names(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    from pathlib import Path

    from click.shell_completion import CompletionItem

    from skillreg.core.errors import SkillError
    from skillreg.install.lock import read_lock
    from skillreg.install.project import locate_project

    global_ = bool(ctx.params.get("global_"))
    try:
        project = locate_project(Path.cwd(), global_=global_)
        names = [entry.name for entry in read_lock(project.lock_path).skills]
    except (SkillError, OSError):
        return []
    return [CompletionItem(n) for n in names if n.startswith(incomplete)]


@click.command(epilog=EXAMPLES)
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL (commands, options, agent ids, installed skills)."""
    from click.shell_completion import get_completion_class

    from skillreg.cli import cli

    cls = get_completion_class(shell)
    assert cls is not None  # every name in SHELLS is one click ships
    click.echo(cls(cli, {}, "skill", "_SKILL_COMPLETE").source())
