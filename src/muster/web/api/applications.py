"""Public intake: submit an application, check a status with the receipt code."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Path
from pydantic import BaseModel

from muster.domain.status import PublicStatus
from muster.web.api.schemas import ReceiptPublic, StatusPublic
from muster.web.deps import ContainerDep


def build_router(create_model: type[BaseModel]) -> APIRouter:
    """`create_model` (generated from the questionnaire) documents the request body; the
    questionnaire itself validates it, so a client gets every problem at once, by field name."""
    router = APIRouter(prefix="/api", tags=["public"])
    body_schema = create_model.model_json_schema()

    @router.post("/applications", status_code=201, response_model=ReceiptPublic,
                 summary="Submit an application",
                 description="Answers 201 only after the application is durably committed. "
                             "The receipt code is shown once and is never stored.",
                 responses={422: {"description": "Invalid answers; `errors` names each field and its problem"}},
                 openapi_extra={"requestBody": {"required": True,
                                                "content": {"application/json": {"schema": body_schema}}}})
    def submit(container: ContainerDep, body: dict[str, Any] = Body(..., include_in_schema=False)) -> ReceiptPublic:
        submitted = container.intake.submit(body)
        return ReceiptPublic(receipt=submitted.receipt, status=PublicStatus.RECEIVED)

    @router.get("/status/{receipt}", response_model=StatusPublic, summary="Check the status of an application",
                responses={404: {"description": "No application for this receipt code"}})
    def status(container: ContainerDep, receipt: str = Path(max_length=200)) -> StatusPublic:
        return StatusPublic(status=container.intake.status(receipt))

    return router
