"""Trust data (security officers only), review flags, and the seeds admins set.

The response models live here rather than in schemas.py: they are read by nothing else, and the trust
data must never leak into the case or export schemas other roles read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from muster.domain.accounts import Reviewer
from muster.domain.ids import ApplicationId
from muster.domain.permissions import Permission
from muster.domain.review_flags import ReviewFlag
from muster.domain.seeds import Seed
from muster.services.trust import TrustView
from muster.web.deps import ContainerDep, require

router = APIRouter(prefix="/api", tags=["trust"])


class PathStepPublic(BaseModel):
    node: str
    is_seed: bool
    relationship: str | None = Field(None, description="of the vouch this node gave to the next one on the path")
    known_for_years: float | None = None
    strength: float | None = None


class TrustPathPublic(BaseModel):
    text: str = Field(description="'vouched by A (member; ...), who was vouched by seed B (member; ...)'")
    steps: list[PathStepPublic] = Field(description="from the applicant back to the seed")


class RingPublic(BaseModel):
    members: list[str]
    internal_vouches: int
    external_vouches: int
    conductance: float


class ReviewFlagPublic(BaseModel):
    id: str
    application_id: str
    source_case_id: str
    reason: str
    raised_at: datetime
    cleared_at: datetime | None
    cleared_by: str | None
    clear_note: str


class TrustPublic(BaseModel):
    application_id: str
    node: str
    in_graph: bool
    score: float | None = Field(description="in [0, 1]; higher is more trusted; null when no seed reaches the graph")
    flag: bool = Field(description="suspected ring member")
    reason: str
    hops_from_seed: int | None
    distrusted: bool = Field(description="rejected as a suspected infiltrator: their vouches carry no trust")
    paths: list[TrustPathPublic]
    ring: RingPublic | None
    review_flags: list[ReviewFlagPublic]
    computed_at: datetime


class ReviewFlagClear(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(min_length=1, max_length=2000, description="why the flag is cleared")


class SeedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    member: str = Field(max_length=80, description="member name, 'anna-k' or 'member:anna-k'")


class SeedPublic(BaseModel):
    node: str
    member: str
    set_by: str
    set_at: datetime


def _flag(f: ReviewFlag) -> ReviewFlagPublic:
    return ReviewFlagPublic(id=f.id, application_id=f.application_id, source_case_id=f.source_case_id, reason=f.reason,
                            raised_at=f.raised_at, cleared_at=f.cleared_at, cleared_by=f.cleared_by,
                            clear_note=f.clear_note)


def _seed(s: Seed) -> SeedPublic:
    return SeedPublic(node=s.node, member=s.member, set_by=s.set_by, set_at=s.set_at)


def trust_public(view: TrustView) -> TrustPublic:
    paths = [TrustPathPublic(text=p.text, steps=[
        PathStepPublic(node=s.node, is_seed=s.is_seed, relationship=s.vouch.relationship.value if s.vouch else None,
                       known_for_years=s.vouch.known_for_years if s.vouch else None,
                       strength=s.vouch.strength if s.vouch else None) for s in p.steps]) for p in view.paths]
    ring = None if view.ring is None else RingPublic(members=list(view.ring.members),
                                                     internal_vouches=view.ring.internal_vouches,
                                                     external_vouches=view.ring.external_vouches,
                                                     conductance=view.ring.conductance)
    return TrustPublic(application_id=view.application_id, node=view.node, in_graph=view.in_graph, score=view.score,
                       flag=view.flag, reason=view.reason, hops_from_seed=view.hops, distrusted=view.distrusted,
                       paths=paths, ring=ring, review_flags=[_flag(f) for f in view.review_flags],
                       computed_at=view.computed_at)


@router.get("/cases/{application_id}/trust", response_model=TrustPublic)
def case_trust(application_id: str, reviewer: Annotated[Reviewer, Depends(require(Permission.TRUST_READ))],
               container: ContainerDep) -> TrustPublic:
    """The applicant's trust score, shortest vouch paths to seeds, ring evidence and review flags."""
    return trust_public(container.trust.view(reviewer, ApplicationId(application_id)))


@router.get("/review-flags", response_model=list[ReviewFlagPublic])
def review_flags(reviewer: Annotated[Reviewer, Depends(require(Permission.TRUST_READ))],
                 container: ContainerDep) -> list[ReviewFlagPublic]:
    """Open review flags, oldest first."""
    return [_flag(f) for f in container.trust.open_flags(reviewer)]


@router.post("/review-flags/{flag_id}/clear", response_model=ReviewFlagPublic)
def clear_review_flag(flag_id: str, body: ReviewFlagClear,
                      reviewer: Annotated[Reviewer, Depends(require(Permission.REVIEW_FLAGS_CLEAR))],
                      container: ContainerDep) -> ReviewFlagPublic:
    return _flag(container.trust.clear_flag(reviewer, flag_id, note=body.note))


@router.get("/seeds", response_model=list[SeedPublic])
def seeds(reviewer: Annotated[Reviewer, Depends(require(Permission.SEEDS_MANAGE))],
          container: ContainerDep) -> list[SeedPublic]:
    return [_seed(s) for s in container.trust.seeds(reviewer)]


@router.post("/seeds", response_model=SeedPublic, status_code=201)
def add_seed(body: SeedCreate, reviewer: Annotated[Reviewer, Depends(require(Permission.SEEDS_MANAGE))],
             container: ContainerDep) -> SeedPublic:
    return _seed(container.trust.add_seed(reviewer, body.member))


@router.delete("/seeds/{member}", status_code=204)
def remove_seed(member: str, reviewer: Annotated[Reviewer, Depends(require(Permission.SEEDS_MANAGE))],
                container: ContainerDep) -> Response:
    container.trust.remove_seed(reviewer, member)
    return Response(status_code=204)
