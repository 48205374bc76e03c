"""Trust in the product, through the services on SQLite and PostgreSQL: seeds, rescoring on vouch changes,
and the cascade that raises everyone linked to a rejected infiltrator for review."""

from __future__ import annotations

import time as monotonic
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

import pytest

from muster.domain.audit import AuditAction
from muster.domain.errors import NotFound, PermissionDenied, ValidationFailed
from muster.domain.ids import VouchId
from muster.domain.jobs import JobKind, JobStatus, Nightly
from muster.domain.permissions import Role
from muster.domain.vouches import Relationship, Vouch
from muster.domain.workflow import Action, ActionInput, ReasonCode
from muster.jobs import rescreen
from muster.jobs import trust as trust_jobs
from muster.jobs.runner import JobRunner
from tests.factories import PASSWORD, make_container, valid_answers


@pytest.fixture(scope="module")
def env(database_url, tmp_path_factory):
    container = make_container(tmp_path_factory.mktemp("trust"), database_url)
    people = {role: container.accounts.add(f"t-{role.value}", role, PASSWORD)[0] for role in Role}
    yield container, people
    container.close()


def applicant(container):
    return container.intake.submit(valid_answers()).application_id


def vouch(container, who, voucher, vouchee, strength=0.9):
    return container.vouching.add(who, voucher=voucher, vouchee=vouchee, relationship=Relationship.SERVED_TOGETHER,
                                  known_for_years=3, strength=strength)


def reject(container, people, case, code):
    container.cases.act(people[Role.RECRUITER], case, Action.START_SCREENING, ActionInput())
    container.cases.act(people[Role.SECURITY_OFFICER], case, Action.REJECT,
                        ActionInput(reason_code=code, note="see the security file"))


def honest_region(container, people, member):
    """A member seed with a few applicants vouched for by them and by each other: a region for trust to mix in."""
    recruiter = people[Role.RECRUITER]
    container.trust.add_seed(people[Role.ADMIN], member)
    honest = [applicant(container) for _ in range(6)]
    for a in honest:
        vouch(container, recruiter, f"member:{member}", a)
    for a, b in zip(honest, honest[1:]):
        vouch(container, recruiter, f"app:{a}", b, 0.7)
    return honest


class TestSeeds:
    def test_an_admin_adds_lists_and_removes_seeds(self, env):
        container, people = env
        admin = people[Role.ADMIN]
        seed = container.trust.add_seed(admin, "seed-one")
        assert seed.node == "member:seed-one" and seed.set_by == admin.id
        assert "member:seed-one" in [s.node for s in container.trust.seeds(admin)]
        container.trust.remove_seed(admin, "member:seed-one")
        assert "member:seed-one" not in [s.node for s in container.trust.seeds(admin)]

    def test_duplicates_bad_names_and_unknown_seeds_are_refused(self, env):
        container, people = env
        admin = people[Role.ADMIN]
        container.trust.add_seed(admin, "seed-two")
        with pytest.raises(ValidationFailed):
            container.trust.add_seed(admin, "seed-two")
        with pytest.raises(ValidationFailed):
            container.trust.add_seed(admin, "app:1234")
        with pytest.raises(NotFound):
            container.trust.remove_seed(admin, "nobody-at-all")

    @pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
    def test_only_admins_manage_seeds(self, env, role):
        container, people = env
        with pytest.raises(PermissionDenied):
            container.trust.add_seed(people[role], "sneaky")
        with pytest.raises(PermissionDenied):
            container.trust.seeds(people[role])


class TestRescoring:
    def test_adding_and_revoking_a_vouch_changes_the_score_and_the_paths(self, env):
        container, people = env
        officer = people[Role.SECURITY_OFFICER]
        honest_region(container, people, "rescore-seed")
        newcomer = applicant(container)
        assert container.trust.view(officer, newcomer).score is None  # no vouch yet
        given = vouch(container, people[Role.RECRUITER], "member:rescore-seed", newcomer)
        seen = container.trust.view(officer, newcomer)
        assert seen.score is not None and seen.score > 0.5
        assert [p.text for p in seen.paths] == [
            "vouched by seed rescore-seed (member; served together, known 3 years, strength 0.9)"]
        container.vouching.revoke(people[Role.RECRUITER], given.id)
        after = container.trust.view(officer, newcomer)
        assert after.score is None and after.paths == ()

    def test_a_change_made_by_another_process_is_seen_on_the_next_read(self, env):
        container, people = env
        officer = people[Role.SECURITY_OFFICER]
        honest_region(container, people, "other-process")
        late = applicant(container)
        container.trust.view(officer, late)  # cached
        with container.uow() as uow:  # as the CLI would, without this service's hook
            uow.vouches.add(Vouch(VouchId("v-other-process"), "member:other-process", f"app:{late}",
                                  Relationship.FRIEND, 2, 0.8, "", container.clock.now().date()))
            uow.commit()
        assert container.trust.view(officer, late).score is not None

    def test_the_nightly_recompute_reports_what_it_scored(self, env):
        container, people = env
        honest_region(container, people, "nightly")
        summary = container.trust.recompute()
        assert summary.nodes >= 7 and summary.seeds >= 1


@dataclass
class SetClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


class TestNightlyJob:
    def test_the_worker_queues_the_rescore_once_a_day_from_its_time_on(self, env):
        container, people = env
        clock = SetClock(datetime(2031, 1, 10, 2, 0, tzinfo=timezone.utc))  # after any job the module queued
        schedule = [Nightly(JobKind.TRUST_RECOMPUTE, time(3, 0))]
        runner = JobRunner(uow=container.uow, clock=clock, new_id=lambda: "unused",
                           handlers=rescreen.handlers(container.screening) | trust_jobs.handlers(container.trust),
                           schedule=schedule)
        queued = []
        for hour, minute in [(2, 0), (2, 0), (2, 59), (3, 0), (3, 0), (23, 0), (27, 1), (27, 2)]:
            clock.at = datetime(2031, 1, 10, tzinfo=timezone.utc) + timedelta(hours=hour, minutes=minute)
            queued.append(len(runner.enqueue_due()))
        # Catch-up for the night before, the 10th's run at 03:00, the 11th's at 03:01.
        assert queued == [1, 0, 0, 1, 0, 0, 1, 0]
        # A second worker, or a restart, finds the day's run queued: the database refuses its id again.
        other = JobRunner(uow=container.uow, clock=clock, new_id=lambda: "unused",
                          handlers=trust_jobs.handlers(container.trust), schedule=schedule)
        assert other.enqueue_due() == []

        def recomputes():
            entries, _ = container.audit.page(people[Role.AUDITOR], limit=10_000)
            return [e.entry.action for e in entries].count(AuditAction.TRUST_SCORES_RECOMPUTE)

        before = recomputes()
        honest_region(container, people, "night-seed")
        assert runner.run_pending() >= 3
        with container.uow() as uow:
            job = uow.jobs.latest(JobKind.TRUST_RECOMPUTE)
        graph = container.trust.snapshot().graph
        assert job.status is JobStatus.DONE
        assert (job.result["nodes"], job.result["vouches"]) == (graph.n, len(graph.src)) and graph.n >= 7
        assert recomputes() == before + 3

    def test_the_server_runs_it_in_its_worker_unless_the_setting_is_empty(self, tmp_path):
        container = make_container(tmp_path / "on")
        container.jobs.start()
        try:
            deadline = monotonic.monotonic() + 20
            while monotonic.monotonic() < deadline:
                with container.uow() as uow:
                    job = uow.jobs.latest(JobKind.TRUST_RECOMPUTE)
                if job is not None and job.status is JobStatus.DONE:
                    break
                monotonic.sleep(0.05)
        finally:
            container.jobs.stop()
            container.close()
        assert job is not None and job.status is JobStatus.DONE and job.result["nodes"] == 0
        off = make_container(tmp_path / "off", nightly_at="")
        try:
            assert off.settings.nightly_at is None and off.jobs.enqueue_due() == []
        finally:
            off.close()

    def test_a_schedule_without_a_handler_is_refused(self, env):
        container, _ = env
        with pytest.raises(ValueError, match="no handler for scheduled job kind 'nothing'"):
            JobRunner(uow=container.uow, clock=container.clock, new_id=str, handlers={},
                      schedule=[Nightly("nothing", time(3, 0))])


class TestCascade:
    def ring(self, container, people, member):
        honest = honest_region(container, people, member)
        ring = [applicant(container) for _ in range(4)]
        for a in ring:
            for b in ring:
                if a != b:
                    vouch(container, people[Role.RECRUITER], f"app:{a}", b, 1.0)
        vouch(container, people[Role.RECRUITER], f"member:{member}", ring[0], 0.5)
        return honest, ring

    def test_rejecting_an_infiltrator_raises_and_rescores_everyone_linked_by_a_vouch(self, env):
        container, people = env
        officer = people[Role.SECURITY_OFFICER]
        honest, ring = self.ring(container, people, "cascade-seed")
        outsider = applicant(container)
        vouch(container, people[Role.RECRUITER], f"app:{ring[1]}", outsider, 0.6)  # the infiltrator vouched for them
        before = container.trust.view(officer, outsider).score
        reject(container, people, ring[1], ReasonCode.SUSPECTED_INFILTRATION)

        raised = {f.application_id: f for f in container.trust.open_flags(officer) if f.source_case_id == ring[1]}
        assert set(raised) == {ring[0], ring[2], ring[3], outsider}
        assert raised[outsider].reason.startswith(f"was vouched for by applicant {ring[1][:8]}, rejected as a suspected")
        assert raised[ring[0]].reason.startswith(f"was vouched for by and vouched for applicant {ring[1][:8]}")
        after = container.trust.view(officer, outsider)
        assert after.score < before  # its only vouch now carries no trust
        assert f"{before:.2f} -> {after.score:.2f}" in raised[outsider].reason
        assert container.trust.view(officer, ring[1]).distrusted
        assert [f.source_case_id for f in after.review_flags] == [ring[1]]
        assert not {f.application_id for f in container.trust.open_flags(officer)} & set(honest)

    def test_other_rejections_raise_nobody(self, env):
        container, people = env
        _, ring = self.ring(container, people, "no-cascade")
        reject(container, people, ring[2], ReasonCode.WATCHLIST_MATCH)
        assert not [f for f in container.trust.open_flags(people[Role.SECURITY_OFFICER]) if f.source_case_id == ring[2]]

    def test_a_security_officer_clears_a_flag_with_a_note(self, env):
        container, people = env
        officer = people[Role.SECURITY_OFFICER]
        _, ring = self.ring(container, people, "clearing")
        reject(container, people, ring[0], ReasonCode.SUSPECTED_INFILTRATION)
        flag = next(f for f in container.trust.open_flags(officer) if f.source_case_id == ring[0])
        with pytest.raises(PermissionDenied):
            container.trust.clear_flag(people[Role.RECRUITER], flag.id, note="fine")
        with pytest.raises(ValidationFailed):
            container.trust.clear_flag(officer, flag.id, note="  ")
        cleared = container.trust.clear_flag(officer, flag.id, note="Known to our unit since 2019.")
        assert cleared.clear_note == "Known to our unit since 2019." and cleared.cleared_by == officer.id
        assert flag.id not in {f.id for f in container.trust.open_flags(officer)}
        with pytest.raises(ValidationFailed):
            container.trust.clear_flag(officer, flag.id, note="again")

    def test_the_nightly_run_raises_contacts_made_since_and_never_raises_twice(self, env):
        container, people = env
        officer = people[Role.SECURITY_OFFICER]
        _, ring = self.ring(container, people, "nightly-cascade")
        reject(container, people, ring[3], ReasonCode.SUSPECTED_INFILTRATION)
        first = next(f for f in container.trust.open_flags(officer) if f.source_case_id == ring[3])
        container.trust.clear_flag(officer, first.id, note="Vouched in person by our staff.")
        late = applicant(container)
        vouch(container, people[Role.RECRUITER], f"app:{ring[3]}", late, 0.4)  # after the rejection: raised at once
        assert late in {f.application_id for f in container.trust.open_flags(officer) if f.source_case_id == ring[3]}
        later = applicant(container)
        with container.uow() as uow:  # written by another process: only the nightly run sees it
            uow.vouches.add(Vouch(VouchId(later[:30] + "-late"), f"app:{later}", f"app:{ring[3]}", Relationship.FRIEND, 1, 0.5,
                                  "", container.clock.now().date()))
            uow.commit()
        assert container.trust.recompute().raised == 1
        from_source = [f for f in container.trust.open_flags(officer) if f.source_case_id == ring[3]]
        assert {late, later} <= {f.application_id for f in from_source}
        assert first.application_id not in {f.application_id for f in from_source}  # cleared stays cleared
        assert container.trust.recompute().raised == 0

    def test_an_erased_applicants_flags_stay_without_the_sealed_note(self, env):
        container, people = env
        officer = people[Role.SECURITY_OFFICER]
        _, ring = self.ring(container, people, "erasure")
        reject(container, people, ring[1], ReasonCode.SUSPECTED_INFILTRATION)
        flag = next(f for f in container.trust.open_flags(officer) if f.application_id == ring[2])
        container.trust.clear_flag(officer, flag.id, note="Spoke to their commander.")
        container.erasure.erase(ring[2], reason="request")
        kept = container.trust.view(officer, ring[2]).review_flags
        assert [(f.id, f.clear_note) for f in kept] == [(flag.id, "")] and kept[0].cleared_at is not None

    def test_the_ring_is_flagged_with_its_evidence(self, env):
        container, people = env
        _, ring = self.ring(container, people, "evidence")
        seen = container.trust.view(people[Role.SECURITY_OFFICER], ring[2])
        assert seen.flag and seen.ring is not None
        assert {f"app:{a}" for a in ring} <= set(seen.ring.members)
        assert seen.ring.internal_vouches >= 6 and seen.ring.external_vouches >= 1

    def test_fakes_gain_nothing_by_vouching_for_honest_applicants(self, env):
        # Each fake vouches for two honest applicants who know each other: counted both ways, those vouches
        # would close triangles with honest people and hand the ring their trust.
        container, people = env
        honest, ring = self.ring(container, people, "farm")
        for k, fake in enumerate(ring):
            for target in honest[k:k + 2]:
                vouch(container, people[Role.RECRUITER], f"app:{fake}", target, 1.0)
        officer = people[Role.SECURITY_OFFICER]
        seen = {a: container.trust.view(officer, a) for a in honest + ring}
        assert all(seen[a].flag for a in ring)
        assert max(seen[a].score for a in ring) < min(seen[a].score for a in honest)

    @pytest.mark.parametrize("role", [r for r in Role if r is not Role.SECURITY_OFFICER])
    def test_other_roles_cannot_read_trust_data(self, env, role):
        container, people = env
        case = applicant(container)
        with pytest.raises(PermissionDenied):
            container.trust.view(people[role], case)
        with pytest.raises(PermissionDenied):
            container.trust.picture(people[role], case)
        with pytest.raises(PermissionDenied):
            container.trust.open_flags(people[role])


class TestVouchesOnPaths:
    def test_only_active_vouches_of_the_asked_pairs_come_back_in_their_direction(self, env):
        container, people = env
        recruiter = people[Role.RECRUITER]
        a, b, c = (applicant(container) for _ in range(3))
        given = vouch(container, recruiter, f"app:{a}", b)
        container.vouching.add(recruiter, voucher=f"app:{b}", vouchee=a, relationship=Relationship.FRIEND,
                               known_for_years=1, strength=0.5)
        container.vouching.revoke(recruiter, vouch(container, recruiter, f"app:{a}", c).id)
        with container.uow() as uow:
            found = uow.vouch_graph.active([(f"app:{a}", f"app:{b}"), (f"app:{a}", f"app:{c}"), (f"app:{c}", f"app:{a}")])
        assert list(found) == [(f"app:{a}", f"app:{b}")]
        assert (found[(f"app:{a}", f"app:{b}")].id, found[(f"app:{a}", f"app:{b}")].relationship) == \
            (given.id, Relationship.SERVED_TOGETHER)
