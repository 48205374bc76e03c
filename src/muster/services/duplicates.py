"""Duplicate detection: the same person applying twice with the same e-mail or phone number, or under
another spelling of the same name with the same birth date.

Contacts are sealed, so intake also stores a blind index of each (the ContactIndexer port, a 3-byte
truncated keyed HMAC of the normalised value; docs/crypto.md, section 6). `possible_duplicates`
selects the other applications sharing a digest, unseals their contact answers and compares the
normalised values exactly: truncation makes about n / 2**24 false candidates per look-up by design,
and those are dropped here, never shown. Only roles that read the contact compartment may ask (the
answer tells that two applicants share a contact), and every unsealed case is audited as a read.

Names: intake also stores blind indexes (kind "name", `blocking("name")`, 3 bytes) of name blocking keys
(`domain.matching.identity`: family-name outline plus birth year, the same for Cyrillic and Latin
spellings). A candidate sharing one is confirmed by scoring the unsealed names with the screening
engine: reported only at or above DEFAULT_THRESHOLD and with an equal birth date. Asking therefore also
needs the identity compartment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from muster.domain.accounts import Reviewer
from muster.domain.audit import AuditAction, AuditEvent
from muster.domain.errors import PermissionDenied
from muster.domain.ids import ApplicationId
from muster.domain.matching import DEFAULT_THRESHOLD, ScreeningQuery, WatchlistEntry, build_index, screen
from muster.domain.matching.identity import name_blocking_keys
from muster.domain.permissions import Compartment, Permission, has_permission, visible_compartments
from muster.domain.questionnaire import Answer, FieldType, Questionnaire
from muster.services.audit import SYSTEM
from muster.services.ports import AuditTrail, ContactIndexer, UnitOfWork

KINDS: dict[FieldType, str] = {FieldType.EMAIL: "email", FieldType.PHONE: "phone"}
# Candidates unsealed per look-up at most: a contact shared by hundreds of applications (an
# organisation's switchboard) must not turn one page view into hundreds of unseals.
MAX_CANDIDATES = 100
NAME = "name"
# Identity answers the name keys and the name comparison read.
NAME_FIELDS = ("family_name", "given_name", "patronymic", "name_latin", "birth_date")


def contact_fields(questionnaire: Questionnaire) -> dict[str, str]:
    """Questionnaire field name -> contact kind, for the e-mail and phone fields."""
    return {q.name: KINDS[q.type] for q in questionnaire.questions if q.type in KINDS}


def _text(answers: Mapping[str, Answer], name: str) -> str | None:
    value = answers.get(name)
    return value.strip() or None if isinstance(value, str) else None


def contact_digests(fields: Mapping[str, str], indexer: ContactIndexer,
                    answers: Mapping[str, Answer]) -> list[tuple[str, bytes]]:
    """(kind, blind index) of every non-empty contact answer, and of every name blocking key."""
    digests = [(kind, indexer.digest(kind, value)) for name, kind in fields.items()
               if isinstance(value := answers.get(name), str) and indexer.normalise(kind, value)]
    keys = name_blocking_keys(_text(answers, "family_name"), _text(answers, "name_latin"), _text(answers, "birth_date"))
    return digests + [(NAME, digest) for digest in dict.fromkeys(indexer.digest(NAME, key) for key in keys)]


def _names(answers: Mapping[str, Answer]) -> tuple[str, ...]:
    """The written names of an application: given (patronymic) family, and the Latin name."""
    full = " ".join(p for p in (_text(answers, n) for n in ("given_name", "patronymic", "family_name")) if p)
    return tuple(dict.fromkeys(n for n in (full, _text(answers, "name_latin")) if n))


def name_score(mine: Mapping[str, Answer], theirs: Mapping[str, Answer]) -> float | None:
    """The engine's best score between the two applications' names, or None when a name or birth date is
    missing or the birth dates differ."""
    born = _text(mine, "birth_date")
    if born is None or born != _text(theirs, "birth_date"):
        return None
    my_names, their_names = _names(mine), _names(theirs)
    if not my_names or not their_names:
        return None
    index = build_index([WatchlistEntry("other", their_names, (born,))])
    return max((r.score for name in my_names for r in screen(index, ScreeningQuery("mine", name, born), top=1)),
               default=None)


@dataclass(frozen=True)
class PossibleDuplicate:
    """Another application with an exactly equal contact or a matching name and birth date; `matched` names the
    kinds ("email", "phone", "name"), `reasons` says why in words."""

    application_id: ApplicationId
    matched: tuple[str, ...]
    reasons: tuple[str, ...] = ()


class DuplicateService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], questionnaire: Questionnaire, indexer: ContactIndexer,
                 audit: AuditTrail) -> None:
        self._uow = uow
        self._fields = contact_fields(questionnaire)
        known = {q.name for q in questionnaire.questions}
        self._name_fields = tuple(n for n in NAME_FIELDS if n in known)
        self._compartments = ({questionnaire.compartment_of(name) for name in (*self._fields, *self._name_fields)}
                              | {Compartment.CONTACT, Compartment.IDENTITY})
        self._indexer = indexer
        self._audit = audit

    def can_check(self, reviewer: Reviewer) -> bool:
        """Whether the reviewer's role may see duplicates: the permission, every contact compartment and identity."""
        return (has_permission(reviewer.role, Permission.DUPLICATES_READ)
                and self._compartments <= visible_compartments(reviewer.role))

    def possible_duplicates(self, reviewer: Reviewer, application_id: ApplicationId,
                            *, why: str = "duplicate check") -> list[PossibleDuplicate]:
        """Other applications with the same e-mail or phone as this one, or the same name in another spelling and
        the same birth date, confirmed on the unsealed values."""
        if not self.can_check(reviewer):
            raise PermissionDenied(f"role '{reviewer.role}' may not compare contacts")
        with self._uow() as uow:
            if uow.applications.erased_on(application_id) is not None:  # ApplicationUnknown for an unknown id
                uow.commit()
                return []  # an erased applicant has no contacts (and no index rows) left
            my_answers = uow.applications.answers(application_id, self._compartments)
            mine = self._normalised(my_answers)
            candidates: dict[ApplicationId, set[str]] = {}
            # Contacts and names each get MAX_CANDIDATES, so a common surname cannot crowd out a shared e-mail.
            shared = (uow.contact_indexes.sharing(application_id, limit=MAX_CANDIDATES, kinds=sorted(set(KINDS.values())))
                      + uow.contact_indexes.sharing(application_id, limit=MAX_CANDIDATES, kinds=[NAME]))
            for other, kind in shared:
                candidates.setdefault(other, set()).add(kind)
            found: list[PossibleDuplicate] = []
            read = [AuditEvent(reviewer.id, AuditAction.APPLICANT_RECORD_READ, application_id, why)]
            for other, kinds in candidates.items():
                if uow.applications.erased_on(other) is not None:
                    continue
                their_answers = uow.applications.answers(other, self._compartments)
                theirs = self._normalised(their_answers)
                read.append(AuditEvent(reviewer.id, AuditAction.APPLICANT_RECORD_READ, other,
                                       f"{why}: compared with case {application_id}"))
                matched = sorted(k for k in kinds if k != NAME and mine.get(k, set()) & theirs.get(k, set()))
                reasons = [f"same {'e-mail' if k == 'email' else k}" for k in matched]
                if NAME in kinds:
                    score = name_score(my_answers, their_answers)
                    if score is not None and score >= DEFAULT_THRESHOLD:
                        matched.append(NAME)
                        reasons.append(f"same name in another spelling and same birth date: score {score:.2f}")
                if matched:
                    found.append(PossibleDuplicate(other, tuple(sorted(matched)), tuple(reasons)))
            self._audit.commit(uow, *read)
        return found

    def index_missing(self, *, batch: int = 200) -> int:
        """Store the contact and name indexes of applications that have none (submitted before migration 0005 or
        before name keys; `muster duplicates reindex` runs this). Each batch is one audited transaction; returns how many got rows."""
        with self._uow() as uow:
            missing = sorted(set(uow.contact_indexes.unindexed()) | set(uow.contact_indexes.unindexed(NAME)))
        indexed = 0
        for start in range(0, len(missing), batch):
            with self._uow() as uow:
                read: list[AuditEvent] = []
                for application_id in missing[start:start + batch]:
                    answers = uow.applications.answers(application_id, self._compartments)
                    digests = contact_digests(self._fields, self._indexer, answers)
                    uow.contact_indexes.delete_for(application_id)  # those with contact rows but no name rows
                    uow.contact_indexes.add(application_id, digests)
                    indexed += bool(digests)
                    read.append(AuditEvent(SYSTEM, AuditAction.APPLICANT_RECORD_READ, application_id,
                                           "contact index backfill"))
                self._audit.commit(uow, *read)
        return indexed

    def _normalised(self, answers: Mapping[str, Answer]) -> dict[str, set[str]]:
        values: dict[str, set[str]] = {}
        for name, kind in self._fields.items():
            value = answers.get(name)
            if isinstance(value, str) and (normal := self._indexer.normalise(kind, value)):
                values.setdefault(kind, set()).add(normal)
        return values
