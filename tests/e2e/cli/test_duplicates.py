"""`muster duplicates reindex` through Typer's CliRunner on a temporary data dir (SQLite)."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from typer.testing import CliRunner

from muster.cli import _mount, app
from muster.storage import tables as t
from tests.factories import make_container, valid_answers

_mount()


def test_reindex_stores_the_missing_contact_and_name_indexes(tmp_path):
    container = make_container(tmp_path)
    try:
        for phone in ("+1 555 0100", "+1 555 0101"):
            container.intake.submit(valid_answers(email="cli.twin@example.org", phone=phone))
        with container.engine.begin() as c:  # as a database upgraded from before migration 0005 has them
            c.execute(delete(t.contact_indexes))
    finally:
        container.close()
    result = CliRunner().invoke(app, ["duplicates", "reindex"], env={"MUSTER_DATA_DIR": str(tmp_path), "MUSTER_DEMO": "0"})
    assert result.exit_code == 0, result.output
    assert "indexed the contacts and names of 2 applications" in result.output
    container = make_container(tmp_path)
    try:
        with container.engine.connect() as c:
            assert c.execute(select(func.count()).select_from(t.contact_indexes)).scalar_one() == 6  # e-mail, phone and name of each
    finally:
        container.close()
