"""The `muster` command: one Typer sub-app per module, mounted here."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="Muster: intake, vetting and placement of volunteers.")


def _mount() -> None:
    # Sub-apps register themselves on import; importing here keeps `muster --help` cheap
    # because each module imports its heavy dependencies inside its commands.
    from muster.cli import commands  # noqa: F401


def main() -> None:
    _mount()
    app()
