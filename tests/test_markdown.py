from __future__ import annotations

from pathlib import Path

import mistune
import pytest

from skillreg.collection.workspace import find_skill_files
from skillreg.skill.markdown import is_relative, parse_body
from skillreg.skill.parsed import parse_skill
from tests.conftest import CORPUS, needs_corpus

BODY = """# Title

para
text
---
<!-- skill-lint: disable SK201 -->
    indented code
    # not a heading

- item [a](refs/x.md) and `[b](no.md)`
lazy continuation
---

```python
# not a heading
[c](nope.md)
```
<details>
# not a heading either

## When to Apply
[ref]: <docs/a b.md>
![img](assets/p.png "title")
~~~
never closed
"""


def test_outline_headings_code_links_comments() -> None:
    body = parse_body(BODY, 10)
    assert [(h.level, h.text, h.line) for h in body.headings] == [
        (1, "Title", 10),
        (2, "para text", 12),
        (2, "When to Apply", 30),
    ]
    assert [(c.first_line, c.last_line, c.info, c.closed) for c in body.code_blocks] == [
        (16, 17, "", True),
        (23, 26, "python", True),
        (33, 34, "", False),
    ]
    assert [(link.target, link.line, link.col, link.image) for link in body.links] == [
        ("refs/x.md", 19, 12, False),
        ("docs/a b.md", 31, 9, False),
        ("assets/p.png", 32, 8, True),
    ]
    assert [(c.text, c.line, c.col) for c in body.comments] == [
        ("skill-lint: disable SK201", 15, 1)
    ]


def test_sections_and_text() -> None:
    body = parse_body("# T\n\n## A\nx\n### A1\ny\n## B\nz\n", 5)
    section = body.section("A")
    assert section is not None
    assert (section.first_line, section.last_line) == (7, 10)
    assert body.text_of(section) == "x\n### A1\ny"
    assert body.section("A1") is None  # level 2 only by default
    assert body.section("A1", level=3) is not None


def test_heading_in_fence_is_not_a_section() -> None:
    body = parse_body("# T\n\n```\n## Related Skills\n```\n", 1)
    assert body.section("Related Skills") is None


@pytest.mark.parametrize(
    ("target", "relative"),
    [
        ("refs/a.md", True),
        ("https://x.org", False),
        ("#frag", False),
        ("/abs", False),
        ("mailto:a@b", False),
        ("../up.md", True),
        ("", False),
    ],
)
def test_is_relative(target: str, relative: bool) -> None:
    assert is_relative(target) is relative


def _mistune_levels(text: str) -> list[int]:
    tokens = mistune.create_markdown(renderer=None)(text)
    assert isinstance(tokens, list)
    return [t["attrs"]["level"] for t in tokens if t["type"] == "heading"]


@needs_corpus
def test_outline_agrees_with_mistune_on_the_corpus() -> None:
    """The fast scanner finds exactly the top-level headings a full CommonMark parse finds."""
    disagreements = []
    for file in find_skill_files([CORPUS]):
        skill = parse_skill(file)
        if skill.body is None:
            continue
        ours = [h.level for h in skill.body.headings]
        if ours != _mistune_levels("\n".join(skill.body.lines)):
            disagreements.append(str(file))
    assert disagreements == []


@needs_corpus
def test_parse_never_raises_on_corpus_bytes_mangled(tmp_path: Path) -> None:
    source = next(iter(find_skill_files([CORPUS])))
    raw = source.read_bytes()
    for index, cut in enumerate((7, len(raw) // 3, len(raw) // 2)):
        folder = tmp_path / f"s{index}"
        folder.mkdir()
        (folder / "SKILL.md").write_bytes(raw[:cut] + b"\n```\n## x\n" + raw[cut:][:50])
        parse_skill(folder)
