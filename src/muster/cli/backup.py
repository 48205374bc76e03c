"""`muster backup` and `muster restore`: encrypted, consistent copies of the database or the key store.

    muster backup --out FILE               the main database (SQLite online backup; pg_dump for PostgreSQL)
    muster backup --keystore --out FILE    the key store, which has its own short retention
    muster restore FILE                    put either back (the file says which); server stopped

Backups are encrypted with a key derived from the current KEK (crypto/backup.py); restoring needs the
key file that was current then, or one holding that KEK as retired. Keep the key file apart from the
backups, and key-store backups only for the short window docs/crypto.md describes: an erasure is final
only once no key-store backup holding the erased applicant's key is left.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

from muster.cli import app
from muster.cli.context import container, fail

KINDS = {False: "database", True: "keystore"}


@app.command()
def backup(
    out: Path = typer.Option(..., "--out", help="The encrypted backup file to write."),
    keystore: bool = typer.Option(False, "--keystore", help="Back up the key store instead of the main database."),
) -> None:
    """Write an encrypted, consistent backup of the main database (or, with --keystore, of the key store)."""
    from muster.crypto.backup import encrypt_file
    from muster.storage.backup import BackupToolMissing, snapshot

    kind = KINDS[keystore]
    # As it is: a backup must not migrate the database first, nor a restore create an admin it then overwrites.
    with container(prepare_database=False) as built, tempfile.TemporaryDirectory(prefix="muster-backup-") as work:
        plain = Path(work) / "snapshot"
        try:
            snapshot(built.keystore_engine if keystore else built.engine, plain)
        except BackupToolMissing as error:
            fail(str(error))
        size = encrypt_file(built.ring.current, kind, plain, out)
        kek_id = built.ring.current.id
    typer.echo(f"wrote {kind} backup {out} ({size} bytes before encryption, KEK {kek_id})")


@app.command()
def restore(source: Path = typer.Argument(..., help="A file written by `muster backup`.")) -> None:
    """Replace the database (or the key store) with a backup. Stop the server first.

    Applicants erased after the backup was taken have no data key any more: they are erased again
    (tombstoned) at once, so their restored rows do not linger.
    """
    from muster.crypto.backup import BackupBroken, decrypt_file, read_kind
    from muster.crypto.errors import KekUnknown
    from muster.crypto.keyfile import read_key_file
    from muster.storage.backup import BackupToolMissing
    from muster.storage.backup import restore as restore_snapshot

    if not source.is_file():
        fail(f"{source}: no such file", 2)
    try:
        kind = read_kind(source)
    except BackupBroken as error:
        fail(f"{source}: {error}", 2)
    if kind not in KINDS.values():
        fail(f"{source}: unknown backup kind {kind}", 2)
    with container(prepare_database=False) as built, tempfile.TemporaryDirectory(prefix="muster-restore-") as work:
        plain = Path(work) / "snapshot"
        try:
            decrypt_file(read_key_file(built.settings.resolved_key_file), source, plain, kind=kind)
            restore_snapshot(built.keystore_engine if kind == "keystore" else built.engine, plain)
        except (BackupBroken, KekUnknown) as error:
            fail(f"{source}: {error}")
        except BackupToolMissing as error:
            fail(str(error))
        typer.echo(f"restored the {kind} from {source}")
        if kind == "database":
            from muster.storage import migrate

            migrate.upgrade(built.engine)  # a backup from an older version
            erased = built.erasure.erase_missing_keys(has_key=built.ring.has_data_key)
            if erased:
                typer.echo(f"erased again {len(erased)} applications whose keys were destroyed after this backup")
