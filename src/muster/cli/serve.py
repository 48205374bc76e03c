"""`muster serve` and `muster init`."""

from __future__ import annotations

import typer

from muster.cli import app
from muster.cli.context import container


def _empty(built) -> bool:  # type: ignore[no-untyped-def]
    with built.uow() as uow:
        return uow.applications.page(stages=None, offset=0, limit=1)[1] == 0 and not uow.units.list()


def _load_demo_if_empty(built) -> None:  # type: ignore[no-untyped-def]
    from muster.demo.load import load_demo

    if not built.settings.demo or not _empty(built):
        return
    typer.echo("Empty database: loading demo data (MUSTER_DEMO=0 skips this)...", err=True)
    report = load_demo(built)
    typer.echo(f"Demo: {report.applications} applications, {report.units} units, {report.vouches} vouches. "
               "Demo accounts (passwords shown only now):", err=True)
    for username, password in report.accounts.items():
        typer.echo(f"    {username:12} {password}", err=True)


@app.command()
def init() -> None:
    """Create or upgrade the database and keys; create the admin account on first run."""
    with container() as built:
        typer.echo(f"Database ready at {built.engine.url.render_as_string(hide_password=True)}")


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Address to listen on (default MUSTER_HOST)."),
    port: int | None = typer.Option(None, help="Port (default MUSTER_PORT)."),
) -> None:
    """Start the web server (intake form, reviewer UI, API); loads demo data into an empty database."""
    import uvicorn

    from muster.web.app import create_app

    with container() as built:
        _load_demo_if_empty(built)
        bind_host, bind_port = host or built.settings.host, port or built.settings.port
        typer.echo(f"Muster on http://{bind_host}:{bind_port}  (reviewers: /login, applicants: /apply, API: /docs)", err=True)
        # No access log: it would record applicants' IP addresses and the times of their visits.
        uvicorn.run(create_app(built), host=bind_host, port=bind_port, access_log=False, server_header=False,
                    proxy_headers=False, log_level="warning")
