"""The audit trail: every change and every read of personal data appends a hash-chained entry.

Use cases call `AuditService.commit(uow, AuditEvent(...))` instead of `uow.commit()`: the entries
are written in the same transaction as the change, so a rolled-back change leaves no entry, and
the chain head kept in memory moves only once the commit succeeded. A writer lock serialises
appends in this process; a second writer process (a CLI command while the server runs) is caught
by the unique sequence number: the loser re-reads the head from the database and appends again.
Every `checkpoint_every` entries the head is signed and stored beside the log; `checkpoint()`
signs on demand, for an auditor to keep a copy elsewhere (see docs/crypto.md, section 8).

Entries hold ids and action tags only: the actor's reviewer id (or "applicant" / "system"), the
case id, the action, and why (the workflow action or the endpoint). An applicant's own entries
carry only the date, like the application itself, so the log cannot date a visit to the second.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime, time

from muster.domain.accounts import Reviewer, require
from muster.domain.audit import (
    AuditChain,
    AuditEvent,
    ChainedEntry,
    Checkpoint,
    SequenceTaken,
    SignatureVerifier,
    Signer,
    VerificationResult,
    verify,
)
from muster.domain.permissions import Permission
from muster.services.ports import AuditTrail, Clock, UnitOfWork

APPLICANT = "applicant"
SYSTEM = "system"


def actor_of(reviewer: Reviewer | None) -> str:
    """Who an audit entry names: the reviewer, or the system (the CLI, the demo, a job)."""
    return reviewer.id if reviewer else SYSTEM


_RETRIES = 5


class AuditService:
    def __init__(self, *, uow: Callable[[], UnitOfWork], clock: Clock, sign: Signer,
                 verify_signature: SignatureVerifier, checkpoint_every: int = 100) -> None:
        if checkpoint_every < 1:
            raise ValueError("checkpoint_every must be at least 1")
        self._uow = uow
        self._clock = clock
        self._sign = sign
        self._verify_signature = verify_signature
        self._every = checkpoint_every
        self._chain: AuditChain | None = None  # resumed from the last stored row on first use
        self._lock = threading.Lock()

    # --- writing ---------------------------------------------------------------------------------

    def commit(self, uow: UnitOfWork, *events: AuditEvent) -> None:
        """Append `events` in `uow`'s transaction and commit it; the head moves only after the commit."""
        if not events:
            uow.commit()
            return
        with self._lock:
            # Another process may have appended since: then the first try fails, the head is read again,
            # and with the lock held nobody can take the next number before us.
            uow.audit.lock_chain()
            if self._chain is None:
                self._chain = AuditChain.resume(uow.audit.last())
            for _attempt in range(_RETRIES):
                now = self._clock.now()
                rows = [(self._stamp(e, now), e.actor, str(e.action), e.case_id, e.reason[:200]) for e in events]
                try:
                    self._chain.append_many(rows, persist=lambda records: self._persist(uow, records))
                    return
                except SequenceTaken:
                    # Another process appended meanwhile: continue after its last entry.
                    self._chain = AuditChain.resume(uow.audit.last())
            raise SequenceTaken("gave up after repeated conflicts with another writer")

    def _persist(self, uow: UnitOfWork, records: list[ChainedEntry]) -> None:
        uow.audit.add(records)
        for record in records:
            if record.sequence % self._every == 0:
                uow.audit.add_checkpoint(self._signed(record))
        uow.commit()

    def _signed(self, record: ChainedEntry) -> Checkpoint:
        return Checkpoint(record.sequence, record.hash).signed(self._sign)

    @staticmethod
    def _stamp(event: AuditEvent, now: datetime) -> datetime:
        if event.actor == APPLICANT:
            return datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
        return now

    def record(self, *events: AuditEvent) -> None:
        """Append events in a transaction of their own (for changes made outside a unit of work)."""
        with self._uow() as uow:
            self.commit(uow, *events)

    def checkpoint(self) -> Checkpoint | None:
        """Sign the head of the stored log now and keep the checkpoint; None for an empty log."""
        with self._lock, self._uow() as uow:
            last = uow.audit.last()
            if last is None:
                return None
            checkpoint = self._signed(last)
            uow.audit.add_checkpoint(checkpoint)
            uow.commit()
            self._chain = AuditChain.resume(last)
        return checkpoint

    # --- reading ---------------------------------------------------------------------------------

    def checkpoints(self) -> list[Checkpoint]:
        with self._uow() as uow:
            return uow.audit.checkpoints()

    def verify(self, external: Iterable[Checkpoint] = ()) -> VerificationResult:
        """Check the whole stored log against its signed checkpoints and an external copy of them."""
        with self._uow() as uow:
            checkpoints = [*uow.audit.checkpoints(), *external]
            return verify(uow.audit.records(), checkpoints, verify_signature=self._verify_signature)

    def page(self, reviewer: Reviewer, *, offset: int = 0, limit: int = 50,
             case_id: str | None = None) -> tuple[list[ChainedEntry], int]:
        """Entries newest first, for the auditor; optionally those of one case."""
        require(reviewer, Permission.AUDIT_READ)
        with self._uow() as uow:
            return uow.audit.page(offset=offset, limit=limit, case_id=case_id)

