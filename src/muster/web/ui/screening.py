"""Screening pages for security officers: the /screening status page and the hit decision form.

The hits themselves show on the case page (templates/_hits.html, included by case.html).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from muster.domain.permissions import Permission
from muster.domain.screening import Decision
from muster.services.accounts import LoginSession
from muster.web.ui.views import _authorised, _case_form, _container, _is_fragment, _page

router = APIRouter(include_in_schema=False)


@router.get("/screening", response_class=HTMLResponse)
def screening_page(request: Request) -> Response:
    session = _authorised(request, Permission.SCREENING_READ, "Only security officers see screening.")
    if isinstance(session, Response):
        return session
    container = _container(request)
    status = container.screening.status(session.reviewer)
    return _page(request, "screening.html", session=session, status=status, current={v.id for v in status.current},
                 threshold=container.screening.threshold, queued_jobs=status.queued_jobs)


@router.get("/screening/rescreen", response_class=HTMLResponse)
def rescreen_status(request: Request) -> Response:
    """The re-screening section alone, polled by the /screening page while a job runs."""
    session = _authorised(request, Permission.SCREENING_READ, "Only security officers see screening.")
    if isinstance(session, Response):
        return session
    container = _container(request)
    job, queued = container.screening.rescreen_progress(session.reviewer)
    response = _page(request, "_rescreen.html", job=job, queued_jobs=queued, threshold=container.screening.threshold)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/screening/open-hits", response_class=HTMLResponse)
def open_hits(request: Request) -> Response:
    """The cases with open hits: a fragment for the security officer's queue (HTMX), else the /screening page."""
    if not _is_fragment(request):
        return RedirectResponse("/screening", status_code=303)
    session = _authorised(request, Permission.SCREENING_READ, "Only security officers see screening.")
    if isinstance(session, Response):
        return session
    response = _page(request, "_open_hits.html", open_queue=_container(request).screening.open_queue(session.reviewer))
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/cases/{application_id}/hits/{hit_id}", response_class=HTMLResponse)
async def hit_decision(request: Request, application_id: str, hit_id: str) -> Response:
    def act(session: LoginSession, form: Any) -> None:
        _container(request).screening.decide(session.reviewer, hit_id, Decision(str(form.get("decision", ""))),
                                             str(form.get("reason", ""))[:2000])

    return await _case_form(request, application_id, act, anchor="#hits")