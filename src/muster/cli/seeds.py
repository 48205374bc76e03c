"""`muster trust seed add|list|remove` and `muster trust recompute`: the live graph in the database.

These extend the `trust` group of cli/trust.py (which scores graphs from files) with commands that act on
the product's own vouches: the seeds an admin trusts a priori, and the nightly batch recompute in the
foreground (the server runs it itself at `MUSTER_NIGHTLY_AT`; with that setting empty, run this from cron).
"""

from __future__ import annotations

import typer

from muster.cli.context import container, fail, fail_invalid
from muster.cli.trust import trust_app

seed_app = typer.Typer(no_args_is_help=True, help="Seeds: members trusted a priori, from whom trust spreads.")
trust_app.add_typer(seed_app, name="seed")


@seed_app.command("add")
def seed_add(member: str = typer.Argument(..., help="Member name, as in vouches ('anna-k' or 'member:anna-k').")) -> None:
    """Mark a member as a seed."""
    from muster.domain.errors import ValidationFailed

    with container() as built:
        try:
            seed = built.trust.add_seed(None, member)
        except ValidationFailed as error:
            fail_invalid(error)
    typer.echo(f"{seed.node} is a seed")


@seed_app.command("list")
def seed_list() -> None:
    """List the seeds, who set each and when."""
    with container() as built:
        for seed in built.trust.seeds(None):
            typer.echo(f"{seed.node:40} {seed.set_at:%Y-%m-%d %H:%M} by {seed.set_by}")


@seed_app.command("remove")
def seed_remove(member: str = typer.Argument(..., help="Member name ('anna-k' or 'member:anna-k').")) -> None:
    """Stop trusting a member a priori (their vouches stay)."""
    from muster.domain.errors import NotFound, ValidationFailed

    with container() as built:
        try:
            built.trust.remove_seed(None, member)
        except ValidationFailed as error:
            fail_invalid(error)
        except NotFound as error:
            fail(str(error))
    typer.echo(f"removed seed {member}")


@trust_app.command("recompute")
def recompute() -> None:
    """Rescore the whole vouch graph in the database (the nightly batch)."""
    from muster.domain.jobs import JobKind, JobStatus

    with container() as built:
        # Run as a recorded job, like the server's nightly run, so the review queue shows a run from cron too.
        job = built.jobs.run(built.jobs.claimed(JobKind.TRUST_RECOMPUTE, {}))
    if job.status is not JobStatus.DONE:
        fail(f"the rescore failed: {job.error}")
    done = job.result
    typer.echo(f"scored {done['nodes']} nodes, {done['vouches']} vouches from {done['seeds']} seed(s); "
               f"flagged {done['flagged']} in {done['rings']} ring(s) in {done['seconds'] * 1000:.0f} ms; "
               f"raised {done['raised']} for review")
