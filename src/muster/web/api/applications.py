"""Public intake: submit an application, check a status with the receipt code."""

# No `from __future__ import annotations` here: the request model is built at run time from the
# questionnaire, and FastAPI must see the class itself in the endpoint's signature.

from fastapi import APIRouter, Path
from pydantic import BaseModel

from muster.domain.status import PublicStatus
from muster.web.api.schemas import ReceiptPublic, StatusPublic
from muster.web.deps import ContainerDep


def build_router(create_model: type[BaseModel]) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["public"])

    @router.post("/applications", status_code=201, response_model=ReceiptPublic,
                 summary="Submit an application",
                 description="Answers 201 only after the application is durably committed. "
                             "The receipt code is shown once and is never stored.")
    def submit(body: create_model, container: ContainerDep) -> ReceiptPublic:  # type: ignore[valid-type]
        submitted = container.intake.submit(body.model_dump(exclude_none=True))
        return ReceiptPublic(receipt=submitted.receipt, status=PublicStatus.RECEIVED)

    @router.get("/status/{receipt}", response_model=StatusPublic, summary="Check the status of an application",
                responses={404: {"description": "No application for this receipt code"}})
    def status(container: ContainerDep, receipt: str = Path(max_length=200)) -> StatusPublic:
        return StatusPublic(status=container.intake.status(receipt))

    return router
