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


NPX_SKILLS_EXTRA = {  # the ids `npx skills` knew and we did not, with its project folders
    "adal": ".adal/skills",
    "codebuddy": ".codebuddy/skills",
    "command-code": ".commandcode/skills",
    "crush": ".crush/skills",
    "iflow-cli": ".iflow/skills",
    "kilo": ".kilocode/skills",
    "kimi-cli": ".agents/skills",
    "kode": ".kode/skills",
    "mcpjam": ".mcpjam/skills",
    "mistral-vibe": ".vibe/skills",
    "mux": ".mux/skills",
    "neovate": ".neovate/skills",
    "openclaw": "skills",
    "pi": ".pi/skills",
    "pochi": ".pochi/skills",
    "qoder": ".qoder/skills",
    "replit": ".agents/skills",
    "trae-cn": ".trae/skills",
    "zencoder": ".zencoder/skills",
}


def test_table_has_all_thirty_nine_agents() -> None:
    assert len(agents.AGENTS) == 39
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


def test_the_19_extra_agent_ids_use_the_folders_npx_skills_uses(
    tmp_path: Path, isolated_home: Path
) -> None:
    assert len(NPX_SKILLS_EXTRA) == 19
    for agent_id, folder in NPX_SKILLS_EXTRA.items():
        agent = agents.get_agent(agent_id)
        assert agents.skills_dir(agent, scope="project", root=tmp_path) == tmp_path / folder
    where = {
        i: agents.skills_dir(agents.get_agent(i), scope="global", root=tmp_path)
        for i in ("pi", "crush", "kimi-cli", "trae-cn", "openclaw", "replit")
    }
    assert where["pi"] == isolated_home / ".pi/agent/skills"
    assert where["crush"] == isolated_home / ".config/crush/skills"
    assert where["kimi-cli"] == isolated_home / ".config/agents/skills"
    assert where["trae-cn"] == isolated_home / ".trae-cn/skills"
    assert where["openclaw"] == isolated_home / ".openclaw/skills"
    assert where["replit"] == isolated_home / ".config/agents/skills"


def test_detection_as_npx_skills_does_it_home_folders_plus_the_project(
    tmp_path: Path, isolated_home: Path
) -> None:
    (tmp_path / "skills").mkdir()  # a repository's own skills folder is not OpenClaw in use
    assert agents.detect_agents(scope="project", root=tmp_path) == []
    (isolated_home / ".kilocode").mkdir()
    (isolated_home / ".pi/agent").mkdir(parents=True)
    (isolated_home / ".claude").mkdir()
    (tmp_path / ".cursor").mkdir()
    found = agents.detect_agents(scope="project", root=tmp_path)
    assert found == ["claude-code", "cursor", "kilo", "pi"]


def test_agent_star_installs_for_every_detected_agent(tmp_path: Path, isolated_home: Path) -> None:
    from tests.install_helpers import read_json, skill

    project = tmp_path / "project"
    project.mkdir()
    result = skill("install", "backend-developer", "--agent", "*", cwd=project)
    assert result.exit_code == 2
    assert "--agent '*': no agent found in the project or your home folder" in result.stderr
    (isolated_home / ".kilocode").mkdir()
    (project / ".cursor").mkdir()
    result = skill("install", "backend-developer", "--agent", "*", cwd=project)
    assert result.exit_code == 0, result.stderr
    (entry,) = read_json(project / "skills.lock")["skills"]
    assert entry["agents"] == ["cursor", "kilo"]
    for folder in (".cursor/skills", ".kilocode/skills", ".agents/skills"):
        assert (project / folder / "backend-developer" / "SKILL.md").is_file(), folder
