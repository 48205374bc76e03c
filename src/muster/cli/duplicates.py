"""`muster duplicates reindex`: contact and name blind indexes for applications stored before they existed.

Migration 0005 created the `contact_indexes` table empty (a migration holds no keys), and name blocking
keys (kind "name") came later. This command unseals the e-mail, phone and name answers of every
application without index rows, or without name rows, and stores their blind indexes, so duplicate
detection finds them too. Idempotent; each application read is audited.
"""

from __future__ import annotations

import typer

from muster.cli import app
from muster.cli.context import container

duplicates_app = typer.Typer(no_args_is_help=True, help="Duplicate detection on contact and name blind indexes.")
app.add_typer(duplicates_app, name="duplicates")


@duplicates_app.command("reindex")
def reindex() -> None:
    """Store the contact and name blind indexes of applications missing them (run once after upgrading)."""
    with container() as built:
        count = built.duplicates.index_missing()
    typer.echo(f"indexed the contacts and names of {count} applications")
