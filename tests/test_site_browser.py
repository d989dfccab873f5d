"""The web catalog in a real browser: Debian's chromium driven by playwright, against a registry
served on 127.0.0.1 by `skill registry serve`'s server.

Every page load goes through a route that lets only 127.0.0.1 through (and records anything
else); a page-level trap records any script the skills' content manages to run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from skillreg.registry.site.layout import page_path
from skillreg.registry.site.serve import make_server
from tests.site_helpers import demo_catalog

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Runs before any page script: records script the skills' content runs (the payloads assign
# window.__pwned or call alert), and alert/confirm/prompt themselves.
TRAP = """
window.__trap = [];
Object.defineProperty(window, '__pwned', {
  set(v) { window.__trap.push(String(v)); }, get() { return undefined; },
});
for (const name of ['alert', 'confirm', 'prompt']) {
  window[name] = (...args) => { window.__trap.push(name + ':' + args.join(',')); };
}
"""

if not CHROMIUM.exists():
    pytest.skip(
        "chromium is not installed at /usr/bin/chromium (apt-get install chromium; .ci/run does)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extra")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = demo_catalog(tmp_path_factory.mktemp("site") / "reg")
    server = make_server(root, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield launched
        finally:
            launched.close()


class Visit:
    """A browser context that stays on loopback and records what the trap and routes saw."""

    def __init__(
        self, browser: Any, base: str, viewport: dict[str, int] = DESKTOP, scheme: str = "light"
    ) -> None:
        self.base = base
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport=viewport, color_scheme=scheme)
        self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        self.context.add_init_script(TRAP)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)

    def _route(self, route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, rel: str = "") -> Any:
        self.page.goto(f"{self.base}/{rel}")
        self.page.wait_for_load_state("networkidle")
        return self.page

    def close(self) -> None:
        trapped = self.page.evaluate("window.__trap")
        self.context.close()
        assert (trapped, self.dialogs, self.blocked) == ([], [], [])


@pytest.fixture
def visit(browser: Any, base: str) -> Iterator[Visit]:
    v = Visit(browser, base)
    yield v
    v.close()


def result_names(page: Any) -> list[str]:
    return list(page.locator("#results li > a").all_inner_texts())


def search(page: Any, query: str) -> list[str]:
    page.fill("#q", query)
    sync_api.expect(page.locator("#results")).to_have_attribute("data-query", query)
    return result_names(page)


def test_search_by_description_word_and_by_typo(visit: Visit) -> None:
    page = visit.open()
    assert "postgres-tuning" in result_names(page)  # a first page of skills, before a query
    assert search(page, "vacuum") == ["postgres-tuning"]
    assert search(page, "kubernets")[0] == "kubernetes-operator"  # one letter missing
    assert search(page, "opertae")[0] == "kubernetes-operator"  # two letters swapped
    assert search(page, "kube")[0] == "kubernetes-operator"  # a prefix, as you type
    assert search(page, "infra-council") == ["helm-charts", "kubernetes-operator"]
    assert page.inner_text("#status") == "2 skills found"


def test_a_facet_narrows_the_list(visit: Visit) -> None:
    page = visit.open()
    group = page.locator("fieldset", has_text="Category")
    assert group.locator("label", has_text="databases").inner_text().endswith("1")
    group.locator("label", has_text="databases").locator("input").check()
    sync_api.expect(page.locator("#status")).to_have_text("1 skill found")
    assert result_names(page) == ["postgres-tuning"]


def test_skill_page_sections_install_command_and_copy(visit: Visit) -> None:
    page = visit.open(page_path("kubernetes-operator"))
    sections = page.locator("article.skill-md h3").all_inner_texts()
    assert sections[:2] == ["When to Apply", "Core Competencies"]
    command = f"skill install kubernetes-operator --registry {visit.base}/"
    assert page.inner_text("#install-cmd") == command
    page.get_by_role("button", name="Copy").click()
    sync_api.expect(page.locator(".copied")).to_have_text("Copied to the clipboard.")
    assert page.evaluate("navigator.clipboard.readText()") == command


def test_yanked_version_and_deprecated_skill_are_marked(visit: Visit) -> None:
    page = visit.open(page_path("postgres-tuning"))
    row = page.locator("table.versions tr", has_text="1.1.0")
    assert "yanked: corrupt index advice" in row.inner_text()
    assert "latest" in page.locator("table.versions tr", has_text="1.0.0").inner_text()
    page = visit.open(page_path("legacy-deployer"))
    assert page.locator(".banner.deprecated").inner_text() == "Deprecated: use kubernetes-operator"
    page = visit.open()
    assert search(page, "legacy") == ["legacy-deployer"]
    assert "deprecated" in page.locator("#results li").first.inner_text()


def test_a_related_skills_link_opens_that_skill(visit: Visit) -> None:
    page = visit.open(page_path("kubernetes-operator"))
    page.locator("section", has_text="Related Skills").get_by_role(
        "link", name="helm-charts"
    ).click()
    page.wait_for_load_state()
    assert page.url == f"{visit.base}/{page_path('helm-charts')}"
    assert page.inner_text("h1") == "helm-charts"


def test_xss_payloads_run_no_script(visit: Visit) -> None:
    page = visit.open(page_path("xss-lab"))
    assert page.evaluate("window.__trap") == []  # nothing ran while the page loaded
    for link in page.locator("article.skill-md a, article.skill-md span.dead-link").all():
        link.click(timeout=2000)  # a javascript: URL that slipped through would run here
    page = visit.open(page_path("xss-lab"))
    page.keyboard.press("Tab")
    page = visit.open()
    assert search(page, "hostile") == ["xss-lab"]
    # `visit`'s teardown asserts that the trap, dialogs and the loopback route saw nothing.


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_issue(browser: Any, base: str, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    v = Visit(browser, base, scheme=scheme)
    pages = ["", page_path("kubernetes-operator"), page_path("postgres-tuning")]
    for rel in [*pages, page_path("legacy-deployer"), page_path("xss-lab")]:
        page = v.open(rel)
        if not rel:
            search(page, "operator")  # the result list and facets as a user sees them
        results = Axe().run(page)
        serious = [
            (violation["id"], violation["impact"], len(violation["nodes"]))
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert serious == [], rel or "home"
    v.close()


def test_screenshots_and_keyboard(browser: Any, base: str, tmp_path: Path) -> None:
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        v = Visit(browser, base, viewport)
        page = v.open()
        page.screenshot(path=tmp_path / f"home-{label}.png", full_page=True)
        page.keyboard.press("Tab")  # the skip link first, then the search box
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "q"
        page = v.open(page_path("postgres-tuning"))
        page.screenshot(path=tmp_path / f"skill-{label}.png", full_page=True)
        if label == "phone":  # nothing wider than the screen
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        v.close()
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [
        "home-desktop.png",
        "home-phone.png",
        "skill-desktop.png",
        "skill-phone.png",
    ]
