"""Muster errors -> HTTP status and a problem document, in one table."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from muster.crypto.errors import DataKeyMissing
from muster.domain import errors as e

STATUS: dict[type[e.MusterError], int] = {
    e.ValidationFailed: 422,
    e.ReasonRequired: 422,
    e.InputError: 422,
    e.ReceiptUnknown: 404,
    e.NotFound: 404,
    e.TransitionNotAllowed: 409,
    e.FourEyesViolation: 409,
    e.CapacityExceeded: 409,
    e.WorkflowError: 409,
    e.RoleNotAllowed: 403,
    e.PermissionDenied: 403,
    e.InvalidCredentials: 401,
    e.AccountDisabled: 401,
    e.AccountLocked: 423,
    e.ImportFailed: 422,
    DataKeyMissing: 410,  # the applicant was erased: their data is gone for good, not a server fault
}


def status_for(error: e.MusterError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def problem(status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None) -> JSONResponse:
    body: dict[str, object] = {"status": status, "title": title, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def install(app: FastAPI) -> None:
    @app.exception_handler(e.MusterError)
    async def _muster(_request: Request, error: e.MusterError) -> JSONResponse:
        fields = None
        if isinstance(error, e.ValidationFailed):
            fields = [{"field": k, "message": v} for k, v in sorted(error.problems.items())]
        return problem(status_for(error), type(error).__name__, str(error), fields)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        # Name the fields, never echo the submitted values back.
        fields = []
        for item in error.errors():
            loc = [str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path")]
            fields.append({"field": ".".join(loc) or "body", "message": item.get("msg", "invalid")})
        return problem(422, "ValidationFailed", "invalid input in: " + ", ".join(sorted({f["field"] for f in fields})), fields)
