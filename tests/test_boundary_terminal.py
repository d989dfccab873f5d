"""Boundary: text from a registry, a file or a path never reaches the terminal or a CI log raw.

Hostile registry documents are served over a real HTTP server on 127.0.0.1; hostile SKILL.md
values, file names and config values are written to temporary folders. Every output path (search,
info, install warnings, graph text/mermaid/dot, index, lint's formats, publish, verify, `error:`
lines) must show control characters, escape sequences, line breaks and bidi overrides as
escapes: no terminal action, no forged line (`installed x@1.0.0`, `::error`, `::stop-commands::`).
The CLI runs with colour on, so click strips nothing: what is asserted is what the code printed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from skillreg.core.terminal import for_terminal, json_for_terminal, one_line
from tests.install_helpers import RegistryBuilder, Server, serve

# Each payload tries one trick; together they cover C0, C1, ESC/OSC/CSI, line breaks and bidi.
PAYLOADS = {
    "osc52": "copy\x1b]52;c;ZWNobyBwd25lZA==\x07me",
    "clear": "wipe\x1b[2J\x1b[Hscreen",
    "osc8": "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "forged-line": "fine\ninstalled forged-skill@6.6.6",
    "workflow": "x\n::error file=a.py::pwned",
    "stop-commands": "x\r\n::stop-commands::token",
    "carriage": "safe\rinstalled forged-skill@6.6.6",
    "csi-c1": "c1\x9b2Jclear",
    "nel": "next\x85::warning::line",
    "bidi": "abc\u202edcba\u2066x\u2069",
    "separator": "para\u2029::error::x",
    "bell-del": "ring\x07\x7f\x00",
}
_RAW = {chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029)} - {"\t", "\n"}
_RAW |= {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)}


def assert_neutral(output: str, *, annotations: bool = False) -> None:
    """No raw control or bidi character; no line forged by a payload. With `annotations`, the
    output's own lines are workflow commands: each must be one of ours, about a file."""
    raw = sorted({repr(c) for c in output if c in _RAW})
    assert not raw, f"raw characters reached the output: {raw}\n{output}"
    ours = ("::error file=", "::warning file=", "::notice file=") if annotations else ()
    for line in output.split("\n"):
        assert not line.startswith("::") or line.startswith(ours), f"forged command: {line!r}"
        assert not line.startswith("installed forged-skill"), f"forged line: {line!r}"


def run(*args: str, cwd: Path) -> Any:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        from skillreg.cli import cli

        return CliRunner().invoke(cli, list(args), color=True)
    finally:
        os.chdir(old)


def test_for_terminal_shows_every_payload_visibly() -> None:
    for payload in PAYLOADS.values():
        shown = for_terminal(payload)
        assert_neutral(shown)
        assert "\\x" in shown or "\\u" in shown
    assert for_terminal("tab\tand text é ü 中") == "tab\tand text é ü 中"
    assert for_terminal("a\x1bb") == "a\\x1bb"
    assert for_terminal("\udcff.md") == "\\udcff.md"  # an undecodable file name byte
    assert one_line("two\nlines\x1b") == "two lines\\x1b"
    document = json.dumps({"d": "c1\x9b bidi\u202e \udc80"}, ensure_ascii=False)
    assert json.loads(json_for_terminal(document)) == json.loads(document)
    assert_neutral(json_for_terminal(document))


# -- a hostile registry over HTTP ---------------------------------------------------------------


@pytest.fixture(params=sorted(PAYLOADS))
def payload(request: pytest.FixtureRequest) -> str:
    return PAYLOADS[str(request.param)]


@pytest.fixture
def hostile_server(tmp_path: Path, payload: str) -> Any:
    """A registry whose descriptions, deprecation message and yank reason all carry `payload`."""
    builder = RegistryBuilder(tmp_path / "registry")
    builder.add("evil-skill", "1.0.0")
    builder.add("evil-skill", "1.1.0", yanked=True, yanked_reason=payload)
    builder.deprecated["evil-skill"] = payload
    root = builder.write()
    for rel in ("catalog.json", "index/ev/evil-skill.json"):
        path = root / rel
        if path.exists():
            path.write_text(path.read_text().replace('"about evil-skill"', json.dumps(payload)))
    with serve(root) as server:
        yield server


def test_search_description_is_neutralised(tmp_path: Path, hostile_server: Server) -> None:
    result = run("search", "evil", "--registry", hostile_server.url, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "evil-skill" in result.stdout
    assert_neutral(result.stdout + result.stderr)


def test_info_deprecation_and_yank_reason_are_neutralised(
    tmp_path: Path, hostile_server: Server
) -> None:
    result = run("info", "evil-skill", "--registry", hostile_server.url, cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "deprecated: " in result.stdout and "yanked: " in result.stdout
    assert_neutral(result.stdout + result.stderr)


def test_install_warnings_are_neutralised(tmp_path: Path, hostile_server: Server) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for spec in ("evil-skill", "evil-skill@1.1.0"):  # deprecated; then pinned to a yanked one
        result = run(
            "install", spec, "--agent", "claude-code", "--registry", hostile_server.url, cwd=project
        )
        assert result.exit_code == 0, result.output
        assert "warning: evil-skill is deprecated: " in result.stderr
        assert_neutral(result.stdout + result.stderr)
    assert "yanked" in result.stderr


# -- hostile files and paths ---------------------------------------------------------------------


def _file_name(payload: str) -> str:
    """The payload as one file name (no slash, no NUL: the only bytes a name cannot hold)."""
    return payload.replace("/", "_").replace("\x00", "")


def _write_skill(folder: Path, name: str, body: str, description: str = "d") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    fm = f"---\nname: {json.dumps(name)}\ndescription: {json.dumps(description)}\n"
    fm += 'metadata:\n  version: "1.0.0"\n---\n'
    (folder / "SKILL.md").write_text(f"{fm}\n# T\n\n{body}\n", encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "mermaid", "dot"])
def test_graph_names_and_reasons_are_neutralised(tmp_path: Path, payload: str, fmt: str) -> None:
    reason = payload.replace("\n", " ")  # a reason is one line of a list item
    _write_skill(tmp_path / "alpha", "alpha", f"## Related Skills\n\n- `beta` - {reason}\n")
    _write_skill(tmp_path / "beta", f"beta{reason}", "## Related Skills\n\n- `alpha` - back\n")
    result = run("graph", "--format", fmt, str(tmp_path), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert_neutral(result.stdout + result.stderr)
    if fmt == "mermaid":
        labels = [line for line in result.stdout.splitlines() if '["' in line]
        assert all(line.count('"') == 2 and "<" not in line for line in labels)
    if fmt == "dot":
        assert all(line.count('"') % 2 == 0 for line in result.stdout.splitlines())


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_lint_output_is_neutralised(tmp_path: Path, payload: str, fmt: str) -> None:
    _write_skill(tmp_path / "bad", f"Bad{payload}", "body", description=payload)
    _write_skill(tmp_path / _file_name(payload), "Bad", "body")  # the path is in every finding
    result = run("lint", "--output-format", fmt, str(tmp_path), cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert_neutral(result.stdout + result.stderr, annotations=fmt == "github")


def test_index_to_stdout_is_neutralised(tmp_path: Path, payload: str) -> None:
    _write_skill(tmp_path / "alpha", "alpha", "text", description=payload)
    result = run("index", str(tmp_path), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert_neutral(result.stdout + result.stderr)
    assert json.loads(result.stdout)["skills"][0]["description"] == payload


def test_error_lines_echoing_paths_are_neutralised(tmp_path: Path, payload: str) -> None:
    name = _file_name(payload)
    for args in (
        ("pack", str(tmp_path / name)),
        ("lint", "--config", str(tmp_path / name)),
        ("graph", "--name", "no-such", str(tmp_path / name)),
        ("install", "x", "--registry", f"http://127.0.0.1:9/{name}", "--agent", "claude-code"),
    ):
        result = run(*args, cwd=tmp_path)
        assert result.exit_code in (1, 2), (args, result.output)
        last = result.stderr.splitlines()[-1]  # after any retry notes
        assert last.startswith("error: "), (args, result.stderr)
        assert all(line.startswith(("note: ", "error: ")) for line in result.stderr.splitlines())
        assert_neutral(result.stdout + result.stderr)


def test_error_lines_echoing_config_values_are_neutralised(tmp_path: Path, payload: str) -> None:
    (tmp_path / "skill.toml").write_text(
        f"[lint]\nprofile = {json.dumps(payload)}\nfail-on = {json.dumps(payload)}\n"
    )
    _write_skill(tmp_path / "alpha", "alpha", "text")
    result = run("lint", str(tmp_path / "alpha"), cwd=tmp_path)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1
    assert_neutral(result.stdout + result.stderr)


def test_publish_and_verify_messages_are_neutralised(tmp_path: Path, payload: str) -> None:
    registry = tmp_path / "registry"
    _write_skill(tmp_path / "src" / "alpha", "alpha", "text", description="fine")
    (tmp_path / "src" / "alpha" / "notes.md").write_text("x")
    result = run("publish", str(tmp_path / "src"), "--to", str(registry), cwd=tmp_path)
    assert result.exit_code == 0, result.output
    name = _file_name(payload)
    (registry / "index" / f"{name}.json").write_text(json.dumps({"name": payload}))
    result = run("registry", "verify", str(registry), cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert_neutral(result.stdout + result.stderr)
    _write_skill(tmp_path / "src2" / "alpha", "alpha", "text", description=payload)
    result = run("publish", str(tmp_path / "src2"), "--to", str(registry), cwd=tmp_path)
    assert result.exit_code == 1, result.output
    assert_neutral(result.stdout + result.stderr)
