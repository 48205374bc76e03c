"""The audit log wired into the application, on SQLite and PostgreSQL: what gets logged, and that
tampering with the stored rows by SQL (edit, deletion, insertion, reordering, truncation, roll-back,
recomputed hashes, forged checkpoints) is detected and the first bad entry named."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timezone

import pytest
from sqlalchemy import delete, insert, select, update

from muster.domain.audit import AuditAction, AuditEntry, Tamper, link
from muster.domain.errors import TransitionNotAllowed
from muster.domain.permissions import Role
from muster.domain.vouches import Relationship
from muster.domain.workflow import Action, ActionInput
from muster.storage import tables as t
from tests.factories import add_reviewer, make_container, valid_answers
from tests.support import postgres as postgres_support


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request, tmp_path):
    """A new empty database per test: None means the container's own SQLite file under tmp_path."""
    if request.param == "sqlite":
        yield None
        return
    with postgres_support.fresh_database(request.getfixturevalue("postgres_url")) as url:
        yield url


@pytest.fixture
def container(tmp_path, fresh_url):
    built = make_container(tmp_path, fresh_url, audit_checkpoint_every=4)
    yield built
    built.close()


def entries(container):
    with container.engine.connect() as c:
        return c.execute(select(t.audit_entries).order_by(t.audit_entries.c.position)).all()


def aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)  # SQLite gives naive UTC back


def fill(container, n=10, officer=None):
    """At least `n` audited events: submissions and case reads."""
    officer = officer or add_reviewer(container, Role.SECURITY_OFFICER)
    while len(entries(container)) < n:
        submitted = container.intake.submit(valid_answers())
        container.cases.view(officer, submitted.application_id)
    return officer


class TestWhatIsLogged:
    def test_every_change_and_read_appends_an_entry_with_ids_only(self, container):
        recruiter = add_reviewer(container, Role.RECRUITER)
        placement = add_reviewer(container, Role.PLACEMENT_OFFICER)
        submitted = container.intake.submit(valid_answers())
        case = submitted.application_id
        container.cases.view(recruiter, case)
        container.cases.act(recruiter, case, Action.START_SCREENING, ActionInput())
        container.cases.export(recruiter)
        vouch = container.vouching.add(recruiter, voucher="member:someone", vouchee=case,
                                       relationship=Relationship.FRIEND, known_for_years=3, strength=0.5)
        container.vouching.for_applicant(recruiter, case)
        container.vouching.revoke(recruiter, vouch.id)
        container.units.create(placement, name="Audit unit", capacity=2)
        container.units.suggest(placement, case)
        container.accounts.set_disabled(placement.username)
        container.erasure.erase(case, reason="applicant request")

        rows = entries(container)
        tags = [r.action for r in rows]
        for tag in (AuditAction.USER_ACCOUNT_CREATE, AuditAction.APPLICANT_RECORD_CREATE, AuditAction.APPLICANT_RECORD_READ,
                    AuditAction.APPLICANT_RECORD_UPDATE, AuditAction.APPLICANT_RECORD_EXPORT,
                    AuditAction.VOUCH_RECORD_CREATE, AuditAction.VOUCH_RECORD_READ, AuditAction.VOUCH_RECORD_REVOKE,
                    AuditAction.UNIT_RECORD_CREATE, AuditAction.USER_ACCOUNT_DISABLE,
                    AuditAction.APPLICANT_RECORD_ERASE, AuditAction.APPLICANT_KEY_SHRED):
            assert tag in tags, tag
        update_row = next(r for r in rows if r.action == AuditAction.APPLICANT_RECORD_UPDATE)
        assert (update_row.actor, update_row.case_id, update_row.reason) == (recruiter.id, case, "action start_screening")
        assert any(r.reason == "unit suggestions" and r.actor == placement.id for r in rows)
        created = next(r for r in rows if r.action == AuditAction.APPLICANT_RECORD_CREATE)
        assert created.actor == "applicant"
        # Only the date of a submission: the entry is stamped at midnight, like the application.
        assert (created.at.hour, created.at.minute, created.at.second, created.at.microsecond) == (0, 0, 0, 0)
        dump = " ".join(str(value) for row in rows for value in row[:-1])
        for value in ("Корнилов", "Фёдор", "Kornilov", "kornilov@example.org", "+7 900", "someone", "Audit unit"):
            assert value not in dump
        assert [r.sequence for r in rows] == list(range(1, len(rows) + 1))
        assert container.audit.verify().ok

    def test_a_refused_change_leaves_no_entry(self, container):
        recruiter = add_reviewer(container, Role.RECRUITER)
        case = container.intake.submit(valid_answers()).application_id
        before = len(entries(container))
        with pytest.raises(TransitionNotAllowed):
            container.cases.act(recruiter, case, Action.CLEAR_SECURITY, ActionInput(note="x"))
        assert len(entries(container)) == before

    def test_a_failed_commit_leaves_no_entry_and_the_head_where_it_was(self, container):
        recruiter = add_reviewer(container, Role.RECRUITER)
        case = container.intake.submit(valid_answers()).application_id
        before = len(entries(container))
        with container.uow() as uow:
            original = uow.commit

            def failing_commit():
                raise RuntimeError("disk full")

            uow.commit = failing_commit
            with pytest.raises(RuntimeError):
                from muster.domain.audit import AuditEvent
                container.audit.commit(uow, AuditEvent(recruiter.id, AuditAction.APPLICANT_RECORD_READ, case, "x"))
            uow.commit = original
        assert len(entries(container)) == before
        container.cases.view(recruiter, case)
        assert container.audit.verify().ok

    def test_checkpoints_are_signed_every_n_entries_and_on_demand(self, container):
        fill(container, 9)
        count = len(entries(container))
        stored = [cp.sequence for cp in container.audit.checkpoints()]
        assert stored == [n for n in range(4, count + 1, 4)]
        on_demand = container.audit.checkpoint()
        assert on_demand.sequence == count
        assert container.audit.verify().checkpoints_matched == len(container.audit.checkpoints())

    def test_a_restarted_server_and_a_second_writer_continue_one_chain(self, container, tmp_path, fresh_url):
        officer = fill(container, 3)
        case = container.intake.submit(valid_answers()).application_id
        second = make_container(tmp_path, fresh_url, audit_checkpoint_every=4)  # e.g. a CLI command meanwhile
        before = len(entries(container))
        try:
            # Two busy writers per process; .result() re-raises a writer's error here (in a bare thread it
            # would only be a warning).
            with ThreadPoolExecutor(4) as pool:
                writers = [pool.submit(lambda c=c: [c.cases.view(officer, case) for _ in range(20)])
                           for c in (container, second, container, second)]
                for writer in writers:
                    writer.result()
            assert second.audit.verify().ok
        finally:
            second.close()
        rows = entries(container)
        assert len(rows) == before + 80
        assert [r.sequence for r in rows] == list(range(1, len(rows) + 1))
        assert container.audit.verify().ok


def tamper(container, *statements):
    with container.engine.begin() as c:
        for statement in statements:
            c.execute(statement)


class TestTampering:
    """Each test changes the stored log by SQL, as someone with database access would."""

    def test_an_edited_entry_is_named(self, container):
        fill(container)
        tamper(container, update(t.audit_entries).where(t.audit_entries.c.sequence == 5).values(reason="nothing to see"))
        problem = container.audit.verify().problem
        assert (problem.kind, problem.sequence) == (Tamper.EDITED, 5)

    def test_an_edit_into_an_impossible_value_is_named(self, container):
        fill(container)
        tamper(container, update(t.audit_entries).where(t.audit_entries.c.sequence == 3).values(action="bogus"))
        problem = container.audit.verify().problem
        assert (problem.kind, problem.sequence) == (Tamper.EDITED, 3)

    def test_a_deleted_entry_is_named(self, container):
        fill(container)
        tamper(container, delete(t.audit_entries).where(t.audit_entries.c.sequence == 6))
        problem = container.audit.verify().problem
        assert (problem.kind, problem.sequence) == (Tamper.DELETED, 6)

    def test_an_inserted_entry_is_named(self, container):
        fill(container)
        rows = entries(container)
        forged = AuditEntry(6, aware(rows[5].at), "system", "applicant:record:read", None, "forged")
        # Make room after entry 5 and put a correctly linked forged entry there, renumbering the later ones.
        tamper(container,
               update(t.audit_entries).where(t.audit_entries.c.position > rows[4].position)
               .values(position=t.audit_entries.c.position + 1000, sequence=t.audit_entries.c.sequence + 1000))
        tamper(container,
               update(t.audit_entries).where(t.audit_entries.c.position > rows[4].position + 1000)
               .values(position=t.audit_entries.c.position - 999, sequence=t.audit_entries.c.sequence - 999),
               insert(t.audit_entries).values(position=rows[4].position + 1, sequence=6, at=forged.at, actor=forged.actor,
                                              action=forged.action, case_id=None, reason=forged.reason,
                                              hash=link(rows[4].hash, forged)))
        problem = container.audit.verify().problem
        assert problem.kind is Tamper.INSERTED and problem.sequence == 6

    def test_reordered_entries_are_named(self, container):
        fill(container)
        rows = entries(container)
        a, b = rows[4], rows[5]
        tamper(container,
               update(t.audit_entries).where(t.audit_entries.c.position == a.position).values(position=-1),
               update(t.audit_entries).where(t.audit_entries.c.position == b.position).values(position=a.position),
               update(t.audit_entries).where(t.audit_entries.c.position == -1).values(position=b.position))
        problem = container.audit.verify().problem
        assert (problem.kind, problem.sequence) == (Tamper.REORDERED, 5)

    def test_an_edit_with_every_later_hash_recomputed_shows_at_the_next_checkpoint(self, container):
        fill(container, 10)
        rows = entries(container)
        prev = rows[4].hash  # rewrite entries 6.. with a new reason for 6, recomputing every hash
        statements = []
        for row in rows[5:]:
            reason = "rewritten" if row.sequence == 6 else row.reason
            entry = AuditEntry(row.sequence, aware(row.at), row.actor, row.action, row.case_id, reason)
            prev = link(prev, entry)
            statements.append(update(t.audit_entries).where(t.audit_entries.c.position == row.position)
                              .values(reason=reason, hash=prev))
        tamper(container, *statements)
        problem = container.audit.verify().problem
        assert problem.kind is Tamper.DIVERGED and problem.sequence == 5  # after the checkpoint at 4

    def test_a_forged_checkpoint_is_refused(self, container):
        fill(container, 9)
        tamper(container, update(t.audit_checkpoints).where(t.audit_checkpoints.c.sequence == 4)
               .values(head=bytes(32)))
        assert container.audit.verify().problem.kind is Tamper.FORGED_CHECKPOINT

    def test_truncation_shows_only_against_the_exported_checkpoints(self, container):
        fill(container, 10)
        container.audit.checkpoint()
        exported = container.audit.checkpoints()
        cut = len(entries(container)) - 3
        tamper(container, delete(t.audit_entries).where(t.audit_entries.c.sequence > cut),
               delete(t.audit_checkpoints).where(t.audit_checkpoints.c.sequence > cut))
        assert container.audit.verify().ok  # consistent on its own
        problem = container.audit.verify(exported).problem
        assert (problem.kind, problem.sequence) == (Tamper.TRUNCATED, cut + 1)

    def test_a_roll_back_to_an_old_copy_shows_against_the_exported_checkpoints(self, container):
        officer = fill(container, 6)
        with container.engine.connect() as c:
            saved_entries = c.execute(select(t.audit_entries)).all()
            saved_checkpoints = c.execute(select(t.audit_checkpoints)).all()
        shared = len(saved_entries)
        fill(container, shared + 6, officer)
        container.audit.checkpoint()
        exported = container.audit.checkpoints()
        # Put the old log back (as restoring a backup would), then the server goes on appending.
        tamper(container, delete(t.audit_entries), delete(t.audit_checkpoints))
        with container.engine.begin() as c:
            c.execute(insert(t.audit_entries), [dict(r._mapping) for r in saved_entries])
            if saved_checkpoints:
                c.execute(insert(t.audit_checkpoints), [dict(r._mapping) for r in saved_checkpoints])
        restarted = make_container(container.settings.data_dir, container.settings.database_url, audit_checkpoint_every=4)
        try:
            case = restarted.intake.submit(valid_answers()).application_id
            for _ in range(5):  # past the next checkpoint number the two histories share
                restarted.cases.view(officer, case)
            assert restarted.audit.verify().ok
            problem = restarted.audit.verify(exported).problem
            assert problem.kind is Tamper.DIVERGED
            assert problem.sequence <= shared + 1
        finally:
            restarted.close()
