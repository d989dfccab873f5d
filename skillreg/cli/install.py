"""`skill install`, `skill update`, `skill remove`: thin wrappers over `skillreg.install.engine`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from skillreg.core.errors import EXIT_FAILED

if TYPE_CHECKING:
    from skillreg.install.engine import Report
    from skillreg.install.session import InstallOptions
    from skillreg.registry.http import ProgressFactory, ProgressSink

F = Callable[..., Any]

global_option = click.option(
    "--global", "-g", "global_", is_flag=True, help="User scope, not project."
)

offline_option = click.option("--offline", is_flag=True, help="Use the cache only; no network.")


def scope_options(func: F) -> F:
    """Options every command that reads a registry shares."""
    for option in reversed(
        [
            click.option("--registry", "-r", metavar="URL|DIR", help="Registry to use."),
            global_option,
            offline_option,
        ]
    ):
        func = option(func)
    return func


def make_options(**values: Any) -> InstallOptions:
    from skillreg.install.session import InstallOptions

    return InstallOptions(cwd=Path.cwd(), progress=_progress(), notice=_notice, **values)


def _notice(message: str) -> None:
    click.echo(f"note: {message}", err=True)


def render(report: Report) -> None:
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for action in report.actions:
        click.echo(action)
    for failure in report.failures:
        click.echo(f"error: {failure}", err=True)
    if report.failures:
        sys.exit(EXIT_FAILED)


class _RichSink:
    def __init__(self, label: str, total: int | None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        self._task = self._bar.add_task(label, total=total)

    def advance(self, nbytes: int) -> None:
        self._bar.advance(self._task, nbytes)

    def close(self) -> None:
        self._bar.stop()


def _progress() -> ProgressFactory | None:
    """A download bar on stderr when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None

    def start(label: str, total: int | None) -> ProgressSink:
        return _RichSink(label, total)

    return start


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME[@RANGE]|SOURCE]...")
@scope_options
@click.option(
    "--agent",
    "-a",
    "agents",
    multiple=True,
    metavar="ID",
    help="Agent to install for; '*' for every agent found in the project or home folder.",
)
@click.option("--dir", "dirs", multiple=True, metavar="PATH", help="Also install into PATH.")
@click.option("--copy", is_flag=True, help="Copy into agent folders instead of linking.")
@click.option("--force", is_flag=True, help="Replace folders skillreg did not install.")
@click.option("--with-related", is_flag=True, help="Also install related skills (transitively).")
@click.option("--frozen", is_flag=True, help="Fail if skills.lock or the manifest would change.")
@click.option(
    "--allow-audit", multiple=True, metavar="CODE",
    help="Install despite audit errors of this rule (repeatable; 'all' for every rule).",
)  # fmt: skip
@click.option(
    "--audit-level", type=click.Choice(["error", "warning", "info"]),
    help="Show audit findings at or above this level (default: config, else warning).",
)  # fmt: skip
@click.option(
    "--adopt",
    is_flag=True,
    help="Take over folders that hold exactly the locked files but lost skillreg's marker.",
)
def install(
    names: tuple[str, ...], agents: tuple[str, ...], dirs: tuple[str, ...], **kw: Any
) -> None:
    """Install skills, or with no NAME restore exactly what skills.lock records.

    NAME[@RANGE] comes from a registry; RANGE: 1.2.3, ^1.2, ~1.2.0, ">=1.2,<2", * or latest.
    A path or URL installs from a source instead: ./skills/NAME (a folder),
    ./NAME-1.0.0.tar.gz (a bundle), git+https://HOST/ORG/REPO[@REF][#SUBDIR] or git+file://.

    \b
    Example:
      skill install backend-developer@^1 --agent claude-code
      skill install git+https://github.com/org/skills@main#pdf --agent '*'
    """
    from skillreg.install.engine import install as run

    render(run(make_options(agents=agents, dirs=dirs, **kw), list(names)))


@click.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@global_option
@offline_option
def update(names: tuple[str, ...], **kw: Any) -> None:
    """Move installed skills to the newest version their recorded range allows."""
    from skillreg.install.engine import update as run

    render(run(make_options(**kw), list(names)))


@click.command()
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@global_option
def remove(names: tuple[str, ...], **kw: Any) -> None:
    """Remove skills: their folders and links, manifest and lock entries."""
    from skillreg.install.engine import remove as run

    render(run(make_options(**kw), list(names)))
