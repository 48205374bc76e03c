"""`muster user add|list|disable`."""

from __future__ import annotations

import typer

from muster.cli import app
from muster.cli.context import container, fail_invalid
from muster.domain.errors import ValidationFailed
from muster.domain.permissions import Role

users = typer.Typer(no_args_is_help=True, help="Reviewer accounts.")
app.add_typer(users, name="user")


@users.command("add")
def add(username: str, role: Role = typer.Option(..., help="The account's role.")) -> None:
    """Create an account; prints its one-time password."""
    with container() as built:
        try:
            reviewer, password = built.accounts.add(username, role)
        except ValidationFailed as error:
            fail_invalid(error)
        typer.echo(f"Created {reviewer.username} ({reviewer.role}). One-time password: {password}")


@users.command("list")
def list_() -> None:
    """List accounts with their roles."""
    with container() as built:
        for r in built.accounts.list():
            typer.echo(f"{r.username:20} {r.role:18} {'disabled' if r.disabled else 'active'}")


@users.command("disable")
def disable(username: str) -> None:
    """Disable an account and end its sessions."""
    with container() as built:
        try:
            built.accounts.set_disabled(username, True)
        except ValidationFailed as error:
            fail_invalid(error)
        typer.echo(f"Disabled {username}.")
