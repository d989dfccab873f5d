"""Fixtures shared by the install tests (a pytest plugin loaded by conftest.py): a standard
registry, served over HTTP on 127.0.0.1, and an empty project folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.install_helpers import RegistryBuilder, Server, serve, standard_registry


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries wait a millisecond, not half a second."""
    monkeypatch.setenv("SKILL_HTTP_BACKOFF", "0.001")


@pytest.fixture
def registry(tmp_path: Path) -> RegistryBuilder:
    return standard_registry(tmp_path / "registry")


@pytest.fixture
def server(registry: RegistryBuilder) -> Iterator[Server]:
    with serve(registry.root) as running:
        yield running


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    return folder
