"""`--fix`: BOM, CRLF and unquoted versions are fixed; nothing else ever changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillreg.lint import LintOptions, run_lint


def _fix(tmp_path: Path, data: bytes) -> tuple[bytes, list[str], list[str]]:
    folder = tmp_path / "fixme"
    folder.mkdir()
    path = folder / "SKILL.md"
    path.write_bytes(data)
    os.chmod(path, 0o640)
    report = run_lint([folder], LintOptions(fix=True, use_config=False, cwd=tmp_path))
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert [p.name for p in folder.iterdir()] == ["SKILL.md"]  # no temp file left behind
    return path.read_bytes(), report.fixed, [d.code for d in report.diagnostics]


HEAD = b"---\nname: fixme\ndescription: x\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (b"metadata:\n  version: 1.0\n", b'metadata:\n  version: "1.0"\n'),
        (b"metadata:\n  version: 2   # why\n", b'metadata:\n  version: "2"   # why\n'),
        (b"metadata: {version: 1.0, a: b}\n", b'metadata: {version: "1.0", a: b}\n'),
    ],
)
def test_unquoted_versions_are_quoted(tmp_path: Path, before: bytes, after: bytes) -> None:
    data, fixed, codes = _fix(tmp_path, HEAD + before + b"---\n")
    assert data == HEAD + after + b"---\n"
    assert fixed == [str(tmp_path / "fixme" / "SKILL.md")]
    assert codes == []


@pytest.mark.parametrize(
    "unsafe",
    [
        b"metadata:\n  version: 1_000.5\n",  # a float, not a version: quoting would guess
        b"metadata:\n  version: .inf\n",
        b"metadata:\n  release: 1.0\n",  # not a version key: only reported
        b"metadata:\n  version: yes\n",
    ],
)
def test_other_values_are_left_alone(tmp_path: Path, unsafe: bytes) -> None:
    data, fixed, codes = _fix(tmp_path, HEAD + unsafe + b"---\n")
    assert data == HEAD + unsafe + b"---\n"
    assert fixed == []
    assert codes == ["SK108"]


def test_bom_and_crlf_are_removed_and_the_rest_kept(tmp_path: Path) -> None:
    text = "---\r\nname: fixme\r\ndescription: caf\u00e9\r\n---\r\n# T\r\n\r\nbody  \r\n"
    data, fixed, codes = _fix(tmp_path, b"\xef\xbb\xbf" + text.encode())
    assert data == text.replace("\r\n", "\n").encode()
    assert len(fixed) == 1
    assert codes == []


def test_clean_file_is_not_rewritten(tmp_path: Path) -> None:
    clean = HEAD + b"---\n# T\n"
    folder = tmp_path / "fixme"
    folder.mkdir()
    (folder / "SKILL.md").write_bytes(clean)
    before = os.stat(folder / "SKILL.md").st_mtime_ns
    report = run_lint([folder], LintOptions(fix=True, use_config=False, cwd=tmp_path))
    assert report.fixed == []
    assert os.stat(folder / "SKILL.md").st_mtime_ns == before


def test_failed_write_is_an_error_and_leaves_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skillreg.core.errors import SourceError

    folder = tmp_path / "fixme"
    folder.mkdir()
    original = b"\xef\xbb\xbf" + HEAD + b"---\n"
    (folder / "SKILL.md").write_bytes(original)

    def refuse(src: str, dst: str) -> None:  # what a read-only or full disk does to a rename
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(SourceError, match="cannot write the fixed file: Read-only file system"):
        run_lint([folder], LintOptions(fix=True, use_config=False, cwd=tmp_path))
    assert (folder / "SKILL.md").read_bytes() == original
    assert [p.name for p in folder.iterdir()] == ["SKILL.md"]  # the temp file was removed


CRLF = b"---\r\nname: fixme\r\ndescription: x\r\n---\r\n# T\r\n"


def test_symlinked_skill_file_is_fixed_in_its_target_inside_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "fixme"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "skill.txt").write_bytes(CRLF)
    (folder / "SKILL.md").symlink_to(Path("docs") / "skill.txt")
    report = run_lint([folder], LintOptions(fix=True, use_config=False, cwd=tmp_path))
    assert (folder / "SKILL.md").is_symlink()  # still a link, not a copy
    assert os.readlink(folder / "SKILL.md") == os.path.join("docs", "skill.txt")
    assert (folder / "docs" / "skill.txt").read_bytes() == CRLF.replace(b"\r\n", b"\n")
    assert report.fixed == [str(folder / "SKILL.md")]
    assert report.unfixed == {}
    assert sorted(p.name for p in (folder / "docs").iterdir()) == ["skill.txt"]


@pytest.mark.parametrize("target", ["../elsewhere/SKILL.md", "/ABSOLUTE"])
def test_symlink_out_of_the_skill_folder_is_never_followed_to_write(
    tmp_path: Path, target: str
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "SKILL.md").write_bytes(CRLF)
    folder = tmp_path / "fixme"
    folder.mkdir()
    link = target.replace("/ABSOLUTE", str(elsewhere / "SKILL.md"))
    (folder / "SKILL.md").symlink_to(link)
    report = run_lint([folder], LintOptions(fix=True, use_config=False, cwd=tmp_path))
    assert os.readlink(folder / "SKILL.md") == link  # the link is left as it was
    assert (elsewhere / "SKILL.md").read_bytes() == CRLF  # and so is the file it points to
    assert [p.name for p in folder.iterdir()] == ["SKILL.md"]
    assert report.fixed == []
    # Never read at all (docs/security.md): one SK007 finding, nothing to fix.
    assert [d.code for d in report.diagnostics] == ["SK007"]


def test_cli_refuses_a_skill_file_linked_out_of_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from skillreg.cli import cli

    (tmp_path / "elsewhere.md").write_bytes(CRLF)
    (tmp_path / "fixme").mkdir()
    (tmp_path / "fixme" / "SKILL.md").symlink_to(tmp_path / "elsewhere.md")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["lint", "--fix", "--profile", "agentskills", "fixme"])
    assert result.exit_code == 1
    assert "fixme/SKILL.md:1:1: SK007 error:" in result.stdout
    assert "SK006" not in result.stdout and result.stderr == ""
    assert (tmp_path / "elsewhere.md").read_bytes() == CRLF


def test_a_tagged_version_is_not_quoted(tmp_path: Path) -> None:
    # Quoting after the tag would keep the float; quoting the tag with it would change the text.
    tagged = b"metadata:\n  version: !!float 1.0\n"
    data, fixed, codes = _fix(tmp_path, HEAD + tagged + b"---\n")
    assert data == HEAD + tagged + b"---\n"
    assert fixed == []
    assert codes == ["SK103", "SK112"]


@pytest.mark.parametrize("raw", ["1", "1.0", "2.5", "1_0", "0x1F", "1.0e+3", ".5", "017"])
def test_fix_quotes_exactly_the_versions_lint_calls_fixable(tmp_path: Path, raw: str) -> None:
    before = HEAD + f"metadata:\n  version: {raw}\n---\n".encode()
    folder = tmp_path / "fixme"
    folder.mkdir()
    (folder / "SKILL.md").write_bytes(before)
    first = run_lint([folder], LintOptions(use_config=False, cwd=tmp_path))
    fixable = [d.fixable for d in first.diagnostics if d.code == "SK108"]
    assert len(fixable) == 1
    report = run_lint([folder], LintOptions(fix=True, use_config=False, cwd=tmp_path))
    assert bool(report.fixed) == fixable[0]


def test_one_definition_of_a_version_like_number() -> None:
    import skillreg
    from skillreg.lint import schema_rules

    pattern = schema_rules.SEMVERISH.pattern
    package = Path(skillreg.__file__).parent
    defining = [p for p in sorted(package.rglob("*.py")) if pattern in p.read_text("utf-8")]
    assert defining == [Path(schema_rules.__file__)]
