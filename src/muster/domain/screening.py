"""Screening in the product: stored watchlist versions, hits and the officer's decisions on them.

The matching itself lives in `matching/`; this module holds what the pipeline keeps about it:

- `WatchlistVersion`: one import of a named list (a new import never edits an old version, so a
  list's history stays queryable); its report counts what the importer read, kept and rejected.
- `Hit`: an application that met a watchlist entry at or above the threshold, with the score and
  the explanation. A hit is raised once per (application, list, entry): re-screening after a list
  changes raises only hits that were never raised before, whatever was decided about the old ones.
- `HitStatus` and `decide`: an open hit is confirmed or dismissed once, by a security officer, with
  a reason; `check_clearance` is the rule that an application with an open or confirmed hit does
  not move forward.

Pure: no I/O, no clock (times come in as arguments).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from muster.domain.errors import HitAlreadyDecided, OpenHitsRemain, ValidationFailed, WatchlistMatchConfirmed
from muster.domain.ids import ApplicationId, ReviewerId
from muster.domain.matching import Explanation, MatchResult, WatchlistEntry


class HitStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class Decision(StrEnum):
    """What a security officer says about a hit."""

    CONFIRM = "confirm"
    DISMISS = "dismiss"


@dataclass(frozen=True)
class ImportSummary:
    """The counts of one import (no rows: rejected lines are reported to the importer's operator)."""

    source: str
    format: str
    rows_read: int
    entries: int
    names: int
    duplicates: int
    rejected: int
    skipped: int


@dataclass(frozen=True)
class WatchlistVersion:
    id: str
    list_name: str
    version: int
    imported_at: datetime
    summary: ImportSummary


@dataclass(frozen=True)
class Hit:
    """An application that met a watchlist entry. `explanation` names the applicant's name forms,
    so storage seals it (and the decision's reason) with the applicant's data key."""

    id: str
    application_id: ApplicationId
    list_name: str
    version_id: str
    version: int
    entry_id: str
    score: float
    explanation: dict[str, Any]
    raised_at: datetime
    status: HitStatus = HitStatus.OPEN
    decided_by: ReviewerId | None = None
    decided_at: datetime | None = None
    reason: str = ""
    entry: WatchlistEntry | None = field(default=None, compare=False)  # as that list version gives it

    @property
    def text(self) -> str:
        """The one-line explanation a reviewer reads."""
        return str(self.explanation.get("text", ""))


@dataclass(frozen=True)
class Screened:
    """When an application was last screened and against which list versions ("name@version")."""

    application_id: ApplicationId
    screened_at: datetime
    lists: tuple[str, ...]


def explanation_data(explanation: Explanation) -> dict[str, Any]:
    """The explanation as plain data for storage: every number, plus the rendered line."""
    data = dataclasses.asdict(explanation)
    data["text"] = explanation.render()
    return data


def best_per_entry(results: Iterable[Sequence[MatchResult]]) -> dict[str, MatchResult]:
    """Of several queries for one person (Cyrillic name, Latin name), the best-scoring match per entry."""
    best: dict[str, MatchResult] = {}
    for per_query in results:
        for result in per_query:
            if result.match and (result.entry_id not in best or result.score > best[result.entry_id].score):
                best[result.entry_id] = result
    return best


def decide(hit: Hit, decision: Decision, *, by: ReviewerId, reason: str, at: datetime) -> Hit:
    """The hit confirmed or dismissed; HitAlreadyDecided unless open, ValidationFailed without a reason."""
    if hit.status is not HitStatus.OPEN:
        raise HitAlreadyDecided(f"hit {hit.id} is already {hit.status}")
    if not reason.strip():
        raise ValidationFailed({"reason": "a reason is required"})
    status = HitStatus.CONFIRMED if decision is Decision.CONFIRM else HitStatus.DISMISSED
    return dataclasses.replace(hit, status=status, decided_by=by, decided_at=at, reason=reason.strip())


def check_clearance(application_id: ApplicationId, statuses: Iterable[HitStatus]) -> None:
    """Refuse moving an application forward while a hit is open (not yet decided) or confirmed."""
    found = list(statuses)
    if HitStatus.OPEN in found:
        raise OpenHitsRemain(f"application {application_id} has {found.count(HitStatus.OPEN)} open watchlist hit(s)")
    if HitStatus.CONFIRMED in found:
        raise WatchlistMatchConfirmed(f"application {application_id} has a confirmed watchlist hit")
