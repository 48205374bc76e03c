"""Screening for security officers: an application's hits, the decision on a hit, the screening status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from muster.domain.accounts import Reviewer
from muster.domain.ids import ApplicationId
from muster.domain.jobs import Job
from muster.domain.permissions import Permission
from muster.domain.screening import Decision, Hit
from muster.web.api.schemas import (
    HitDecision,
    HitPublic,
    JobPublic,
    ListedEntryPublic,
    OpenHitsPublic,
    ScreeningStatusPublic,
    WatchlistVersionPublic,
)
from muster.web.deps import ContainerDep, require

router = APIRouter(tags=["screening"])

Reader = Annotated[Reviewer, Depends(require(Permission.SCREENING_READ))]
Decider = Annotated[Reviewer, Depends(require(Permission.SCREENING_DECIDE))]


def hit_public(hit: Hit) -> HitPublic:
    entry = None
    if hit.entry is not None:
        entry = ListedEntryPublic(entry_id=hit.entry.id, names=list(hit.entry.names), birth_dates=list(hit.entry.birth_dates),
                                  countries=list(hit.entry.countries), kind=hit.entry.schema)
    details = {k: v for k, v in hit.explanation.items() if k != "text"}
    return HitPublic(id=hit.id, application_id=hit.application_id, list_name=hit.list_name, version=hit.version,
                     entry_id=hit.entry_id, entry=entry, score=hit.score, explanation=hit.text, details=details,
                     status=hit.status.value, raised_at=hit.raised_at.isoformat(), decided_by=hit.decided_by,
                     decided_at=hit.decided_at.isoformat() if hit.decided_at else None, reason=hit.reason)


def job_public(job: Job) -> JobPublic:
    return JobPublic(id=job.id, kind=job.kind, status=str(job.status), created_at=job.created_at.isoformat(),
                     finished_at=job.finished_at.isoformat() if job.finished_at else None, done=job.done, total=job.total,
                     result=job.result, error=job.error)


@router.get("/api/cases/{application_id}/hits", response_model=list[HitPublic], summary="Watchlist hits on one application",
            description="Best score first, with explanations; security officers only. The read is audited.")
def case_hits(application_id: str, reviewer: Reader, container: ContainerDep) -> list[HitPublic]:
    return [hit_public(h) for h in container.screening.hits(reviewer, ApplicationId(application_id),
                                                            why="GET /api/cases/{id}/hits")]


@router.post("/api/hits/{hit_id}/decision", response_model=HitPublic, summary="Confirm or dismiss an open hit",
             responses={409: {"description": "The hit was already decided"}})
def decide_hit(hit_id: str, body: HitDecision, reviewer: Decider, container: ContainerDep) -> HitPublic:
    return hit_public(container.screening.decide(reviewer, hit_id, Decision(body.decision), body.reason))


@router.get("/api/screening", response_model=ScreeningStatusPublic, summary="Lists, versions, re-screening and open hits")
def screening_status(reviewer: Reader, container: ContainerDep) -> ScreeningStatusPublic:
    status = container.screening.status(reviewer)
    current = {v.id for v in status.current}
    return ScreeningStatusPublic(
        threshold=container.screening.threshold,
        lists=[WatchlistVersionPublic(list_name=v.list_name, version=v.version, imported_at=v.imported_at.isoformat(),
                                      current=v.id in current, format=v.summary.format, entries=v.summary.entries,
                                      names=v.summary.names, duplicates=v.summary.duplicates, rejected=v.summary.rejected)
               for v in status.history],
        last_rescreen=job_public(status.last_rescreen) if status.last_rescreen else None,
        queued_jobs=status.queued_jobs,
        open=[OpenHitsPublic(application_id=a, open_hits=n, best_score=s) for a, n, s in status.open_queue],
    )
