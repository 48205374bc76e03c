"""`muster audit`: verify the tamper-evident log and hand checkpoints to an auditor.

    muster audit verify [--checkpoints FILE]    check every entry; name the first bad one (exit 1)
    muster audit checkpoint                     sign the current head now
    muster audit export-checkpoints --out FILE  append the signed checkpoints to FILE (JSON lines)

Keep the exported file where the server cannot rewrite it (the auditor's machine, a second host):
only against such a copy do truncation and roll-back to an old backup show (docs/crypto.md, section 8).
"""

from __future__ import annotations

from pathlib import Path

import typer

from muster.cli import app
from muster.cli.context import container, fail

audit_app = typer.Typer(no_args_is_help=True, help="Verify the audit log; export signed checkpoints.")
app.add_typer(audit_app, name="audit")


def _read_checkpoints(path: Path) -> list:  # type: ignore[type-arg]
    from muster.domain.audit import Checkpoint

    if not path.exists():
        return []
    return [Checkpoint.from_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@audit_app.command("verify")
def verify_command(
    checkpoints: Path | None = typer.Option(None, "--checkpoints", help="An external copy of the checkpoints "
                                            "(from export-checkpoints) to check truncation and roll-back against."),
) -> None:
    """Check the whole log: hashes, order, signed checkpoints; exit 1 naming the first bad entry."""
    external = []
    if checkpoints is not None:
        if not checkpoints.is_file():
            fail(f"{checkpoints}: no such file", 2)
        try:
            external = _read_checkpoints(checkpoints)
        except (ValueError, KeyError) as error:
            fail(f"{checkpoints}: not a checkpoint file ({error})", 2)
    with container() as built:
        result = built.audit.verify(external)
    if result.ok:
        typer.echo(f"audit log intact: {result.entries_checked} entries, {result.checkpoints_matched} checkpoints "
                   f"matched, head {result.head.hex()}")
        return
    problem = result.problem
    assert problem is not None
    typer.secho(f"audit log TAMPERED: {problem.kind} at entry {problem.sequence}: {problem.detail}", fg="red", err=True)
    raise typer.Exit(1)


@audit_app.command("checkpoint")
def checkpoint_command() -> None:
    """Sign the head of the log now (also done every MUSTER_AUDIT_CHECKPOINT_EVERY entries)."""
    with container() as built:
        checkpoint = built.audit.checkpoint()
    if checkpoint is None:
        typer.echo("the audit log is empty: nothing to sign")
    else:
        typer.echo(f"signed checkpoint at entry {checkpoint.sequence}: {checkpoint.head.hex()}")


@audit_app.command("export-checkpoints")
def export_command(out: Path = typer.Option(..., "--out", help="File to append the checkpoints to (JSON lines).")) -> None:
    """Sign the current head, then append every checkpoint not yet in FILE; existing lines are kept."""
    from muster.crypto.signing import AuditSigner

    try:
        have = {(cp.sequence, cp.head) for cp in _read_checkpoints(out)}
    except (ValueError, KeyError) as error:
        fail(f"{out}: not a checkpoint file ({error})", 2)
    with container() as built:
        built.audit.checkpoint()
        stored = built.audit.checkpoints()
        verify_key = AuditSigner(built.ring.audit_signing_seed()).verify_key_hex
    new = [cp for cp in stored if (cp.sequence, cp.head) not in have]
    with out.open("a", encoding="utf-8") as f:
        for cp in new:
            f.write(cp.to_json() + "\n")
    typer.echo(f"appended {len(new)} checkpoints to {out} ({len(have) + len(new)} in all); verify key {verify_key}")
