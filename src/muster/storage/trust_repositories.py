"""Repositories of the trust feature: seeds, review flags, and the vouch graph read in bulk for scoring.

Kept apart from repositories.py (which holds the case and account tables) so that each stays readable.
The graph read skips the vouch notes: scoring needs who, whom and how strongly, never the sealed text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from muster.domain.errors import NotFound, ValidationFailed
from muster.domain.ids import ApplicationId, VouchId
from muster.domain.review_flags import ReviewFlag
from muster.domain.seeds import Seed
from muster.domain.vouches import Relationship, Vouch
from muster.domain.workflow import ReasonCode, Stage
from muster.storage import tables as t
from muster.storage.codec import FieldCodec
from muster.storage.repositories import _aware


class SqlSeedRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, seed: Seed) -> None:
        if self._c.execute(select(t.trust_seeds.c.node).where(t.trust_seeds.c.node == seed.node)).first():
            raise ValidationFailed({"member": "is already a seed"})
        self._c.execute(insert(t.trust_seeds).values(node=seed.node, set_by=seed.set_by, set_at=seed.set_at))

    def remove(self, node: str) -> bool:
        return bool(self._c.execute(delete(t.trust_seeds).where(t.trust_seeds.c.node == node)).rowcount)

    def list(self) -> list[Seed]:
        rows = self._c.execute(select(t.trust_seeds).order_by(t.trust_seeds.c.node))
        return [Seed(r.node, r.set_by, _aware(r.set_at)) for r in rows]  # type: ignore[arg-type]


class SqlReviewFlagRepository:
    """Review flags; the clearing note is sealed with the flagged applicant's key, and not read once they are erased."""

    def __init__(self, connection: Connection, codec: FieldCodec) -> None:
        self._c = connection
        self._codec = codec

    def add(self, flag: ReviewFlag) -> None:
        self._c.execute(insert(t.review_flags).values(
            id=flag.id, application_id=flag.application_id, source_case_id=flag.source_case_id, reason=flag.reason[:400],
            raised_at=flag.raised_at, cleared_at=None, cleared_by=None, clear_note=None))

    def get(self, flag_id: str) -> ReviewFlag:
        found = self._select(t.review_flags.c.id == flag_id)
        if not found:
            raise NotFound(f"review flag {flag_id} does not exist")
        return found[0]

    def for_application(self, application_id: ApplicationId) -> list[ReviewFlag]:
        return self._select(t.review_flags.c.application_id == application_id)

    def open(self) -> list[ReviewFlag]:
        return self._select(t.review_flags.c.cleared_at.is_(None))

    def raised_from(self, source_case_id: ApplicationId) -> set[ApplicationId]:
        """Everyone ever raised because of `source_case_id` (open or cleared)."""
        f = t.review_flags
        return {ApplicationId(a) for a in self._c.execute(
            select(f.c.application_id).where(f.c.source_case_id == source_case_id)).scalars()}

    def clear(self, flag: ReviewFlag) -> None:
        sealed = self._codec.encode(owner=flag.application_id, table="review_flags", column="clear_note", row=flag.id,
                                    value=flag.clear_note)
        self._c.execute(update(t.review_flags).where(t.review_flags.c.id == flag.id)
                        .values(cleared_at=flag.cleared_at, cleared_by=flag.cleared_by, clear_note=sealed))

    def _select(self, where: Any) -> list[ReviewFlag]:
        f = t.review_flags
        rows = self._c.execute(select(f, t.applications.c.erased_on).join(t.applications, t.applications.c.id == f.c.application_id)
                               .where(where).order_by(f.c.raised_at, f.c.id))
        return [self._from_row(r) for r in rows]

    def _from_row(self, row: Any) -> ReviewFlag:
        note = ""
        if row.clear_note is not None and row.erased_on is None:
            note = self._codec.decode(owner=row.application_id, table="review_flags", column="clear_note", row=row.id,
                                      data=row.clear_note)
        return ReviewFlag(id=row.id, application_id=ApplicationId(row.application_id),
                          source_case_id=ApplicationId(row.source_case_id), reason=row.reason,
                          raised_at=_aware(row.raised_at), cleared_at=_aware(row.cleared_at),  # type: ignore[arg-type]
                          cleared_by=row.cleared_by, clear_note=note)


class SqlVouchGraphRepository:
    """The vouch graph in bulk, for the scorer: active vouches without their notes, and what changes it."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def edges(self) -> list[tuple[str, str, float]]:
        """The active vouches as (voucher, vouchee, strength), in a fixed order: no objects, as they are many."""
        v = t.vouches
        rows = self._c.execute(select(v.c.voucher, v.c.vouchee, v.c.strength).where(v.c.revoked_on.is_(None))
                               .order_by(v.c.id))
        return [(voucher, vouchee, strength) for voucher, vouchee, strength in rows]

    def active(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Vouch]:
        """The active vouches voucher -> vouchee among `pairs` (the few a page shows), without their notes."""
        wanted = set(pairs)
        if not wanted:
            return {}
        v = t.vouches
        rows = self._c.execute(select(v.c.id, v.c.voucher, v.c.vouchee, v.c.relationship, v.c.known_for_years,
                                      v.c.strength, v.c.created_on).where(
            v.c.revoked_on.is_(None), v.c.voucher.in_(sorted({a for a, _ in wanted})),
            v.c.vouchee.in_(sorted({b for _, b in wanted}))).order_by(v.c.id))
        return {(r.voucher, r.vouchee): Vouch(VouchId(r.id), r.voucher, r.vouchee, Relationship(r.relationship),
                                              r.known_for_years, r.strength, "", r.created_on)
                for r in rows if (r.voucher, r.vouchee) in wanted}

    def rejected_as_infiltrators(self) -> set[ApplicationId]:
        """Applications whose rejection (their current stage) gave the reason code suspected_infiltration."""
        a, c = t.applications, t.stage_changes
        rows = self._c.execute(select(c.c.application_id).join(a, a.c.id == c.c.application_id).where(
            (a.c.stage == Stage.REJECTED.value) & (c.c.to_stage == Stage.REJECTED.value)
            & (c.c.reason_code == ReasonCode.SUSPECTED_INFILTRATION.value)))
        return {ApplicationId(r.application_id) for r in rows}

    def stamp(self) -> tuple[object, ...]:
        """Changes whenever the graph or the seeds do (vouches are revoked, never deleted): a cache key."""
        v, c = t.vouches, t.stage_changes
        counts = self._c.execute(select(func.count(), func.count(v.c.revoked_on)).select_from(v)).one()
        rejected = self._c.execute(select(func.count()).select_from(c).where(
            c.c.reason_code == ReasonCode.SUSPECTED_INFILTRATION.value)).scalar_one()
        seeds = tuple(self._c.execute(select(t.trust_seeds.c.node).order_by(t.trust_seeds.c.node)).scalars())
        return (counts[0], counts[1], rejected, seeds)
