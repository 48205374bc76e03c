"""Vouches: a member or applicant says they know an applicant and stand for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from muster.domain.errors import ValidationFailed
from muster.domain.ids import ApplicationId, VouchId

APPLICANT_PREFIX = "app:"


def applicant_node(application_id: str) -> str:
    """The vouch-graph node of an application."""
    return APPLICANT_PREFIX + application_id


def is_applicant(node: str) -> bool:
    return node.startswith(APPLICANT_PREFIX)


def application_of(node: str) -> ApplicationId:
    """The application an applicant node stands for (see `is_applicant`)."""
    return ApplicationId(node.removeprefix(APPLICANT_PREFIX))


class Relationship(StrEnum):
    SERVED_TOGETHER = "served_together"
    WORKED_TOGETHER = "worked_together"
    FAMILY = "family"
    FRIEND = "friend"
    ONLINE_ONLY = "online_only"
    OTHER = "other"


@dataclass(frozen=True)
class Vouch:
    """`voucher` and `vouchee` are graph node ids: `app:<id>` for applicants, `member:<name>` for members."""

    id: VouchId
    voucher: str
    vouchee: str
    relationship: Relationship
    known_for_years: float
    strength: float
    note: str
    created_on: date
    revoked_on: date | None = None

    @property
    def is_active(self) -> bool:
        return self.revoked_on is None


def check_vouch(voucher: str, vouchee: str, known_for_years: float, strength: float) -> None:
    """Refuse self-vouches and values out of range, naming the field."""
    problems = {}
    if voucher == vouchee:
        problems["voucher"] = "nobody can vouch for themselves"
    if not 0.0 <= strength <= 1.0:
        problems["strength"] = "must be between 0 and 1"
    if not 0.0 <= known_for_years <= 100.0:
        problems["known_for_years"] = "must be between 0 and 100"
    if problems:
        raise ValidationFailed(problems)
