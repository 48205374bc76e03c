"""`muster erase` and `muster retention run`: real deletion of applicants' personal data.

Both delete the answers and notes, keep a tombstone (id, stage, dates) and destroy the applicant's
data key, so their sealed data in every copy of the database becomes unreadable once the
key-store backups holding the key have expired (docs/crypto.md, section 5). Both are audited. The server runs
retention itself every day at MUSTER_NIGHTLY_AT; `retention run` is for cron when that setting is empty.
"""

from __future__ import annotations

import typer

from muster.cli import app
from muster.cli.context import container, fail

retention_app = typer.Typer(no_args_is_help=True, help="Erase rejected or withdrawn applicants after the retention period.")
app.add_typer(retention_app, name="retention")


@app.command()
def erase(
    application_id: str = typer.Argument(..., help="Id of the application to erase."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the audit log: ids and codes, never names)."),
) -> None:
    """Erase one applicant: delete their answers and notes, destroy their data key, keep a tombstone."""
    from muster.domain.errors import ApplicationUnknown
    from muster.domain.ids import ApplicationId

    with container() as built:
        try:
            done = built.erasure.erase(ApplicationId(application_id), reason=reason)
        except ApplicationUnknown:
            fail(f"no application {application_id}")
    state = "was already erased; " if done.already_erased else ""
    key = "data key destroyed" if done.key_destroyed else "no data key was left"
    typer.echo(f"erased {done.application_id} ({done.stage}): {state}{key}")


@retention_app.command("run")
def retention_run(dry_run: bool = typer.Option(False, "--dry-run", help="Only list what would be erased.")) -> None:
    """Erase every rejected or withdrawn applicant decided more than MUSTER_RETENTION_DAYS ago."""
    with container() as built:
        if dry_run:
            for application_id in built.erasure.due():
                typer.echo(f"would erase {application_id}")
            return
        erased = built.erasure.run_retention()
    for done in erased:
        typer.echo(f"erased {done.application_id} ({done.stage})")
    typer.echo(f"{len(erased)} applications erased (retention {built.settings.retention_days} days)")
