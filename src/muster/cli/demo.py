"""`muster demo`: synthetic applicants, vouches and units for trying Muster out."""

from __future__ import annotations

import typer

from muster.cli import app
from muster.cli.context import container, fail


@app.command()
def demo(count: int = typer.Option(60, min=1, max=10_000, help="Synthetic applicants to create."),
         seed: int = typer.Option(7, help="Random seed; the same seed gives the same people.")) -> None:
    """Load demo data: accounts for every role, units, applicants at every stage, vouches and a ring."""
    from muster.demo.load import load_demo
    from muster.domain.errors import ValidationFailed

    with container() as built:
        try:
            report = load_demo(built, count=count, seed=seed)
        except ValidationFailed as error:
            fail(f"demo data exists already or clashes ({', '.join(error.problems)}); use an empty database")
        typer.echo(f"{report.applications} applications, {report.units} units, {report.vouches} vouches.")
        for username, password in report.accounts.items():
            typer.echo(f"    {username:12} {password}")
