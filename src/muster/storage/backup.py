"""Consistent snapshots of a database, and putting one back: what `muster backup` encrypts.

SQLite: the online backup API copies every page under a read transaction, so the copy is
consistent even while the server writes (WAL included). PostgreSQL: `pg_dump --format=custom`
(one snapshot transaction) and `pg_restore --clean`, from PATH or the newest
/usr/lib/postgresql/*/bin. The files written here are plaintext snapshots (personal values in
them are sealed, but ids, stages and the audit log are not): callers encrypt them at once and
delete them (cli/backup.py).
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine


class BackupToolMissing(RuntimeError):
    """pg_dump / pg_restore were not found."""


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: [int(x) for x in Path(p).parts[-3].split(".") if x.isdigit()])
    if not candidates:
        raise BackupToolMissing(f"{name} not found in PATH or /usr/lib/postgresql/*/bin")
    return candidates[-1]


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    # The password goes in the environment, not on a command line other users can read.
    url = engine.url.set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def snapshot(engine: Engine, target: Path) -> None:
    """Write a consistent copy of the database behind `engine` to the file `target`."""
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            with sqlite3.connect(target) as out:
                raw.driver_connection.backup(out)
            out.close()
        finally:
            raw.close()
        return
    url, env = _libpq(engine)
    subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), url],
                   check=True, env=env, capture_output=True)


def restore(engine: Engine, source: Path) -> None:
    """Replace the database behind `engine` with the snapshot `source`. Run with the server stopped."""
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            with sqlite3.connect(source) as snapshot_db:
                snapshot_db.backup(raw.driver_connection)
            snapshot_db.close()
        finally:
            raw.close()
        engine.dispose()  # pooled connections may hold the old schema
        return
    url, env = _libpq(engine)
    engine.dispose()
    subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                    "--dbname", url, str(source)], check=True, env=env, capture_output=True)
