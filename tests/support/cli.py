"""Run `muster` commands in-process, as the tests of the command line do."""

from __future__ import annotations

from typer.testing import CliRunner

import muster.cli.commands  # noqa: F401  (registers every command group)
from muster.cli import app


def run(*args: str, code: int = 0) -> str:
    """The output of `muster ARGS`, asserting its exit code."""
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output
