"""`skill index`: describe a collection as one JSON document (see `skillreg.index.build`)."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from skillreg.cli import say
from skillreg.core.terminal import json_for_terminal

EXAMPLES = """
\b
Examples:
  skill index skills/ -o skills-index.json
  skill index skills/ --check skills-index.json   # in CI: exit 1 when stale
"""


@click.command(epilog=EXAMPLES)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write here (atomically).")
@click.option(
    "--check",
    "check_file",
    type=click.Path(path_type=Path),
    help="Exit 1 if FILE is not the index these paths produce now.",
)
@click.option(
    "--no-cache", is_flag=True, help="Parse everything; neither read nor write the cache."
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Worker processes for parsing.")
@click.option(
    "--profile",
    metavar="NAME|PATH",
    help="Lint profile for each skill's `errors` (default: config, else agentskills).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary line.")
def index(
    paths: tuple[Path, ...],
    output: Path | None,
    check_file: Path | None,
    no_cache: bool,
    jobs: int | None,
    profile: str | None,
    quiet: bool,
) -> None:
    """Index the skills under PATHS (default: the current folder) to stdout or -o FILE."""
    from skillreg.cli.progress import counter
    from skillreg.core.errors import UsageError
    from skillreg.index import build as idx
    from skillreg.registry.lint_names import read_registry_names

    if output is not None and check_file is not None:
        raise UsageError("use either -o/--output or --check, not both")
    with counter("Indexed", "skill", quiet=quiet) as progress:
        options = idx.IndexOptions(paths or (Path("."),), use_cache=not no_cache, jobs=jobs,
                                   profile=profile, progress=progress,
                                   registry_reader=read_registry_names)  # fmt: skip
        with idx.indexed(options) as document:
            if check_file is not None:
                current = idx.is_current_text(b"".join(document.chunks()), check_file)
            elif output is not None:
                idx.write_streamed(output, document)
            else:
                for chunk in document.chunks():
                    text = chunk.decode("utf-8", errors="replace")  # a damaged cache: no crash
                    click.echo(json_for_terminal(text), nl=False)
    if document.invalid:
        say(f"warning: {document.invalid} skill(s) have errors (see their `errors`)", err=True)
    if check_file is not None:
        if not current:
            given = [*map(str, paths), *(["--profile", profile] if profile else [])]
            again = shlex.join(["skill", "index", *given, "-o", str(check_file)])
            say(f"{check_file} is stale: re-run `{again}`", err=True)
            click.get_current_context().exit(1)
        say(f"{check_file} is up to date", err=True)
