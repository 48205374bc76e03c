"""What every command needs: settings from the environment, the container, clean error exits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from pydantic import ValidationError

from muster.domain.errors import ValidationFailed


def load_settings() -> Any:
    """Settings from the environment; a configuration error ends the command with a clear message."""
    from muster.config import Settings

    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(f"MUSTER_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        typer.secho(f"error: bad configuration: {problems}", fg="red", err=True)
        raise typer.Exit(2) from None


@contextmanager
def container(*, prepare_database: bool = True) -> Iterator[Any]:
    """A built and (unless `prepare_database` is false) migrated container with its first admin account;
    configuration errors end the command with a clear message."""
    from muster.bootstrap import build, prepare

    built = build(load_settings())
    try:
        password = prepare(built) if prepare_database else None
        if password:
            announce_admin(password)
        yield built
    finally:
        built.close()


def announce_admin(password: str) -> None:
    typer.secho("Created the first account 'admin'. One-time password (shown only now):", fg="yellow", err=True)
    typer.secho(f"    {password}", bold=True, err=True)


def fail(message: str, code: int = 1) -> None:
    typer.secho(f"error: {message}", fg="red", err=True)
    raise typer.Exit(code)


def fail_invalid(error: ValidationFailed) -> None:
    """End the command with what is wrong with each field `error` names."""
    fail(error.details)
