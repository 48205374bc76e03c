"""The audit log, for auditors: entries newest first, optionally those of one case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from muster.domain.accounts import Reviewer
from muster.domain.permissions import Permission
from muster.web.api.schemas import AuditEntryPublic, AuditPage
from muster.web.deps import ContainerDep, require

router = APIRouter(prefix="/api/audit", tags=["audit"])

Auditor = Annotated[Reviewer, Depends(require(Permission.AUDIT_READ))]


@router.get("", response_model=AuditPage, summary="The audit log, newest first")
def audit_log(reviewer: Auditor, container: ContainerDep, offset: int = Query(0, ge=0),
              limit: int = Query(50, ge=1, le=500), case_id: str | None = Query(None, max_length=36)) -> AuditPage:
    entries, total = container.audit.page(reviewer, offset=offset, limit=limit, case_id=case_id)
    return AuditPage(items=[AuditEntryPublic(sequence=r.entry.sequence, at=r.entry.at.isoformat(), actor=r.entry.actor,
                                             action=str(r.entry.action), case_id=r.entry.case_id, reason=r.entry.reason,
                                             hash=r.hash.hex()) for r in entries],
                     total=total, offset=offset, limit=limit)
