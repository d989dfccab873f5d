"""A skill's SKILL.md body as HTML that is safe to put on the catalog's pages.

Two layers, so that one bug in either does not open the page to script: mistune renders with
raw HTML escaped (a ``<script>`` in the Markdown shows as text), and `nh3` then keeps only a fixed
list of tags and attributes and only http(s)/mailto URLs. Links are decided before either layer
sees them (`LinkPolicy`): a relative link to a file of the bundle points at that file's entry in
the page's file list, any other relative link and any other scheme (``javascript:``, ``data:``,
``file:``) become plain text. Images never load (the page's CSP allows none from other hosts and
the bundle's files are not served): an image shows as its alt text, linked like a link would be.
"""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

# Characters of Markdown rendered; the rest is cut with a note. Rendering is linear but hostile
# input (thousands of unclosed brackets) costs ~50x plain text: this bounds one page to about a
# second while leaving room for the largest real skills (~75 KB in the corpus).
MAX_BODY = 128 * 1024
_EXTERNAL = ("http", "https", "mailto")
_TAGS = {
    *("p", "br", "hr", "pre", "code", "blockquote", "ul", "ol", "li", "em", "strong", "del"),
    *("h2", "h3", "h4", "h5", "h6", "a", "span", "table", "thead", "tbody", "tr", "th", "td"),
}
_ATTRIBUTES = {"a": {"href", "title"}, "span": {"class", "title"}, "ol": {"start"}}
_SLUG = re.compile(r"[^a-z0-9]+")


def file_anchor(path: str) -> str:
    """The id of a bundle file's entry in the skill page's file list."""
    return "file-" + _SLUG.sub("-", path.lower()).strip("-")


@dataclass(frozen=True)
class LinkPolicy:
    """Where a link written inside a skill may point: `files` are the bundle's paths."""

    files: Collection[str]

    def resolve(self, url: str) -> str | None:
        """The href to emit for `url`, or None when it must not be a link."""
        url = url.strip()
        if url.startswith("#"):
            return url if len(url) > 1 else None
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme:
            # `javascript:`, `data:`, `file:`, `vbscript:` and every other scheme: text.
            allowed = parts.scheme.lower() in _EXTERNAL and (parts.netloc or parts.path)
            return url if allowed else None
        if parts.netloc:  # //host/path: another host without saying which scheme
            return None
        target = posixpath.normpath(unquote(parts.path)) if parts.path else ""
        if target.startswith(("/", "..")):
            return None
        return f"#{file_anchor(target)}" if target in self.files else None


@functools.cache
def _parser() -> tuple[Any, Any]:
    """One Markdown parser per process (building one costs more than rendering a skill) and its
    renderer, whose `policy` each call sets: rendering is synchronous, so no two calls mix."""
    import mistune

    class SafeRenderer(mistune.HTMLRenderer):
        policy = LinkPolicy(frozenset())

        def link(self, text: str, url: str, title: str | None = None) -> str:
            href = self.policy.resolve(url)
            if href is None:
                return f'<span class="dead-link" title="link removed">{text}</span>'
            title_attr = f' title="{html.escape(title)}"' if title else ""
            return f'<a href="{html.escape(href)}"{title_attr}>{text}</a>'

        def image(self, text: str, url: str, title: str | None = None) -> str:
            alt = html.escape(text or "image")
            return self.link(f"[image: {alt}]", url, title)

        def heading(self, text: str, level: int, **attrs: Any) -> str:
            # The page's own title is the h1; a skill's headings start one level below it.
            level = min(max(level + 1, 2), 6)
            return f"<h{level}>{text}</h{level}>\n"

    renderer = SafeRenderer(escape=True)
    markdown = mistune.create_markdown(
        escape=True, renderer=renderer, plugins=["table", "strikethrough"]
    )
    return markdown, renderer


def render_markdown(text: str, files: Collection[str] = ()) -> str:
    """`text` (a SKILL.md body, without frontmatter) as sanitized HTML."""
    import nh3

    note = ""
    if len(text) > MAX_BODY:
        text, note = text[:MAX_BODY], '<p class="note">(The rest of this file is not shown.)</p>'
    markdown, renderer = _parser()
    renderer.policy = LinkPolicy(frozenset(files))
    rendered = markdown(text)
    assert isinstance(rendered, str)
    cleaned = nh3.clean(
        rendered,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=set(_EXTERNAL),
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
    )
    return cleaned + note
