"""Review flags: an application raised for a security officer's review, with the reason and its source.

When an applicant is rejected as a suspected infiltrator, everyone linked to them by a vouch (either way)
is raised for review. A flag stays on the case, cleared or not, so the history of suspicion is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from muster.domain.ids import ApplicationId


@dataclass(frozen=True)
class ReviewFlag:
    """`reason` holds ids and numbers only (it is shown in queues and written to the audit log)."""

    id: str
    application_id: ApplicationId
    source_case_id: ApplicationId
    reason: str
    raised_at: datetime
    cleared_at: datetime | None = None
    cleared_by: str | None = None
    clear_note: str = ""

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


def infiltration_reason(*, source: ApplicationId, vouched_for_them: bool, vouched_by_them: bool,
                        score_before: float | None, score_after: float | None) -> str:
    """Why a linked applicant is raised after `source` was rejected as a suspected infiltrator."""
    links = []
    if vouched_for_them:
        links.append("was vouched for by")
    if vouched_by_them:
        links.append("vouched for")
    text = f"{' and '.join(links)} applicant {source[:8]}, rejected as a suspected infiltrator"
    if score_after is not None:
        text += f"; trust score {score_after:.2f}" if score_before is None else \
            f"; trust score {score_before:.2f} -> {score_after:.2f}"
    return text
