"""Coding agents and the folders they read skills from, in project and global (user) scope.

Facts from ``docs``' agents table: project folders are relative to the project root; global ones
honour ``$CLAUDE_CONFIG_DIR``, ``$CODEX_HOME`` and ``$XDG_CONFIG_HOME``. The shared folder
``.agents/skills`` (``~/.agents/skills`` globally) holds the one canonical copy of each skill.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from skillreg.core.errors import UsageError

SHARED_DIR = ".agents/skills"


class Agent(NamedTuple):
    id: str
    project_dir: str  # relative to the project root
    global_dir: str  # "~", "$CONFIG", "$CODEX_HOME" or "$CLAUDE_CONFIG_DIR" first, then a path
    home_marker: str  # a folder whose presence means the agent is installed ("" = none); same bases


# The folders `npx skills` uses for each agent, so both installers put a skill in the same place.
# The home marker is the folder `npx skills` looks for to decide that an agent is installed.
_TABLE: tuple[tuple[str, str, str, str], ...] = (
    ("claude-code", ".claude/skills", "$CLAUDE_CONFIG_DIR/skills", "$CLAUDE_CONFIG_DIR"),
    ("codex", SHARED_DIR, "$CODEX_HOME/skills", "$CODEX_HOME"),
    ("cursor", ".cursor/skills", "~/.cursor/skills", "~/.cursor"),
    ("gemini-cli", SHARED_DIR, "~/.gemini/skills", "~/.gemini"),
    ("github-copilot", SHARED_DIR, "~/.copilot/skills", "~/.copilot"),
    ("opencode", SHARED_DIR, "$CONFIG/opencode/skills", "$CONFIG/opencode"),
    ("amp", SHARED_DIR, "$CONFIG/agents/skills", "$CONFIG/amp"),
    ("windsurf", ".windsurf/skills", "~/.codeium/windsurf/skills", "~/.codeium/windsurf"),
    ("cline", ".cline/skills", "~/.cline/skills", "~/.cline"),
    ("continue", ".continue/skills", "~/.continue/skills", "~/.continue"),
    ("roo", ".roo/skills", "~/.roo/skills", "~/.roo"),
    ("kiro-cli", ".kiro/skills", "~/.kiro/skills", "~/.kiro"),
    ("goose", ".goose/skills", "$CONFIG/goose/skills", "$CONFIG/goose"),
    ("junie", ".junie/skills", "~/.junie/skills", "~/.junie"),
    ("openhands", ".openhands/skills", "~/.openhands/skills", "~/.openhands"),
    ("qwen-code", ".qwen/skills", "~/.qwen/skills", "~/.qwen"),
    ("droid", ".factory/skills", "~/.factory/skills", "~/.factory"),
    ("augment", ".augment/skills", "~/.augment/skills", "~/.augment"),
    ("trae", ".trae/skills", "~/.trae/skills", "~/.trae"),
    ("antigravity", ".agent/skills", "~/.gemini/antigravity/skills", "~/.gemini/antigravity"),
    ("adal", ".adal/skills", "~/.adal/skills", "~/.adal"),
    ("codebuddy", ".codebuddy/skills", "~/.codebuddy/skills", "~/.codebuddy"),
    ("command-code", ".commandcode/skills", "~/.commandcode/skills", "~/.commandcode"),
    # Crush and Kimi read ~/.config literally, not $XDG_CONFIG_HOME.
    ("crush", ".crush/skills", "~/.config/crush/skills", "~/.config/crush"),
    ("iflow-cli", ".iflow/skills", "~/.iflow/skills", "~/.iflow"),
    ("kilo", ".kilocode/skills", "~/.kilocode/skills", "~/.kilocode"),
    ("kimi-cli", SHARED_DIR, "~/.config/agents/skills", "~/.kimi"),
    ("kode", ".kode/skills", "~/.kode/skills", "~/.kode"),
    ("mcpjam", ".mcpjam/skills", "~/.mcpjam/skills", "~/.mcpjam"),
    ("mistral-vibe", ".vibe/skills", "~/.vibe/skills", "~/.vibe"),
    ("mux", ".mux/skills", "~/.mux/skills", "~/.mux"),
    ("neovate", ".neovate/skills", "~/.neovate/skills", "~/.neovate"),
    # OpenClaw reads a top-level `skills/` folder in a project: never taken as a sign it is used.
    ("openclaw", "skills", "~/.openclaw/skills", "~/.openclaw"),
    ("pi", ".pi/skills", "~/.pi/agent/skills", "~/.pi/agent"),
    ("pochi", ".pochi/skills", "~/.pochi/skills", "~/.pochi"),
    ("qoder", ".qoder/skills", "~/.qoder/skills", "~/.qoder"),
    ("replit", SHARED_DIR, "$CONFIG/agents/skills", ""),  # detected by the project folder only
    ("trae-cn", ".trae/skills", "~/.trae-cn/skills", "~/.trae-cn"),
    ("zencoder", ".zencoder/skills", "~/.zencoder/skills", "~/.zencoder"),
)

AGENTS: dict[str, Agent] = {row[0]: Agent(*row) for row in _TABLE}
EVERY_DETECTED = "*"  # `--agent '*'`: every agent detected in the project or the home folder


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


def _expand(template: str) -> Path:
    """A global path template (``~/…``, ``$CONFIG/…``, …) as a path in this user's home."""
    home = _home()
    head, _, tail = template.partition("/")
    bases = {
        "~": home,
        "$CONFIG": _env_dir("XDG_CONFIG_HOME", home / ".config"),
        "$CODEX_HOME": _env_dir("CODEX_HOME", home / ".codex"),
        "$CLAUDE_CONFIG_DIR": _env_dir("CLAUDE_CONFIG_DIR", home / ".claude"),
    }
    return bases[head] / tail


def skills_dir(agent: Agent, *, scope: str, root: Path) -> Path:
    """The folder `agent` reads skills from; `root` is the project root (ignored globally)."""
    if scope == "project":
        return root / agent.project_dir
    return _expand(agent.global_dir)


def canonical_dir(*, scope: str, root: Path) -> Path:
    """The shared folder holding the one real copy of each skill."""
    return root / SHARED_DIR if scope == "project" else global_base()


def detect_agents(*, scope: str, root: Path) -> list[str]:
    """Agents in use here: their folder in the home (as ``npx skills`` checks), or their own
    folder in the scope (e.g. ``.claude``); the shared ``.agents`` and the root itself do not count.
    """
    shared = canonical_dir(scope=scope, root=root)
    found: list[str] = []
    for agent in AGENTS.values():
        folder = skills_dir(agent, scope=scope, root=root)
        own = folder != shared and folder.parent not in (shared.parent, root)
        if (own and folder.parent.is_dir()) or (
            agent.home_marker and _expand(agent.home_marker).is_dir()
        ):
            found.append(agent.id)
    return found
