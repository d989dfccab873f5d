"""The frame every catalog page shares: head (CSP, viewport, stylesheet), landmarks, footer.

Text that reaches a page from a registry (names, descriptions, reasons, facets) goes through
`esc`; names and versions match strict patterns but are escaped all the same, so that a change to
those patterns cannot open a hole here. The Content-Security-Policy allows scripts, styles,
images and fetches from this site only and no inline script at all: even markup that slipped
through both sanitizing layers could not run.
"""

from __future__ import annotations

import html

from skillreg.registry.model import index_prefix
from skillreg.registry.site.files import SITE_DIR

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'"
)
ASSETS = f"{SITE_DIR}/assets"


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def page_path(name: str) -> str:
    """A skill page's path relative to the registry root (sharded like the documents)."""
    return f"{SITE_DIR}/skills/{index_prefix(name)}/{name}.html"


def up_to_root(rel: str) -> str:
    """The relative path from the page at `rel` back to the registry root (``""`` at the root)."""
    return "../" * rel.count("/")


def page(rel: str, title: str, main: str, *, registry_name: str, script: bool = True) -> str:
    """A whole HTML document for the page at `rel` (relative to the registry root)."""
    root = up_to_root(rel)
    script_tag = f'<script src="{root}{ASSETS}/site.js" defer></script>\n' if script else ""
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f"<title>{esc(title)}</title>\n"
        f'<link rel="stylesheet" href="{root}{ASSETS}/site.css">\n{script_tag}'
        f'</head>\n<body data-root="{root}">\n'
        '<a class="skip" href="#main">Skip to content</a>\n'
        f'<header class="top"><a class="brand" href="{root}index.html">{esc(registry_name)}</a>'
        f'<nav aria-label="Machine-readable files"><a href="{root}registry.json">registry.json</a>'
        f' <a href="{root}catalog.json">catalog.json</a></nav></header>\n'
        f'<main id="main" tabindex="-1">\n{main}</main>\n'
        '<footer class="bottom"><p>A static skill registry. Install with '
        "<code>skill install</code>.</p></footer>\n</body>\n</html>\n"
    )
