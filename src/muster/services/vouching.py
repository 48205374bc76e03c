"""Recording and revoking vouches. Scoring the vouch graph is the trust engine's job."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from muster.domain.accounts import Reviewer, require
from muster.domain.audit import AuditAction, AuditEvent
from muster.domain.errors import ValidationFailed
from muster.domain.ids import ApplicationId, VouchId
from muster.domain.permissions import Permission
from muster.domain.seeds import MEMBER_PREFIX
from muster.domain.vouches import Relationship, Vouch, applicant_node, application_of, check_vouch, is_applicant
from muster.services.audit import actor_of
from muster.services.ports import AuditTrail, Clock, UnitOfWork


class VouchService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock, new_id: Callable[[], str],
                 after_change: Callable[[Vouch], None] | None = None, audit: AuditTrail) -> None:
        self._audit = audit
        self._uow = uow
        self._clock = clock
        self._new_id = new_id
        self._after_change = after_change

    def add(self, reviewer: Reviewer | None, *, voucher: str, vouchee: ApplicationId, relationship: Relationship,
            known_for_years: float, strength: float, note: str = "") -> Vouch:
        """Record that `voucher` (an applicant node or member node) vouches for an applicant."""
        if reviewer is not None:
            require(reviewer, Permission.VOUCHES_WRITE)
        target = applicant_node(vouchee)
        check_vouch(voucher, target, known_for_years, strength)
        if not (is_applicant(voucher) or voucher.startswith(MEMBER_PREFIX)) or len(voucher) > 80:
            raise ValidationFailed({"voucher": "must be 'app:<application id>' or 'member:<name>'"})
        vouch = Vouch(VouchId(self._new_id()), voucher, target, relationship, known_for_years, strength,
                      note.strip(), self._clock.now().date())
        with self._uow() as uow:
            uow.applications.get(vouchee)  # the vouchee must exist
            if is_applicant(voucher):
                uow.applications.get(application_of(voucher))
            if any(v.voucher == voucher and v.is_active for v in uow.vouches.involving(target)):
                raise ValidationFailed({"voucher": "already vouches for this applicant"})
            uow.vouches.add(vouch)
            self._audit.commit(uow, AuditEvent(actor_of(reviewer), AuditAction.VOUCH_RECORD_CREATE,
                                                        vouchee, f"vouch {vouch.id}"))
        if self._after_change is not None:
            self._after_change(vouch)
        return vouch

    def revoke(self, reviewer: Reviewer | None, vouch_id: VouchId) -> Vouch:
        if reviewer is not None:
            require(reviewer, Permission.VOUCHES_WRITE)
        with self._uow() as uow:
            vouch = uow.vouches.get(vouch_id)
            if not vouch.is_active:
                raise ValidationFailed({"vouch": "already revoked"})
            uow.vouches.revoke(vouch_id, self._clock.now().date())
            self._audit.commit(uow, AuditEvent(actor_of(reviewer), AuditAction.VOUCH_RECORD_REVOKE,
                                                        application_of(vouch.vouchee), f"vouch {vouch_id}"))
        revoked = dataclasses.replace(vouch, revoked_on=self._clock.now().date())
        if self._after_change is not None:
            self._after_change(revoked)
        return revoked

    def for_applicant(self, reviewer: Reviewer, application_id: ApplicationId) -> list[Vouch]:
        require(reviewer, Permission.VOUCHES_READ)
        with self._uow() as uow:
            found = uow.vouches.involving(applicant_node(application_id))
            self._audit.commit(uow, AuditEvent(reviewer.id, AuditAction.VOUCH_RECORD_READ, application_id, "vouch list"))
            return found
