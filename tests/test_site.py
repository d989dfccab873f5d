"""The web catalog without a browser: safe rendering, incremental writes, search shards, serve."""

from __future__ import annotations

import json
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from skillreg.cli import cli
from skillreg.registry.derived import rebuild_derived
from skillreg.registry.model import blob_path
from skillreg.registry.site.build import build_site
from skillreg.registry.site.layout import page_path
from skillreg.registry.site.markdown import LinkPolicy, render_markdown
from skillreg.registry.site.search import shard_key, tokens
from skillreg.registry.site.serve import make_server
from skillreg.registry.store import FolderRegistry
from tests.site_helpers import FIXTURES, PLATFORM, demo_catalog, put, skill_md


def page(root: Path, name: str) -> str:
    return (root / page_path(name)).read_text()


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".locks" not in p.parts
    }


# -- rendering ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("mailto:someone@example.org", "mailto:someone@example.org"),
        ("#usage", "#usage"),
        ("references/notes.md", "#file-references-notes-md"),
        ("./references/notes.md", "#file-references-notes-md"),
        ("references/missing.md", None),
        ("../../etc/passwd", None),
        ("/etc/passwd", None),
        ("//evil.example/x", None),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        (" javascript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox", None),
        ("file:///etc/passwd", None),
        ("http:", None),
    ],
)
def test_link_policy(url: str, expected: str | None) -> None:
    assert LinkPolicy(frozenset({"SKILL.md", "references/notes.md"})).resolve(url) == expected


class _Elements(HTMLParser):
    """Every element and attribute of a fragment, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def test_hostile_markdown_renders_inert() -> None:
    text = (FIXTURES / "xss-lab" / "SKILL.md").read_text().split("---\n", 2)[2]
    html = render_markdown(text, ["SKILL.md", "references/notes.md"])
    parsed = _Elements()
    parsed.feed(html)
    assert {tag for tag, _ in parsed.tags} <= {
        "h2",
        "p",
        "a",
        "span",
        "pre",
        "code",
        "em",
        "strong",
    }
    attributes = {name for _, attrs in parsed.tags for name in attrs}
    assert attributes <= {"href", "title", "class", "rel"}
    hrefs = sorted(str(attrs["href"]) for tag, attrs in parsed.tags if tag == "a")
    assert hrefs == ["#file-references-notes-md"]
    assert parsed.comments == []
    assert 'rel="nofollow noopener noreferrer ugc">a file of this skill</a>' in html
    assert '<span class="dead-link" title="link removed">a file it does not have</span>' in html
    assert "&lt;script&gt;window.__pwned = 'script tag'" in html  # shown as text, not dropped


def test_headings_start_below_the_page_title() -> None:
    assert render_markdown("# Title\n\n## Part\n").startswith("<h2>Title</h2>\n<h3>Part</h3>")


def test_tokens_and_shard_keys() -> None:
    assert tokens("Tune PostgreSQL queries, and the VACUUM") == [
        "tune",
        "postgresql",
        "queries",
        "vacuum",
    ]
    assert tokens("\uff2b\uff55\uff42\uff45 x \u00e4-\u00f6") == [
        "kube"
    ]  # NFKC folds full-width; one-letter words drop
    assert shard_key("kubernetes") == "ku"
    assert shard_key("été") == "_e9t"


# -- pages and shards ------------------------------------------------------------------------


def test_pages_show_metadata_versions_banners_and_links(tmp_path: Path) -> None:
    root = demo_catalog(tmp_path / "reg")
    kube = page(root, "kubernetes-operator")
    assert "<dt>Tier</dt><dd>platform</dd>" in kube
    assert f'href="../../../../{page_path("helm-charts")}">helm-charts</a>' in kube
    assert 'data-skill="kubernetes-operator">skill install kubernetes-operator' in kube
    helm = page(root, "helm-charts")
    assert 'id="used-by-h">Used by</h2>' in helm and ">kubernetes-operator</a>" in helm
    pg = page(root, "postgres-tuning")
    assert '<tr class="yanked"><th scope="row">' in pg
    assert '<span class="yanked-mark">yanked</span>: corrupt index advice' in pg
    assert "<dt>Version</dt><dd>1.0.0</dd>" in pg  # latest skips the yanked 1.1.0
    assert "<strong>Deprecated</strong>: use kubernetes-operator" in page(root, "legacy-deployer")
    lab = page(root, "xss-lab")
    assert "<script>" not in lab.split("</head>", 1)[1]
    assert "<dd>&lt;img src=x onerror=window.__pwned=&#x27;tier&#x27;&gt;</dd>" in lab
    assert '<li id="file-references-notes-md">' in lab
    facets = json.loads((root / "site/search/facets.json").read_text())
    assert facets["total"] == 5
    assert ["platform", 2] in facets["facets"]["tier"]


def test_a_publish_rewrites_only_what_it_touches(tmp_path: Path) -> None:
    root = demo_catalog(tmp_path / "reg")
    for i in range(40):  # enough skills that record chunks and term shards are many
        put(root, f"filler-{i}", skill_md(f"filler-{i}", f"Filler number {i} about widgets"))
    before = snapshot(root)
    text = skill_md(
        "helm-charts", "Package applications as Helm charts with zeppelins", "1.1.0", PLATFORM
    )
    put(root, "helm-charts", text, "1.1.0")
    after = snapshot(root)
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    site = {p for p in changed if p.startswith("site/")}
    assert site == {
        page_path("helm-charts"),
        "site/search/r/0.json",  # its record
        "site/search/t/ze.json",  # the one new word
        "site/search/facets.json",  # lists the new shard
    }
    assert page_path("kubernetes-operator") not in changed  # its related list did not change


def test_related_changes_move_used_by(tmp_path: Path) -> None:
    root = demo_catalog(tmp_path / "reg")
    text = skill_md(
        "kubernetes-operator",
        "Operate Kubernetes clusters",
        "1.1.0",
        PLATFORM,
        ("postgres-tuning",),
    )
    put(root, "kubernetes-operator", text, "1.1.0", related=("postgres-tuning",))
    assert "Used by" not in page(root, "helm-charts")
    assert ">kubernetes-operator</a>" in page(root, "postgres-tuning").split('id="used-by-h"')[1]


def test_incremental_pages_equal_a_full_rebuild(tmp_path: Path) -> None:
    root = demo_catalog(tmp_path / "reg")
    incremental = {p: b for p, b in snapshot(root).items() if p.startswith("site/skills/")}
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    shutil.rmtree(copy / "site")
    rebuild_derived(FolderRegistry(copy))
    full = {p: b for p, b in snapshot(copy).items() if p.startswith("site/skills/")}
    assert incremental == full


def test_a_second_full_build_writes_nothing(tmp_path: Path) -> None:
    root = demo_catalog(tmp_path / "reg")
    result = CliRunner().invoke(cli, ["registry", "site", str(root)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["registry", "site", str(root)])
    assert (result.exit_code, result.stdout) == (0, "web catalog already current\n")


def test_an_unreadable_bundle_gives_a_page_without_body(tmp_path: Path) -> None:
    root = demo_catalog(tmp_path / "reg")
    reg = FolderRegistry(root)
    doc = reg.read_doc("helm-charts")
    assert doc is not None
    (root / blob_path(doc.versions["1.0.0"].sha256)).write_bytes(b"not a tarball")
    from skillreg.registry.derived import build_catalog

    build_site(reg, build_catalog(reg))
    assert "The bundle of this version cannot be read." in page(root, "helm-charts")


def test_a_removed_skill_loses_its_page_and_records(tmp_path: Path) -> None:
    root = demo_catalog(tmp_path / "reg")
    (root / "index/le/ga/legacy-deployer.json").unlink()
    rebuild_derived(FolderRegistry(root))
    assert not (root / page_path("legacy-deployer")).exists()
    ids = json.loads((root / "site/search/ids.json").read_text())
    assert "legacy-deployer" not in ids["ids"]


def test_site_command_on_a_folder_that_is_not_a_registry(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["registry", "site", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {tmp_path}: not a registry")


# -- serve -----------------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = demo_catalog(tmp_path / "reg")
    server = make_server(root, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_serve_binds_loopback_with_content_types(served: tuple[Path, str], tmp_path: Path) -> None:
    root, base = served
    doc = FolderRegistry(root).read_doc("helm-charts")
    assert doc is not None
    expected = {
        "/": "text/html; charset=utf-8",
        "/site/assets/site.css": "text/css; charset=utf-8",
        "/site/assets/site.js": "text/javascript; charset=utf-8",
        "/site/search/facets.json": "application/json",
        "/" + blob_path(doc.versions["1.0.0"].sha256): "application/gzip",
    }
    for path, content_type in expected.items():
        with urllib.request.urlopen(base + path) as response:
            assert response.headers["Content-Type"] == content_type, path
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Content-Encoding"] is None
    (tmp_path / "secret.txt").write_text("outside")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(base + "/leak.txt")
    assert caught.value.code == 404


def test_serve_defaults_to_loopback(tmp_path: Path) -> None:
    root = demo_catalog(tmp_path / "reg")
    server = make_server(root, port=0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_serve_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["registry", "serve", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'nope'}: no such folder\n"


def test_a_bundle_over_the_limits_is_not_unpacked(tmp_path: Path) -> None:
    root = tmp_path / "reg"
    many = {f"refs/{i}.md": b"x" for i in range(2_001)}  # packing refuses more than 2,000
    put(root, "many-files", skill_md("many-files", "Too many files"), extra=many)
    assert "The bundle of this version cannot be read." in page(root, "many-files")


def test_a_huge_body_is_cut_with_a_note(tmp_path: Path) -> None:
    root = tmp_path / "reg"
    put(root, "huge", skill_md("huge", "Big", body="[" * 300_000))
    text = page(root, "huge")
    assert "(The rest of this file is not shown.)" in text
    assert len(text) < 200_000


def test_serve_command_serves_until_interrupted(tmp_path: Path) -> None:
    import signal
    import socket
    import subprocess
    import sys

    root = demo_catalog(tmp_path / "reg")
    command = [sys.executable, "-m", "skillreg", "registry", "serve", str(root), "--port", "0"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        assert line.startswith(f"serving {root} at http://127.0.0.1:")
        port = int(line.rsplit(":", 1)[1].split("/", 1)[0])
        with socket.create_connection(("127.0.0.1", port)) as conn:  # a raw ESC in the path
            conn.sendall(b"GET /\x1b[31mred HTTP/1.0\r\n\r\n")
            assert conn.recv(100).startswith(b"HTTP/1.0 404")
        logged = [process.stderr.readline() for _ in range(2)]  # the error, the request line
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "\x1b" not in "".join(logged) and "\\x1b[31mred" in logged[1], logged  # neutralised
    assert err.rstrip().endswith("stopped")
