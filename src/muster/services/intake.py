"""Intake: an applicant submits answers and gets a receipt code; later they check a coarse status."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from muster.domain.audit import AuditAction, AuditEvent
from muster.domain.errors import ReceiptUnknown
from muster.domain.ids import ApplicationId
from muster.domain.questionnaire import Questionnaire
from muster.domain.status import PublicStatus, public_status
from muster.domain.workflow import new_application
from muster.services.audit import APPLICANT
from muster.services.duplicates import contact_digests, contact_fields
from muster.services.ports import AuditTrail, Clock, ContactIndexer, ReceiptIssuer, UnitOfWork


@dataclass(frozen=True)
class Submitted:
    application_id: ApplicationId
    receipt: str


class IntakeService:
    def __init__(
        self,
        *,
        uow: Callable[[], UnitOfWork],
        questionnaire: Questionnaire,
        receipts: ReceiptIssuer,
        clock: Clock,
        new_id: Callable[[], str],
        after_submit: Callable[[ApplicationId], None] | None = None,
        audit: AuditTrail,
        in_submit: Callable[[UnitOfWork, ApplicationId], None] | None = None,
        contacts: ContactIndexer | None = None,
    ) -> None:
        self._audit = audit
        self._uow = uow
        self._questionnaire = questionnaire
        self._receipts = receipts
        self._clock = clock
        self._new_id = new_id
        self._after_submit = after_submit
        # Runs inside the submission's transaction (e.g. queueing its screening job): both commit or neither.
        self._in_submit = in_submit
        # Blind indexes of the e-mail and phone answers, stored with them for duplicate detection.
        self._contacts = contacts
        self._contact_fields = contact_fields(questionnaire)

    def submit(self, raw_answers: Mapping[str, Any]) -> Submitted:
        """Validate, store durably, and return the receipt code (shown to the applicant once)."""
        answers = self._questionnaire.validate(raw_answers, today=self._clock.now().date())
        code = self._receipts.issue()
        lookup = self._receipts.lookup_id(code)
        assert lookup is not None, "a freshly issued receipt must derive a lookup id"
        application = new_application(ApplicationId(self._new_id()), self._clock.now())
        with self._uow() as uow:
            uow.applications.add(
                application,
                receipt_lookup=lookup,
                questionnaire_version=self._questionnaire.version,
                answers={name: (self._questionnaire.compartment_of(name), value) for name, value in answers.items()},
            )
            if self._contacts is not None:
                uow.contact_indexes.add(application.id, contact_digests(self._contact_fields, self._contacts, answers))
            if self._in_submit is not None:
                self._in_submit(uow, application.id)
            self._audit.commit(uow, AuditEvent(APPLICANT, AuditAction.APPLICANT_RECORD_CREATE, application.id, "submission"))
        if self._after_submit is not None:
            self._after_submit(application.id)
        return Submitted(application.id, code)

    def status(self, code: str) -> PublicStatus:
        """The coarse status for a receipt code; ReceiptUnknown for any code that matches nothing."""
        # The lookup id is derived even for malformed codes, so a wrong code costs the same time
        # as a right one and the answer time tells nothing.
        lookup = self._receipts.lookup_id(code)
        with self._uow() as uow:
            application = uow.applications.by_receipt(lookup) if lookup else None
        if application is None:
            raise ReceiptUnknown("no application for this receipt")
        return public_status(application.stage)
