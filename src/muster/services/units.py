"""Units and placement suggestions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from muster.domain.accounts import Reviewer, require
from muster.domain.audit import AuditAction, AuditEvent
from muster.domain.errors import ValidationFailed
from muster.domain.ids import ApplicationId, UnitId
from muster.domain.permissions import Permission, visible_compartments, Compartment
from muster.domain.units import Unit, UnitSuggestion, rank_units
from muster.services.audit import actor_of
from muster.services.ports import AuditTrail, UnitOfWork


@dataclass(frozen=True)
class UnitWithOccupancy:
    unit: Unit
    occupied: int


class UnitService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], new_id: Callable[[], str], audit: AuditTrail) -> None:
        self._uow = uow
        self._audit = audit
        self._new_id = new_id

    def create(self, reviewer: Reviewer | None, *, name: str, capacity: int,
               skills_wanted: tuple[str, ...] = (), languages: tuple[str, ...] = ()) -> Unit:
        """Create a unit; `reviewer` None means a local administrator at the command line."""
        if reviewer is not None:
            require(reviewer, Permission.UNITS_WRITE)
        problems = {}
        if not name.strip() or len(name) > 120:
            problems["name"] = "required, at most 120 characters"
        if capacity < 1 or capacity > 100_000:
            problems["capacity"] = "must be between 1 and 100000"
        if problems:
            raise ValidationFailed(problems)
        unit = Unit(UnitId(self._new_id()), name.strip(), capacity, tuple(skills_wanted), tuple(languages))
        with self._uow() as uow:
            if any(u.name == unit.name for u in uow.units.list()):
                raise ValidationFailed({"name": "a unit with this name exists"})
            uow.units.add(unit)
            self._audit.commit(uow, AuditEvent(actor_of(reviewer), AuditAction.UNIT_RECORD_CREATE,
                                                        None, f"unit {unit.id}"))
        return unit

    def list(self, reviewer: Reviewer) -> list[UnitWithOccupancy]:
        require(reviewer, Permission.UNITS_READ)
        with self._uow() as uow:
            occupied = uow.applications.occupied()
            return [UnitWithOccupancy(u, occupied.get(u.id, 0)) for u in uow.units.list()]

    def suggest(self, reviewer: Reviewer, application_id: ApplicationId) -> list[UnitSuggestion]:
        """Units ranked for one approved volunteer by shared skills and languages."""
        require(reviewer, Permission.UNITS_READ)
        require(reviewer, Permission.CASES_READ)
        readable = visible_compartments(reviewer.role) & {Compartment.SERVICE, Compartment.BACKGROUND}
        with self._uow() as uow:
            answers = uow.applications.answers(application_id, readable)
            occupied = uow.applications.occupied()
            units = uow.units.list()
            self._audit.commit(uow, AuditEvent(reviewer.id, AuditAction.APPLICANT_RECORD_READ, application_id,
                                                        "unit suggestions"))
        as_list = lambda v: v if isinstance(v, list) else []  # noqa: E731
        return rank_units(units, occupied, as_list(answers.get("skills")), as_list(answers.get("languages")))
