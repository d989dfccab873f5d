"""Boundary: every scanner run on a file's content grows linearly with the line it is fed.

Each scanner (the block outline, the inline scans, Related Skills, the frontmatter, the lint rules
over a whole file, version ranges) is timed on adversarial lines of 10 KiB and of 100 KiB, several
shapes each. Linear code takes ~10 times as long on the larger line, quadratic ~100 times: the
bound is a ratio of 35, headroom for a loaded two-core machine, never an absolute timing; times are
the process's CPU time, so that waiting for a core on a busy machine does not count. Each scanner
runs in a child process, killed when one shape runs past `_DEADLINE` seconds, since a backtracking
regular expression cannot be interrupted from Python (the old heading regex took 7 s on 10 KiB).
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO

SMALL, LARGE = 10 * 1024, 100 * 1024
MAX_RATIO = 35.0
_DEADLINE = 60.0  # seconds (wall) for one shape of a scanner, in its child process
_CALIBRATE_S = 0.005  # the small line is repeated until one timing takes at least this long


def _repeat(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


# Line shapes, each built at a given length: long blank runs, repeated openers, long marker runs.
SHAPES: dict[str, Callable[[int], str]] = {
    "heading-spaces": lambda n: "# ab" + " " * n + "c",
    "heading-tabs": lambda n: "#" + _repeat(" \t", n) + "x",
    "heading-hashes": lambda n: "# a" + _repeat(" #", n) + "x",
    "heading-closing": lambda n: "## a" + " " * n + "### x",
    "hashes": lambda n: "#" * n,
    "setext": lambda n: "=" * n + " x",
    "break-star": lambda n: _repeat("* ", n) + "x",
    "break-dash": lambda n: _repeat("- ", n) + "x",
    "break-under": lambda n: _repeat("_ ", n) + "x",
    "stars": lambda n: "*" * n,
    "underscores": lambda n: "_" * n,
    "digits": lambda n: "1" * n,
    "ref-open": lambda n: "[" + "a" * n,
    "ref-blank": lambda n: "[a]:" + " " * n + "<",
    "ref-brackets": lambda n: " [" + "]" * n,
    "html-blank": lambda n: "<a" + " " * n + "x",
    "html-attrs": lambda n: "<div" + _repeat(" a", n) + "<",
    "link-openers": lambda n: _repeat("[a](", n),
    "link-blank": lambda n: _repeat("[a]( ", n),
    "link-title": lambda n: _repeat('[a](b "', n),
    "link-angle": lambda n: _repeat("[a](<", n),
    "link-tail": lambda n: "[a](b" + " " * n + "x",
    "image-openers": lambda n: _repeat("![a](", n),
    "comment-openers": lambda n: _repeat("<!--", n),
    "comment-unclosed": lambda n: "<!--" + _repeat("- ", n),
    "backticks": lambda n: "`" * n,
    "backtick-openers": lambda n: _repeat("`a ", n),
    "backtick-runs": lambda n: _repeat("`` ` ", n),
    "fence": lambda n: "```" + " " * n + "x",
    "spaces": lambda n: " " * n + "x",
    "list-blank": lambda n: "-" + " " * n + "x",
    "suppress": lambda n: "<!-- skill-lint: disable" + _repeat(" ,", n) + " -->",
    "yaml-comment": lambda n: "# skill-lint: disable" + " " * n + "=",
    "yaml-tag": lambda n: "!" + "a" * n,
    "quotes": lambda n: _repeat("'\"", n),
    "colons": lambda n: _repeat(": ", n),
    "range-blank": lambda n: ">=" + " " * n + "1",
    "range-commas": lambda n: _repeat("1,", n),
    "range-ops": lambda n: _repeat("<=", n),
    "range-dots": lambda n: "1.0.0-" + _repeat("a.", n) + "!",
}

_BLOCK = [s for s in SHAPES if not s.startswith(("range", "yaml"))]
_INLINE = ["link-openers", "link-blank", "link-title", "link-angle", "link-tail", "image-openers"]
_INLINE += ["comment-openers", "comment-unclosed", "backticks", "backtick-openers"]
_INLINE += ["backtick-runs", "ref-brackets", "spaces"]
_RELATED = [*_INLINE, "heading-spaces", "stars", "underscores", "html-attrs", "quotes", "colons"]
_FRONTMATTER = ["quotes", "colons", "yaml-tag", "yaml-comment", "spaces", "hashes", "stars"]
_FRONTMATTER += ["link-openers", "backtick-openers", "comment-openers"]
_LINT = ["heading-spaces", "heading-hashes", "link-tail", "link-openers", "comment-openers"]
_LINT += ["backtick-openers", "suppress", "yaml-comment", "quotes", "stars", "ref-blank"]
_RANGES = ["range-blank", "range-commas", "range-ops", "range-dots", "digits", "spaces", "stars"]

_AFTER_PARAGRAPH = ["heading-spaces", "heading-closing", "setext", "break-dash", "html-blank"]
_AFTER_PARAGRAPH += ["html-attrs", "ref-blank", "ref-brackets", "digits", "list-blank", "spaces"]

SCANNERS: dict[str, list[str]] = {
    "block": _BLOCK,
    "block-after-paragraph": _AFTER_PARAGRAPH,
    "block-in-list": ["heading-spaces", "setext", "break-dash", "link-tail", "fence", "spaces"],
    "inline": _INLINE,
    "related": _RELATED,
    "frontmatter": _FRONTMATTER,
    "lint": _LINT,
    "ranges": _RANGES,
}


def _scanner(name: str, workdir: Path) -> Callable[[str], object]:
    """The function timed for scanner `name`, fed one adversarial line."""
    from skillreg.core.errors import SkillError
    from skillreg.install.semver_range import parse_range
    from skillreg.lint.checks import Plan, check_file
    from skillreg.lint.profiles import resolve_profile
    from skillreg.skill import frontmatter
    from skillreg.skill.markdown import parse_body
    from skillreg.skill.markdown_inline import (
        blank_code_spans,
        code_spans,
        find_comments,
        find_links,
    )
    from skillreg.skill.parsed import parse_skill
    from skillreg.skill.related import scan

    skill_md = workdir / "SKILL.md"
    head = "---\nname: a\ndescription: b\n---\n"

    def related(line: str) -> object:
        skill_md.write_text(f"{head}## Related Skills\n\n- `b` {line}\n- {line}\n")
        return scan(parse_skill(skill_md), "Related Skills")

    plan = Plan(resolve_profile("agentskills", {}, workdir), 1 << 30)

    def lint(line: str) -> object:
        fm = f"---\nname: a\ndescription: {json.dumps(line)}\n{line}\nx: {line}\n---\n"
        skill_md.write_text(f"{fm}# T\n\n{line}\n\n- {line}\n\n## Related Skills\n\n- {line}\n")
        return check_file(skill_md, plan)

    def ranges(line: str) -> object:
        try:
            return parse_range(line)
        except SkillError:
            return None

    table: dict[str, Callable[[str], object]] = {
        "block": lambda line: parse_body(line + "\n", 1),
        "block-after-paragraph": lambda line: parse_body(f"text\n{line}\n", 1),
        "block-in-list": lambda line: parse_body(f"- item\n  {line}\n", 1),
        "inline": lambda line: (
            find_links(line),
            find_comments(line),
            blank_code_spans(line),
            code_spans(line),
        ),
        "related": related,
        "frontmatter": lambda line: [
            frontmatter.parse(f"{key}\n", 2, 3, "SKILL.md")
            for key in (f"description: {line}", f"{line}: x", f"- {line}", line)
        ],
        "lint": lint,
        "ranges": ranges,
    }
    return table[name]


def _timing(func: Callable[[str], object], text: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        for _ in range(repeat):
            func(text)
        best = min(best, time.process_time() - start)
    return best


def _child(scanner: str) -> None:
    """Print one JSON line per shape: its growth ratio from SMALL to LARGE."""
    with tempfile.TemporaryDirectory() as tmp:
        func = _scanner(scanner, Path(tmp))
        for shape in SCANNERS[scanner]:
            print(json.dumps({"start": shape}), flush=True)
            small, large = SHAPES[shape](SMALL), SHAPES[shape](LARGE)
            repeat = 1
            while _timing(func, small, repeat) < _CALIBRATE_S and repeat < 4096:
                repeat *= 2
            ratio = _timing(func, large, repeat) / _timing(func, small, repeat)
            print(json.dumps({"shape": shape, "ratio": round(ratio, 1)}), flush=True)


def _records(scanner: str) -> list[dict[str, object]]:
    """The child's JSON lines; fails naming the shape that ran past `_DEADLINE`."""
    code = f"from tests.test_boundary_regex import _child; _child({scanner!r})"
    child = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    records: list[dict[str, object]] = []
    try:
        while True:
            try:
                line = lines.get(timeout=_DEADLINE)
            except queue.Empty:
                started = [r["start"] for r in records if "start" in r]
                pytest.fail(f"{scanner}: {started[-1:]} ran past {_DEADLINE:.0f} s")
            if line is None:
                break
            records.append(json.loads(line))
        child.wait(timeout=_DEADLINE)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 0, f"{scanner}: the child failed"
    return records


@pytest.mark.parametrize("scanner", sorted(SCANNERS))
def test_scanner_grows_linearly(scanner: str) -> None:
    records = _records(scanner)
    ratios = {r["shape"]: float(str(r["ratio"])) for r in records if "ratio" in r}
    assert set(ratios) == set(SCANNERS[scanner])
    slow = {shape: ratio for shape, ratio in ratios.items() if ratio > MAX_RATIO}
    assert not slow, f"{scanner}: super-linear growth 10 KiB -> 100 KiB (x{MAX_RATIO}): {slow}"
