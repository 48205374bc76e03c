from datetime import datetime, timedelta, timezone

import pytest

from muster.domain.errors import (
    FourEyesViolation,
    ReasonRequired,
    RoleNotAllowed,
    TransitionNotAllowed,
    ValidationFailed,
)
from muster.domain.ids import ApplicationId, ReviewerId, UnitId
from muster.domain.permissions import Role
from muster.domain.workflow import (
    Action,
    ActionInput,
    Actor,
    Application,
    ReasonCode,
    Stage,
    advance,
    allowed_actions,
    new_application,
)

NOW = datetime(2026, 3, 1, 14, 30, tzinfo=timezone.utc)
R = Role
RECRUITER, INTERVIEWER, SECURITY, PLACEMENT = R.RECRUITER, R.INTERVIEWER, R.SECURITY_OFFICER, R.PLACEMENT_OFFICER

# The specification, written out independently of the table in workflow.py:
# (stage, action) -> roles that may take it. Everything not listed must be refused.
EXPECTED = {
    (Stage.SUBMITTED, Action.START_SCREENING): {RECRUITER, SECURITY},
    (Stage.SCREENING, Action.CLEAR_SCREENING): {SECURITY},
    (Stage.INTERVIEW, Action.COMPLETE_INTERVIEW): {INTERVIEWER},
    (Stage.SECURITY_REVIEW, Action.CLEAR_SECURITY): {SECURITY},
    (Stage.DECISION, Action.APPROVE): {RECRUITER, SECURITY},
    (Stage.SCREENING, Action.REJECT): {RECRUITER, SECURITY},
    (Stage.INTERVIEW, Action.REJECT): {INTERVIEWER, SECURITY},
    (Stage.SECURITY_REVIEW, Action.REJECT): {SECURITY},
    (Stage.DECISION, Action.REJECT): {RECRUITER, SECURITY},
    **{(stage, Action.WITHDRAW): {RECRUITER} for stage in (
        Stage.SUBMITTED, Stage.SCREENING, Stage.INTERVIEW, Stage.SECURITY_REVIEW, Stage.DECISION, Stage.APPROVED)},
    (Stage.APPROVED, Action.PLACE): {PLACEMENT},
}

FULL_INPUT = ActionInput(reason_code=ReasonCode.OTHER, note="recorded", unit_id=UnitId("u1"))


def at(stage: Stage, approvals: tuple[str, ...] = ()) -> Application:
    return Application(ApplicationId("a1"), stage, NOW.date(), NOW, approvals=tuple(ReviewerId(a) for a in approvals))


def actor(role: Role, name: str = "r1") -> Actor:
    return Actor(ReviewerId(name), role)


class TestTransitionMatrix:
    @pytest.mark.parametrize("stage", list(Stage))
    @pytest.mark.parametrize("action", list(Action))
    @pytest.mark.parametrize("role", list(Role))
    def test_every_stage_action_and_role(self, stage, action, role):
        allowed_roles = EXPECTED.get((stage, action))
        if allowed_roles is None:
            with pytest.raises(TransitionNotAllowed):
                advance(at(stage), action, actor(role), NOW, FULL_INPUT)
        elif role not in allowed_roles:
            with pytest.raises(RoleNotAllowed):
                advance(at(stage), action, actor(role), NOW, FULL_INPUT)
        else:
            updated, event = advance(at(stage), action, actor(role), NOW, FULL_INPUT)
            assert event.change.action is action
            assert updated.history[-1].actor_role is role

    def test_allowed_actions_match_the_specification(self):
        for stage in Stage:
            for role in Role:
                offered = {t.action for t in allowed_actions(stage, role)}
                expected = {a for (s, a), roles in EXPECTED.items() if s == stage and role in roles}
                assert offered == expected, (stage, role)

    def test_final_stages_allow_nothing(self):
        for stage in (Stage.REJECTED, Stage.WITHDRAWN, Stage.PLACED):
            assert stage.is_final
            assert all(not allowed_actions(stage, role) for role in Role)


class TestHappyPath:
    def test_an_application_travels_from_submission_to_placement(self):
        app = new_application(ApplicationId("a1"), NOW)
        steps = [
            (Action.START_SCREENING, actor(RECRUITER), ActionInput(), Stage.SCREENING),
            (Action.CLEAR_SCREENING, actor(SECURITY, "s1"), ActionInput(), Stage.INTERVIEW),
            (Action.COMPLETE_INTERVIEW, actor(INTERVIEWER, "i1"), ActionInput(note="fine"), Stage.SECURITY_REVIEW),
            (Action.CLEAR_SECURITY, actor(SECURITY, "s1"), ActionInput(note="clean"), Stage.DECISION),
            (Action.APPROVE, actor(RECRUITER, "r1"), ActionInput(), Stage.DECISION),
            (Action.APPROVE, actor(SECURITY, "s1"), ActionInput(), Stage.APPROVED),
            (Action.PLACE, actor(PLACEMENT, "p1"), ActionInput(unit_id=UnitId("u1")), Stage.PLACED),
        ]
        for i, (action, who, given, expected) in enumerate(steps):
            app, _ = advance(app, action, who, NOW + timedelta(hours=i), given)
            assert app.stage is expected
        assert app.unit_id == "u1"
        assert [c.action for c in app.history] == [s[0] for s in steps]

    def test_only_the_submission_date_is_kept(self):
        app = new_application(ApplicationId("a1"), NOW)
        assert app.submitted_on == NOW.date()
        assert (app.stage_entered_at.hour, app.stage_entered_at.minute) == (0, 0)

    def test_stage_entry_time_moves_only_when_the_stage_changes(self):
        first, _ = advance(at(Stage.DECISION), Action.APPROVE, actor(RECRUITER), NOW + timedelta(days=1))
        assert first.stage_entered_at == NOW


class TestFourEyes:
    def test_one_approval_keeps_the_case_in_decision(self):
        updated, event = advance(at(Stage.DECISION), Action.APPROVE, actor(RECRUITER, "r1"), NOW)
        assert updated.stage is Stage.DECISION
        assert updated.approvals == ("r1",)
        assert not event.stage_changed

    def test_second_approval_by_another_reviewer_approves(self):
        updated, event = advance(at(Stage.DECISION, ("r1",)), Action.APPROVE, actor(SECURITY, "s1"), NOW)
        assert updated.stage is Stage.APPROVED
        assert event.stage_changed

    def test_cannot_approve_twice_as_the_same_reviewer(self):
        with pytest.raises(FourEyesViolation):
            advance(at(Stage.DECISION, ("r1",)), Action.APPROVE, actor(RECRUITER, "r1"), NOW)


class TestRequiredInputs:
    @pytest.mark.parametrize("given", [
        ActionInput(),
        ActionInput(reason_code=ReasonCode.SECURITY_CONCERN),
        ActionInput(note="no code given"),
        ActionInput(reason_code=ReasonCode.SECURITY_CONCERN, note="   "),
    ])
    def test_rejection_needs_a_reason_code_and_text(self, given):
        with pytest.raises(ReasonRequired):
            advance(at(Stage.SCREENING), Action.REJECT, actor(SECURITY), NOW, given)

    def test_rejection_records_its_reason(self):
        given = ActionInput(reason_code=ReasonCode.WATCHLIST_MATCH, note="confirmed hit on list X")
        updated, _ = advance(at(Stage.SCREENING), Action.REJECT, actor(SECURITY), NOW, given)
        assert updated.stage is Stage.REJECTED
        assert (updated.history[-1].reason_code, updated.history[-1].note) == (ReasonCode.WATCHLIST_MATCH, "confirmed hit on list X")

    def test_placement_needs_a_unit(self):
        with pytest.raises(ValidationFailed) as error:
            advance(at(Stage.APPROVED), Action.PLACE, actor(PLACEMENT), NOW, ActionInput())
        assert error.value.problems == {"unit_id": "a unit is required"}

    def test_interview_needs_a_note(self):
        with pytest.raises(ValidationFailed) as error:
            advance(at(Stage.INTERVIEW), Action.COMPLETE_INTERVIEW, actor(INTERVIEWER), NOW, ActionInput())
        assert "note" in error.value.problems
