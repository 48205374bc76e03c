"""The database fixtures give real, empty, working databases on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.support import postgres as postgres_support

metadata = sa.MetaData()
volunteers = sa.Table(
    "fixture_check_volunteers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("call_sign", sa.String(40), nullable=False),
)


def _round_trip(url: str) -> list[tuple[int, str]]:
    engine = sa.create_engine(url)
    try:
        metadata.create_all(engine)
        with engine.begin() as connection:
            connection.execute(volunteers.insert(), [{"id": 1, "call_sign": "Сокіл"}, {"id": 2, "call_sign": "Ёж"}])
        with engine.connect() as connection:
            rows = connection.execute(sa.select(volunteers.c.id, volunteers.c.call_sign).order_by("id")).all()
        metadata.drop_all(engine)
        return [tuple(row) for row in rows]
    finally:
        engine.dispose()


class TestDatabaseUrl:
    def test_database_starts_empty_and_round_trips_unicode_rows(self, database_url: str) -> None:
        engine = sa.create_engine(database_url)
        try:
            assert sa.inspect(engine).get_table_names() == []
        finally:
            engine.dispose()
        assert _round_trip(database_url) == [(1, "Сокіл"), (2, "Ёж")]

    def test_url_names_the_requested_backend(self, database_url: str, request: pytest.FixtureRequest) -> None:
        url = sa.make_url(database_url)
        backend = request.node.callspec.params["database_url"]
        if backend == "sqlite":
            assert url.drivername == "sqlite"
            assert url.database is not None and url.database.endswith(".sqlite3")
        else:
            assert url.drivername == "postgresql+psycopg"
            assert url.database is not None and url.database.startswith("muster_test_")


@pytest.mark.postgres
class TestPostgresUrl:
    def test_server_is_postgresql_and_round_trips_rows(self, postgres_url: str) -> None:
        engine = sa.create_engine(postgres_url)
        try:
            with engine.connect() as connection:
                assert connection.exec_driver_sql("SELECT version()").scalar().startswith("PostgreSQL ")
                assert connection.exec_driver_sql("SHOW server_encoding").scalar() == "UTF8"
        finally:
            engine.dispose()
        assert _round_trip(postgres_url) == [(1, "Сокіл"), (2, "Ёж")]

    def test_created_databases_are_separate_and_dropped(self, postgres_url: str) -> None:
        name = postgres_support.unique_database_name()
        url = postgres_support.create_database(postgres_url, name)
        engine = sa.create_engine(url)
        try:
            with engine.begin() as connection:
                connection.exec_driver_sql("CREATE TABLE only_here (id integer)")
        finally:
            engine.dispose()
        server = sa.create_engine(postgres_url)
        try:
            assert "only_here" not in sa.inspect(server).get_table_names()
            postgres_support.drop_database(postgres_url, name)
            with server.connect() as connection:
                names = connection.exec_driver_sql("SELECT datname FROM pg_database").scalars().all()
            assert name not in names
        finally:
            server.dispose()


class TestClusterHelpers:
    def test_free_port_can_be_bound(self) -> None:
        import socket

        port = postgres_support.free_port()
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))

    def test_unique_database_names_do_not_repeat_and_need_no_quoting(self) -> None:
        names = {postgres_support.unique_database_name() for _ in range(100)}
        assert len(names) == 100
        assert all(name.isidentifier() and name == name.lower() for name in names)
