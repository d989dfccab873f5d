"""`skill install`, `skill update`, `skill remove`: thin wrappers over `skillreg.install.engine`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from skillreg.cli import say
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
    say(f"note: {message}", err=True)


def render(report: Report) -> None:
    for warning in report.warnings:
        say(f"warning: {warning}", err=True)
    for action in report.actions:
        say(action)
    for failure in report.failures:
        say(f"error: {failure}", err=True)
    if report.failures:
        sys.exit(EXIT_FAILED)


class _RichSink:
    def __init__(self, label: str, total: int | None) -> None:
        from rich.console import Console
        from rich.markup import escape
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

        from skillreg.core.terminal import for_terminal

        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        # The label names a lock entry: neither its characters nor rich's [markup] may act.
        self._task = self._bar.add_task(escape(for_terminal(label)), total=total)

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
@click.argument("names", nargs=-1, metavar="[NAME[@RANGE]]...")
@scope_options
@click.option("--agent", "-a", "agents", multiple=True, metavar="ID", help="Agent to install for.")
@click.option("--dir", "dirs", multiple=True, metavar="PATH", help="Also install into PATH.")
@click.option("--copy", is_flag=True, help="Copy into agent folders instead of linking.")
@click.option("--force", is_flag=True, help="Replace folders skillreg did not install.")
@click.option("--with-related", is_flag=True, help="Also install related skills (transitively).")
@click.option("--frozen", is_flag=True, help="Fail if skills.lock or the manifest would change.")
def install(
    names: tuple[str, ...], agents: tuple[str, ...], dirs: tuple[str, ...], **kw: Any
) -> None:
    """Install skills, or with no NAME restore exactly what skills.lock records.

    RANGE: 1.2.3, ^1.2, ~1.2.0, ">=1.2,<2", * or latest.
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
