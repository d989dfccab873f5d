"""Coding agents and the folders they read skills from, in project and global (user) scope.

Facts from ``docs``' agents table: project folders are relative to the project root; global ones
honour ``$CLAUDE_CONFIG_DIR``, ``$CODEX_HOME`` and ``$XDG_CONFIG_HOME``. The shared folder
``.agents/skills`` (``~/.agents/skills`` globally) holds the one canonical copy of each skill.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from skillreg.core.errors import UsageError

SHARED_DIR = ".agents/skills"


@dataclass(frozen=True)
class Agent:
    id: str
    project_dir: str  # relative to the project root
    global_dir: str  # "~", "$CONFIG", "$CODEX_HOME" or "$CLAUDE_CONFIG_DIR" first, then a path


_TABLE: tuple[tuple[str, str, str], ...] = (
    ("claude-code", ".claude/skills", "$CLAUDE_CONFIG_DIR/skills"),
    ("codex", SHARED_DIR, "$CODEX_HOME/skills"),
    ("cursor", ".cursor/skills", "~/.cursor/skills"),
    ("gemini-cli", SHARED_DIR, "~/.gemini/skills"),
    ("github-copilot", SHARED_DIR, "~/.copilot/skills"),
    ("opencode", SHARED_DIR, "$CONFIG/opencode/skills"),
    ("amp", SHARED_DIR, "$CONFIG/agents/skills"),
    ("windsurf", ".windsurf/skills", "~/.codeium/windsurf/skills"),
    ("cline", ".cline/skills", "~/.cline/skills"),
    ("continue", ".continue/skills", "~/.continue/skills"),
    ("roo", ".roo/skills", "~/.roo/skills"),
    ("kiro-cli", ".kiro/skills", "~/.kiro/skills"),
    ("goose", ".goose/skills", "$CONFIG/goose/skills"),
    ("junie", ".junie/skills", "~/.junie/skills"),
    ("openhands", ".openhands/skills", "~/.openhands/skills"),
    ("qwen-code", ".qwen/skills", "~/.qwen/skills"),
    ("droid", ".factory/skills", "~/.factory/skills"),
    ("augment", ".augment/skills", "~/.augment/skills"),
    ("trae", ".trae/skills", "~/.trae/skills"),
    ("antigravity", ".agent/skills", "~/.gemini/antigravity/skills"),
)

AGENTS: dict[str, Agent] = {row[0]: Agent(*row) for row in _TABLE}


def get_agent(agent_id: str) -> Agent:
    try:
        return AGENTS[agent_id]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(agent_id, AGENTS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f"; known: {', '.join(AGENTS)}"
        raise UsageError(f"unknown agent {agent_id!r}{hint}") from None


def _home() -> Path:
    return Path(os.environ.get("HOME") or Path.home())


def _env_dir(var: str, default: Path) -> Path:
    value = os.environ.get(var)
    return Path(value).expanduser() if value else default


def global_base(*, home: Path | None = None) -> Path:
    """Where the canonical global copies live: ``~/.agents/skills``."""
    return (home or _home()) / SHARED_DIR


def skills_dir(agent: Agent, *, scope: str, root: Path) -> Path:
    """The folder `agent` reads skills from; `root` is the project root (ignored globally)."""
    if scope == "project":
        return root / agent.project_dir
    home = _home()
    head, _, tail = agent.global_dir.partition("/")
    bases = {
        "~": home,
        "$CONFIG": _env_dir("XDG_CONFIG_HOME", home / ".config"),
        "$CODEX_HOME": _env_dir("CODEX_HOME", home / ".codex"),
        "$CLAUDE_CONFIG_DIR": _env_dir("CLAUDE_CONFIG_DIR", home / ".claude"),
    }
    return bases[head] / tail


def canonical_dir(*, scope: str, root: Path) -> Path:
    """The shared folder holding the one real copy of each skill."""
    return root / SHARED_DIR if scope == "project" else global_base()


def detect_agents(*, scope: str, root: Path) -> list[str]:
    """Agents whose own folder (e.g. ``.claude``) exists already; the shared one does not count."""
    shared = canonical_dir(scope=scope, root=root)
    found: list[str] = []
    for agent in AGENTS.values():
        folder = skills_dir(agent, scope=scope, root=root)
        if folder != shared and folder.parent.is_dir() and folder.parent != shared.parent:
            found.append(agent.id)
    return found
