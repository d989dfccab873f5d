"""The `skill` command: a lazy click group and the one error funnel.

Commands are imported only when invoked, so `skill --version` stays fast. Every `SkillError`
becomes ``error: <message>`` on stderr and its exit code; anything else is a bug and surfaces.

The top layer: the only package that imports click; each command parses options, calls one
library function and renders its result.
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
    "audit": "skillreg.cli.audit:audit",
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
    "completion": "skillreg.cli.completion:completion",
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

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Every command with its whole summary (wrapped, never cut off with "...")."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1_000)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """Click's lookup, plus "did you mean" for a mistyped command (as git and cargo do)."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            from skillreg.core.suggest import closest

            close = closest(name, self.list_commands(ctx))
            hint = f"; did you mean '{close}'?" if close else ""
            raise click.UsageError(f"no such command '{name}'{hint}", ctx)
        return super().resolve_command(ctx, args)

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


EXAMPLES = """
\b
Examples:
  skill init my-skill && skill lint
  skill publish skills/ --to ./site
  skill install backend-developer --agent claude-code
  skill --color never outdated --exit-code
"""


@click.group(
    cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXAMPLES
)
@click.version_option(__version__, "-V", "--version", prog_name="skill")
@click.option(
    "--color", type=click.Choice(("auto", "always", "never")), default="auto", show_default=True,
    help="Colour output; `auto` follows FORCE_COLOR / NO_COLOR, else whether it is a terminal.",
)  # fmt: skip
@click.pass_context
def cli(ctx: click.Context, color: str) -> None:
    """Lint, index, publish and install agent skills (SKILL.md folders)."""
    ctx.meta["skill.color"] = color


def main() -> None:
    try:
        cli.main(prog_name="skill")
    except BrokenPipeError:  # `skill list | head`: not an error
        sys.stderr.close()
        sys.exit(0)
