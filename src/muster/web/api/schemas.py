"""Pydantic request and response models. `application_create_model` builds the intake schema
from the questionnaire, so the OpenAPI document shows every field, its type and whether it is required."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from muster.domain.permissions import Role
from muster.domain.questionnaire import FieldType, Question, Questionnaire
from muster.domain.vouches import Relationship
from muster.domain.workflow import Action, ReasonCode, Stage


def _annotation(question: Question) -> Any:
    if question.type is FieldType.BOOLEAN:
        return bool
    if question.type is FieldType.CHOICE:
        return Literal[tuple(question.choice_values())]  # type: ignore[misc]
    if question.type is FieldType.MULTICHOICE:
        return list[Literal[tuple(question.choice_values())]]  # type: ignore[misc]
    return str


_FORMATS = {FieldType.DATE: "date", FieldType.EMAIL: "email", FieldType.PHONE: "phone", FieldType.COUNTRY: "iso3166-alpha2"}


def application_create_model(questionnaire: Questionnaire) -> type[BaseModel]:
    """The request body of POST /api/applications, generated from the questionnaire."""
    fields: dict[str, Any] = {}
    for q in questionnaire.questions:
        extra: dict[str, Any] = {"x-labels": dict(q.labels), "x-compartment": str(q.compartment)}
        if q.type in _FORMATS:
            extra["format"] = _FORMATS[q.type]
        max_length = None
        if q.type not in (FieldType.BOOLEAN, FieldType.CHOICE, FieldType.MULTICHOICE):
            max_length = 4000 if q.type is FieldType.LONGTEXT else q.max_length
        annotation = _annotation(q)
        default: Any = ... if q.required else None
        if not q.required:
            annotation = annotation | None
        fields[q.name] = (annotation, Field(default, description=q.labels["en"], max_length=max_length,
                                            json_schema_extra=extra))
    return create_model("ApplicationCreate", __config__=ConfigDict(extra="forbid"), **fields)


class ReceiptPublic(BaseModel):
    receipt: str = Field(description="Shown once. Keep it: it is the only way to check the status.")
    status: str


class StatusPublic(BaseModel):
    status: str = Field(description="received, in_review, accepted or closed")


class LoginRequest(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=256)


class LoginPublic(BaseModel):
    token: str
    csrf_token: str
    role: Role


class StageChangePublic(BaseModel):
    action: Action
    from_stage: Stage
    to_stage: Stage
    actor_id: str
    actor_role: Role
    at: str
    reason_code: ReasonCode | None
    note: str


class CaseSummary(BaseModel):
    id: str
    stage: Stage
    submitted_on: date
    stage_entered_at: str
    approvals: int
    unit_id: str | None


class CasePublic(CaseSummary):
    erased_on: date | None = Field(None, description="Set when the applicant was erased: no answers remain")
    answers: dict[str, Any]
    history: list[StageChangePublic]
    allowed_actions: list[Action]


class DuplicatePublic(BaseModel):
    case_id: str
    matched: list[Literal["email", "name", "phone"]] = Field(
        description="Which contacts are exactly equal; name: another spelling of the name and the same birth date")
    reasons: list[str] = Field(default_factory=list, description="Why, in words (the name score included)")


class CasePage(BaseModel):
    items: list[CaseSummary]
    total: int
    offset: int
    limit: int


class ActionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Action
    reason_code: ReasonCode | None = None
    note: str = Field("", max_length=4000)
    unit_id: str | None = None


class UnitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=120)
    capacity: int = Field(ge=1, le=100_000)
    skills_wanted: list[str] = []
    languages: list[str] = []


class UnitPublic(BaseModel):
    id: str
    name: str
    capacity: int
    occupied: int
    skills_wanted: list[str]
    languages: list[str]


class VouchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    voucher: str = Field(max_length=80, description="'app:<application id>' or 'member:<name>'")
    vouchee: str = Field(description="application id of the applicant vouched for")
    relationship: Relationship
    known_for_years: float = Field(ge=0, le=100)
    strength: float = Field(ge=0, le=1)
    note: str = Field("", max_length=2000)


class VouchPublic(BaseModel):
    id: str
    voucher: str
    vouchee: str
    relationship: Relationship
    known_for_years: float
    strength: float
    note: str
    created_on: date
    revoked_on: date | None


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(max_length=64)
    role: Role


class UserPublic(BaseModel):
    id: str
    username: str
    role: Role
    disabled: bool


class UserCreated(UserPublic):
    password: str = Field(description="One-time password; shown once.")


class AuditEntryPublic(BaseModel):
    sequence: int
    at: str
    actor: str = Field(description="Reviewer id, 'applicant' or 'system'")
    action: str
    case_id: str | None
    reason: str
    hash: str = Field(description="Chain hash (hex) of this entry")


class AuditPage(BaseModel):
    items: list[AuditEntryPublic]
    total: int
    offset: int
    limit: int


class ListedEntryPublic(BaseModel):
    entry_id: str
    names: list[str]
    birth_dates: list[str]
    countries: list[str]
    kind: str = Field(description="Person or an organisation schema (FollowTheMoney names)")


class HitPublic(BaseModel):
    id: str
    application_id: str
    list_name: str
    version: int
    entry_id: str
    entry: ListedEntryPublic | None = Field(description="The watchlist side, as that list version gives it")
    score: float = Field(description="Calibrated score in [0, 1]; hits are raised at or above the threshold")
    explanation: str = Field(description="Which name form met which list name, under which scheme; each part's "
                                         "similarity; what birth date and country added or took away")
    details: dict[str, Any] = Field(description="The explanation as data: every number behind the line above")
    status: Literal["open", "confirmed", "dismissed"]
    raised_at: str
    decided_by: str | None
    decided_at: str | None
    reason: str


class HitDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["confirm", "dismiss"]
    reason: str = Field(min_length=1, max_length=2000, description="Why; kept sealed with the case")


class WatchlistVersionPublic(BaseModel):
    list_name: str
    version: int
    imported_at: str
    current: bool
    format: str
    entries: int
    names: int
    duplicates: int
    rejected: int


class JobPublic(BaseModel):
    id: str
    kind: str
    status: str
    created_at: str
    finished_at: str | None
    done: int
    total: int
    result: dict[str, Any]
    error: str


class OpenHitsPublic(BaseModel):
    application_id: str
    open_hits: int
    best_score: float


class ScreeningStatusPublic(BaseModel):
    threshold: float
    lists: list[WatchlistVersionPublic] = Field(description="Every version of every list, newest first per list")
    last_rescreen: JobPublic | None
    queued_jobs: int
    open: list[OpenHitsPublic] = Field(description="Applications with open hits, best score first")
