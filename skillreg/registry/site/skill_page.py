"""One skill's page: metadata, install command, rendered SKILL.md, links, versions, files."""

from __future__ import annotations

from collections.abc import Callable

from skillreg.registry.model import SkillDocument, blob_path
from skillreg.registry.site.content import FACETS, SkillView
from skillreg.registry.site.layout import esc, page, page_path, up_to_root
from skillreg.registry.site.markdown import file_anchor, render_markdown

REGISTRY_NAME = "Skill registry"


def render_skill_page(view: SkillView, used_by: list[str], exists: Callable[[str], bool]) -> bytes:
    """The page of `view`'s skill; `exists` says which names have a page to link to."""
    doc = view.doc
    rel = page_path(doc.name)
    root = up_to_root(rel)
    parts = [
        f"<h1>{esc(doc.name)}</h1>\n",
        _banners(view),
        _audit(view),
        f'<p class="lead">{esc(view.description)}</p>\n' if view.description else "",
        _metadata(view, root),
        _install(doc.name),
        _body(view),
        _links("Related Skills", "related", view.related, root, exists),
        _links("Used by", "used-by", used_by, root, exists),
        _versions(doc, root),
        _files(view),
    ]
    return page(
        rel, f"{doc.name} · {REGISTRY_NAME}", "".join(parts), registry_name=REGISTRY_NAME
    ).encode()


def _banners(view: SkillView) -> str:
    out = []
    if view.doc.deprecated is not None:
        message = view.doc.deprecated.message
        extra = f": {esc(message)}" if message else "."
        banner = f"<strong>Deprecated</strong>{extra}"
        out.append(f'<p class="banner deprecated" role="note">{banner}</p>\n')
    if view.shown and view.doc.versions[view.shown].yanked:
        out.append(
            '<p class="banner yanked" role="note"><strong>Every version is yanked.</strong> '
            "Shown: the newest one.</p>\n"
        )
    return "".join(out)


def _audit(view: SkillView) -> str:
    """What `skill audit` found in the shown version when it was published (SK5xx)."""
    summary = view.doc.versions[view.shown].audit if view.shown else None
    if summary is None or not (summary.errors or summary.warnings):
        return ""
    level = "error" if summary.errors else "warning"
    codes = ", ".join(f"{esc(code)} \u00d7{count}" for code, count in summary.codes.items())
    return (
        f'<p class="banner audit-{level}" role="note"><strong>Audit:</strong> '
        f"{summary.errors} error(s), {summary.warnings} warning(s) ({codes}). "
        "<code>skill install</code> refuses audit errors unless allowed; review with "
        f"<code>skill audit {esc(view.doc.name)}@{esc(view.shown)} -r REGISTRY_URL</code>.</p>\n"
    )


def _metadata(view: SkillView, root: str) -> str:
    rows = [("Version", view.shown or "none")]
    if view.shown:
        rows.append(("Published", view.doc.versions[view.shown].published[:10]))
    rows += [(facet.capitalize(), view.facets[facet]) for facet in FACETS if facet in view.facets]
    if view.license:
        rows.append(("License", view.license))
    items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
    download = ""
    if view.shown:
        entry = view.doc.versions[view.shown]
        download = (
            f'<p><a class="download" href="{root}{blob_path(entry.sha256)}" '
            f'download="{esc(view.doc.name)}-{esc(view.shown)}.tar.gz">Download bundle '
            f"({esc(view.shown)}, {_size(entry.size)})</a></p>\n"
        )
    return f'<section aria-label="Metadata">\n<dl class="meta">{items}</dl>\n{download}</section>\n'


def _install(name: str) -> str:
    # The registry's URL is where the page is served from: the script writes it in; without
    # script the reader sees the placeholder.
    return (
        '<section aria-labelledby="install-h">\n<h2 id="install-h">Install</h2>\n'
        '<div class="install"><pre><code id="install-cmd" '
        f'data-skill="{esc(name)}">skill install {esc(name)} --registry REGISTRY_URL</code></pre>'
        '<button type="button" class="copy" data-copy="install-cmd">Copy</button></div>\n'
        '<p class="copied" role="status" aria-live="polite"></p>\n</section>\n'
    )


def _body(view: SkillView) -> str:
    if view.body is None:
        inner = '<p class="note">The bundle of this version cannot be read.</p>'
    else:
        inner = render_markdown(view.body, [path for path, _ in view.files])
    return f'<article class="skill-md" aria-label="SKILL.md">\n{inner}\n</article>\n'


def _links(
    title: str, ident: str, names: list[str], root: str, exists: Callable[[str], bool]
) -> str:
    if not names:
        return ""
    items = "".join(
        f'<li><a href="{root}{page_path(n)}">{esc(n)}</a></li>'
        if exists(n)
        else f"<li>{esc(n)}</li>"
        for n in sorted(set(names))
    )
    return (
        f'<section aria-labelledby="{ident}-h">\n<h2 id="{ident}-h">{title}</h2>\n'
        f'<ul class="links">{items}</ul>\n</section>\n'
    )


def _versions(doc: SkillDocument, root: str) -> str:
    import semver

    rows = []
    for version in sorted(doc.versions, key=semver.Version.parse, reverse=True):
        entry = doc.versions[version]
        status = "latest" if doc.tags.get("latest") == version else ""
        if entry.yanked:
            reason = f": {esc(entry.yanked_reason)}" if entry.yanked_reason else ""
            status = f'<span class="yanked-mark">yanked</span>{reason}'
        row_class = ' class="yanked"' if entry.yanked else ""
        rows.append(
            f'<tr{row_class}><th scope="row">'
            f'<a href="{root}{blob_path(entry.sha256)}">{esc(version)}</a></th>'
            f'<td data-label="Published">{esc(entry.published[:10])}</td>'
            f'<td data-label="Size">{_size(entry.size)}</td>'
            f'<td data-label="SHA-256"><code class="digest">{esc(entry.sha256)}</code></td>'
            f'<td data-label="Status">{status}</td></tr>'
        )
    return (
        '<section aria-labelledby="versions-h">\n<h2 id="versions-h">Versions</h2>\n'
        '<div class="table-wrap"><table class="versions"><thead><tr><th scope="col">Version</th>'
        '<th scope="col">Published</th><th scope="col">Size</th><th scope="col">SHA-256</th>'
        '<th scope="col">Status</th></tr></thead>\n<tbody>'
        + "\n".join(rows)
        + "</tbody></table></div>\n</section>\n"
    )


def _files(view: SkillView) -> str:
    if not view.files:
        return ""
    items = "".join(
        f'<li id="{file_anchor(path)}"><code>{esc(path)}</code> '
        f'<span class="size">{_size(size)}</span></li>'
        for path, size in view.files
    )
    return (
        '<section aria-labelledby="files-h">\n<h2 id="files-h">Files in the bundle</h2>\n'
        f'<ul class="files">{items}</ul>\n</section>\n'
    )


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
