"""No personal data and no visit metadata in the files an adversary would take, on SQLite and PostgreSQL.

Applicants with distinctive names (Cyrillic and Latin), contacts and answers are submitted through the
API with distinctive headers from a distinctive client address; a reviewer adds notes. Then the raw bytes
of every stored file are searched: the SQLite database, its WAL and shared memory (or a `pg_dump` of the
PostgreSQL database), the key store, and every log record written meanwhile, for each value in UTF-8,
UTF-16 (both byte orders) and upper/lower case.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from datetime import time

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import select

from muster.domain.permissions import Role
from muster.storage import tables as t
from muster.web.app import create_app
from tests.factories import PASSWORD, make_container, valid_answers
from tests.support import postgres as postgres_support

APPLICANTS = [
    {"family_name": "Шпаковскийзубр", "given_name": "Евлампия", "patronymic": "Гордеевна", "name_latin": "Yevlampiya Shpakovskiyzubr",
     "email": "evlampia.zubr@probe-mail.example", "phone": "+380 67 914 27 58", "messenger": "@zubrik_probe_77",
     "motivation": "Защищаю родину, квитанция номер Жабокрук"},
    {"family_name": "Qwertzuiopsen", "given_name": "Bartholomaeus", "name_latin": "Bartholomaeus Qwertzuiopsen",
     "email": "b.qwertz@probe-mail.example", "phone": "+49 151 2345 9876", "messenger": "@qwertz_signal",
     "motivation": "Xylophonic determination, unmistakable marker Plumbaginaceae"},
]
NOTE = "Інтерв'ю пройдено: Ґудзикпробний"
USER_AGENT = "ProbeBrowser/7.31 (Zanzibar; rv:xyzzy)"
FORWARDED_FOR = "198.51.100.77"
CLIENT_ADDRESS = "203.0.113.99"
PERSONAL = [v for a in APPLICANTS for v in a.values()] + [NOTE]
METADATA = [USER_AGENT, "Zanzibar", FORWARDED_FOR, CLIENT_ADDRESS]


def encodings(value: str) -> list[bytes]:
    forms = {value, value.lower(), value.upper()}
    return [form.encode(codec) for form in forms for codec in ("utf-8", "utf-16-le", "utf-16-be")]


@pytest.fixture(scope="module")
def stored(database_url, tmp_path_factory):
    """Submit, review, then collect (name, bytes) of every stored file and the log records."""
    root = tmp_path_factory.mktemp("raw")
    container = make_container(root, database_url)
    container.accounts.add("interviewer-raw", Role.INTERVIEWER, PASSWORD)
    container.accounts.add("recruiter-raw", Role.RECRUITER, PASSWORD)
    container.accounts.add("security-raw", Role.SECURITY_OFFICER, PASSWORD)
    handler = _Collect()
    logging.getLogger().addHandler(handler)
    previous = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    try:
        client = TestClient(create_app(container), client=(CLIENT_ADDRESS, 51515))
        headers = {"User-Agent": USER_AGENT, "X-Forwarded-For": FORWARDED_FOR, "X-Real-IP": FORWARDED_FOR}
        ids = []
        for applicant in APPLICANTS:
            response = client.post("/api/applications", json=valid_answers(**applicant), headers=headers)
            assert response.status_code == 201, response.text
            ids.append(_latest(container))
        tokens = {u: client.post("/api/auth/login", json={"username": u, "password": PASSWORD}, headers=headers).json()["token"]
                  for u in ("recruiter-raw", "security-raw", "interviewer-raw")}
        case = ids[0]
        for who, action, extra in [("recruiter-raw", "start_screening", {}), ("security-raw", "clear_screening", {}),
                                   ("interviewer-raw", "complete_interview", {"note": NOTE})]:
            response = client.post(f"/api/cases/{case}/actions", json={"action": action, **extra},
                                   headers={**headers, "Authorization": f"Bearer {tokens[who]}"})
            assert response.status_code == 200, response.text
        seen = client.get(f"/api/cases/{case}", headers={**headers, "Authorization": f"Bearer {tokens['security-raw']}"})
        assert seen.json()["answers"]["family_name"] == APPLICANTS[0]["family_name"]  # the data is there, sealed
    finally:
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(previous)
    files = _database_bytes(container, root) + [(p.name, p.read_bytes()) for p in sorted(root.glob("keystore.db*"))]
    files.append(("log records", "\n".join(handler.lines).encode("utf-8")))
    yield container, ids, files
    container.close()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()} {record.args!r} {record.__dict__!r}")


def _latest(container):
    with container.engine.connect() as c:
        return c.execute(select(t.applications.c.id).order_by(t.applications.c.stage_entered_at.desc(),
                                                             t.applications.c.id)).first()[0]


def _database_bytes(container, root):
    if container.engine.dialect.name == "sqlite":
        path = container.engine.url.database
        files = [(name, Path(name).read_bytes()) for name in (path, f"{path}-wal", f"{path}-shm") if Path(name).exists()]
        assert any(name.endswith("-wal") and data for name, data in files), "expected a WAL with the latest writes"
        return files
    bindir = postgres_support.find_bindir()
    url = sa.make_url(str(container.engine.url.render_as_string(hide_password=False))).set(drivername="postgresql")
    dump = subprocess.run([str(bindir / "pg_dump"), "--no-owner", url.render_as_string(hide_password=False)],
                          capture_output=True, check=True)
    assert b"COPY public.answers" in dump.stdout
    return [("pg_dump", dump.stdout)]


class TestNoPlaintextAtRest:
    def test_no_name_contact_answer_or_note_appears_in_any_stored_byte(self, stored):
        _, _, files = stored
        found = [(name, needle) for name, data in files for needle in PERSONAL
                 for form in encodings(needle) if form in data]
        assert found == []

    def test_the_search_finds_what_is_stored_in_clear(self, stored):
        # Reviewer usernames are not personal data of applicants and are stored in clear: finding them
        # shows the search reads the real files, so the test above does not pass by mistake.
        _, _, files = stored
        assert any(form in data for _, data in files if _ != "log records" for form in encodings("interviewer-raw"))
        assert any(form in "x ШПАКОВСКИЙЗУБР y".encode("utf-16-be") for form in encodings("Шпаковскийзубр"))


class TestMetadataMinimisation:
    def test_no_ip_address_or_user_agent_is_stored_or_logged(self, stored):
        _, _, files = stored
        found = [(name, needle) for name, data in files for needle in METADATA
                 for form in encodings(needle) if form in data]
        assert found == []

    def test_only_the_date_of_a_submission_is_stored(self, stored):
        container, ids, _ = stored
        midnight = time(0, 0)
        with container.engine.connect() as c:
            for case in ids:
                row = c.execute(select(t.applications).where(t.applications.c.id == case)).one()
                history = c.execute(select(t.stage_changes.c.at).where(t.stage_changes.c.application_id == case)).all()
                if not history:
                    assert row.stage_entered_at.time() == midnight
                created = c.execute(select(t.audit_entries.c.at).where(
                    t.audit_entries.c.case_id == case, t.audit_entries.c.action == "applicant:record:create")).scalar_one()
                assert created.time() == midnight
