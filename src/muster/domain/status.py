"""What an applicant may see with their receipt code: a coarse status, never the reason."""

from __future__ import annotations

from enum import StrEnum

from muster.domain.workflow import Stage


class PublicStatus(StrEnum):
    RECEIVED = "received"
    IN_REVIEW = "in_review"
    ACCEPTED = "accepted"
    CLOSED = "closed"


_PUBLIC = {
    Stage.SUBMITTED: PublicStatus.RECEIVED,
    Stage.SCREENING: PublicStatus.IN_REVIEW,
    Stage.INTERVIEW: PublicStatus.IN_REVIEW,
    Stage.SECURITY_REVIEW: PublicStatus.IN_REVIEW,
    Stage.DECISION: PublicStatus.IN_REVIEW,
    Stage.APPROVED: PublicStatus.ACCEPTED,
    Stage.PLACED: PublicStatus.ACCEPTED,
    # Rejected and withdrawn look alike on purpose: the status page must not tell a third
    # party who holds the code why a case ended.
    Stage.REJECTED: PublicStatus.CLOSED,
    Stage.WITHDRAWN: PublicStatus.CLOSED,
}


def public_status(stage: Stage) -> PublicStatus:
    return _PUBLIC[stage]
