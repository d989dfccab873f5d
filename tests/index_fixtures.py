"""Fixtures shared by the index and cache tests (a pytest plugin loaded by conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillreg.index import cache as cache_mod
from skillreg.index import scan as index_scan
from skillreg.lint.checks import Plan


@pytest.fixture
def trust_fresh_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests write their files just before indexing; only the racy-window tests keep it."""
    monkeypatch.setattr(cache_mod, "RACY_NS", 0)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch, trust_fresh_files: None) -> list[Path]:
    """Every SKILL.md parsed (in-process: jobs=1), files trusted by stat at once."""
    seen: list[Path] = []
    real = index_scan.summarize

    def counting(path: Path, plan: Plan) -> index_scan.SkillSummary:
        seen.append(path)
        return real(path, plan)

    monkeypatch.setattr(index_scan, "summarize", counting)
    return seen
