"""Duplicate detection on contacts: the same person applying twice with the same e-mail or phone number.

Contacts are sealed, so intake also stores a blind index of each (the ContactIndexer port, a 3-byte
truncated keyed HMAC of the normalised value; docs/crypto.md, section 6). `possible_duplicates`
selects the other applications sharing a digest, unseals their contact answers and compares the
normalised values exactly: truncation makes about n / 2**24 false candidates per look-up by design,
and those are dropped here, never shown. Only roles that read the contact compartment may ask (the
answer tells that two applicants share a contact), and every unsealed case is audited as a read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from muster.domain.accounts import Reviewer
from muster.domain.audit import AuditAction, AuditEvent
from muster.domain.errors import PermissionDenied
from muster.domain.ids import ApplicationId
from muster.domain.permissions import Compartment, Permission, has_permission, visible_compartments
from muster.domain.questionnaire import Answer, FieldType, Questionnaire
from muster.services.audit import SYSTEM, commit_audited
from muster.services.ports import AuditTrail, ContactIndexer, UnitOfWork

KINDS: dict[FieldType, str] = {FieldType.EMAIL: "email", FieldType.PHONE: "phone"}
# Candidates unsealed per look-up at most: a contact shared by hundreds of applications (an
# organisation's switchboard) must not turn one page view into hundreds of unseals.
MAX_CANDIDATES = 100


def contact_fields(questionnaire: Questionnaire) -> dict[str, str]:
    """Questionnaire field name -> contact kind, for the e-mail and phone fields."""
    return {q.name: KINDS[q.type] for q in questionnaire.questions if q.type in KINDS}


def contact_digests(fields: Mapping[str, str], indexer: ContactIndexer,
                    answers: Mapping[str, Answer]) -> list[tuple[str, bytes]]:
    """(kind, blind index) of every non-empty contact answer."""
    return [(kind, indexer.digest(kind, value)) for name, kind in fields.items()
            if isinstance(value := answers.get(name), str) and indexer.normalise(kind, value)]


@dataclass(frozen=True)
class PossibleDuplicate:
    """Another application with an exactly equal contact; `matched` names the kinds ("email", "phone")."""

    application_id: ApplicationId
    matched: tuple[str, ...]


class DuplicateService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], questionnaire: Questionnaire, indexer: ContactIndexer,
                 audit: AuditTrail | None = None) -> None:
        self._uow = uow
        self._fields = contact_fields(questionnaire)
        self._compartments = {questionnaire.compartment_of(name) for name in self._fields} | {Compartment.CONTACT}
        self._indexer = indexer
        self._audit = audit

    def can_check(self, reviewer: Reviewer) -> bool:
        """Whether the reviewer's role may see duplicates: the permission and every contact compartment."""
        return (has_permission(reviewer.role, Permission.DUPLICATES_READ)
                and self._compartments <= visible_compartments(reviewer.role))

    def possible_duplicates(self, reviewer: Reviewer, application_id: ApplicationId,
                            *, why: str = "duplicate check") -> list[PossibleDuplicate]:
        """Other applications with the same e-mail or phone as this one, confirmed on the unsealed values."""
        if not self.can_check(reviewer):
            raise PermissionDenied(f"role '{reviewer.role}' may not compare contacts")
        with self._uow() as uow:
            uow.applications.get(application_id)  # ApplicationUnknown for an unknown id
            if uow.applications.erased_on(application_id) is not None:
                uow.commit()
                return []  # an erased applicant has no contacts (and no index rows) left
            mine = self._normalised(uow.applications.answers(application_id, self._compartments))
            candidates: dict[ApplicationId, set[str]] = {}
            for other, kind in uow.contact_indexes.sharing(application_id, limit=MAX_CANDIDATES):
                candidates.setdefault(other, set()).add(kind)
            found: list[PossibleDuplicate] = []
            read = [AuditEvent(reviewer.id, AuditAction.APPLICANT_RECORD_READ, application_id, why)]
            for other, kinds in candidates.items():
                if uow.applications.erased_on(other) is not None:
                    continue
                theirs = self._normalised(uow.applications.answers(other, self._compartments))
                read.append(AuditEvent(reviewer.id, AuditAction.APPLICANT_RECORD_READ, other,
                                       f"{why}: compared with case {application_id}"))
                matched = tuple(sorted(k for k in kinds if mine.get(k, set()) & theirs.get(k, set())))
                if matched:
                    found.append(PossibleDuplicate(other, matched))
            commit_audited(uow, self._audit, *read)
        return found

    def index_missing(self, *, batch: int = 200) -> int:
        """Store the contact indexes of applications that have none (submitted before migration 0005; `muster
        duplicates reindex` runs this). Each batch is one audited transaction; returns how many got rows."""
        with self._uow() as uow:
            missing = uow.contact_indexes.unindexed()
        indexed = 0
        for start in range(0, len(missing), batch):
            with self._uow() as uow:
                read: list[AuditEvent] = []
                for application_id in missing[start:start + batch]:
                    answers = uow.applications.answers(application_id, self._compartments)
                    digests = contact_digests(self._fields, self._indexer, answers)
                    uow.contact_indexes.add(application_id, digests)
                    indexed += bool(digests)
                    read.append(AuditEvent(SYSTEM, AuditAction.APPLICANT_RECORD_READ, application_id,
                                           "contact index backfill"))
                commit_audited(uow, self._audit, *read)
        return indexed

    def _normalised(self, answers: Mapping[str, Answer]) -> dict[str, set[str]]:
        values: dict[str, set[str]] = {}
        for name, kind in self._fields.items():
            value = answers.get(name)
            if isinstance(value, str) and (normal := self._indexer.normalise(kind, value)):
                values.setdefault(kind, set()).add(normal)
        return values
