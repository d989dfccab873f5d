"""Tables on stdout through rich: columns sized to their content, never hand-padded.

Cells are untrusted text (skill names, descriptions from a registry): each is made printable
(`core.terminal`) and passed as a `rich.text.Text`, so neither an escape sequence nor rich markup
in it has any effect. Off a terminal the table is as wide as its content (nothing is cut), so
`skill list | grep` sees every name whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import click

from skillreg.cli import color
from skillreg.core.terminal import for_terminal


def print_table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], *, numeric: Sequence[int] = ()
) -> None:
    """Print `rows` under `headers`; columns listed in `numeric` are right-aligned."""
    import io
    import shutil
    import sys

    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    stream = sys.stdout
    tty = stream.isatty()
    paint = color.for_stdout()
    buffer = io.StringIO()
    width = shutil.get_terminal_size().columns if tty else 100_000
    console = Console(
        file=buffer, width=width, force_terminal=paint, no_color=not paint,
        color_system="auto" if paint else None, highlight=False, soft_wrap=False,
    )  # fmt: skip
    table = Table(box=box.SIMPLE_HEAD if tty else None, show_edge=False, pad_edge=False,
                  header_style="bold" if paint else "")  # fmt: skip
    for index, header in enumerate(headers):
        table.add_column(header.upper(), justify="right" if index in numeric else "left",
                         overflow="fold")  # fmt: skip
    for row in rows:
        table.add_row(*(Text(for_terminal(cell)) for cell in row))
    console.print(table)
    # rich pads every cell to its column's width; trailing blanks only confuse `grep '$'` and diffs
    lines = buffer.getvalue().splitlines()
    click.echo("".join(line.rstrip() + "\n" for line in lines), nl=False, color=paint)
