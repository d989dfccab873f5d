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
    from skillreg.errors import SourceError

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
