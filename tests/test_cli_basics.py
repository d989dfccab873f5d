from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from skillreg import __version__
from skillreg.cli import COMMANDS, cli


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_python_dash_m() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "skillreg", "--help"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert "lint" in proc.stdout


def test_every_command_imports() -> None:
    for name in COMMANDS:
        assert cli.get_command(None, name) is not None, name  # type: ignore[arg-type]


def test_usage_errors_are_one_line() -> None:
    for args in (["nosuch"], ["lint", "--output-format", "xml"], ["install", "--no-such-option"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, args
        assert result.stderr.startswith("error: "), result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
        assert "--help" in result.stderr


def test_help_and_version_still_exit_zero() -> None:
    assert CliRunner().invoke(cli, ["lint", "--help"]).exit_code == 0
    proc = subprocess.run([sys.executable, "-m", "skillreg", "-V"], capture_output=True, text=True)
    assert proc.returncode == 0 and __version__ in proc.stdout
