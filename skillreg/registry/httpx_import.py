"""Importing httpx without its command line.

``import httpx`` also imports ``httpx._main``, httpx's own command-line client, whenever click,
rich and pygments are installed, as they are here: about as much import time again as httpx
itself, for code this program never runs. Importing it through `load_httpx` first blocks that
one module (a ``None`` in `sys.modules` makes its import fail, and httpx then leaves its `main`
as a stub), and unblocks it afterwards.
"""

from __future__ import annotations

import sys

_CLI = "httpx._main"


def load_httpx() -> None:
    """Import httpx (once) without ``httpx._main``; then ``import httpx`` where it is used."""
    if "httpx" in sys.modules:
        return
    blocked = _CLI not in sys.modules
    if blocked:
        sys.modules[_CLI] = None  # type: ignore[assignment]
    try:
        import httpx  # noqa: F401
    finally:
        if blocked and sys.modules.get(_CLI, _CLI) is None:
            del sys.modules[_CLI]
