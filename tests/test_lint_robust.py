"""Hostile and odd input: no traceback, no hang, bounded work; the corpus in-process."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from skillreg.lint import LintOptions, run_lint
from tests.conftest import CORPUS, SEED, needs_corpus

BOMB = (
    "---\nname: bomb\ndescription: x\nmetadata:\n  a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"  {chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    + "---\n"
)


def _lint(folder: Path, **kwargs: object) -> list[str]:
    options = LintOptions(use_config=False, cwd=folder, **kwargs)  # type: ignore[arg-type]
    return [d.code for d in run_lint([folder], options).diagnostics]


def test_billion_laughs_is_refused_fast(tmp_path: Path) -> None:
    folder = tmp_path / "bomb"
    folder.mkdir()
    (folder / "SKILL.md").write_text(BOMB, encoding="utf-8")
    start = time.perf_counter()
    codes = _lint(folder)
    assert time.perf_counter() - start < 5.0  # a guard against a hang, not a benchmark
    assert codes == ["SK015"]


def test_50mb_file_is_refused_by_size(tmp_path: Path) -> None:
    folder = tmp_path / "huge"
    folder.mkdir()
    with (folder / "SKILL.md").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: reading it would take time and memory
    start = time.perf_counter()
    assert _lint(folder) == ["SK004"]
    assert time.perf_counter() - start < 5.0  # a guard against a hang, not a benchmark


@pytest.mark.parametrize(
    "text",
    [
        "",
        "---",
        "---\n---\n",
        "---\n:\n---\n",
        "---\n? [a, b]\n: c\n---\n",
        "---\nname: !!python/object:os.system x\n---\n",
        "---\nname: !custom x\ndescription: y\n---\n",
        "---\n" + "a:\n " * 200 + "b\n---\n",
        "---\n" + "[" * 5000 + "\n---\n",
        "---\nname: x\ndescription: x\n---\n" + "[a](" * 20000,
        "---\nname: x\ndescription: x\n---\n<!-- skill-lint: disable-next-line" * 3,
        "---\nname: x\ndescription: x\n---\n" + "#" * 7 + "\n" + "```\n" * 3,
        "---\nname: 12:30\ndescription: 0x1F\nmetadata:\n  1: 2\n---\n",
        "\n---\nname: x\n---\n",
        '---\nname: x\ndescription: "unterminated\n---\n',
    ],
)
def test_odd_input_never_crashes(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "SKILL.md").write_text(text, encoding="utf-8")
    codes = _lint(folder, profile="council")
    assert codes  # every one of these is wrong somehow
    assert all(code.startswith("SK") for code in codes)


def test_random_mutations_of_a_skill_never_crash(tmp_path: Path) -> None:
    seed_text = (
        b'---\nname: fuzz\ndescription: a skill\nmetadata:\n  version: "1.0.0"\n---\n'
        b"# T\n\n## When to Apply\n\n- [x](a.md)\n<!-- skill-lint: disable SK208 -->\n"
    )
    rng = random.Random(1234)
    alphabet = b"-:#[]{}&*!|>'\"\n\t \x00\xff<>`()%"
    folder = tmp_path / "fuzz"
    folder.mkdir()
    for _ in range(150):
        data = bytearray(seed_text)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(len(data))] = rng.choice(alphabet)
        (folder / "SKILL.md").write_bytes(bytes(data))
        _lint(folder, profile="council")


@needs_corpus
def test_corpus_smoke_parallel_equals_sequential() -> None:
    one = run_lint([CORPUS], LintOptions(profile="council", use_config=False, jobs=1))
    two = run_lint([CORPUS], LintOptions(profile="council", use_config=False, jobs=2))
    assert one.files == two.files == 638
    assert one.diagnostics == two.diagnostics
    assert [s.path for s in one.skills] == [s.path for s in two.skills]
    assert one.diagnostics == sorted(one.diagnostics)


def test_repeated_runs_do_not_grow_memory(tmp_path: Path) -> None:
    import tracemalloc

    folder = tmp_path / "again"
    folder.mkdir()
    (folder / "SKILL.md").write_text(
        "---\nname: again\ndescription: x\nauthor: me\n---\n# T\n#### D\n[x](y.md)\n", "utf-8"
    )
    for _ in range(20):  # warm every cache first
        _lint(folder, profile="council")
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(300):
        _lint(folder, profile="council")
    growth = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert growth < 100_000


def test_pathological_link_line_is_fast(tmp_path: Path) -> None:
    folder = tmp_path / "links"
    folder.mkdir()
    (folder / "SKILL.md").write_text("---\nname: links\ndescription: x\n---\n" + "[a](" * 200_000)
    start = time.perf_counter()
    _lint(folder)
    assert time.perf_counter() - start < 5.0  # the link scanner was once quadratic: hours here


@needs_corpus
def test_slim_skills_give_the_same_reference_findings() -> None:
    from skillreg.collection.refs import check_references
    from skillreg.collection.workspace import find_skill_files
    from skillreg.lint.checks import slim
    from skillreg.skill.parsed import parse_skill

    full = [parse_skill(path) for path in find_skill_files([CORPUS, SEED])]
    slimmed = [slim(skill, "Related Skills") for skill in full]
    expected = check_references(full, known_names=frozenset({"python-pro"}))
    assert {d.code for d in expected} >= {"SK301", "SK304"}
    assert check_references(slimmed, known_names=frozenset({"python-pro"})) == expected
    assert [s.name for s in slimmed] == [s.name for s in full]
    assert [s.metadata for s in slimmed] == [s.metadata for s in full]
