"""Cases: the queue, one case, workflow actions, and export."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from muster.domain.accounts import Reviewer
from muster.domain.ids import ApplicationId, UnitId
from muster.domain.permissions import Permission
from muster.domain.workflow import ActionInput, Application, Stage
from muster.services.cases import CaseView
from muster.web.api.schemas import ActionRequest, CasePage, CasePublic, CaseSummary, DuplicatePublic, StageChangePublic
from muster.web.deps import ContainerDep, require

router = APIRouter(prefix="/api/cases", tags=["cases"])

Reader = Annotated[Reviewer, Depends(require(Permission.CASES_READ))]
Actor = Annotated[Reviewer, Depends(require(Permission.CASES_ADVANCE))]
Exporter = Annotated[Reviewer, Depends(require(Permission.CASES_EXPORT))]
DuplicateReader = Annotated[Reviewer, Depends(require(Permission.DUPLICATES_READ))]


def summary(application: Application) -> CaseSummary:
    return CaseSummary(id=application.id, stage=application.stage, submitted_on=application.submitted_on,
                       stage_entered_at=application.stage_entered_at.isoformat(),
                       approvals=len(application.approvals), unit_id=application.unit_id)


def case_public(view: CaseView) -> CasePublic:
    a = view.application
    return CasePublic(
        **summary(a).model_dump(),
        erased_on=view.erased_on,
        answers=view.answers,
        history=[StageChangePublic(action=c.action, from_stage=c.from_stage, to_stage=c.to_stage, actor_id=c.actor_id,
                                   actor_role=c.actor_role, at=c.at.isoformat(), reason_code=c.reason_code, note=c.note)
                 for c in a.history],
        allowed_actions=[t.action for t in view.actions],
    )


@router.get("", response_model=CasePage, summary="The case queue",
            description="Without `stage`, the stages where the caller's role has work.")
def queue(reviewer: Reader, container: ContainerDep, stage: list[Stage] | None = Query(None),
          offset: int = Query(0, ge=0), limit: int = Query(50, ge=1, le=500)) -> CasePage:
    page = container.cases.queue(reviewer, stages=stage, offset=offset, limit=limit)
    return CasePage(items=[summary(a) for a in page.items], total=page.total, offset=page.offset, limit=page.limit)


@router.get("/export", summary="Export cases as CSV or JSON, with the answers the role may see")
def export(reviewer: Exporter, container: ContainerDep, format: Literal["csv", "json"] = "csv",
           stage: list[Stage] | None = Query(None)) -> Response:
    columns, rows = container.cases.export(reviewer, stages=stage)
    if format == "json":
        return Response(json.dumps(rows, ensure_ascii=False), media_type="application/json")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="cases.csv"'})


@router.get("/{application_id}", response_model=CasePublic)
def case(application_id: str, reviewer: Reader, container: ContainerDep) -> CasePublic:
    return case_public(container.cases.view(reviewer, ApplicationId(application_id), why="GET /api/cases/{id}"))


@router.post("/{application_id}/actions", response_model=CasePublic,
             responses={409: {"description": "The action is not allowed in this stage, or four-eyes refused it"}})
def act(application_id: str, body: ActionRequest, reviewer: Actor, container: ContainerDep) -> CasePublic:
    given = ActionInput(reason_code=body.reason_code, note=body.note, unit_id=UnitId(body.unit_id) if body.unit_id else None)
    container.cases.act(reviewer, ApplicationId(application_id), body.action, given)
    return case_public(container.cases.view(reviewer, ApplicationId(application_id), why="POST /api/cases/{id}/actions"))


@router.get("/{application_id}/duplicates", response_model=list[DuplicatePublic],
            summary="Other cases with exactly the same e-mail or phone number",
            description="Candidates come from the contact blind indexes and are confirmed on the unsealed values.")
def duplicates(application_id: str, reviewer: DuplicateReader, container: ContainerDep) -> list[DuplicatePublic]:
    found = container.duplicates.possible_duplicates(reviewer, ApplicationId(application_id),
                                                     why="GET /api/cases/{id}/duplicates")
    return [DuplicatePublic(case_id=d.application_id, matched=list(d.matched), reasons=list(d.reasons)) for d in found]
