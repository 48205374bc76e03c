"""A throw-away PostgreSQL cluster for the storage tests.

`start_cluster()` runs `initdb` and `pg_ctl start` in a fresh temporary directory: data directory, log and unix
socket all live there, the server listens on a free port of 127.0.0.1 only, with trust authentication for one
superuser and durability switched off (fsync, synchronous_commit, full_page_writes): a test cluster is thrown away
at the end of the session, so losing it on a crash costs nothing and the speed-up is large.

PostgreSQL refuses to run as root. When the tests run as root (as CI does), every server command runs as the
`postgres` system user created by Debian's `postgresql` package, through `runuser`, and the temporary directory
is handed to that user first.

`create_database()` / `drop_database()` work on any server reachable through a SQLAlchemy URL, so they also serve
an outside server given in MUSTER_TEST_POSTGRES_URL (its role needs CREATEDB).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

ENV_URL = "MUSTER_TEST_POSTGRES_URL"
SUPERUSER = "muster"
SYSTEM_USER = "postgres"
_NEEDED = ("initdb", "pg_ctl", "postgres")


class PostgresUnavailable(RuntimeError):
    """No cluster can be started here; the message says why and what to do."""


def find_bindir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres: PATH first, then the newest /usr/lib/postgresql/*/bin."""
    initdb = shutil.which("initdb")
    if initdb:
        # Debian links some binaries into PATH; the real directory holds all three.
        bindir = Path(initdb).resolve().parent
        if all((bindir / name).is_file() for name in _NEEDED):
            return bindir
    candidates = sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda p: _version_key(p.parent.name),
        reverse=True,
    )
    for bindir in candidates:
        if all((bindir / name).is_file() for name in _NEEDED):
            return bindir
    return None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (callers retry if someone takes it meanwhile)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class PostgresCluster:
    """A running throw-away cluster; `stop()` ends the server and deletes every file."""

    bindir: Path
    root: Path
    port: int
    run_as: str | None

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL (psycopg 3 driver) of `database` over TCP on 127.0.0.1."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        """Stop the server (fast, no checkpoint) and remove the directory; safe to call twice."""
        if (self.datadir / "postmaster.pid").exists():
            _run(
                [str(self.bindir / "pg_ctl"), "stop", "-D", str(self.datadir), "-m", "immediate", "-w"],
                run_as=self.run_as,
                check=False,
            )
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(*, attempts: int = 3) -> PostgresCluster:
    """initdb + pg_ctl start in a new temporary directory; raises PostgresUnavailable when that cannot work."""
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable(
            "initdb/pg_ctl/postgres not found in PATH or /usr/lib/postgresql/*/bin; "
            "install Debian's `postgresql` (bash scripts/install-system-deps.sh test) "
            f"or point {ENV_URL} at a server"
        )
    run_as = _system_user_if_root()
    # Not pytest's tmp_path: its parents are private to root, and the postgres user must reach the directory.
    root = Path(tempfile.mkdtemp(prefix="muster-pg-"))
    try:
        (root / "socket").mkdir()
        if run_as is not None:
            entry = pwd.getpwnam(run_as)
            for path in (root, root / "socket"):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        _run(
            [
                str(bindir / "initdb"),
                "-D", str(root / "data"),
                "-U", SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ],
            run_as=run_as,
        )
        last_error = ""
        for _ in range(attempts):
            # Two xdist workers may pick the same port between free_port() and the bind: try another one.
            cluster = PostgresCluster(bindir=bindir, root=root, port=free_port(), run_as=run_as)
            options = " ".join(
                [
                    f"-p {cluster.port}",
                    "-c listen_addresses=127.0.0.1",
                    f"-c unix_socket_directories={cluster.socket_dir}",
                    "-c fsync=off",
                    "-c synchronous_commit=off",
                    "-c full_page_writes=off",
                    "-c max_connections=50",
                ]
            )
            result = _run(
                [
                    str(bindir / "pg_ctl"), "start",
                    "-D", str(cluster.datadir),
                    "-l", str(root / "server.log"),
                    "-o", options,
                    "-w", "-t", "30",
                ],
                run_as=run_as,
                check=False,
            )
            if result.returncode == 0:
                return cluster
            last_error = result.stdout + result.stderr + _tail(root / "server.log")
        raise PostgresUnavailable(f"pg_ctl start failed {attempts} times; last output:\n{last_error}")
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise


def _system_user_if_root() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        raise PostgresUnavailable(
            f"running as root, and PostgreSQL refuses root, but there is no `{SYSTEM_USER}` system user to run it "
            "as; install Debian's `postgresql` package, run the tests as another user, "
            f"or point {ENV_URL} at a server"
        ) from None
    if shutil.which("runuser") is None:
        raise PostgresUnavailable("running as root and `runuser` (util-linux) is missing; cannot drop to postgres")
    return SYSTEM_USER


def _run(command: list[str], *, run_as: str | None, check: bool = True) -> subprocess.CompletedProcess[str]:
    program = Path(command[0]).name
    if run_as is not None:
        command = ["runuser", "-u", run_as, "--", *command]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env["LC_ALL"] = "C"
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    if check and result.returncode != 0:
        raise PostgresUnavailable(f"{program} failed: {' '.join(command)}\n{result.stdout}{result.stderr}")
    return result


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def unique_database_name(prefix: str = "muster_test") -> str:
    """A database name no other worker or run will pick (lower case, so it needs no quoting)."""
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def create_database(server_url: str, name: str) -> str:
    """Create database `name` on the server of `server_url`; return the URL of the new database."""
    _admin(server_url, f'CREATE DATABASE "{name}"')
    return sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    """Drop database `name`, closing any connection a test left open."""
    _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, uniquely named database on the server, dropped afterwards; yields its URL."""
    name = unique_database_name()
    url = create_database(server_url, name)
    try:
        yield url
    finally:
        drop_database(server_url, name)


def _admin(server_url: str, statement: str) -> None:
    # CREATE/DROP DATABASE cannot run inside a transaction block. The server URL's own database is never the one
    # created or dropped (names are unique), so it serves as the maintenance connection.
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Yield a SQLAlchemy URL of a database on a PostgreSQL server: MUSTER_TEST_POSTGRES_URL, else a new cluster."""
    outside = os.environ.get(ENV_URL)
    if outside:
        yield outside
        return
    cluster = start_cluster()
    try:
        create_database(cluster.url(), "muster_test")
        yield cluster.url("muster_test")
    finally:
        cluster.stop()
