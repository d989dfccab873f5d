"""`skill index` lists lint errors: the same findings as `skill lint`, cached but never stale."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from skillreg.cli import cli
from skillreg.core.diagnostics import Severity
from skillreg.index.build import IndexOptions, build_index, dumps
from skillreg.lint import LintOptions, run_lint
from skillreg.lint import profiles as profiles_mod

from .conftest import CORPUS, REPO, needs_corpus, seed_family

OLD = time.time() - 3600  # outside the cache's racy window


def skill(root: Path, folder: str, front: str = "", body: str = "# Title\n") -> Path:
    """A SKILL.md in `root/folder` named after the folder, with extra frontmatter lines."""
    path = root / folder / "SKILL.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    name = folder.rsplit("/", 1)[-1]
    text = f"---\nname: {name}\ndescription: Does {name} things.\n{front}---\n{body}"
    path.write_text(text, encoding="utf-8")
    return path


def errors(root: Path, *, profile: str | None = None, cwd: Path | None = None) -> Any:
    """Each entry's errors as (code, line) pairs, by entry path."""
    options = IndexOptions((root,), jobs=1, profile=profile, cwd=cwd or root)
    document = build_index(options)
    return {e["path"]: [(x["code"], x["line"]) for x in e["errors"]] for e in document["skills"]}


@pytest.fixture
def fresh_profiles() -> Iterator[None]:
    """Profile files are read once per process (a real run is one process): forget them."""
    profiles_mod._read.cache_clear()
    yield
    profiles_mod._read.cache_clear()


def test_unknown_key_and_missing_section_are_errors(tmp_path: Path) -> None:
    skill(tmp_path, "extra", front="colour: blue\n")
    skill(tmp_path, "plain")
    assert errors(tmp_path, profile="agentskills") == {"extra": [("SK102", 4)], "plain": []}
    council = errors(tmp_path, profile="council")
    assert ("SK101", 2) in council["plain"] and ("SK203", 5) in council["plain"]
    assert ("SK102", 4) in council["extra"]  # council extends agentskills


def test_profile_option_changes_the_result(tmp_path: Path) -> None:
    skill(tmp_path, "plain")
    runner = CliRunner()
    base = runner.invoke(cli, ["index", str(tmp_path), "--profile", "agentskills"])
    council = runner.invoke(cli, ["index", str(tmp_path), "--profile", "council"])
    assert base.exit_code == council.exit_code == 0
    assert json.loads(base.stdout)["skills"][0]["errors"] == []
    assert json.loads(council.stdout)["skills"][0]["errors"]
    assert (base.stderr, council.stderr) == (
        "",
        "warning: 1 skill(s) have errors (see their `errors`)\n",
    )
    unknown = runner.invoke(cli, ["index", str(tmp_path), "--profile", "nope"])
    assert (unknown.exit_code, unknown.stdout) == (2, "")
    assert "unknown profile 'nope'" in unknown.stderr


def test_config_profile_and_rule_settings_apply(tmp_path: Path) -> None:
    skill(tmp_path, "plain", front="colour: blue\n")
    (tmp_path / "skill.toml").write_text('[lint]\nprofile = "council"\n', encoding="utf-8")
    assert {code for code, _ in errors(tmp_path)["plain"]} >= {"SK101", "SK102", "SK203"}
    (tmp_path / "skill.toml").write_text(
        '[lint]\nignore = ["SK102"]\n[lint.severity]\nSK109 = "warning"\n', encoding="utf-8"
    )
    assert errors(tmp_path) == {"plain": []}
    assert errors(tmp_path, profile="agentskills", cwd=REPO) == {"plain": [("SK102", 4)]}


def test_suppression_comments_apply(tmp_path: Path) -> None:
    skill(tmp_path, "quiet", front="colour: blue  # skill-lint: disable=SK102\n")
    assert errors(tmp_path, profile="agentskills") == {"quiet": []}


def test_changed_profile_file_invalidates_the_cache(
    tmp_path: Path, parses: list[Path], fresh_profiles: None
) -> None:
    profile = tmp_path / "house.json"
    rules: dict[str, Any] = {"name": "house", "extends": "agentskills"}
    profile.write_text(json.dumps({**rules, "body": {"required_sections": ["Usage"]}}))
    tree = tmp_path / "skills"
    skill(tree, "plain")
    assert errors(tree, profile=str(profile)) == {"plain": [("SK203", 5)]}
    assert errors(tree, profile=str(profile)) == {"plain": [("SK203", 5)]}
    assert len(parses) == 1  # the second run was answered by the cache
    profile.write_text(json.dumps({**rules, "body": {"required_sections": []}}))
    profiles_mod._read.cache_clear()
    assert errors(tree, profile=str(profile)) == {"plain": []}
    assert len(parses) == 2


def test_moved_skill_and_new_link_target_are_relinted(tmp_path: Path, parses: list[Path]) -> None:
    tree = tmp_path / "skills"
    skill(tree, "alpha", body="# Alpha\n\nSee [notes](notes.md).\n")
    assert errors(tree, profile="agentskills") == {"alpha": [("SK208", 7)]}
    (tree / "alpha" / "notes.md").write_text("notes\n", encoding="utf-8")
    assert errors(tree, profile="agentskills") == {"alpha": []}
    os.rename(tree / "alpha", tree / "beta")  # same bytes, another folder: the name mismatches
    assert errors(tree, profile="agentskills") == {"beta": [("SK106", 2)]}
    assert len(parses) == 3


def test_identical_files_in_two_folders_keep_their_own_findings(
    tmp_path: Path, parses: list[Path]
) -> None:
    skill(tmp_path, "alpha")
    shutil.copytree(tmp_path / "alpha", tmp_path / "copy")  # same bytes: `name: alpha`
    cold = errors(tmp_path, profile="agentskills")
    assert cold["alpha"] == [] and ("SK106", 2) in cold["copy"]
    assert errors(tmp_path, profile="agentskills") == cold
    assert len(parses) == 2


def test_references_are_resolved_over_the_collection(tmp_path: Path, parses: list[Path]) -> None:
    related = "\n## Related Skills\n\n- `securty-engineer` - Threats\n- `beta` - Friend\n"
    skill(tmp_path, "alpha", body="# Alpha\n" + related)
    skill(tmp_path, "beta")
    skill(tmp_path, "other/beta")  # a second skill named beta
    skill(tmp_path, "security-engineer")
    document = build_index(IndexOptions((tmp_path,), jobs=1, profile="agentskills", cwd=tmp_path))
    found = {e["path"]: e["errors"] for e in document["skills"]}
    assert found["alpha"] == [
        {
            "code": "SK301",
            "line": 9,
            "col": 4,
            "message": "no skill named 'securty-engineer'; did you mean 'security-engineer'?",
        }
    ]
    assert [(e["code"], e["line"]) for e in found["other/beta"]] == [("SK304", 2)]
    assert "declared by both" in found["other/beta"][0]["message"]
    assert found["beta"] == found["security-engineer"] == []
    again = build_index(IndexOptions((tmp_path,), jobs=1, profile="agentskills", cwd=tmp_path))
    assert dumps(again) == dumps(document) and len(parses) == 4  # the warm run parsed nothing
    assert same_errors_as_lint(tmp_path, "agentskills")


def same_errors_as_lint(root: Path, profile: str) -> bool:
    """Whether every index entry's errors are exactly `skill lint`'s errors for its SKILL.md."""
    report = run_lint([root], LintOptions(profile=profile, cwd=root))
    linted: dict[str, list[tuple[int, int, str, str]]] = {}
    for d in report.diagnostics:
        if d.severity >= Severity.ERROR:
            folder = os.path.relpath(os.path.dirname(os.path.abspath(d.path)), root)
            linted.setdefault(folder.replace(os.sep, "/"), []).append(
                (d.line, d.col, d.code, d.message)
            )
    document = build_index(IndexOptions((root,), profile=profile, cwd=root))
    indexed = {
        e["path"]: [(x["line"], x["col"], x["code"], x["message"]) for x in e["errors"]]
        for e in document["skills"]
        if e["errors"]
    }
    return indexed == {path: sorted(found) for path, found in linted.items()}


RELATED_METADATA = REPO / "tests" / "lint_cases" / "sk308-related-mismatch" / "profile.json"


@needs_corpus
@pytest.mark.parametrize("profile", ["agentskills", "council", str(RELATED_METADATA)])
def test_corpus_errors_are_lint_errors(profile: str) -> None:
    assert same_errors_as_lint(CORPUS, profile)


@needs_corpus
def test_every_skill_lint_rejects_has_errors_in_the_index() -> None:
    rejected = {
        os.path.dirname(os.path.abspath(d.path))
        for d in run_lint([CORPUS], LintOptions(profile="agentskills")).diagnostics
        if d.severity >= Severity.ERROR
    }
    result = CliRunner().invoke(cli, ["index", str(CORPUS), "--profile", "agentskills"])
    document = json.loads(result.stdout)
    with_errors = {str(CORPUS / e["path"]) for e in document["skills"] if e["errors"]}
    assert len(rejected) == 148
    assert with_errors == rejected
    assert "148 skill(s) have errors" in result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose config excludes `drafts`, holding the seed family and a broken draft."""
    seed_family(tmp_path / "skills")
    draft = tmp_path / "skills" / "drafts" / "rust-pro"
    draft.mkdir(parents=True)
    related = "## Related Skills\n\n- `backend-developer` - Services\n"
    (draft / "SKILL.md").write_text(f"no frontmatter\n\n{related}", encoding="utf-8")
    (tmp_path / "skill.toml").write_text('[lint]\nexclude = ["drafts"]\n', encoding="utf-8")
    return tmp_path


def test_index_honours_config_exclude(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = {e["path"] for e in build_index(IndexOptions((project,), cwd=project))["skills"]}
    assert len(paths) == 6 and not any("drafts" in p for p in paths)
    draft = project / "skills" / "drafts" / "rust-pro" / "SKILL.md"
    named = build_index(IndexOptions((project, draft), cwd=project))["skills"]
    assert any(e["errors"] and e["path"].endswith("drafts/rust-pro") for e in named)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["index"])
    assert result.exit_code == 0 and result.stderr == ""
    assert json.loads(result.stdout)["count"] == 6


def test_graph_honours_config_exclude(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["graph", "backend-developer"])
    assert result.exit_code == 0, result.stderr
    assert "cycle group of 6 skills" in result.stdout
    assert "rust-pro" not in result.stdout


def test_suggestions_are_cached_until_the_names_change(
    tmp_path: Path, parses: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import difflib

    asked: list[str] = []
    real = difflib.get_close_matches

    def counting(word: str, possibilities: list[str], *args: Any, **kwargs: Any) -> list[str]:
        if len(possibilities) > 1:  # not the lookup of a skill parsed alone (`summarize`)
            asked.append(word)
        return real(word, possibilities, *args, **kwargs)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    related = "\n## Related Skills\n\n- `alhpa` - Typo\n"
    skill(tmp_path, "alpha")
    skill(tmp_path, "beta", body="# Beta\n" + related)
    message = "no skill named 'alhpa'; did you mean 'alpha'?"
    for _ in range(2):
        document = build_index(IndexOptions((tmp_path,), profile="agentskills", cwd=tmp_path))
        assert document["skills"][1]["errors"][0]["message"] == message
    assert asked == ["alhpa"]
    skill(tmp_path, "alhpb")
    build_index(IndexOptions((tmp_path,), profile="agentskills", cwd=tmp_path))
    assert asked == ["alhpa", "alhpa"]


@pytest.mark.parametrize(
    "globs", [("tests",), ("tests/fixtures",), ("*.md",), ("docs/*", "SKILL.md")]
)
@pytest.mark.parametrize("root", [REPO, Path("/"), REPO / "tests"], ids=["repo", "slash", "tests"])
def test_exclude_filter_agrees_with_lint_selection(root: Path, globs: tuple[str, ...]) -> None:
    from skillreg.lint.runner import not_excluded
    from skillreg.lint.selection import excluded
    from skillreg.lint.settings import LintSettings

    files = sorted(str(p) for p in (REPO / "tests").rglob("*.md"))
    files += [str(CORPUS / "a" / "SKILL.md"), "tests/x/SKILL.md", "elsewhere/docs/SKILL.md"]
    settings = LintSettings(root=root, exclude=globs)
    assert not_excluded(files, [], settings) == [f for f in files if not excluded(f, globs, root)]
