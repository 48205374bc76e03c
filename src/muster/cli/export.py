"""`muster export`: cases as CSV or JSON, limited to what the named account's role may see."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import typer

from muster.cli import app
from muster.cli.context import container, fail
from muster.domain.errors import PermissionDenied


@app.command()
def export(
    as_user: str = typer.Option(..., "--as", help="Export with this account's role and compartments."),
    format: str = typer.Option("csv", help="csv or json."),
    out: Path | None = typer.Option(None, help="Output file (default: standard output)."),
) -> None:
    """Export cases with the answers the account's role may read."""
    if format not in ("csv", "json"):
        fail("--format must be csv or json", 2)
    with container() as built:
        found = [r for r in built.accounts.list() if r.username == as_user]
        if not found or found[0].disabled:
            fail(f"no active account '{as_user}'")
        try:
            columns, rows = built.cases.export(found[0])
        except PermissionDenied as error:
            fail(str(error))
    stream = out.open("w", newline="", encoding="utf-8") if out else sys.stdout
    try:
        if format == "json":
            json.dump(rows, stream, ensure_ascii=False, indent=1)
            stream.write("\n")
        else:
            writer = csv.DictWriter(stream, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
    finally:
        if out:
            stream.close()
    if out:
        typer.echo(f"Wrote {len(rows)} cases to {out}", err=True)
