"""`skill publish` end to end: the seed and its related skills into a folder registry."""

from __future__ import annotations

import hashlib
import json
import threading
import urllib.request
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from skillreg.cli import cli
from tests.conftest import seed_family


@pytest.fixture(autouse=True)
def outside_the_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lint reads the config above the current folder: keep the repo's council profile out."""
    monkeypatch.chdir(tmp_path)


NAMES = ["backend-developer", "data-engineer", "devops-engineer", "golang-pro", "python-pro",
         "security-engineer"]  # fmt: skip


def skill(name: str, version: str = "1.0.0", related: tuple[str, ...] = (), extra: str = "") -> str:
    """A small valid SKILL.md; `related` names go under a Related Skills section."""
    lines = [
        "---",
        f"name: {name}",
        f"description: {name} does one small thing well",
        "metadata:",
        f'  version: "{version}"',
        "---",
        "",
        f"# {name}",
        "",
        "Some text.",
        extra,
    ]
    if related:
        lines += ["", "## Related Skills", ""] + [f"- `{r}` - why" for r in related]
    return "\n".join(lines) + "\n"


def write_skill(parent: Path, name: str, **kwargs: object) -> Path:
    folder = parent / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "SKILL.md").write_text(skill(name, **kwargs))  # type: ignore[arg-type]
    return folder


def sources(tmp_path: Path) -> Path:
    """A writable copy of the seed and its five related fixture skills."""
    return seed_family(tmp_path / "src")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under `root` (lock files aside) with its sha256 and mtime."""
    if not root.exists():
        return {}
    files = [p for p in sorted(root.rglob("*")) if p.is_file() and ".locks" not in p.parts]
    return {p.relative_to(root).as_posix(): (_sha256(p), p.stat().st_mtime_ns) for p in files}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_registry(tmp_path: Path) -> tuple[Path, Path]:
    src = sources(tmp_path)
    reg = tmp_path / "reg"
    result = run("publish", str(src), "--to", str(reg))
    assert result.exit_code == 0, result.output
    return src, reg


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    _src, reg = published_registry(tmp_path)
    handler = partial(SimpleHTTPRequestHandler, directory=str(reg))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield reg, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_publish_seed_with_related_skills_then_verify(tmp_path: Path) -> None:
    _src, reg = published_registry(tmp_path)
    result = run("registry", "verify", str(reg))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("ok: 6 skills, 6 versions, 6 bundles checked")
    catalog = json.loads((reg / "catalog.json").read_text())
    assert [s["name"] for s in catalog["skills"]] == NAMES
    doc = json.loads((reg / "index/ba/ck/backend-developer.json").read_text())
    assert doc["serial"] == 1 and doc["tags"] == {"latest": "1.0.0"}
    assert doc["versions"]["1.0.0"]["related"] == NAMES[1:]


def test_registry_is_browsable_over_http(served: tuple[Path, str]) -> None:
    _reg, base = served
    with urllib.request.urlopen(f"{base}/registry.json") as response:
        root = json.loads(response.read())
    assert root["format"] == "skillreg-registry"
    doc_url = f"{base}/" + root["index"].format(prefix="ba/ck", name="backend-developer")
    with urllib.request.urlopen(doc_url) as response:
        doc = json.loads(response.read())
    entry = doc["versions"][doc["tags"]["latest"]]
    blob_url = f"{base}/" + root["blobs"].format(
        h01=entry["sha256"][:2], h23=entry["sha256"][2:4], sha256=entry["sha256"]
    )
    with urllib.request.urlopen(blob_url) as response:
        assert hashlib.sha256(response.read()).hexdigest() == entry["sha256"]
    with urllib.request.urlopen(f"{base}/index.html") as response:
        assert b'<input id="q"' in response.read()  # the web catalog's home page
    with urllib.request.urlopen(f"{base}/site/skills/ba/ck/backend-developer.html") as response:
        assert b"<h1>backend-developer</h1>" in response.read()


def test_republishing_unchanged_changes_no_file(tmp_path: Path) -> None:
    src, reg = published_registry(tmp_path)
    before = snapshot(reg)
    result = run("publish", str(src), "--to", str(reg))
    assert result.exit_code == 0, result.output
    assert result.stdout.count("unchanged ") == 6 and "wrote" not in result.stdout
    assert snapshot(reg) == before


def test_changed_contents_without_a_version_bump_are_refused(tmp_path: Path) -> None:
    src, reg = published_registry(tmp_path)
    before = snapshot(reg)
    (src / "python-pro" / "notes.md").write_text("an extra file\n")
    result = run("publish", str(src), "--to", str(reg))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "python-pro@1.0.0 is already published with different contents" in result.stderr
    assert "bump metadata.version (e.g. to 1.0.1)" in result.stderr
    assert snapshot(reg) == before


def test_a_version_bump_adds_a_version_and_raises_the_serial(tmp_path: Path) -> None:
    src, reg = published_registry(tmp_path)
    text = (src / "python-pro" / "SKILL.md").read_text()
    (src / "python-pro" / "SKILL.md").write_text(text.replace('"1.0.0"', '"1.1.0"'))
    result = run("publish", str(src / "python-pro"), "--to", f"file://{reg}")
    assert result.exit_code == 0, result.output
    assert "published python-pro@1.1.0" in result.stdout
    doc = json.loads((reg / "index/py/th/python-pro.json").read_text())
    assert sorted(doc["versions"]) == ["1.0.0", "1.1.0"]
    assert (doc["serial"], doc["tags"]["latest"]) == (2, "1.1.0")
    assert run("registry", "verify", str(reg)).exit_code == 0


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    src = sources(tmp_path)
    reg = tmp_path / "reg"
    result = run("publish", str(src), "--to", str(reg), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would publish backend-developer@1.0.0" in result.stdout
    assert "would write registry.json" in result.stdout
    assert "would write index/py/th/python-pro.json" in result.stdout
    assert not reg.exists()


def test_lint_errors_refuse_the_whole_publish(tmp_path: Path) -> None:
    src = sources(tmp_path)
    (src / "golang-pro" / "SKILL.md").write_text(
        (src / "golang-pro" / "SKILL.md").read_text().replace("name: golang-pro", "name: [golang")
    )
    reg = tmp_path / "reg"
    result = run("publish", str(src), "--to", str(reg))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "golang-pro/SKILL.md:3:" in result.stderr and "YAML" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: refused: lint errors in")
    assert not reg.exists()


def test_unknown_related_skill_is_refused(tmp_path: Path) -> None:
    folder = write_skill(tmp_path / "src", "lonely-skill", related=("no-such-skill",))
    reg = tmp_path / "reg"
    result = run("publish", str(folder), "--to", str(reg))
    assert result.exit_code == 1
    assert "no-such-skill" in result.stderr
    assert "error: refused" in result.stderr
    assert not reg.exists()


def test_related_skill_already_in_the_registry_resolves(tmp_path: Path) -> None:
    _src, reg = published_registry(tmp_path)
    folder = write_skill(tmp_path / "more", "rust-pro", related=("python-pro", "golang-pro"))
    result = run("publish", str(folder), "--to", str(reg))
    assert result.exit_code == 0, result.output
    assert "published rust-pro@1.0.0" in result.stdout


def test_missing_version_is_refused_with_advice(tmp_path: Path) -> None:
    folder = tmp_path / "src" / "no-version"
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text("---\nname: no-version\ndescription: d\n---\n\n# X\n")
    result = run("publish", str(folder), "--to", str(tmp_path / "reg"))
    assert result.exit_code == 1
    assert "no version: add `metadata:`" in result.stderr
    assert not (tmp_path / "reg").exists()


def test_refuses_a_folder_that_is_not_a_registry_and_remote_urls(tmp_path: Path) -> None:
    folder = write_skill(tmp_path / "src", "tiny-skill")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    result = run("publish", str(folder), "--to", str(tmp_path / "other"))
    assert result.exit_code == 1
    assert "not empty and has no registry.json" in result.stderr
    result = run("publish", str(folder), "--to", "https://example.invalid/reg")
    assert result.exit_code == 2
    assert "file:// URL" in result.stderr


def test_publishing_is_reproducible_under_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    src = sources(tmp_path)
    for reg in ("one", "two"):
        assert run("publish", str(src), "--to", str(tmp_path / reg)).exit_code == 0
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert {k: v[0] for k, v in one.items()} == {k: v[0] for k, v in two.items()}
    doc = json.loads((tmp_path / "one/index/go/la/golang-pro.json").read_text())
    assert doc["versions"]["1.0.0"]["published"] == "2023-11-14T22:13:20Z"
    assert (tmp_path / "one/catalog.json").read_bytes().endswith(b"}\n")


def test_publish_json_output(tmp_path: Path) -> None:
    folder = write_skill(tmp_path / "src", "json-skill")
    result = run("publish", str(folder), "--to", str(tmp_path / "reg"), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["published"] == ["json-skill@1.0.0"]
    assert payload["dry_run"] is False
    assert "index/js/on/json-skill.json" in payload["written"]


def test_council_profile_reports_the_unknown_related_skill_at_its_line(tmp_path: Path) -> None:
    src = sources(tmp_path)
    path = src / "python-pro" / "SKILL.md"
    path.write_text(path.read_text().replace("`golang-pro` -", "`golang-pro` / `ghost-pro` -"))
    reg = tmp_path / "reg"
    result = run("publish", str(src), "--to", str(reg), "--profile", "council")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4, lines  # one finding, a blank line, the summary, then the refusal
    line_no = (
        path.read_text()
        .splitlines()
        .index("- `golang-pro` / `ghost-pro` - Another language view on services")
    )
    where = f"src/python-pro/SKILL.md:{line_no + 1}:19"  # as `skill lint` shows it: from the cwd
    assert lines[0] == f"{where}: SK301 error: no skill named 'ghost-pro'"
    assert lines[1:3] == ["", "1 error, 0 warnings in 6 files"]
    assert not reg.exists()


def test_refusal_reads_exactly_like_skill_lint(tmp_path: Path) -> None:
    src = sources(tmp_path)
    path = src / "golang-pro" / "SKILL.md"
    path.write_text(path.read_text().replace("name: golang-pro", "name: [golang"))
    refused = run("publish", "src", "--to", str(tmp_path / "reg"))
    linted = run("lint", "src")
    assert refused.exit_code == linted.exit_code == 1
    *findings, refusal = refused.stderr.splitlines(keepends=True)
    assert "".join(findings) == linted.stdout
    assert "src/golang-pro/SKILL.md:3:12: SK012 error: " in linted.stdout
    assert refusal.startswith("error: refused: lint errors in 1 skill(s)")


def test_unresolved_name_is_sk301_even_when_another_finding_mentions_it(tmp_path: Path) -> None:
    # One skill under the default profile: lint itself checks no references. The other error's
    # message ("... 'description'") contains the unknown name: it must still be reported.
    folder = tmp_path / "src" / "lonely-skill"
    folder.mkdir(parents=True)
    text = skill("lonely-skill", related=("script",)).replace(
        "description: lonely-skill does one small thing well\n", ""
    )
    (folder / "SKILL.md").write_text(text)
    result = run("publish", str(folder), "--to", str(tmp_path / "reg"))
    assert result.exit_code == 1
    line_no = text.splitlines().index("- `script` - why") + 1
    assert result.stderr.splitlines() == [
        "src/lonely-skill/SKILL.md:2:1: SK101 error: missing required field 'description'",
        f"src/lonely-skill/SKILL.md:{line_no}:4: SK301 error: no skill named 'script' in this "
        "publish or in the registry",
        "",
        "2 errors, 0 warnings in 1 file",
        "error: refused: lint errors in 1 skill(s); fix them and publish again",
    ]
    assert not (tmp_path / "reg").exists()


def test_unresolved_name_refuses_even_when_config_lowers_sk301(tmp_path: Path) -> None:
    (tmp_path / "skill.toml").write_text('[lint]\nseverity = {SK301 = "warning"}\n')
    write_skill(tmp_path / "src", "one-skill", related=("two-skill", "ghost-skill"))
    write_skill(tmp_path / "src", "two-skill")
    result = run("publish", "src", "--to", str(tmp_path / "reg"))
    assert result.exit_code == 1
    sk301 = [line for line in result.stderr.splitlines() if ": SK301 " in line]
    assert sk301 == [  # lint's own finding (once, not twice), at error severity
        "src/one-skill/SKILL.md:16:4: SK301 error: no skill named 'ghost-skill'"
    ]
    assert not (tmp_path / "reg").exists()


def test_warnings_are_shown_as_lint_shows_them(tmp_path: Path) -> None:
    write_skill(tmp_path / "src", "warned-skill", extra="\n### Too deep\n")  # SK205 warning
    result = run("publish", "src", "--to", str(tmp_path / "reg"))
    assert result.exit_code == 0, result.output
    assert "published warned-skill@1.0.0" in result.stdout
    assert result.stderr.splitlines() == [
        "src/warned-skill/SKILL.md:12:1: SK205 warning: heading level 3 follows level 1",
        "",
        "0 errors, 1 warning in 1 file",
    ]


def _no_version(parent: Path, name: str) -> Path:
    folder = parent / name
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(f"---\nname: {name}\ndescription: d\n---\n\n# X\n")
    return folder


def test_publish_reports_every_refusal_at_once(tmp_path: Path) -> None:
    """Two missing versions and a lint error: all three said in one run, nothing written."""
    src = tmp_path / "src"
    write_skill(src, "good-skill")
    _no_version(src, "first-missing")
    _no_version(src, "second-missing")
    write_skill(src, "bad-lint", extra="")
    bad = src / "bad-lint" / "SKILL.md"
    bad.write_text(bad.read_text().replace("description: bad-lint does one small thing well\n", ""))
    result = run("publish", "src", "--to", str(tmp_path / "reg"))
    assert result.exit_code == 1
    err = result.stderr
    assert "SK101" in err and "src/bad-lint/SKILL.md" in err
    assert err.count("refused: ") >= 3
    assert (
        "first-missing/SKILL.md: no version" in err and "second-missing/SKILL.md: no version" in err
    )
    assert err.splitlines()[-1] == (
        "error: refused: lint errors in 1 skill(s); 2 skill(s) refused as listed above; fix them "
        "and publish again (or --keep-going to publish the other 1)"
    )
    assert not (tmp_path / "reg").exists()


def test_publish_keep_going_publishes_the_valid_and_lists_the_rest(tmp_path: Path) -> None:
    src = tmp_path / "src"
    write_skill(src, "good-skill")
    write_skill(src, "other-good")
    _no_version(src, "no-version")
    result = run("publish", "src", "--to", str(tmp_path / "reg"), "--keep-going")
    assert result.exit_code == 1  # something was refused
    assert "published good-skill@1.0.0" in result.stdout
    assert "published other-good@1.0.0" in result.stdout
    assert "refused: " in result.stderr and "no-version/SKILL.md: no version" in result.stderr
    assert run("registry", "verify", str(tmp_path / "reg")).exit_code == 0
    as_json = run("publish", "src", "--to", str(tmp_path / "reg"), "--keep-going", "--json")
    data = json.loads(as_json.stdout)
    assert data["unchanged"] == ["good-skill@1.0.0", "other-good@1.0.0"]
    assert len(data["refused"]) == 1


def test_publish_never_publishes_a_nested_skill_unless_asked(tmp_path: Path) -> None:
    src = tmp_path / "src"
    outer = write_skill(src, "outer-skill")
    write_skill(outer / "examples", "inner-example")
    result = run("publish", "src", "--to", str(tmp_path / "reg"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "published outer-skill@1.0.0"
    assert "inner-example" not in result.stdout
    assert "note: skipped src/outer-skill/examples/inner-example/SKILL.md" in result.stderr
    asked = run("publish", "src", "--to", str(tmp_path / "reg"), "--nested")
    assert asked.exit_code == 0, asked.output
    assert "published inner-example@1.0.0" in asked.stdout
