"""AuditService with fakes: the branches the integration tests do not reach cheaply."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from muster.domain.accounts import Reviewer
from muster.domain.audit import AuditEvent, Checkpoint, SequenceTaken, Tamper
from muster.domain.errors import PermissionDenied
from muster.domain.ids import ReviewerId
from muster.domain.permissions import Role
from muster.services.audit import AuditService

NOW = datetime(2026, 11, 25, 14, 30, 15, tzinfo=UTC)
KEY = b"fake signing key"


class Clock:
    def now(self):
        return NOW


class FakeAudit:
    def __init__(self, log):
        self.log = log
        self.conflicts = 0

    def lock_chain(self):
        pass

    def add(self, records):
        if self.conflicts:
            self.conflicts -= 1
            raise SequenceTaken("taken")
        self.log["pending"] = list(records)

    def last(self):
        return self.log["entries"][-1] if self.log["entries"] else None

    def records(self):
        return list(self.log["entries"])

    def page(self, *, offset, limit, case_id=None):
        found = [r for r in reversed(self.log["entries"]) if case_id in (None, r.entry.case_id)]
        return found[offset:offset + limit], len(found)

    def add_checkpoint(self, checkpoint):
        self.log["pending_checkpoints"].append(checkpoint)

    def checkpoints(self):
        return list(self.log["checkpoints"])


class FakeUow:
    def __init__(self, log):
        self.log = log
        self.audit = FakeAudit(log)
        self.commits = 0

    def __enter__(self):
        self.log["pending"], self.log["pending_checkpoints"] = [], []
        return self

    def __exit__(self, *exc):
        return None

    def commit(self):
        self.commits += 1
        self.log["entries"] += self.log["pending"]
        self.log["checkpoints"] += self.log["pending_checkpoints"]
        self.log["pending"], self.log["pending_checkpoints"] = [], []


@pytest.fixture
def log():
    return {"entries": [], "checkpoints": [], "pending": [], "pending_checkpoints": []}


def sign(message):
    return hmac.new(KEY, message, hashlib.sha256).digest()


def service(log, every=3):
    return AuditService(uow=lambda: FakeUow(log), clock=Clock(), sign=sign,
                        verify_signature=lambda m, s: hmac.compare_digest(sign(m), s), checkpoint_every=every)


def event(actor="rev-1", case="app-1"):
    return AuditEvent(actor, "applicant:record:read", case, "case view")


class TestAuditService:
    def test_entries_chain_and_checkpoints_fall_every_n(self, log):
        audit = service(log)
        for _ in range(7):
            audit.record(event())
        assert [r.sequence for r in log["entries"]] == list(range(1, 8))
        assert [cp.sequence for cp in audit.checkpoints()] == [3, 6]
        assert audit.verify().ok and audit.verify().checkpoints_matched == 2

    def test_an_applicants_entry_keeps_only_the_date(self, log):
        service(log).record(event(actor="applicant"))
        assert log["entries"][0].entry.at == datetime(2026, 11, 25, tzinfo=UTC)

    def test_no_events_is_a_plain_commit(self, log):
        uow = FakeUow(log)
        service(log).commit(uow)
        assert uow.commits == 1 and log["entries"] == []

    def test_a_lost_race_resumes_from_the_stored_head_and_retries(self, log):
        audit = service(log)
        audit.record(event())
        other = service(log)  # a second process appends meanwhile
        other.record(event(actor="rev-2"))
        uow = FakeUow(log)
        with uow:
            uow.audit.conflicts = 1
            audit.commit(uow, event())
        assert [r.sequence for r in log["entries"]] == [1, 2, 3] and audit.verify().ok

    def test_endless_conflicts_give_up(self, log):
        audit = service(log)
        uow = FakeUow(log)
        with uow, pytest.raises(SequenceTaken):
            uow.audit.conflicts = 100
            audit.commit(uow, event())
        assert log["entries"] == []

    def test_checkpoint_on_demand_signs_the_stored_head_or_nothing(self, log):
        audit = service(log, every=100)
        assert audit.checkpoint() is None
        audit.record(event())
        checkpoint = audit.checkpoint()
        assert checkpoint.sequence == 1 and checkpoint.head == log["entries"][0].hash
        forged = Checkpoint(1, bytes(32), b"x" * 32)
        assert audit.verify([forged]).problem.kind is Tamper.FORGED_CHECKPOINT

    def test_only_auditors_page_through_the_log(self, log):
        audit = service(log)
        audit.record(event(case="a"), event(case="b"))
        auditor = Reviewer(ReviewerId("aud"), "aud", Role.AUDITOR)
        entries, total = audit.page(auditor, case_id="b")
        assert total == 1 and entries[0].entry.case_id == "b"
        with pytest.raises(PermissionDenied):
            audit.page(Reviewer(ReviewerId("rec"), "rec", Role.RECRUITER))

    def test_checkpoint_every_must_be_positive(self, log):
        with pytest.raises(ValueError):
            service(log, every=0)
