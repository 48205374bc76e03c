from datetime import datetime, timedelta, timezone

import pytest

from muster.domain.accounts import LockoutPolicy, Reviewer
from muster.domain.errors import CapacityExceeded, ValidationFailed
from muster.domain.ids import ReviewerId, UnitId
from muster.domain.permissions import Compartment, Permission, Role, has_permission, visible_compartments
from muster.domain.status import PublicStatus, public_status
from muster.domain.units import Unit, check_room, rank_units
from muster.domain.vouches import check_vouch
from muster.domain.workflow import Stage

NOW = datetime(2026, 3, 1, tzinfo=timezone.utc)


class TestUnits:
    def test_a_full_unit_refuses_a_placement(self):
        unit = Unit(UnitId("u"), "U", capacity=2)
        check_room(unit, 1)
        with pytest.raises(CapacityExceeded):
            check_room(unit, 2)

    def test_units_rank_by_shared_skills_then_languages_and_say_why(self):
        medics = Unit(UnitId("m"), "Medics", 5, ("medic",), ("uk",))
        drivers = Unit(UnitId("d"), "Drivers", 5, ("driver",), ("ru",))
        full = Unit(UnitId("f"), "Full", 1, ("medic", "driver"), ("ru",))
        ranked = rank_units([drivers, medics, full], {UnitId("f"): 1}, ["medic"], ["ru"])
        assert [s.unit.name for s in ranked] == ["Medics", "Drivers"]
        assert "skills: medic" in ranked[0].reason and "5 of 5 seats free" in ranked[0].reason


class TestAccounts:
    def test_lockout_after_repeated_failures(self):
        policy = LockoutPolicy(max_failures=3, lock_for=timedelta(minutes=10))
        reviewer = Reviewer(ReviewerId("r"), "r", Role.RECRUITER)
        for _ in range(3):
            reviewer = policy.after_failure(reviewer, NOW)
        assert reviewer.is_locked(NOW + timedelta(minutes=9))
        assert not reviewer.is_locked(NOW + timedelta(minutes=11))

    def test_success_clears_failures(self):
        policy = LockoutPolicy(max_failures=3)
        reviewer = policy.after_failure(Reviewer(ReviewerId("r"), "r", Role.RECRUITER), NOW)
        assert policy.after_success(reviewer).failed_logins == 0


class TestPermissions:
    def test_auditor_sees_no_personal_data_and_no_cases(self):
        assert visible_compartments(Role.AUDITOR) == frozenset()
        assert not has_permission(Role.AUDITOR, Permission.CASES_READ)

    def test_only_security_officers_read_security_compartment_and_trust(self):
        readers = {r for r in Role if Compartment.SECURITY in visible_compartments(r)}
        assert readers == {Role.SECURITY_OFFICER}
        assert {r for r in Role if has_permission(r, Permission.TRUST_READ)} == {Role.SECURITY_OFFICER}


class TestPublicStatus:
    def test_rejected_and_withdrawn_look_the_same(self):
        assert public_status(Stage.REJECTED) == public_status(Stage.WITHDRAWN) == PublicStatus.CLOSED

    def test_every_stage_has_a_public_status(self):
        assert {public_status(s) for s in Stage} == set(PublicStatus)


class TestVouchRules:
    def test_self_vouch_and_out_of_range_values_are_named(self):
        with pytest.raises(ValidationFailed) as error:
            check_vouch("app:1", "app:1", known_for_years=-1, strength=1.5)
        assert set(error.value.problems) == {"voucher", "strength", "known_for_years"}
