"""`skill install`, `skill update`, `skill remove`: thin wrappers over `skillreg.install.engine`."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from skillreg.cli import say
from skillreg.cli.completion import agent_ids, installed_names
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


def make_options(quiet: bool = False, **values: Any) -> InstallOptions:
    from skillreg.install.session import InstallOptions

    progress = None if quiet else _progress()
    return InstallOptions(cwd=Path.cwd(), progress=progress, notice=_notice, **values)


def _notice(message: str) -> None:
    say(f"note: {message}", err=True)


def render(
    report: Report, *, as_json: bool = False, summary: tuple[str, float, bool] | None = None
) -> None:
    """The report: actions on stdout (or one JSON object), warnings and failures on stderr, then
    `summary` = (verb, start time, quiet) as "Installed 6 skills in 0.31 s" on a terminal."""
    from skillreg.core.terminal import for_terminal

    for warning in report.warnings:
        click.echo(f"warning: {for_terminal(warning)}", err=True)
    if as_json:
        import json

        keys = ("actions", "warnings", "failures", "changed")
        click.echo(json.dumps({k: getattr(report, k) for k in keys}, indent=2, sort_keys=True))
    else:
        for action in report.actions:
            click.echo(for_terminal(action))
    for failure in report.failures:
        click.echo(f"error: {for_terminal(failure)}", err=True)
    if summary is not None and report.changed:
        from skillreg.cli.progress import summary_line

        verb, started, quiet = summary
        summary_line(verb, "skill", report.changed, started, quiet=quiet or as_json)
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


quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress or summary line.")
json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Show what would change; change nothing."
)

INSTALL_EXAMPLES = """
\b
Examples:
  skill install backend-developer --agent claude-code
  skill install backend-developer@^1 --with-related --agent claude-code --agent codex
  skill install --frozen                 # in CI: exactly what skills.lock records
"""


@click.command(epilog=INSTALL_EXAMPLES)
@click.argument("names", nargs=-1, metavar="[NAME[@RANGE]|SOURCE]...")
@scope_options
@click.option(
    "--agent", "-a", "agents", multiple=True, metavar="ID", shell_complete=agent_ids,
    help="Agent to install for; '*' for every agent found in the project or home folder.",
)  # fmt: skip
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
@json_option
@quiet_option
def install(names: tuple[str, ...], agents: tuple[str, ...], dirs: tuple[str, ...],
            as_json: bool, quiet: bool, **kw: Any) -> None:  # fmt: skip
    """Install skills, or with no NAME restore exactly what skills.lock records.

    NAME[@RANGE] comes from a registry; RANGE: 1.2.3, ^1.2, ~1.2.0, ">=1.2,<2", * or latest.
    A path or URL installs from a source instead: ./skills/NAME (a folder),
    ./NAME-1.0.0.tar.gz (a bundle), git+https://HOST/ORG/REPO[@REF][#SUBDIR] or git+file://.

    \b
    Example:
      skill install backend-developer@^1 --agent claude-code
      skill install git+https://github.com/org/skills@main#pdf --agent '*'
    """
    from skillreg.cli.progress import drawing
    from skillreg.install.engine import install as run

    started = time.perf_counter()
    with drawing("Installed", "skill", quiet=quiet or as_json) as tick:
        options = make_options(agents=agents, dirs=dirs, quiet=quiet, counter=tick, **kw)
        report = run(options, list(names))
    render(report, as_json=as_json, summary=("Installed", started, quiet))


@click.command(epilog="\b\nExamples:\n  skill update\n  skill update golang-pro --dry-run")
@click.argument("names", nargs=-1, metavar="[NAME]...", shell_complete=installed_names)
@global_option
@offline_option
@dry_run_option
@json_option
@quiet_option
def update(names: tuple[str, ...], as_json: bool, quiet: bool, **kw: Any) -> None:
    """Move installed skills to the newest version their recorded range allows."""
    from skillreg.cli.progress import drawing
    from skillreg.install.engine import update as run

    started = time.perf_counter()
    with drawing("Updated", "skill", quiet=quiet or as_json) as tick:
        report = run(make_options(quiet=quiet, counter=tick, **kw), list(names))
    render(report, as_json=as_json, summary=("Updated", started, quiet))


@click.command(epilog="\b\nExamples:\n  skill remove golang-pro\n  skill remove a b --dry-run")
@click.argument("names", nargs=-1, required=True, metavar="NAME...", shell_complete=installed_names)
@global_option
@dry_run_option
@json_option
@quiet_option
def remove(names: tuple[str, ...], as_json: bool, quiet: bool, **kw: Any) -> None:
    """Remove skills: their folders and links, manifest and lock entries."""
    from skillreg.install.engine import remove as run

    started = time.perf_counter()
    report = run(make_options(quiet=quiet, **kw), list(names))
    render(report, as_json=as_json, summary=("Removed", started, quiet))
