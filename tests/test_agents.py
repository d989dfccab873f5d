from __future__ import annotations

from pathlib import Path

import pytest

from skillreg.core.errors import UsageError
from skillreg.install import agents

REQUIRED = [
    "claude-code",
    "codex",
    "cursor",
    "gemini-cli",
    "github-copilot",
    "opencode",
    "windsurf",
]


def test_table_has_all_twenty_agents() -> None:
    assert len(agents.AGENTS) == 20
    for agent_id in REQUIRED:
        assert agent_id in agents.AGENTS


def test_project_dirs(tmp_path: Path) -> None:
    def where(agent_id: str) -> Path:
        return agents.skills_dir(agents.get_agent(agent_id), scope="project", root=tmp_path)

    assert where("claude-code") == tmp_path / ".claude/skills"
    assert where("codex") == tmp_path / ".agents/skills"
    assert where("antigravity") == tmp_path / ".agent/skills"
    assert agents.canonical_dir(scope="project", root=tmp_path) == tmp_path / ".agents/skills"


def test_global_dirs_honour_environment(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def where(agent_id: str) -> Path:
        return agents.skills_dir(agents.get_agent(agent_id), scope="global", root=Path("/unused"))

    assert where("claude-code") == isolated_home / ".claude/skills"
    assert where("codex") == isolated_home / ".codex/skills"
    assert where("opencode") == isolated_home / ".config/opencode/skills"  # XDG_CONFIG_HOME
    assert where("windsurf") == isolated_home / ".codeium/windsurf/skills"
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", "/opt/claude")
    monkeypatch.setenv("CODEX_HOME", "/opt/codex")
    monkeypatch.setenv("XDG_CONFIG_HOME", "/opt/xdg")
    assert where("claude-code") == Path("/opt/claude/skills")
    assert where("codex") == Path("/opt/codex/skills")
    assert where("goose") == Path("/opt/xdg/goose/skills")
    assert agents.canonical_dir(scope="global", root=Path("/x")) == isolated_home / ".agents/skills"


def test_detect_agents(tmp_path: Path) -> None:
    assert agents.detect_agents(scope="project", root=tmp_path) == []
    (tmp_path / ".agents").mkdir()  # the shared folder is not an agent of its own
    (tmp_path / ".cursor").mkdir()
    (tmp_path / ".claude").mkdir()
    assert agents.detect_agents(scope="project", root=tmp_path) == ["claude-code", "cursor"]


def test_unknown_agent_suggests() -> None:
    with pytest.raises(UsageError, match="did you mean 'cursor'"):
        agents.get_agent("cursr")
