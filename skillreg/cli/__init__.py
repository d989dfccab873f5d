"""The `skill` command: a lazy click group and the one error funnel.

Commands are imported only when invoked, so `skill --version` stays fast. Every `SkillError`
becomes ``error: <message>`` on stderr and its exit code; anything else is a bug and surfaces.
"""

from __future__ import annotations

import errno
import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click

from skillreg import __version__
from skillreg.core.errors import EXIT_INTERRUPTED, EXIT_USAGE, SkillError
from skillreg.core.terminal import for_terminal

# name -> "module:attribute"; one module per command family, each a thin click wrapper.
COMMANDS: dict[str, str] = {
    "lint": "skillreg.cli.lint:lint",
    "rules": "skillreg.cli.lint:rules",
    "index": "skillreg.cli.index:index",
    "graph": "skillreg.cli.graph:graph",
    "pack": "skillreg.cli.publish:pack",
    "publish": "skillreg.cli.publish:publish",
    "yank": "skillreg.cli.maintain:yank",
    "unyank": "skillreg.cli.maintain:unyank",
    "deprecate": "skillreg.cli.maintain:deprecate",
    "registry": "skillreg.cli.maintain:registry",
    "install": "skillreg.cli.install:install",
    "update": "skillreg.cli.install:update",
    "remove": "skillreg.cli.install:remove",
    "list": "skillreg.cli.browse:list_installed",
    "outdated": "skillreg.cli.browse:outdated",
    "info": "skillreg.cli.browse:info",
    "search": "skillreg.cli.browse:search",
    "init": "skillreg.cli.init:init",
}


_BAD_PATH = frozenset({errno.ENAMETOOLONG, errno.ELOOP})


def say(line: object, *, err: bool = False) -> None:
    """Print one line whose parts may have come from a file, a registry or a path.

    The whole line goes through `for_terminal`: a newline, a control character or an escape
    sequence inside it is shown as an escape, so no value can forge a line of its own.
    """
    click.echo(for_terminal(str(line)), err=err)


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        command = getattr(importlib.import_module(module_name), attr)
        assert isinstance(command, click.Command)
        return command

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Click's own handling, except that usage errors are one `error:` line like the rest."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            say(f"error: {exc.format_message()}{hint}", err=True)
            sys.exit(EXIT_USAGE)
        except click.Abort:
            click.echo("error: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except click.ClickException as exc:
            say(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SkillError as exc:
            say(f"error: {exc.message}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:
            # A path the OS cannot even look up (a name too long, a symlink loop) fails in
            # pathlib's is_file()/exists() probes, which pass over only "no such file"; such a
            # path is bad input wherever it came from. Any other OSError is a bug and surfaces.
            if exc.errno not in _BAD_PATH:
                raise
            say(f"error: {exc.filename}: {exc.strerror}", err=True)
            ctx.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            click.echo("error: interrupted", err=True)
            ctx.exit(EXIT_INTERRUPTED)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="skill")
def cli() -> None:
    """Lint, index, publish and install agent skills (SKILL.md folders)."""


def main() -> None:
    try:
        cli.main(prog_name="skill")
    except BrokenPipeError:  # `skill list | head`: not an error
        sys.stderr.close()
        sys.exit(0)
