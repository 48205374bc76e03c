"""`muster keys`: inspect and rotate the key-encryption key (KEK) behind the key store.

    muster keys init      create the key file and the system keys if missing (idempotent)
    muster keys status    KEK id, wrapped keys per KEK, the audit checkpoint verify key
    muster keys rotate    new KEK in the key file, every wrapped key re-wrapped, old KEK retired

`muster init` and `muster serve` create the key file and the system keys on first start as well
(`KeyRing.from_key_file`), so `make run` needs no extra step; `keys init` does only that part. Rotate with the server stopped.
Nothing printed here is secret: KEK ids are fingerprints, the verify key is public.
"""

from __future__ import annotations

import typer

from muster.cli import app
from muster.cli.context import container, load_settings

keys_app = typer.Typer(no_args_is_help=True, help="Key-encryption key status and rotation.")
app.add_typer(keys_app, name="keys")


@keys_app.command("init")
def init_command() -> None:
    """Create the key file and the system keys (blind index, audit signing) if they are missing."""
    from muster.crypto.keyring import KeyRing
    from muster.storage.db import make_engine
    from muster.storage.keystore import SqlKeyStore

    settings = load_settings()
    key_file = settings.resolved_key_file
    existed = key_file.exists()
    engine = make_engine(settings.resolved_keystore_url)
    try:
        ring = KeyRing.from_key_file(key_file, SqlKeyStore(engine))
    finally:
        engine.dispose()
    state = "kept the existing" if existed else "created a new"
    typer.echo(f"{state} key file {key_file} (KEK {ring.current.id}); system keys in place")
    if not existed:
        typer.echo("Back the key file up apart from the database: without it no data opens.", err=True)


@keys_app.command("status")
def status_command() -> None:
    """Show the current KEK id, how many wrapped keys each KEK holds, and the audit verify key."""
    from muster.crypto.keyring import census
    from muster.crypto.signing import AuditSigner

    with container() as built:
        ring = built.ring
        typer.echo(f"key file:         {built.settings.resolved_key_file}")
        typer.echo(f"current KEK id:   {ring.current.id}")
        for kek_id, count in sorted(census(ring.store).items()):
            marker = "current" if kek_id == ring.current.id else "retired"
            typer.echo(f"wrapped keys:     {count:>8} under {kek_id} ({marker})")
        typer.echo(f"audit verify key: {AuditSigner(ring.audit_signing_seed()).verify_key_hex}")


@keys_app.command("rotate")
def rotate_command() -> None:
    """Generate a new KEK, re-wrap every data and system key under it, and retire the old one.

    Data is not re-encrypted. Safe to rerun after a crash: it finishes the pending rotation.
    Afterwards destroy every copy of the old key file, or the old KEK still opens old key-store backups.
    """
    from muster.crypto.keyring import rotate_key_file
    from muster.domain.audit import AuditAction, AuditEvent
    from muster.services.audit import SYSTEM

    with container() as built:
        old_id = built.ring.current.id
        ring, report = rotate_key_file(built.settings.resolved_key_file, built.ring.store)
        built.audit.record(AuditEvent(SYSTEM, AuditAction.SYSTEM_KEYS_ROTATE, None,
                                      f"KEK {old_id} -> {ring.current.id}; {report.rewrapped} re-wrapped"))
    typer.echo(f"rotated KEK {old_id} -> {ring.current.id}: {report.rewrapped} re-wrapped, "
               f"{report.already_current} already current, {report.vanished} gone meanwhile")
    typer.echo("Destroy every copy of the old key file (backups included).", err=True)
