"""Server-rendered pages: the public intake and status pages, and the reviewer UI.

Every state-changing form carries a CSRF token: the session's for logged-in reviewers, a
double-submit cookie for the login form. Receipt codes travel in POST bodies, never URLs.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from muster.domain.errors import MusterError, ReceiptUnknown, ValidationFailed
from muster.domain.ids import ApplicationId, UnitId
from muster.domain.permissions import Permission, Role, has_permission
from muster.domain.questionnaire import FieldType
from muster.domain.workflow import Action, ActionInput, ReasonCode, Stage
from muster.services.accounts import LoginSession
from muster.services.cases import queue_stages
from muster.web.deps import SESSION_COOKIE
from muster.web.errors import status_for
from muster.web.ui.i18n import LANGUAGES, pick_language, problem_text, translator
from muster.web.ui.replay import ReplayGuard

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
templates.env.globals["problem_text"] = problem_text
LOGIN_CSRF_COOKIE = "muster_login_csrf"


def _container(request: Request) -> Any:
    return request.app.state.container


def _page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"Permission": Permission, "has_permission": has_permission,
                                                      "home_path": home_path, **context}, status_code=status_code)


_HOMES = ((Permission.CASES_READ, "/cases"), (Permission.AUDIT_READ, "/audit"), (Permission.UNITS_READ, "/units"))


def home_path(role: Role) -> str:
    """The first page a role can read: the case queue for casework, the audit log for auditors, units for admins."""
    return next((path for permission, path in _HOMES if has_permission(role, permission)), "/cases")


def _session(request: Request) -> LoginSession | None:
    token = request.cookies.get(SESSION_COOKIE)
    return _container(request).accounts.authenticate(token) if token else None


async def _checked_form(request: Request, session: LoginSession) -> Any:
    form = await request.form()
    sent = str(form.get("csrf_token", ""))
    if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
        raise _Forbidden()
    return form


class _Forbidden(Exception):
    pass


async def _authorised_form(request: Request) -> tuple[LoginSession, Any] | Response:
    """The session and its CSRF-checked form, or the response to send instead (to login, or 403)."""
    session = _session(request)
    if session is None:
        return _to_login()
    try:
        return session, await _checked_form(request, session)
    except _Forbidden:
        return HTMLResponse("Forbidden", status_code=403)


async def _posted_form(request: Request, act: Callable[[LoginSession, Any], object], *, then: str,
                       redisplay: Callable[[str], Response]) -> Response:
    """A posted form: check the session and CSRF, `act(session, form)`, then redirect to `then`; when `act`
    refuses the input, `redisplay(what went wrong)` instead."""
    checked = await _authorised_form(request)
    if isinstance(checked, Response):
        return checked
    session, form = checked
    try:
        act(session, form)
    except (MusterError, ValueError) as failure:
        return redisplay(failure.details if isinstance(failure, ValidationFailed) else str(failure))
    return RedirectResponse(then, status_code=303)


async def _case_form(request: Request, application_id: str, act: Callable[[LoginSession, Any], object], *,
                     anchor: str = "", failed: str = "") -> Response:
    """A form posted from a case page: back to the case page (at `anchor`), or the case page again with the
    error, prefixed by `failed`."""
    return await _posted_form(request, act, then=f"/cases/{application_id}{anchor}", redisplay=lambda message: case_page(
        request, application_id, error=f"{failed}: {message}" if failed else message))


def _to_login() -> RedirectResponse:
    return RedirectResponse("/login", status_code=303)


def _is_fragment(request: Request) -> bool:
    """An HTMX panel load (not a boosted navigation, which wants the whole page)."""
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true"


def _authorised(request: Request, permission: Permission, denied: str) -> LoginSession | Response:
    """The session of a reviewer holding `permission`, or the response to send instead: the login page, or
    403 (empty for an HTMX fragment, else the error page saying `denied`)."""
    session = _session(request)
    if session is None:
        return _to_login()
    if not has_permission(session.reviewer.role, permission):
        if _is_fragment(request):
            return HTMLResponse("", status_code=403)
        return _page(request, "error.html", 403, session=session, message=denied)
    return session


# --- public pages ---------------------------------------------------------------------------

@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/apply", status_code=303)


@router.get("/apply", response_class=HTMLResponse)
def apply_form(request: Request, lang: str | None = None) -> HTMLResponse:
    language = pick_language(lang)
    return _page(request, "apply.html", lang=language, t=translator(language), languages=LANGUAGES,
                 questionnaire=_container(request).questionnaire, FieldType=FieldType, values={}, problems={},
                 form_id=secrets.token_urlsafe(16))


@router.post("/apply", response_class=HTMLResponse)
async def apply_submit(request: Request, lang: str | None = None) -> HTMLResponse:
    language = pick_language(lang)
    container = _container(request)
    form = await request.form()
    form_id = str(form.get("form_id", ""))[:64]
    guard: ReplayGuard = request.app.state.replay_guard
    already = guard.receipt_for(form_id)
    if already is not None:
        return _page(request, "receipt.html", 200, lang=language, t=translator(language), receipt=already)
    answers: dict[str, Any] = {}
    for question in container.questionnaire.questions:
        if question.type is FieldType.MULTICHOICE:
            answers[question.name] = [str(v) for v in form.getlist(question.name)]
        elif question.type is FieldType.BOOLEAN:
            answers[question.name] = question.name in form
        else:
            answers[question.name] = str(form.get(question.name, ""))
    try:
        submitted = container.intake.submit(answers)
    except ValidationFailed as error:
        return _page(request, "apply.html", 422, lang=language, t=translator(language), languages=LANGUAGES,
                     questionnaire=container.questionnaire, FieldType=FieldType, values=answers, problems=error.problems,
                     form_id=form_id)
    guard.remember(form_id, submitted.receipt)
    return _page(request, "receipt.html", 201, lang=language, t=translator(language), receipt=submitted.receipt)


@router.get("/status", response_class=HTMLResponse)
def status_form(request: Request, lang: str | None = None) -> HTMLResponse:
    language = pick_language(lang)
    return _page(request, "status.html", lang=language, t=translator(language), languages=LANGUAGES, status=None, unknown=False)


@router.post("/status", response_class=HTMLResponse)
async def status_check(request: Request, lang: str | None = None) -> HTMLResponse:
    language = pick_language(lang)
    form = await request.form()
    try:
        status = _container(request).intake.status(str(form.get("receipt", ""))[:200])
    except ReceiptUnknown:
        return _page(request, "status.html", 404, lang=language, t=translator(language), languages=LANGUAGES,
                     status=None, unknown=True)
    return _page(request, "status.html", lang=language, t=translator(language), languages=LANGUAGES, status=status, unknown=False)


# --- login ----------------------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = _page(request, "login.html", csrf_token=token, error=None)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=_container(request).settings.cookie_secure)
    return response


@router.post("/login", response_class=HTMLResponse)
async def login_submit(request: Request) -> Response:
    form = await request.form()
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    sent = str(form.get("csrf_token", ""))
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        return _page(request, "login.html", 403, csrf_token=expected, error="The form expired; please try again.")
    container = _container(request)
    try:
        session = container.accounts.login(str(form.get("username", "")), str(form.get("password", "")))
    except MusterError as error:
        return _page(request, "login.html", status_for(error), csrf_token=expected, error=str(error).capitalize() + ".")
    response = RedirectResponse(home_path(session.reviewer.role), status_code=303)
    response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="strict",
                        secure=container.settings.cookie_secure, max_age=container.settings.session_minutes * 60)
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    session = _session(request)
    if session is not None:
        try:
            await _checked_form(request, session)
        except _Forbidden:
            return HTMLResponse("Forbidden", status_code=403)
        _container(request).accounts.logout(session.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# --- reviewer pages -------------------------------------------------------------------------

@router.get("/cases", response_class=HTMLResponse)
def case_queue(request: Request, stage: str | None = None, offset: int = 0) -> Response:
    session = _session(request)
    if session is None:
        return _to_login()
    reviewer = session.reviewer
    if not has_permission(reviewer.role, Permission.CASES_READ):
        return _page(request, "home.html", session=session)
    container = _container(request)
    stages = [Stage(stage)] if stage in set(Stage) else None
    page = container.cases.queue(reviewer, stages=stages, offset=max(offset, 0), limit=container.settings.page_size)
    return _page(request, "cases.html", session=session, page=page, stage=stage, stages=list(Stage),
                 my_stages=queue_stages(reviewer.role))


# The pages with forms take no error from the URL (a link must not put words in their alert box): only a
# refused form, redisplayed, passes one.
@router.get("/cases/{application_id}", response_class=HTMLResponse)
def case_route(request: Request, application_id: str) -> Response:
    return case_page(request, application_id)


def case_page(request: Request, application_id: str, error: str | None = None) -> Response:
    session = _session(request)
    if session is None:
        return _to_login()
    container = _container(request)
    try:
        view = container.cases.view(session.reviewer, ApplicationId(application_id))
    except MusterError as failure:
        return _page(request, "error.html", status_for(failure), session=session, message=str(failure))
    units = container.units.list(session.reviewer) if any(t.action is Action.PLACE for t in view.actions) else []
    hits, screened = None, None
    if has_permission(session.reviewer.role, Permission.SCREENING_READ):  # watchlist hits: security officers only
        hits = container.screening.hits(session.reviewer, ApplicationId(application_id), why="case page")
        screened = container.screening.screened(session.reviewer, ApplicationId(application_id))
    duplicates = None
    if view.erased_on is None and container.duplicates.can_check(session.reviewer):  # contact readers only
        duplicates = container.duplicates.possible_duplicates(session.reviewer, ApplicationId(application_id),
                                                               why="case page")
    return _page(request, "case.html", session=session, view=view, questionnaire=container.questionnaire,
                 reasons=list(ReasonCode), units=units, error=error, hits=hits, screened=screened,
                 duplicates=duplicates)


@router.post("/cases/{application_id}/action", response_class=HTMLResponse)
async def case_action(request: Request, application_id: str) -> Response:
    def act(session: LoginSession, form: Any) -> None:
        reason = str(form.get("reason_code", "")) or None
        given = ActionInput(reason_code=ReasonCode(reason) if reason else None, note=str(form.get("note", ""))[:4000],
                            unit_id=UnitId(str(form["unit_id"])) if form.get("unit_id") else None)
        _container(request).cases.act(session.reviewer, ApplicationId(application_id),
                                      Action(str(form.get("action", ""))), given)

    return await _case_form(request, application_id, act)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, offset: int = 0, case_id: str | None = None) -> Response:
    session = _authorised(request, Permission.AUDIT_READ, "Only auditors can read the audit log.")
    if isinstance(session, Response):
        return session
    container = _container(request)
    limit = container.settings.page_size
    case_id = (case_id or "").strip()[:36] or None
    entries, total = container.audit.page(session.reviewer, offset=max(offset, 0), limit=limit, case_id=case_id)
    return _page(request, "audit.html", session=session, entries=entries, total=total, offset=max(offset, 0),
                 limit=limit, case_id=case_id)


@router.get("/units", response_class=HTMLResponse)
def units_route(request: Request) -> Response:
    return units_page(request)


def units_page(request: Request, error: str | None = None) -> Response:
    session = _authorised(request, Permission.UNITS_READ, "Your role cannot see units.")
    if isinstance(session, Response):
        return session
    return _page(request, "units.html", session=session, units=_container(request).units.list(session.reviewer), error=error)


@router.post("/units", response_class=HTMLResponse)
async def units_create(request: Request) -> Response:
    def split(value: object) -> tuple[str, ...]:
        return tuple(x.strip() for x in str(value or "").split(",") if x.strip())

    def create(session: LoginSession, form: Any) -> None:
        _container(request).units.create(session.reviewer, name=str(form.get("name", "")),
                                         capacity=int(str(form.get("capacity", "0")) or 0),
                                         skills_wanted=split(form.get("skills_wanted")), languages=split(form.get("languages")))

    return await _posted_form(request, create, then="/units", redisplay=lambda message: units_page(request, error=message))
