"""Screening in the product, on SQLite and PostgreSQL: stored lists, screening on arrival as a
background job, re-screening that raises only new hits, the clearance guard, sealed explanations."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from dataclasses import replace

from sqlalchemy import event, false, select

from muster.domain.errors import HitAlreadyDecided, ImportFailed, OpenHitsRemain, ScreeningPending, WatchlistMatchConfirmed
from muster.domain.ids import ApplicationId
from muster.domain.jobs import JobKind, JobStatus
from muster.domain.permissions import Role
from muster.domain.screening import Decision, HitStatus, ImportSummary
from muster.domain.workflow import Action, ActionInput, ReasonCode
from muster.importers.watchlist_csv import read_watchlist_csv
from muster.storage import tables
from muster.storage.screening_store import SqlScreeningRepository
from tests.factories import add_reviewer, add_reviewers, make_container, valid_answers

FIXTURES = Path(__file__).resolve().parent / "screening_fixtures"
PISAREVSKY = {"family_name": "Писаревский", "given_name": "Евгений", "patronymic": "Леонидович", "name_latin": None,
              "birth_date": "1970-06-01"}
KOROLEV = {"family_name": "Королёв", "given_name": "Олег", "patronymic": "Викторович", "name_latin": "Oleg Korolev",
           "birth_date": "1985-01-20"}


def import_list(container, name, file):
    loaded = read_watchlist_csv(FIXTURES / file)
    r = loaded.report
    summary = ImportSummary(file, "csv", r.rows_read, r.entries, r.names, len(r.duplicates), len(r.rejected), r.skipped)
    return container.screening.import_list(name, loaded.entries, summary)


@pytest.fixture(scope="module")
def env(database_url, tmp_path_factory):
    container = make_container(tmp_path_factory.mktemp("screening"), database_url)
    names = add_reviewers(container)
    officers = {role: container.accounts.login(names[role], "correct horse battery staple").reviewer
                for role in (Role.SECURITY_OFFICER, Role.RECRUITER)}
    import_list(container, "sanctions", "list_v1.csv")
    yield container, officers
    container.jobs.stop()
    container.close()


def hits_of(container, application_id):
    with container.uow() as uow:
        return uow.screening.for_application(application_id)


class TestScreeningOnArrival:
    def test_a_listed_person_gets_a_hit_from_the_background_worker(self, env):
        container, _ = env
        submitted = container.intake.submit(valid_answers(**PISAREVSKY))
        # The submission returned without screening: its job waits in the queue, committed with it.
        assert hits_of(container, submitted.application_id) == []
        with container.uow() as uow:
            queued = uow.jobs.latest(JobKind.SCREEN_APPLICATION)
        assert (queued.status, queued.payload) == (JobStatus.QUEUED, {"application_id": submitted.application_id})
        container.jobs.start()
        try:
            deadline = time.monotonic() + 20
            while not hits_of(container, submitted.application_id) and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            container.jobs.stop()
        [hit] = hits_of(container, submitted.application_id)
        assert (hit.list_name, hit.entry_id, hit.status) == ("sanctions", "W1", HitStatus.OPEN)
        assert hit.score >= container.screening.threshold
        assert "Pisarevsky Evgeny Leonidovich" in hit.text or "Писаревский" in hit.text
        assert {p["role"] for p in hit.explanation["parts"]} >= {"family", "given"}
        job = container.jobs.get(queued.id)
        assert job.status is JobStatus.DONE and job.result == {"new_hits": 1}

    def test_someone_not_listed_gets_no_hit_but_is_marked_screened(self, env):
        container, _ = env
        submitted = container.intake.submit(valid_answers())
        assert container.jobs.run_pending() >= 1
        assert hits_of(container, submitted.application_id) == []
        with container.uow() as uow:
            assert uow.screening.screened(submitted.application_id).lists == ("sanctions@1",)

    def test_the_explanation_is_sealed_at_rest(self, env):
        container, _ = env
        submitted = container.intake.submit(valid_answers(**PISAREVSKY))
        container.jobs.run_pending()
        with container.engine.connect() as c:
            raw = c.execute(select(tables.screening_hits.c.explanation)
                            .where(tables.screening_hits.c.application_id == submitted.application_id)).scalar_one()
        for word in ("pisarevsk", "Писаревский", "evgen", "leonidovich"):
            assert word.encode() not in bytes(raw).lower()

    def test_a_failed_job_is_recorded_and_the_worker_goes_on(self, env):
        container, _ = env
        job_id = container.jobs.enqueue(JobKind.SCREEN_APPLICATION, {"application_id": "no-such-application"})
        container.jobs.run_pending()
        job = container.jobs.get(job_id)
        assert job.status is JobStatus.FAILED and job.error.startswith("ApplicationUnknown")


class TestRescreening:
    def test_only_new_hits_are_raised_after_a_list_changes(self, env):
        container, officers = env
        officer = officers[Role.SECURITY_OFFICER]
        listed = container.intake.submit(valid_answers(**PISAREVSKY)).application_id
        newcomer = container.intake.submit(valid_answers(**KOROLEV)).application_id
        container.jobs.run_pending()
        [old] = hits_of(container, listed)
        assert hits_of(container, newcomer) == []
        container.screening.decide(officer, old.id, Decision.DISMISS, "different person: other birth date")

        import_list(container, "sanctions", "list_v2.csv")
        seen = []
        result = container.screening.rescreen(lambda done, total: seen.append((done, total)))
        assert result.lists == ("sanctions@2",)
        assert seen[-1][0] == seen[-1][1] == result.applications
        assert [h.status for h in hits_of(container, listed)] == [HitStatus.DISMISSED]  # not raised again
        [new] = hits_of(container, newcomer)
        assert (new.entry_id, new.version, new.status) == ("W3", 2, HitStatus.OPEN)
        again = container.screening.rescreen()
        assert again.new_hits == 0

    def test_rescreening_takes_the_pipeline_and_leaves_out_erased_and_rejected_applications(self, env):
        container, _ = env
        recruiter = add_reviewer(container, Role.RECRUITER)
        before = container.screening.rescreen().applications
        waiting, erased, rejected = (container.intake.submit(valid_answers()).application_id for _ in range(3))
        container.jobs.run_pending()
        container.erasure.erase(erased, reason="applicant request")
        container.cases.act(recruiter, rejected, Action.START_SCREENING, ActionInput())
        container.cases.act(recruiter, rejected, Action.REJECT, ActionInput(reason_code=ReasonCode.INELIGIBLE, note="x"))
        assert container.screening.rescreen().applications == before + 1  # `waiting` only

    def test_the_rescreen_job_records_progress_and_result(self, env):
        container, _ = env
        container.intake.submit(valid_answers())
        container.jobs.run_pending()
        job_id = container.jobs.enqueue(JobKind.RESCREEN, {"reason": "test"})
        container.jobs.run_pending()
        job = container.jobs.get(job_id)
        assert job.status is JobStatus.DONE
        assert job.done == job.total == job.result["applications"] > 0
        assert job.result["new_hits"] >= 0 and job.result["lists"]

    def test_an_empty_import_changes_nothing(self, env):
        container, _ = env
        before = container.screening.current()
        with pytest.raises(ImportFailed):
            container.screening.import_list("sanctions", [], ImportSummary("empty.csv", "csv", 0, 0, 0, 0, 0, 0))
        assert container.screening.current() == before

    def test_history_stays_queryable(self, tmp_path):
        container = make_container(tmp_path)  # its own database: a second list would hit in the other tests
        self.check_history(container)
        container.close()

    def check_history(self, container):
        import_list(container, "other", "list_v1.csv")
        import_list(container, "other", "list_v2.csv")
        versions = container.screening.versions("other")
        assert [v.version for v in versions] == [2, 1]
        with container.uow() as uow:
            assert [e.id for e in uow.watchlists.entries(versions[1].id)] == ["W1", "W2"]
            assert [e.id for e in uow.watchlists.entries(versions[0].id)] == ["W1", "W2", "W3"]
        assert ("other", 2) in {(v.list_name, v.version) for v in container.screening.current()}


class TestDecisionsAndClearance:
    def start(self, container, officers, answers):
        application_id = container.intake.submit(valid_answers(**answers)).application_id
        container.cases.act(officers[Role.RECRUITER], application_id, Action.START_SCREENING, ActionInput())
        return application_id

    def test_clearing_is_refused_before_screening_and_while_a_hit_is_open(self, env):
        container, officers = env
        officer = officers[Role.SECURITY_OFFICER]
        application_id = self.start(container, officers, PISAREVSKY)
        with pytest.raises(ScreeningPending):
            container.cases.act(officer, application_id, Action.CLEAR_SCREENING, ActionInput())
        container.jobs.run_pending()
        with pytest.raises(OpenHitsRemain):
            container.cases.act(officer, application_id, Action.CLEAR_SCREENING, ActionInput())
        for hit in container.screening.hits(officer, application_id):  # other tests may add lists that hit too
            container.screening.decide(officer, hit.id, Decision.DISMISS, "namesake; born in another year")
        assert container.cases.act(officer, application_id, Action.CLEAR_SCREENING, ActionInput()).stage == "interview"

    def test_a_confirmed_hit_blocks_clearing_but_not_rejection(self, env):
        container, officers = env
        officer = officers[Role.SECURITY_OFFICER]
        application_id = self.start(container, officers, PISAREVSKY)
        container.jobs.run_pending()
        hit = container.screening.hits(officer, application_id)[0]
        decided = container.screening.decide(officer, hit.id, Decision.CONFIRM, "same person: photo and birth date")
        assert decided.status is HitStatus.CONFIRMED and decided.decided_by == officer.id
        with pytest.raises(HitAlreadyDecided):
            container.screening.decide(officer, hit.id, Decision.DISMISS, "changed my mind")
        with pytest.raises(WatchlistMatchConfirmed):
            container.cases.act(officer, application_id, Action.CLEAR_SCREENING, ActionInput())
        rejected = container.cases.act(officer, application_id, Action.REJECT,
                                       ActionInput(reason_code=ReasonCode.WATCHLIST_MATCH, note="listed"))
        assert rejected.stage == "rejected"
        stored = next(h for h in container.screening.hits(officer, application_id) if h.id == hit.id)
        assert stored.reason == "same person: photo and birth date"

    def test_the_reason_is_sealed_at_rest(self, env):
        container, officers = env
        officer = officers[Role.SECURITY_OFFICER]
        application_id = self.start(container, officers, PISAREVSKY)
        container.jobs.run_pending()
        hit = container.screening.hits(officer, application_id)[0]
        container.screening.decide(officer, hit.id, Decision.DISMISS, "namesake: other photo")
        with container.engine.connect() as c:
            reasons = c.execute(select(tables.screening_hits.c.reason).where(tables.screening_hits.c.reason.is_not(None))).scalars().all()
        assert reasons
        assert all(b"photo" not in bytes(r) and b"namesake" not in bytes(r) for r in reasons)

    def test_an_erased_applicant_has_no_readable_hits(self, env):
        container, officers = env
        officer = officers[Role.SECURITY_OFFICER]
        application_id = self.start(container, officers, PISAREVSKY)
        container.jobs.run_pending()
        assert container.screening.hits(officer, application_id)
        assert application_id in {a for a, _n, _s in container.screening.status(officer).open_queue}
        container.erasure.erase(ApplicationId(application_id), reason="test")
        assert container.screening.hits(officer, application_id) == []
        assert application_id not in {a for a, _n, _s in container.screening.status(officer).open_queue}



class _BlindPreCheck:
    """A connection whose first SELECT sees no rows: as if another writer's hit arrived just after it."""

    def __init__(self, connection):
        self._c = connection
        self.dialect = connection.dialect
        self.blind = True

    def execute(self, statement, *args, **kwargs):
        if self.blind and getattr(statement, "is_select", False):
            self.blind = False
            return self._c.execute(statement.where(false()))
        return self._c.execute(statement, *args, **kwargs)


class TestConcurrentRaising:
    def test_a_hit_raised_meanwhile_by_another_writer_is_not_raised_twice(self, env):
        container, _ = env
        application_id = container.intake.submit(valid_answers(**PISAREVSKY)).application_id
        container.jobs.run_pending()
        [raised] = hits_of(container, application_id)
        with container.uow() as uow:
            racing = SqlScreeningRepository(_BlindPreCheck(uow.screening._c), uow.screening._codec)
            assert racing.add_new([replace(raised, id="racing-" + raised.id[:20])]) == []
            uow.commit()
        assert [h.id for h in hits_of(container, application_id)] == [raised.id]


class TestQueueRecovery:
    def test_applications_never_screened_are_queued_when_the_worker_starts(self, env):
        from muster.jobs.rescreen import enqueue_unscreened

        container, _ = env
        container.jobs.run_pending()
        application_id = container.intake.submit(valid_answers()).application_id
        with container.engine.begin() as c:  # as if submitted before screening existed: no job, no screening
            c.execute(tables.jobs.delete().where(tables.jobs.c.status == "queued"))
        assert application_id in container.screening.unscreened()
        assert enqueue_unscreened(container.jobs, container.screening) >= 1
        container.jobs.run_pending()
        assert application_id not in container.screening.unscreened()

    def test_a_job_whose_worker_died_is_queued_again_then_given_up(self, env):
        from datetime import timedelta

        from muster.jobs.runner import JobRunner
        from muster.jobs import rescreen

        container, _ = env
        job = container.jobs.claimed(JobKind.RESCREEN, {"reason": "crashed"})  # running, never finished
        impatient = JobRunner(uow=container.uow, clock=container.clock, new_id=lambda: "unused",
                              handlers=rescreen.handlers(container.screening), stale_after=timedelta(0), max_attempts=2)
        assert impatient.requeue_stale() >= 1
        assert container.jobs.get(job.id).status is JobStatus.QUEUED
        with container.uow() as uow:  # claimed again by a worker that dies too: attempts reach the limit
            uow.jobs.claim_next(now=container.clock.now())
            uow.commit()
        impatient.requeue_stale()
        stored = container.jobs.get(job.id)
        assert stored.status is JobStatus.FAILED and stored.attempts == 2 and "gave up" in stored.error

    def test_an_erased_applicants_hit_cannot_be_decided(self, env):
        container, officers = env
        officer = officers[Role.SECURITY_OFFICER]
        application_id = container.intake.submit(valid_answers(**PISAREVSKY)).application_id
        container.jobs.run_pending()
        hit = hits_of(container, application_id)[0]
        container.erasure.erase(ApplicationId(application_id), reason="test")
        from muster.domain.errors import ApplicationUnknown

        with pytest.raises(ApplicationUnknown):
            container.screening.decide(officer, hit.id, Decision.DISMISS, "too late")


class TestListedEntries:
    def test_entries_come_back_for_every_known_pair_in_batches_and_unknown_pairs_are_left_out(self, env, monkeypatch):
        container, _ = env
        monkeypatch.setattr("muster.storage.screening_store._IN_BATCH", 2)
        statements = []

        def count(conn, cursor, statement, *_):
            if "watchlist_entries" in statement:
                statements.append(statement)

        with container.uow() as uow:
            [version] = uow.watchlists.current()
            known = [entry.id for entry in uow.watchlists.entries(version.id)]
            asked = [(version.id, entry_id) for entry_id in known] + [(version.id, "nobody"), ("no-version", known[0])]
            event.listen(container.engine, "before_cursor_execute", count)
            try:
                found = uow.watchlists.listed(asked + asked[:2])
            finally:
                event.remove(container.engine, "before_cursor_execute", count)
        assert len(known) >= 2  # with the unknown entry, more than one batch
        assert len(statements) == -(-(len(known) + 1) // 2) + 1  # per version, one query per batch of two
        assert set(found) == {(version.id, entry_id) for entry_id in known}
        assert all(found[(version.id, entry_id)].id == entry_id for entry_id in known)
