"""Whether output is coloured: `--color`, then FORCE_COLOR / NO_COLOR, then "is it a terminal".

`--color` is an option of the top-level group (`skill --color never lint`); commands read the
choice from the click context, so each one decides for the stream it writes to.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import IO

import click

CHOICES = ("auto", "always", "never")


def wanted(choice: str, stream: IO[str], environ: Mapping[str, str] = os.environ) -> bool:
    """Colour for `stream` under `choice`: an explicit always/never wins; in `auto`, a non-empty
    FORCE_COLOR turns it on and a non-empty NO_COLOR (https://no-color.org) off, else a terminal
    gets colour."""
    if choice != "auto":
        return choice == "always"
    if environ.get("FORCE_COLOR"):
        return True
    if environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def for_stdout() -> bool:
    """The colour decision for stdout in the running command."""
    return wanted(_choice(), sys.stdout)


def for_stderr() -> bool:
    return wanted(_choice(), sys.stderr)


def _choice() -> str:
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx else None
    value = root.meta.get("skill.color", "auto") if root else "auto"
    return str(value)
