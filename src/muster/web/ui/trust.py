"""Vouches and trust on the case page, the vouch neighbourhood picture, the review-flag queue, and the
admin's seeds page.

The case page loads two panels with HTMX (each is also a page of its own, for a browser without scripts):
the vouches (roles with case:vouch:read; add and revoke with case:vouch:write) and the trust panel
(security officers only: score, vouch paths to seeds, ring evidence, review flags, the picture). Only roles
holding the permission get the placeholder, and the panel's route checks the permission again.

The picture is the scorer's SVG, which carries its own <style> element: the page's CSP forbids inline
styles, so it is served on its own URL as image/svg+xml and shown with <img>, under a CSP of its own that
allows that <style> and nothing else (an image runs no script either way).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from muster.domain.errors import MusterError
from muster.domain.ids import ApplicationId, VouchId
from muster.domain.permissions import Permission, has_permission
from muster.domain.seeds import MEMBER_PREFIX
from muster.domain.vouches import Relationship, applicant_node
from muster.services.accounts import LoginSession
from muster.services.trust import describe_vouch, node_label
from muster.web.errors import status_for
from muster.web.ui.views import _authorised, _case_form, _container, _is_fragment, _page, _posted_form, _session

router = APIRouter(include_in_schema=False)

SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def _panel(request: Request, session: LoginSession, case_id: str, name: str, status_code: int = 200,
           **context: object) -> HTMLResponse:
    context.update(session=session, case_id=case_id, label=node_label, describe_vouch=describe_vouch, fragment=name)
    response = _page(request, name if _is_fragment(request) else "panel_page.html", status_code, **context)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/cases/{application_id}/trust", response_class=HTMLResponse)
def trust_panel(request: Request, application_id: str) -> Response:
    session = _authorised(request, Permission.TRUST_READ, "Only security officers see trust scores.")
    if isinstance(session, Response):
        return session
    try:
        view = _container(request).trust.view(session.reviewer, ApplicationId(application_id))
    except MusterError as failure:
        return _page(request, "error.html", status_for(failure), session=session, message=str(failure))
    return _panel(request, session, application_id, "_trust.html", t=view)


@router.get("/cases/{application_id}/trust.svg")
def trust_picture(request: Request, application_id: str) -> Response:
    session = _session(request)
    if session is None:
        return Response(status_code=401)
    if not has_permission(session.reviewer.role, Permission.TRUST_READ):
        return Response(status_code=403)
    try:
        svg = _container(request).trust.picture(session.reviewer, ApplicationId(application_id))
    except MusterError as failure:
        return Response(status_code=status_for(failure))
    return Response(svg, media_type="image/svg+xml",
                    headers={"Content-Security-Policy": SVG_CSP, "Cache-Control": "no-store"})


@router.get("/cases/{application_id}/vouches", response_class=HTMLResponse)
def vouches_panel(request: Request, application_id: str, error: str | None = None) -> Response:
    session = _authorised(request, Permission.VOUCHES_READ, "Your role does not see vouches.")
    if isinstance(session, Response):
        return session
    try:
        vouches = _container(request).vouching.for_applicant(session.reviewer, ApplicationId(application_id))
    except MusterError as failure:
        return _page(request, "error.html", status_for(failure), session=session, message=str(failure))
    return _panel(request, session, application_id, "_vouches.html", vouches=vouches, node=applicant_node(application_id),
                  relationships=list(Relationship), error=error)


@router.post("/cases/{application_id}/vouches", response_class=HTMLResponse)
async def vouch_add(request: Request, application_id: str) -> Response:
    def act(session: LoginSession, form: Any) -> None:
        voucher = str(form.get("voucher", "")).strip()[:80]
        if voucher and ":" not in voucher:
            voucher = MEMBER_PREFIX + voucher  # a bare name is a member's
        _container(request).vouching.add(
            session.reviewer, voucher=voucher, vouchee=ApplicationId(application_id),
            relationship=Relationship(str(form.get("relationship", ""))),
            known_for_years=float(str(form.get("known_for_years", "0")) or 0),
            strength=float(str(form.get("strength", "")) or -1), note=str(form.get("note", ""))[:2000])

    return await _case_form(request, application_id, act, anchor="#vouches", failed="Vouch not added")


@router.post("/cases/{application_id}/vouches/{vouch_id}/revoke", response_class=HTMLResponse)
async def vouch_revoke(request: Request, application_id: str, vouch_id: str) -> Response:
    def act(session: LoginSession, _form: Any) -> None:
        _container(request).vouching.revoke(session.reviewer, VouchId(vouch_id))

    return await _case_form(request, application_id, act, anchor="#vouches", failed="Vouch not revoked")


@router.post("/cases/{application_id}/review-flags/{flag_id}/clear", response_class=HTMLResponse)
async def review_flag_clear(request: Request, application_id: str, flag_id: str) -> Response:
    def act(session: LoginSession, form: Any) -> None:
        _container(request).trust.clear_flag(session.reviewer, flag_id, note=str(form.get("note", ""))[:2000])

    return await _case_form(request, application_id, act, anchor="#trust", failed="Flag not cleared")


@router.get("/review-flags", response_class=HTMLResponse)
def review_queue(request: Request) -> Response:
    """The security officer's review queue: open review flags, and applicants the scorer flags as ring members."""
    session = _authorised(request, Permission.TRUST_READ, "Only security officers see review flags.")
    if isinstance(session, Response):
        return session
    container = _container(request)
    return _panel(request, session, "", "_review_queue.html", flags=container.trust.open_flags(session.reviewer),
                  ring_members=container.trust.flagged(session.reviewer),
                  nightly=container.trust.last_nightly(session.reviewer))


@router.get("/seeds", response_class=HTMLResponse)
def seeds_route(request: Request) -> Response:
    return seeds_page(request)


def seeds_page(request: Request, error: str | None = None) -> Response:
    """The admin's seeds: members trusted a priori, each with the vouches it gave or received; add and remove."""
    session = _authorised(request, Permission.SEEDS_MANAGE, "Only admins manage seeds.")
    if isinstance(session, Response):
        return session
    container = _container(request)
    return _page(request, "seeds.html", session=session, error=error,
                 seeds=container.trust.seeds_with_vouches(session.reviewer),
                 usernames={reviewer.id: reviewer.username for reviewer in container.accounts.list()})


async def _seed_form(request: Request, act: Callable[[LoginSession, Any], object]) -> Response:
    return await _posted_form(request, act, then="/seeds", redisplay=lambda message: seeds_page(request, error=message))


@router.post("/seeds", response_class=HTMLResponse)
async def seed_add(request: Request) -> Response:
    return await _seed_form(request, lambda session, form: _container(request).trust.add_seed(
        session.reviewer, str(form.get("member", ""))[:100]))


@router.post("/seeds/remove", response_class=HTMLResponse)
async def seed_remove(request: Request) -> Response:
    # The name travels in the form, not the path: a name such as '..' would be a path step there.
    return await _seed_form(request, lambda session, form: _container(request).trust.remove_seed(
        session.reviewer, str(form.get("member", ""))[:100]))

