"""Log in and out of the API. Clients send the token as `Authorization: Bearer <token>`."""

from __future__ import annotations

from fastapi import APIRouter, Response

from muster.web.api.schemas import LoginPublic, LoginRequest
from muster.web.deps import ContainerDep, SessionDep

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/login", response_model=LoginPublic)
def login(body: LoginRequest, container: ContainerDep) -> LoginPublic:
    session = container.accounts.login(body.username, body.password)
    return LoginPublic(token=session.token, csrf_token=session.csrf_token, role=session.reviewer.role)


@router.post("/logout", status_code=204)
def logout(session: SessionDep, container: ContainerDep) -> Response:
    container.accounts.logout(session.token)
    return Response(status_code=204)
