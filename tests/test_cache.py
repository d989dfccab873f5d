"""The index cache: reuse, invalidation, corruption, and never serving a stale hash."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest

from skillreg.index import cache as cache_mod
from skillreg.index import scan as index_scan
from skillreg.index.build import IndexOptions, build_index, dumps
from skillreg.index.cache import IndexCache

from .conftest import seed_family

OLD = time.time() - 3600  # well outside the racy window


@pytest.fixture
def tree(tmp_path: Path, trust_fresh_files: None) -> Path:
    root = seed_family(tmp_path / "skills")
    (root / "python-pro" / "notes.txt").write_text("notes\n", encoding="utf-8")
    age(root)
    return root


def age(root: Path) -> None:
    for path in root.rglob("*"):
        os.utime(path, (OLD, OLD))


def index(root: Path, profile: str | None = None) -> str:
    """The index of `root`, the project config looked for from `root` (none above a temp folder)."""
    return dumps(build_index(IndexOptions((root,), jobs=1, profile=profile, cwd=root)))


def cache_files() -> list[Path]:
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "skillreg" / "index"
    return sorted(folder.glob("*.idx")) if folder.is_dir() else []


def test_warm_run_parses_nothing_and_edit_reparses_one(tree: Path, parses: list[Path]) -> None:
    first = index(tree)
    assert len(parses) == 6
    assert len(cache_files()) == 1
    assert index(tree) == first
    assert len(parses) == 6
    skill = tree / "golang-pro" / "SKILL.md"
    skill.write_text(skill.read_text() + "\nExtra.\n", encoding="utf-8")
    os.utime(skill, (OLD + 10, OLD + 10))
    edited = index(tree)
    assert parses[6:] == [skill]
    assert edited != first
    assert hashlib.sha256(skill.read_bytes()).hexdigest() in edited


def test_cache_lives_in_the_user_cache_folder(tree: Path, tmp_path: Path) -> None:
    index(tree)
    (path,) = cache_files()
    assert path.is_relative_to(Path(os.environ["HOME"]))


def test_corrupt_or_deleted_cache_is_rebuilt(tree: Path, parses: list[Path]) -> None:
    first = index(tree)
    (path,) = cache_files()
    path.write_bytes(b"\x00garbage")
    assert index(tree) == first
    assert len(parses) == 12
    path.unlink()
    assert index(tree) == first
    assert len(parses) == 18
    assert index(tree) == first
    assert len(parses) == 18


def test_tool_version_invalidates(
    tree: Path, parses: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    index(tree)
    monkeypatch.setattr(cache_mod, "__version__", "999.0.0")
    index(tree)
    assert len(parses) == 12


def test_namespace_separates_caches(tree: Path, tmp_path: Path) -> None:
    folder = tmp_path / "c"
    a = IndexCache.open([tree], "profile-a", folder)
    a.remember_note("k", "x")
    a.save([])
    assert IndexCache.open([tree], "profile-b", folder).note("k") is None
    assert IndexCache.open([tree], "profile-a", folder).note("k") == "x"


def test_stat_change_with_same_size_and_mtime_is_rehashed(tree: Path) -> None:
    index(tree)
    notes = tree / "python-pro" / "notes.txt"
    replacement = tree / "python-pro" / "notes.new"
    replacement.write_text("NOTES\n", encoding="utf-8")  # same size, new inode
    os.replace(replacement, notes)
    os.utime(notes, (OLD, OLD))
    assert hashlib.sha256(b"NOTES\n").hexdigest() in index(tree)


@pytest.mark.parametrize("mtime", [OLD, None], ids=["fresh-ctime", "fresh-mtime"])
def test_fresh_files_are_not_trusted_by_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mtime: float | None
) -> None:
    monkeypatch.setattr(cache_mod, "RACY_NS", 2_000_000_000)
    notes = tmp_path / "notes.txt"
    notes.write_text("notes\n", encoding="utf-8")
    os.utime(notes, None if mtime is None else (mtime, mtime))  # either way ctime is now
    assert not IndexCache.open([tmp_path], "", tmp_path / "c").trusted(os.stat(notes))
    os.utime(notes, (OLD, OLD))  # ctime is still now
    assert not IndexCache.open([tmp_path], "", tmp_path / "c").trusted(os.stat(notes))


def test_coarse_stat_is_safe_for_files_written_just_before_a_run(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a file system where only size and mtime tell files apart, a file rewritten within the
    timestamp granularity looks unchanged: the racy rule keeps its hash from being trusted."""
    monkeypatch.setattr(cache_mod, "stat_key", lambda st: f"{st.st_size} {st.st_mtime_ns}")
    monkeypatch.setattr(cache_mod, "RACY_NS", 2_000_000_000)
    notes = tree / "python-pro" / "notes.txt"
    notes.write_text("notes\n", encoding="utf-8")
    before = os.stat(notes).st_mtime_ns
    index(tree)
    notes.write_text("NOTES\n", encoding="utf-8")  # same size, same mtime: looks unchanged
    os.utime(notes, ns=(before, before))
    assert hashlib.sha256(b"NOTES\n").hexdigest() in index(tree)


def test_old_files_are_trusted_only_with_identical_stat(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[str] = []
    real = cache_mod.sha256_file

    def counting(path: str) -> str:
        hashed.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(index_scan, "sha256_file", counting)
    first = index(tree)
    assert "notes.txt" in hashed
    hashed.clear()
    assert index(tree) == first and hashed == []
    notes = tree / "python-pro" / "notes.txt"
    os.utime(notes, (OLD + 1, OLD + 1))
    assert index(tree) == first and hashed == ["notes.txt"]


def test_removed_skills_are_pruned(tree: Path, tmp_path: Path) -> None:
    index(tree)
    (path,) = cache_files()
    size = path.stat().st_size
    shutil.rmtree(tree / "python-pro")
    index(tree)
    assert path.stat().st_size < size


def test_unwritable_cache_folder_is_not_an_error(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = Path(os.environ["XDG_CACHE_HOME"])
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the cache folder should be\n", encoding="utf-8")
    assert index(tree) == dumps(build_index(IndexOptions((tree,), use_cache=False, cwd=tree)))


def test_parallel_cold_parse_matches_serial(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_scan, "PARALLEL_THRESHOLD", 2)
    parallel = dumps(build_index(IndexOptions((tree,), use_cache=False, jobs=2, cwd=tree)))
    assert parallel == dumps(build_index(IndexOptions((tree,), use_cache=False, jobs=1, cwd=tree)))


def test_fingerprint_discards_and_notes_persist(tree: Path, tmp_path: Path) -> None:
    folder = tmp_path / "c"
    first = IndexCache.open([tree], "lint:x", folder, fingerprint="one")
    first.remember_note("k", "v")
    first.remember_note("unused", "w")
    first.save([])
    again = IndexCache.open([tree], "lint:x", folder, fingerprint="one")
    assert again.note("k") == "v"
    again.save([])  # keeps only what this run used
    assert IndexCache.open([tree], "lint:x", folder, fingerprint="one").note("unused") is None
    assert IndexCache.open([tree], "lint:x", folder, fingerprint="two").note("k") is None


def cold(root: Path) -> str:
    return dumps(build_index(IndexOptions((root,), use_cache=False, jobs=1, cwd=root)))


def rewrite_keeping_stat(path: Path, text: str) -> None:
    """New bytes of the same size under the same mtime (only ctime, and inode, tell)."""
    before = path.stat()
    assert len(text.encode()) == before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.mark.parametrize(
    "change",
    ["edit", "add-skill", "add-file", "delete-skill", "delete-file", "rename-skill",
     "rename-file", "same-size-and-mtime", "new-name", "nested-skill"],
)  # fmt: skip
def test_warm_run_after_a_change_equals_a_cold_run(tree: Path, change: str) -> None:
    first = index(tree)
    assert first == cold(tree)
    skill_md = tree / "python-pro" / "SKILL.md"
    notes = tree / "python-pro" / "notes.txt"
    if change == "edit":
        skill_md.write_text(skill_md.read_text() + "\n## Added\n\nText.\n", encoding="utf-8")
    elif change == "add-skill":
        shutil.copytree(tree / "python-pro", tree / "extra" / "python-pro-two")
        copy = tree / "extra" / "python-pro-two" / "SKILL.md"
        copy.write_text(copy.read_text().replace("name: python-pro", "name: python-pro-two"))
    elif change == "add-file":
        (tree / "golang-pro" / "scripts").mkdir()
        (tree / "golang-pro" / "scripts" / "run.sh").write_text("echo hi\n", encoding="utf-8")
    elif change == "delete-skill":
        shutil.rmtree(tree / "golang-pro")
    elif change == "delete-file":
        notes.unlink()
    elif change == "rename-skill":
        (tree / "golang-pro").rename(tree / "golang-pro-renamed")
    elif change == "rename-file":
        notes.rename(notes.with_name("notes-renamed.txt"))
    elif change == "same-size-and-mtime":
        rewrite_keeping_stat(notes, "NOTES\n")
        text = skill_md.read_text()
        rewrite_keeping_stat(skill_md, text.replace("python-pro", "python-pre", 1))
    elif change == "new-name":  # every other skill's related/missing/errors may change
        text = skill_md.read_text()
        skill_md.write_text(text.replace("name: python-pro", "name: python-guru"))
    elif change == "nested-skill":  # a skill appears inside another skill's folder
        inner = tree / "python-pro" / "inner"
        inner.mkdir()
        (inner / "SKILL.md").write_text("---\nname: inner\ndescription: In.\n---\n# In\n")
    warm = index(tree)
    assert warm == cold(tree)
    assert warm != first


@pytest.mark.parametrize(
    "damage",
    ["truncated", "garbage-line", "wrong-types", "foreign-header", "bad-fragments",
     "bad-pieces", "huge", "not-utf8", "deep"],
)  # fmt: skip
def test_damaged_cache_falls_back_to_a_cold_run(
    tree: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = index(tree)
    (path,) = cache_files()
    data = path.read_bytes()
    lines = data.split(b"\n")
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage-line":
        path.write_bytes(data + b"not json\tat all\n")
    elif damage == "wrong-types":
        lines[3] = lines[3].replace(b'"python-pro"', b"12", 1).replace(b"false", b'"no"', 1)
        lines[2] = lines[2].replace(b',"', b',7,"', 1)
        path.write_bytes(b"\n".join(lines))
    elif damage == "foreign-header":
        path.write_bytes(lines[0].replace(b'"format":', b'"format":9') + b"\n" + data)
    elif damage == "bad-fragments":  # the head is fine; the related and findings pieces are not
        damaged = []
        for line in lines[2:]:
            fields = line.split(b"\t")
            if len(fields) == 9:
                fields = fields[:7]  # without the entry's stored pieces, the fragments are read
            if len(fields) == 7:
                fields[5], fields[6] = b"[[1, 2]", b'{"x": 1}'
            damaged.append(b"\t".join(fields))
        path.write_bytes(b"\n".join(lines[:2] + damaged))
    elif damage == "bad-pieces":  # the entry's stored pieces are not as the index writes them
        damaged = []
        for line in lines[2:]:
            fields = line.split(b"\t")
            if len(fields) == 9:
                fields[7], fields[8] = b"x[]", b'"name": "evil"'
            damaged.append(b"\t".join(fields))
        path.write_bytes(b"\n".join(lines[:2] + damaged))
    elif damage == "huge":
        monkeypatch.setattr(cache_mod, "MAX_BYTES", len(data) - 1)
    elif damage == "not-utf8":
        path.write_bytes(data.replace(b"python-pro", b"python-\xff\xfe", 1))
    elif damage == "deep":
        path.write_bytes(lines[0] + b"\n" + b"[" * 100_000 + b"\n")
    assert index(tree) == first
    assert index(tree) == first  # and the cache it wrote instead is sound


@pytest.mark.parametrize("entry", [b"xodd", b"d", b"", b"f\\u0000x"])
def test_damaged_folder_entries_fall_back_to_a_cold_run(tree: Path, entry: bytes) -> None:
    """A folder's cached entries (kept while its stat key holds) of a kind or name no scan
    writes: the cache is discarded, not a KeyError or IndexError."""
    first = index(tree)
    (path,) = cache_files()
    lines = path.read_bytes().split(b"\n")
    assert lines[1].count(b'","') >= 1
    lines[1] = lines[1].replace(b'","', b'","' + entry + b"/", 1)  # first entry of each listing
    path.write_bytes(b"\n".join(lines))
    assert index(tree) == first
    assert index(tree) == first


def test_a_control_character_in_a_cached_fragment_is_escaped_on_the_terminal(tree: Path) -> None:
    """Cached fragments reach stdout as they are (not re-encoded): one a damaged or edited cache
    holds a raw ESC in must still not act on the terminal."""
    from click.testing import CliRunner

    from skillreg.cli import cli

    first = CliRunner().invoke(cli, ["index", str(tree), "--quiet"])
    assert first.exit_code == 0, first.output
    (path,) = cache_files()
    data = path.read_bytes()
    assert data.count(b'"description": "') >= 1
    path.write_bytes(data.replace(b'"description": "', b'"description": "\x1b]52;c;eA==\x07', 1))
    again = CliRunner().invoke(cli, ["index", str(tree), "--quiet"])
    assert "\x1b" not in again.stdout and "\x07" not in again.stdout


def damage_lines(path: Path, fields_kept: int, bad: bool = False) -> None:
    """Cut every skill line of the cache at `path` to its head and `fields_kept - 1` fragments;
    `bad`: and make its related and findings fragments unreadable."""
    lines = path.read_bytes().split(b"\n")
    cut = []
    for line in lines[2:]:
        fields = line.split(b"\t")[:fields_kept]
        if bad and len(fields) == 7:
            fields[5], fields[6] = b"[[1, 2]", b'{"x": 1}'
        cut.append(b"\t".join(fields))
    path.write_bytes(b"\n".join(lines[:2] + cut))


def test_damaged_line_is_made_again_once(tree: Path, parses: list[Path]) -> None:
    first = index(tree)
    (path,) = cache_files()
    damage_lines(path, 7, bad=True)
    assert index(tree) == first
    assert len(parses) == 12  # each damaged line was made again from its file...
    assert b'{"x": 1}' not in path.read_bytes()  # ...and replaced in the cache
    assert index(tree) == first
    assert len(parses) == 12


def test_short_line_with_a_changed_file_is_parsed_again(tree: Path) -> None:
    first = index(tree)
    (path,) = cache_files()
    damage_lines(path, 3)  # a sound head, too few fragments
    notes = tree / "python-pro" / "notes.txt"
    notes.write_text("other notes\n", encoding="utf-8")  # SKILL.md unchanged: its summary is
    os.utime(notes, (OLD + 10, OLD + 10))  # reused from the line, which must be whole
    assert index(tree) == cold(tree)
    assert index(tree) != first


@pytest.mark.parametrize(
    "config",
    ['known-names = ["ghost-skill"]', 'ignore = ["SK301"]', '[lint.severity]\nSK301 = "warning"',
     '[lint.per-file-ignores]\n"python-pro/*" = ["SK301"]'],
    ids=["known-names", "ignore", "severity", "per-file"],
)  # fmt: skip
def test_config_change_remakes_the_stored_entries(tree: Path, config: str) -> None:
    skill_md = tree / "python-pro" / "SKILL.md"
    text = skill_md.read_text(encoding="utf-8")
    skill_md.write_text(text.replace("## Related Skills\n", "## Related Skills\n\n- `ghost-skill` -"
                                     " Nowhere\n", 1), encoding="utf-8")  # fmt: skip
    age(tree)
    first = index(tree)
    assert "SK301" in first and first == cold(tree)
    (tree / "skill.toml").write_text(f"[lint]\n{config}\n", encoding="utf-8")
    warm = index(tree)
    assert warm == cold(tree)
    assert "SK301" not in warm
