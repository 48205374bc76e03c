"""Case work: queues per role, the case view limited to the role's compartments, workflow actions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from muster.domain.accounts import Reviewer, require
from muster.domain.audit import AuditAction, AuditEvent
from muster.domain.errors import TransitionNotAllowed
from muster.domain.ids import ApplicationId
from muster.domain.permissions import Permission, Role, visible_compartments
from muster.domain.questionnaire import Answer
from muster.domain.units import check_room
from muster.domain.workflow import (
    TRANSITIONS,
    Action,
    ActionInput,
    Actor,
    Application,
    Stage,
    Transition,
    advance,
    allowed_actions,
)
from muster.services.ports import AuditTrail, Clock, UnitOfWork


# A check other use cases add before a workflow action, inside its transaction; it raises to refuse
# (screening refuses moving a case forward while a watchlist hit is open: services/screening.py).
ActionGuard = Callable[[UnitOfWork, Application, Action], None]


def queue_stages(role: Role) -> list[Stage]:
    """The stages where `role` has something to do, in workflow order."""
    acting = {source for (source, _), t in TRANSITIONS.items() if role in t.roles}
    return [s for s in Stage if s in acting]


@dataclass(frozen=True)
class Page:
    items: list[Application]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class CaseView:
    application: Application
    answers: dict[str, Answer]
    actions: list[Transition]

    @property
    def erased_on(self) -> date | None:
        """When the case was erased: a tombstone then, with no answers and no actions."""
        return self.application.erased_on


class CaseService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock,
                 after_action: Callable[[Application, Action], None] | None = None,
                 audit: AuditTrail, guards: Sequence[ActionGuard] = ()) -> None:
        self._uow = uow
        self._clock = clock
        self._after_action = after_action
        self._audit = audit
        self._guards = tuple(guards)

    def queue(self, reviewer: Reviewer, *, stages: Iterable[Stage] | None = None, offset: int = 0, limit: int = 50) -> Page:
        """Cases for the reviewer: by default those in stages where the role acts."""
        require(reviewer, Permission.CASES_READ)
        wanted = list(stages) if stages is not None else queue_stages(reviewer.role)
        with self._uow() as uow:
            items, total = uow.applications.page(stages=wanted, offset=offset, limit=limit)
        return Page(items, total, offset, limit)

    def view(self, reviewer: Reviewer, application_id: ApplicationId, *, why: str = "case view") -> CaseView:
        """One case with only the answers in the reviewer's compartments; the read is audited."""
        require(reviewer, Permission.CASES_READ)
        with self._uow() as uow:
            application = uow.applications.get(application_id)
            if application.erased_on is not None:
                uow.commit()
                return CaseView(application, {}, [])
            answers = uow.applications.answers(application_id, visible_compartments(reviewer.role))
            self._audit.commit(uow, AuditEvent(reviewer.id, AuditAction.APPLICANT_RECORD_READ, application_id, why))
        return CaseView(application, answers, allowed_actions(application.stage, reviewer.role))

    def act(self, reviewer: Reviewer, application_id: ApplicationId, action: Action, given: ActionInput) -> Application:
        """Take a workflow action; the domain table decides whether it is allowed."""
        require(reviewer, Permission.CASES_ADVANCE)
        with self._uow() as uow:
            application = uow.applications.get(application_id)
            if application.erased_on is not None:
                raise TransitionNotAllowed(application.stage, f"{action} on an erased application")
            if action is Action.PLACE and given.unit_id:
                unit = uow.units.get(given.unit_id)
                check_room(unit, uow.applications.occupied().get(unit.id, 0))
            for guard in self._guards:
                guard(uow, application, action)
            updated, _event = advance(application, action, Actor(reviewer.id, reviewer.role), self._clock.now(), given)
            uow.applications.save(updated)
            self._audit.commit(uow, AuditEvent(reviewer.id, AuditAction.APPLICANT_RECORD_UPDATE,
                                                        application_id, f"action {action}"))
        if self._after_action is not None:
            self._after_action(updated, action)
        return updated

    def export(self, reviewer: Reviewer, *, stages: Iterable[Stage] | None = None) -> tuple[list[str], list[dict[str, object]]]:
        """Rows for an export: case fields plus the answers the role may see, and the column names."""
        require(reviewer, Permission.CASES_EXPORT)
        compartments = visible_compartments(reviewer.role)
        rows: list[dict[str, object]] = []
        columns: list[str] = ["id", "stage", "submitted_on", "unit_id"]
        read: list[AuditEvent] = []
        with self._uow() as uow:
            offset = 0
            while True:
                items, total = uow.applications.page(stages=stages, offset=offset, limit=500)
                for application in items:
                    if application.erased_on is not None:
                        answers = {}
                    else:
                        answers = uow.applications.answers(application.id, compartments)
                        read.append(AuditEvent(reviewer.id, AuditAction.APPLICANT_RECORD_EXPORT, application.id, "export"))
                    for name in answers:
                        if name not in columns:
                            columns.append(name)
                    rows.append({"id": application.id, "stage": application.stage,
                                 "submitted_on": application.submitted_on.isoformat(),
                                 "unit_id": application.unit_id or "", **answers})
                offset += len(items)
                if not items or offset >= total:
                    break
            self._audit.commit(uow, *read)
        return columns, rows
