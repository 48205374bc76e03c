"""Sql*Repository: explicit mapping between rows and domain objects.

Personal values (answers, notes) pass through the FieldCodec here, where they are written.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from muster.domain.accounts import Reviewer
from muster.domain.audit import AuditEntry, ChainedEntry, Checkpoint, SequenceTaken
from muster.domain.errors import ApplicationUnknown, ReviewerUnknown, UnitUnknown, NotFound
from muster.domain.ids import ApplicationId, ReviewerId, UnitId, VouchId
from muster.domain.permissions import Compartment, Role
from muster.domain.questionnaire import Answer
from muster.domain.units import Unit
from muster.domain.vouches import Relationship, Vouch, application_of
from muster.domain.workflow import Action, Application, ReasonCode, Stage, StageChange
from muster.storage import tables as t
from muster.storage.codec import FieldCodec


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes; everything Muster stores is UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


class SqlApplicationRepository:
    def __init__(self, connection: Connection, codec: FieldCodec) -> None:
        self._c = connection
        self._codec = codec

    def add(self, application: Application, *, receipt_lookup: str, questionnaire_version: str,
            answers: Mapping[str, tuple[Compartment, Answer]]) -> None:
        self._c.execute(insert(t.applications).values(
            id=application.id, stage=application.stage, submitted_on=application.submitted_on,
            stage_entered_at=application.stage_entered_at, receipt_lookup=receipt_lookup,
            questionnaire_version=questionnaire_version, unit_id=application.unit_id,
        ))
        self._codec.new_owner(application.id)
        rows = [
            {"application_id": application.id, "field": name, "compartment": compartment,
             "value": self._codec.encode(owner=application.id, table="answers", column="value",
                                         row=f"{application.id}/{name}", value=value)}
            for name, (compartment, value) in answers.items()
        ]
        if rows:
            self._c.execute(insert(t.answers), rows)
        self._append_history(application, already=0)

    def get(self, application_id: ApplicationId) -> Application:
        row = self._c.execute(select(t.applications).where(t.applications.c.id == application_id)).first()
        if row is None:
            raise ApplicationUnknown(f"application {application_id} does not exist")
        return self._load(row)

    def by_receipt(self, receipt_lookup: str) -> Application | None:
        row = self._c.execute(select(t.applications).where(t.applications.c.receipt_lookup == receipt_lookup)).first()
        return None if row is None else self._load(row)

    def save(self, application: Application) -> None:
        already = self._c.execute(
            select(func.count()).select_from(t.stage_changes).where(t.stage_changes.c.application_id == application.id)
        ).scalar_one()
        self._c.execute(update(t.applications).where(t.applications.c.id == application.id).values(
            stage=application.stage, stage_entered_at=application.stage_entered_at, unit_id=application.unit_id,
        ))
        self._append_history(application, already=already)

    def answers(self, application_id: ApplicationId, compartments: Iterable[Compartment]) -> dict[str, Answer]:
        wanted = [str(c) for c in compartments]
        if not wanted:
            return {}
        rows = self._c.execute(select(t.answers.c.field, t.answers.c.value).where(
            t.answers.c.application_id == application_id, t.answers.c.compartment.in_(wanted)))
        return {
            r.field: self._codec.decode(owner=application_id, table="answers", column="value",
                                        row=f"{application_id}/{r.field}", data=r.value)
            for r in rows
        }

    def page(self, *, stages: Iterable[Stage] | None, offset: int, limit: int) -> tuple[list[Application], int]:
        query = select(t.applications)
        counter = select(func.count()).select_from(t.applications)
        if stages is not None:
            names = [str(s) for s in stages]
            query = query.where(t.applications.c.stage.in_(names))
            counter = counter.where(t.applications.c.stage.in_(names))
        rows = self._c.execute(query.order_by(t.applications.c.stage_entered_at, t.applications.c.id)
                               .offset(offset).limit(limit)).all()
        histories = self._histories([r.id for r in rows])
        return [self._from_row(r, histories.get(r.id, ())) for r in rows], self._c.execute(counter).scalar_one()

    def occupied(self) -> dict[UnitId, int]:
        rows = self._c.execute(select(t.applications.c.unit_id, func.count()).where(
            t.applications.c.unit_id.is_not(None)).group_by(t.applications.c.unit_id))
        return {UnitId(unit_id): count for unit_id, count in rows}

    def erase(self, application_id: ApplicationId, *, on: date) -> None:
        """Delete the personal data of one application, keeping the row as a tombstone (stage, dates)."""
        self._c.execute(delete(t.answers).where(t.answers.c.application_id == application_id))
        self._c.execute(update(t.stage_changes).where(t.stage_changes.c.application_id == application_id).values(note=None))
        self._c.execute(update(t.applications).where(t.applications.c.id == application_id).values(erased_on=on))

    def erased_on(self, application_id: ApplicationId) -> date | None:
        """When the application was erased (None while it is not); one column, where `get` reads the history
        and unseals its notes. ApplicationUnknown for an id that names nothing."""
        row = self._c.execute(select(t.applications.c.erased_on).where(t.applications.c.id == application_id)).first()
        if row is None:
            raise ApplicationUnknown(f"application {application_id} does not exist")
        return row.erased_on  # type: ignore[no-any-return]

    def not_erased(self, stages: Iterable[Stage] | None = None, *,
                   entered_before: datetime | None = None) -> list[ApplicationId]:
        """Ids of the applications not erased (in `stages`, and that entered them before `entered_before`, when
        given), longest in their stage first."""
        query = select(t.applications.c.id).where(t.applications.c.erased_on.is_(None))
        if stages is not None:
            query = query.where(t.applications.c.stage.in_([str(s) for s in stages]))
        if entered_before is not None:
            query = query.where(t.applications.c.stage_entered_at < entered_before)
        rows = self._c.execute(query.order_by(t.applications.c.stage_entered_at, t.applications.c.id))
        return [ApplicationId(r) for r in rows.scalars()]

    def _append_history(self, application: Application, *, already: int) -> None:
        rows = []
        for seq, change in enumerate(application.history[already:], start=already + 1):
            note = None
            if change.note:
                note = self._codec.encode(owner=application.id, table="stage_changes", column="note",
                                          row=f"{application.id}/{seq}", value=change.note)
            rows.append({
                "application_id": application.id, "seq": seq, "action": change.action,
                "from_stage": change.from_stage, "to_stage": change.to_stage, "actor_id": change.actor_id,
                "actor_role": change.actor_role, "at": change.at, "reason_code": change.reason_code, "note": note,
            })
        if rows:
            self._c.execute(insert(t.stage_changes), rows)

    def _histories(self, ids: list[str]) -> dict[str, tuple[StageChange, ...]]:
        if not ids:
            return {}
        found: dict[str, list[StageChange]] = {}
        rows = self._c.execute(select(t.stage_changes).where(t.stage_changes.c.application_id.in_(ids))
                               .order_by(t.stage_changes.c.application_id, t.stage_changes.c.seq))
        for r in rows:
            note = "" if r.note is None else self._codec.decode(
                owner=r.application_id, table="stage_changes", column="note", row=f"{r.application_id}/{r.seq}", data=r.note)
            found.setdefault(r.application_id, []).append(StageChange(
                action=Action(r.action), from_stage=Stage(r.from_stage), to_stage=Stage(r.to_stage),
                actor_id=ReviewerId(r.actor_id), actor_role=Role(r.actor_role), at=_aware(r.at),
                reason_code=ReasonCode(r.reason_code) if r.reason_code else None, note=note,
            ))
        return {k: tuple(v) for k, v in found.items()}

    def _load(self, row: Any) -> Application:
        return self._from_row(row, self._histories([row.id]).get(row.id, ()))

    @staticmethod
    def _from_row(row: Any, history: tuple[StageChange, ...]) -> Application:
        stage = Stage(row.stage)
        # Approvals are derived from the history: those given since the case entered its stage.
        approvals = tuple(c.actor_id for c in history if c.action is Action.APPROVE and stage is Stage.DECISION)
        return Application(
            id=ApplicationId(row.id), stage=stage, submitted_on=row.submitted_on,
            stage_entered_at=_aware(row.stage_entered_at), approvals=approvals, history=history,
            unit_id=UnitId(row.unit_id) if row.unit_id else None, erased_on=row.erased_on,
        )


class SqlReviewerRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, reviewer: Reviewer, *, password_hash: str, created_at: datetime) -> None:
        self._c.execute(insert(t.reviewers).values(
            id=reviewer.id, username=reviewer.username, role=reviewer.role, disabled=reviewer.disabled,
            failed_logins=reviewer.failed_logins, locked_until=reviewer.locked_until,
            password_hash=password_hash, created_at=created_at))

    def get(self, reviewer_id: ReviewerId) -> Reviewer:
        row = self._c.execute(select(t.reviewers).where(t.reviewers.c.id == reviewer_id)).first()
        if row is None:
            raise ReviewerUnknown(f"reviewer {reviewer_id} does not exist")
        return self._from_row(row)

    def by_username(self, username: str) -> tuple[Reviewer, str] | None:
        row = self._c.execute(select(t.reviewers).where(t.reviewers.c.username == username)).first()
        return None if row is None else (self._from_row(row), row.password_hash)

    def save(self, reviewer: Reviewer) -> None:
        self._c.execute(update(t.reviewers).where(t.reviewers.c.id == reviewer.id).values(
            role=reviewer.role, disabled=reviewer.disabled, failed_logins=reviewer.failed_logins,
            locked_until=reviewer.locked_until))

    def set_password(self, reviewer_id: ReviewerId, password_hash: str) -> None:
        self._c.execute(update(t.reviewers).where(t.reviewers.c.id == reviewer_id).values(password_hash=password_hash))

    def list(self) -> list[Reviewer]:
        return [self._from_row(r) for r in self._c.execute(select(t.reviewers).order_by(t.reviewers.c.username))]

    @staticmethod
    def _from_row(row: Any) -> Reviewer:
        return Reviewer(id=ReviewerId(row.id), username=row.username, role=Role(row.role), disabled=row.disabled,
                        failed_logins=row.failed_logins, locked_until=_aware(row.locked_until))


class SqlSessionRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, *, token_hash: str, reviewer_id: ReviewerId, csrf_token: str, expires_at: datetime) -> None:
        self._c.execute(insert(t.sessions).values(token_hash=token_hash, reviewer_id=reviewer_id,
                                                   csrf_token=csrf_token, expires_at=expires_at))

    def get(self, token_hash: str) -> tuple[ReviewerId, str, datetime] | None:
        row = self._c.execute(select(t.sessions).where(t.sessions.c.token_hash == token_hash)).first()
        return None if row is None else (ReviewerId(row.reviewer_id), row.csrf_token, _aware(row.expires_at))

    def delete(self, token_hash: str) -> None:
        self._c.execute(delete(t.sessions).where(t.sessions.c.token_hash == token_hash))

    def delete_for(self, reviewer_id: ReviewerId) -> None:
        self._c.execute(delete(t.sessions).where(t.sessions.c.reviewer_id == reviewer_id))


class SqlUnitRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(self, unit: Unit) -> None:
        self._c.execute(insert(t.units).values(id=unit.id, name=unit.name, capacity=unit.capacity,
                                                skills_wanted=",".join(unit.skills_wanted), languages=",".join(unit.languages)))

    def get(self, unit_id: UnitId) -> Unit:
        row = self._c.execute(select(t.units).where(t.units.c.id == unit_id)).first()
        if row is None:
            raise UnitUnknown(f"unit {unit_id} does not exist")
        return self._from_row(row)

    def list(self) -> list[Unit]:
        return [self._from_row(r) for r in self._c.execute(select(t.units).order_by(t.units.c.name))]

    @staticmethod
    def _from_row(row: Any) -> Unit:
        split = lambda text: tuple(x for x in text.split(",") if x)  # noqa: E731
        return Unit(id=UnitId(row.id), name=row.name, capacity=row.capacity,
                    skills_wanted=split(row.skills_wanted), languages=split(row.languages))


def _owner(vouchee: str) -> str:
    # A vouch note belongs to the applicant vouched for: erasing them erases it too.
    return application_of(vouchee)


class SqlVouchRepository:
    def __init__(self, connection: Connection, codec: FieldCodec) -> None:
        self._c = connection
        self._codec = codec

    def add(self, vouch: Vouch) -> None:
        note = self._codec.encode(owner=_owner(vouch.vouchee), table="vouches", column="note", row=vouch.id, value=vouch.note)
        self._c.execute(insert(t.vouches).values(
            id=vouch.id, voucher=vouch.voucher, vouchee=vouch.vouchee, relationship=vouch.relationship,
            known_for_years=vouch.known_for_years, strength=vouch.strength, note=note,
            created_on=vouch.created_on, revoked_on=vouch.revoked_on))

    def get(self, vouch_id: VouchId) -> Vouch:
        row = self._c.execute(select(t.vouches).where(t.vouches.c.id == vouch_id)).first()
        if row is None:
            raise NotFound(f"vouch {vouch_id} does not exist")
        return self._from_row(row)

    def involving(self, node: str) -> list[Vouch]:
        rows = self._c.execute(select(t.vouches).where((t.vouches.c.voucher == node) | (t.vouches.c.vouchee == node))
                               .order_by(t.vouches.c.created_on, t.vouches.c.id))
        return [self._from_row(r) for r in rows]

    def revoke(self, vouch_id: VouchId, on: date) -> None:
        self._c.execute(update(t.vouches).where(t.vouches.c.id == vouch_id).values(revoked_on=on))

    def erase_notes(self, vouchee: str) -> None:
        """Drop the notes about one applicant (sealed with their data key) from every vouch for them."""
        self._c.execute(update(t.vouches).where(t.vouches.c.vouchee == vouchee).values(note=None))

    def _from_row(self, row: Any) -> Vouch:
        note = self._codec.decode(owner=_owner(row.vouchee), table="vouches", column="note", row=row.id, data=row.note) if row.note else ""
        return Vouch(id=VouchId(row.id), voucher=row.voucher, vouchee=row.vouchee, relationship=Relationship(row.relationship),
                     known_for_years=row.known_for_years, strength=row.strength, note=note,
                     created_on=row.created_on, revoked_on=row.revoked_on)


_AUDIT_CHAIN_LOCK = 0x6D75737465720001  # "muster" + 1: the advisory lock key of the audit chain


class SqlAuditRepository:
    """The audit log and its checkpoints. Entries are read back in insertion order (`position`)."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def lock_chain(self) -> None:
        """Hold other writers off the log until this transaction ends (PostgreSQL's advisory lock; SQLite
        writers queue on the database lock anyway). Without it, two busy processes can keep taking each
        other's next sequence number until one gives up."""
        if self._c.dialect.name == "postgresql":
            self._c.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _AUDIT_CHAIN_LOCK})

    def add(self, records: list[ChainedEntry]) -> None:
        """Insert entries; SequenceTaken (and nothing inserted) if a number is already used."""
        rows = [{"sequence": r.entry.sequence, "at": r.entry.at, "actor": r.entry.actor, "action": str(r.entry.action),
                 "case_id": r.entry.case_id, "reason": r.entry.reason, "hash": r.hash} for r in records]
        try:
            if self._c.dialect.name == "sqlite":
                # SQLite undoes only the failed statement, not the transaction: no savepoint needed.
                self._c.execute(insert(t.audit_entries), rows)
            else:
                with self._c.begin_nested():  # a savepoint: the caller's change survives a lost race
                    self._c.execute(insert(t.audit_entries), rows)
        except IntegrityError as error:
            raise SequenceTaken(str(records[0].entry.sequence)) from error

    def last(self) -> ChainedEntry | None:
        row = self._c.execute(select(t.audit_entries).order_by(t.audit_entries.c.position.desc()).limit(1)).first()
        return None if row is None else self._from_row(row)

    def records(self, batch: int = 5000) -> Iterator[ChainedEntry]:
        """Every entry in insertion order, fetched in batches."""
        after = -1
        while True:
            rows = self._c.execute(select(t.audit_entries).where(t.audit_entries.c.position > after)
                                   .order_by(t.audit_entries.c.position).limit(batch)).all()
            for row in rows:
                yield self._from_row(row)
            if len(rows) < batch:
                return
            after = rows[-1].position

    def page(self, *, offset: int, limit: int, case_id: str | None = None) -> tuple[list[ChainedEntry], int]:
        """Newest first."""
        query = select(t.audit_entries)
        counter = select(func.count()).select_from(t.audit_entries)
        if case_id:
            query = query.where(t.audit_entries.c.case_id == case_id)
            counter = counter.where(t.audit_entries.c.case_id == case_id)
        rows = self._c.execute(query.order_by(t.audit_entries.c.position.desc()).offset(offset).limit(limit)).all()
        return [self._from_row(r) for r in rows], self._c.execute(counter).scalar_one()

    def add_checkpoint(self, checkpoint: Checkpoint) -> None:
        exists = self._c.execute(select(t.audit_checkpoints.c.sequence)
                                 .where(t.audit_checkpoints.c.sequence == checkpoint.sequence)).first()
        if exists is None:
            self._c.execute(insert(t.audit_checkpoints).values(sequence=checkpoint.sequence, head=checkpoint.head,
                                                               signature=checkpoint.signature))

    def checkpoints(self) -> list[Checkpoint]:
        rows = self._c.execute(select(t.audit_checkpoints).order_by(t.audit_checkpoints.c.sequence))
        return [Checkpoint(r.sequence, bytes(r.head), bytes(r.signature)) for r in rows]

    @staticmethod
    def _from_row(row: Any) -> ChainedEntry:
        try:
            entry = AuditEntry(row.sequence, _aware(row.at), row.actor, row.action, row.case_id, row.reason)
        except (ValueError, TypeError):
            # A row edited into something no entry can be: keep its place so verify names it as edited.
            entry = AuditEntry(max(int(row.sequence or 1), 1), datetime(1970, 1, 1, tzinfo=timezone.utc), "?",
                               "invalid:audit:row", None, "")
        return ChainedEntry(entry, bytes(row.hash or b""))
