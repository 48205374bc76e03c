"""The review workflow as an explicit table of transitions.

    submitted → screening → interview → security_review → decision ─┬→ approved → placed
                  │             │              │              │      ├→ rejected
                  └─────────────┴──────────────┴──────────────┴──────┴→ rejected / withdrawn

Each transition names the action, the stage it leaves, the stage it reaches, the roles that
may take it, the inputs it needs and its guard. `advance` looks the pair (stage, action) up
and returns the new application and the event, or raises a typed error. Nothing here reads
a clock: the caller passes `now`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from muster.domain.errors import FourEyesViolation, ReasonRequired, RoleNotAllowed, TransitionNotAllowed, ValidationFailed
from muster.domain.ids import ApplicationId, ReviewerId, UnitId
from muster.domain.permissions import Role


class Stage(StrEnum):
    SUBMITTED = "submitted"
    SCREENING = "screening"
    INTERVIEW = "interview"
    SECURITY_REVIEW = "security_review"
    DECISION = "decision"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    PLACED = "placed"

    @property
    def is_final(self) -> bool:
        return self in (Stage.REJECTED, Stage.WITHDRAWN, Stage.PLACED)


class Action(StrEnum):
    START_SCREENING = "start_screening"
    CLEAR_SCREENING = "clear_screening"
    COMPLETE_INTERVIEW = "complete_interview"
    CLEAR_SECURITY = "clear_security"
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    PLACE = "place"


class ReasonCode(StrEnum):
    """Why an application was rejected or withdrawn; the free text says the rest."""

    WATCHLIST_MATCH = "watchlist_match"
    SUSPECTED_INFILTRATION = "suspected_infiltration"
    SECURITY_CONCERN = "security_concern"
    FAILED_INTERVIEW = "failed_interview"
    INELIGIBLE = "ineligible"
    DUPLICATE = "duplicate"
    APPLICANT_REQUEST = "applicant_request"
    OTHER = "other"


APPROVALS_REQUIRED = 2


@dataclass(frozen=True)
class Actor:
    id: ReviewerId
    role: Role


@dataclass(frozen=True)
class ActionInput:
    """What a reviewer supplies with an action; which parts are needed depends on the transition."""

    reason_code: ReasonCode | None = None
    note: str = ""
    unit_id: UnitId | None = None


@dataclass(frozen=True)
class StageChange:
    """One line of a case's history."""

    action: Action
    from_stage: Stage
    to_stage: Stage
    actor_id: ReviewerId
    actor_role: Role
    at: datetime
    reason_code: ReasonCode | None = None
    note: str = ""


@dataclass(frozen=True)
class Application:
    id: ApplicationId
    stage: Stage
    submitted_on: date
    stage_entered_at: datetime
    approvals: tuple[ReviewerId, ...] = ()
    history: tuple[StageChange, ...] = ()
    unit_id: UnitId | None = None
    # Set once the personal data is erased: the row stays as a tombstone (stage and dates) for the reports.
    erased_on: date | None = None


Guard = Callable[[Application, Actor, ActionInput], None]


@dataclass(frozen=True)
class Transition:
    action: Action
    source: Stage
    target: Stage
    roles: frozenset[Role]
    needs: tuple[str, ...] = ()
    guard: Guard | None = None
    description: str = ""


def _no_self_second_approval(application: Application, actor: Actor, given: ActionInput) -> None:
    if actor.id in application.approvals:
        raise FourEyesViolation(f"reviewer {actor.id} has already approved application {application.id}")


_ACTIVE = (Stage.SCREENING, Stage.INTERVIEW, Stage.SECURITY_REVIEW, Stage.DECISION)
_R = Role

TRANSITIONS: dict[tuple[Stage, Action], Transition] = {
    (t.source, t.action): t
    for t in [
        Transition(Action.START_SCREENING, Stage.SUBMITTED, Stage.SCREENING, frozenset({_R.RECRUITER, _R.SECURITY_OFFICER}),
                   description="Take the application in and screen it against the watchlists."),
        Transition(Action.CLEAR_SCREENING, Stage.SCREENING, Stage.INTERVIEW, frozenset({_R.SECURITY_OFFICER}),
                   description="No open watchlist hit remains; invite to interview."),
        Transition(Action.COMPLETE_INTERVIEW, Stage.INTERVIEW, Stage.SECURITY_REVIEW, frozenset({_R.INTERVIEWER}),
                   needs=("note",), description="Interview held; the note records its outcome."),
        Transition(Action.CLEAR_SECURITY, Stage.SECURITY_REVIEW, Stage.DECISION, frozenset({_R.SECURITY_OFFICER}),
                   needs=("note",), description="Security check passed; the note records what was checked."),
        Transition(Action.APPROVE, Stage.DECISION, Stage.APPROVED, frozenset({_R.RECRUITER, _R.SECURITY_OFFICER}),
                   guard=_no_self_second_approval,
                   description=f"Approve; takes effect with {APPROVALS_REQUIRED} approvals from distinct reviewers."),
        *[
            Transition(Action.REJECT, stage, Stage.REJECTED, roles, needs=("reason_code", "note"),
                       description="Reject, with a reason code and text.")
            for stage, roles in [
                (Stage.SCREENING, frozenset({_R.RECRUITER, _R.SECURITY_OFFICER})),
                (Stage.INTERVIEW, frozenset({_R.INTERVIEWER, _R.SECURITY_OFFICER})),
                (Stage.SECURITY_REVIEW, frozenset({_R.SECURITY_OFFICER})),
                (Stage.DECISION, frozenset({_R.RECRUITER, _R.SECURITY_OFFICER})),
            ]
        ],
        *[
            Transition(Action.WITHDRAW, stage, Stage.WITHDRAWN, frozenset({_R.RECRUITER}), needs=("note",),
                       description="The applicant withdrew; the note says how we learned it.")
            for stage in (Stage.SUBMITTED, *_ACTIVE, Stage.APPROVED)
        ],
        Transition(Action.PLACE, Stage.APPROVED, Stage.PLACED, frozenset({_R.PLACEMENT_OFFICER}), needs=("unit_id",),
                   description="Place into a unit with a free seat."),
    ]
}


def transition_for(stage: Stage, action: Action) -> Transition:
    """The transition that `action` takes from `stage`, or TransitionNotAllowed."""
    try:
        return TRANSITIONS[(stage, action)]
    except KeyError:
        raise TransitionNotAllowed(stage, action) from None


def allowed_actions(stage: Stage, role: Role) -> list[Transition]:
    """The transitions `role` may take from `stage`, in table order."""
    return [t for (source, _), t in TRANSITIONS.items() if source == stage and role in t.roles]


def _check_inputs(transition: Transition, given: ActionInput) -> None:
    problems = {}
    if "reason_code" in transition.needs and given.reason_code is None:
        problems["reason_code"] = "a reason code is required"
    if "note" in transition.needs and not given.note.strip():
        problems["note"] = "a note is required"
    if "unit_id" in transition.needs and not given.unit_id:
        problems["unit_id"] = "a unit is required"
    if not problems:
        return
    if transition.action is Action.REJECT:
        raise ReasonRequired("a rejection needs a reason code and a text: missing " + ", ".join(sorted(problems)))
    raise ValidationFailed(problems)


@dataclass(frozen=True)
class StageAdvanced:
    """Event: an action was taken on an application (its stage may or may not have changed)."""

    application_id: ApplicationId
    change: StageChange
    stage_changed: bool = field(default=True)


def advance(
    application: Application, action: Action, actor: Actor, now: datetime, given: ActionInput = ActionInput()
) -> tuple[Application, StageAdvanced]:
    """Apply `action` by `actor` at `now`; return the new application and the event."""
    transition = transition_for(application.stage, action)
    if actor.role not in transition.roles:
        raise RoleNotAllowed(action, actor.role)
    _check_inputs(transition, given)
    if transition.guard is not None:
        transition.guard(application, actor, given)

    target = transition.target
    approvals = application.approvals
    if action is Action.APPROVE:
        approvals = (*approvals, actor.id)
        if len(approvals) < APPROVALS_REQUIRED:
            target = application.stage  # first approval recorded; the stage waits for the second
    change = StageChange(action, application.stage, target, actor.id, actor.role, now, given.reason_code, given.note.strip())
    moved = target != application.stage
    updated = dataclasses.replace(
        application,
        stage=target,
        stage_entered_at=now if moved else application.stage_entered_at,
        approvals=approvals,
        history=(*application.history, change),
        unit_id=given.unit_id if action is Action.PLACE else application.unit_id,
    )
    return updated, StageAdvanced(application.id, change, stage_changed=moved)


def new_application(application_id: ApplicationId, now: datetime) -> Application:
    """A freshly submitted application. Only the date is kept of the submission time, so the
    record cannot be matched against the time of a visit in someone else's logs."""
    midnight = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
    return Application(id=application_id, stage=Stage.SUBMITTED, submitted_on=now.date(), stage_entered_at=midnight)
