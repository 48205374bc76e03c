"""Dependencies shared by routes: the container, the current reviewer, permission checks."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from muster.domain.accounts import Reviewer
from muster.domain.permissions import Permission, has_permission
from muster.services.accounts import LoginSession

SESSION_COOKIE = "muster_session"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def get_container(request: Request) -> Any:
    return request.app.state.container


ContainerDep = Annotated[Any, Depends(get_container)]


def _session(request: Request, container: ContainerDep) -> LoginSession | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return container.accounts.authenticate(header[7:].strip())
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    session = container.accounts.authenticate(token)
    if session is not None and request.method in UNSAFE_METHODS:
        # A cookie is sent by the browser on its own, so a state change must prove it came from
        # our page: the form field or header must carry the session's CSRF token.
        sent = request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            raise HTTPException(status_code=403, detail="missing or wrong CSRF token")
    return session


def current_session(session: Annotated[LoginSession | None, Depends(_session)]) -> LoginSession:
    if session is None:
        raise HTTPException(status_code=401, detail="not logged in", headers={"WWW-Authenticate": "Bearer"})
    return session


SessionDep = Annotated[LoginSession, Depends(current_session)]


def current_reviewer(session: SessionDep) -> Reviewer:
    return session.reviewer


ReviewerDep = Annotated[Reviewer, Depends(current_reviewer)]


def require(permission: Permission) -> Callable[[Reviewer], Reviewer]:
    """A dependency that lets only roles holding `permission` through."""

    def check(reviewer: ReviewerDep) -> Reviewer:
        if not has_permission(reviewer.role, permission):
            raise HTTPException(status_code=403, detail=f"role '{reviewer.role}' lacks '{permission}'")
        return reviewer

    check.permission = permission  # type: ignore[attr-defined]  # read by the authorisation-matrix test
    return check
