"""Real deletion: erase one applicant on request, or every rejected or withdrawn one after N days.

Erasing deletes the applicant's answers, the blind indexes of their contacts, the notes on their
history and the notes of vouches for them, keeps the application row as a tombstone (id, stage, dates: counts and the audit log stay
consistent), and then destroys their data key (crypto-shredding, given to us as `shred`), so the
sealed values in every copy of the database, backups included, can no longer be opened once the
key-store backups holding the key have expired (docs/crypto.md, section 5).

The rows go in one audited transaction; the key goes after the commit, from the separate key
store. If that fails, the tombstone is there and erasing again (idempotent) destroys the key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from muster.domain.accounts import Reviewer
from muster.domain.audit import AuditAction, AuditEvent
from muster.domain.ids import ApplicationId
from muster.domain.vouches import applicant_node
from muster.domain.workflow import Stage
from muster.services.audit import actor_of
from muster.services.ports import AuditTrail, Clock, UnitOfWork

RETAINED_STAGES = (Stage.REJECTED, Stage.WITHDRAWN)


@dataclass(frozen=True)
class Erased:
    application_id: ApplicationId
    stage: Stage
    already_erased: bool
    key_destroyed: bool


class ErasureService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock, shred: Callable[[str], bool],
                 retention_days: int, audit: AuditTrail) -> None:
        self._uow = uow
        self._clock = clock
        self._shred = shred
        self._retention = timedelta(days=retention_days)
        self._audit = audit

    def erase(self, application_id: ApplicationId, *, reason: str, by: Reviewer | None = None) -> Erased:
        """Delete the applicant's personal data and destroy their data key; ApplicationUnknown if none."""
        actor = actor_of(by)
        why = reason.strip()[:200] or "erasure"
        with self._uow() as uow:
            application = uow.applications.get(application_id)
            already = application.erased_on is not None
            if not already:
                uow.applications.erase(application_id, on=self._clock.now().date())
                uow.vouches.erase_notes(applicant_node(application_id))
            # Index rows would let anyone holding the blind-index key confirm a guessed contact; deleted on
            # every erase, so erasing again also cleans up rows written before the tombstone existed.
            uow.contact_indexes.delete_for(application_id)
            self._audit.commit(uow, AuditEvent(actor, AuditAction.APPLICANT_RECORD_ERASE, application_id, why))
        destroyed = self._shred(application_id)
        with self._uow() as uow:
            self._audit.commit(uow, AuditEvent(actor, AuditAction.APPLICANT_KEY_SHRED, application_id,
                                                        "key destroyed" if destroyed else "no key left"))
        return Erased(application_id, application.stage, already, destroyed)

    def erase_missing_keys(self, *, has_key: Callable[[str], bool]) -> list[Erased]:
        """Tombstone every application whose data key is gone although its rows are not erased:
        after a restore, those erased since the backup was taken (their sealed rows came back)."""
        with self._uow() as uow:
            candidates = uow.applications.not_erased()
        return [self.erase(application_id, reason="erased after the restored backup was taken")
                for application_id in candidates if not has_key(application_id)]

    def due(self) -> list[ApplicationId]:
        """Rejected or withdrawn applications decided more than the retention period ago, not yet erased."""
        with self._uow() as uow:
            return uow.applications.not_erased(RETAINED_STAGES, entered_before=self._clock.now() - self._retention)

    def run_retention(self) -> list[Erased]:
        """Apply the retention policy (the nightly job and `muster retention run` call this)."""
        days = self._retention.days
        return [self.erase(application_id, reason=f"retention: decided over {days} days ago")
                for application_id in self.due()]
