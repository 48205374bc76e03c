"""Units, vouches and user accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from muster.domain.accounts import Reviewer
from muster.domain.ids import ApplicationId, VouchId
from muster.domain.permissions import Permission
from muster.domain.vouches import Vouch
from muster.web.api.schemas import UnitCreate, UnitPublic, UserCreate, UserCreated, UserPublic, VouchCreate, VouchPublic
from muster.web.deps import ContainerDep, require

router = APIRouter(prefix="/api", tags=["resources"])


def _unit(unit, occupied: int) -> UnitPublic:  # type: ignore[no-untyped-def]
    return UnitPublic(id=unit.id, name=unit.name, capacity=unit.capacity, occupied=occupied,
                      skills_wanted=list(unit.skills_wanted), languages=list(unit.languages))


def _vouch(v: Vouch) -> VouchPublic:
    return VouchPublic(id=v.id, voucher=v.voucher, vouchee=v.vouchee, relationship=v.relationship,
                       known_for_years=v.known_for_years, strength=v.strength, note=v.note,
                       created_on=v.created_on, revoked_on=v.revoked_on)


@router.get("/units", response_model=list[UnitPublic], tags=["units"])
def units(reviewer: Annotated[Reviewer, Depends(require(Permission.UNITS_READ))], container: ContainerDep) -> list[UnitPublic]:
    return [_unit(u.unit, u.occupied) for u in container.units.list(reviewer)]


@router.post("/units", response_model=UnitPublic, status_code=201, tags=["units"])
def create_unit(body: UnitCreate, reviewer: Annotated[Reviewer, Depends(require(Permission.UNITS_WRITE))],
                container: ContainerDep) -> UnitPublic:
    unit = container.units.create(reviewer, name=body.name, capacity=body.capacity,
                                  skills_wanted=tuple(body.skills_wanted), languages=tuple(body.languages))
    return _unit(unit, 0)


@router.get("/cases/{application_id}/vouches", response_model=list[VouchPublic], tags=["vouches"])
def vouches(application_id: str, reviewer: Annotated[Reviewer, Depends(require(Permission.VOUCHES_READ))],
            container: ContainerDep) -> list[VouchPublic]:
    return [_vouch(v) for v in container.vouching.for_applicant(reviewer, ApplicationId(application_id))]


@router.post("/vouches", response_model=VouchPublic, status_code=201, tags=["vouches"])
def add_vouch(body: VouchCreate, reviewer: Annotated[Reviewer, Depends(require(Permission.VOUCHES_WRITE))],
              container: ContainerDep) -> VouchPublic:
    return _vouch(container.vouching.add(reviewer, voucher=body.voucher, vouchee=ApplicationId(body.vouchee),
                                         relationship=body.relationship, known_for_years=body.known_for_years,
                                         strength=body.strength, note=body.note))


@router.delete("/vouches/{vouch_id}", response_model=VouchPublic, tags=["vouches"])
def revoke_vouch(vouch_id: str, reviewer: Annotated[Reviewer, Depends(require(Permission.VOUCHES_WRITE))],
                 container: ContainerDep) -> VouchPublic:
    return _vouch(container.vouching.revoke(reviewer, VouchId(vouch_id)))


@router.get("/users", response_model=list[UserPublic], tags=["users"])
def users(_admin: Annotated[Reviewer, Depends(require(Permission.USERS_MANAGE))], container: ContainerDep) -> list[UserPublic]:
    return [UserPublic(id=r.id, username=r.username, role=r.role, disabled=r.disabled) for r in container.accounts.list()]


@router.post("/users", response_model=UserCreated, status_code=201, tags=["users"])
def add_user(body: UserCreate, _admin: Annotated[Reviewer, Depends(require(Permission.USERS_MANAGE))],
             container: ContainerDep) -> UserCreated:
    reviewer, password = container.accounts.add(body.username, body.role, by=_admin)
    return UserCreated(id=reviewer.id, username=reviewer.username, role=reviewer.role, disabled=False, password=password)


@router.post("/users/{username}/disable", response_model=UserPublic, tags=["users"])
def disable_user(username: str, _admin: Annotated[Reviewer, Depends(require(Permission.USERS_MANAGE))],
                 container: ContainerDep) -> UserPublic:
    r = container.accounts.set_disabled(username, True, by=_admin)
    return UserPublic(id=r.id, username=r.username, role=r.role, disabled=r.disabled)
