"""Mutated real skills never make the parser raise (a seeded, bounded fuzz loop)."""

from __future__ import annotations

import random
from pathlib import Path

from skillreg.collection.workspace import find_skill_files
from skillreg.skill.parsed import parse_skill
from tests.conftest import CORPUS, needs_corpus

_INSERTS = [
    b"\x00",
    b"\xff\xfe",
    b"---\n",
    b"\t",
    b"&a ",
    b"*a",
    b": [",
    b"```\n",
    b"\r\n",
    b"<!--",
    b"# h\n",
    b"\xef\xbb\xbf",
    b"{",
    b"? ",
    b"!!binary ",
    b"'",
]


def _mutate(raw: bytes, rng: random.Random) -> bytes:
    data = bytearray(raw)
    for _ in range(rng.randint(1, 6)):
        pos = rng.randrange(len(data) + 1)
        choice = rng.random()
        if choice < 0.4:
            data[pos:pos] = rng.choice(_INSERTS)
        elif choice < 0.7 and data:
            del data[pos : pos + rng.randint(1, 40)]
        else:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(data)


@needs_corpus
def test_mutated_corpus_files_never_raise(tmp_path: Path) -> None:
    rng = random.Random(20261126)
    files = find_skill_files([CORPUS])
    folder = tmp_path / "fuzz"
    folder.mkdir()
    target = folder / "SKILL.md"
    for file in rng.sample(files, 200):
        raw = file.read_bytes()[:6000]
        for _ in range(10):
            target.write_bytes(_mutate(raw, rng))
            skill = parse_skill(folder)  # must not raise
            assert skill.path == target
