"""Composition root: the one module that knows every concrete class.

`build(settings)` opens the databases and the key ring and wires services to adapters;
`prepare(container)` brings a database to the current schema and creates the first admin.
Nothing happens at import time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import partial
from importlib import resources
from pathlib import Path

import yaml
from sqlalchemy import Engine

from muster.config import Settings
from muster.crypto.blind_index import CONTACT_EMAIL, CONTACT_PHONE, BlindIndex, IndexSpec, blocking
from muster.crypto.errors import ReceiptMalformed
from muster.crypto.keypool import DataKeyPool
from muster.crypto.keyring import KeyRing
from muster.crypto.passwords import Argon2PasswordHasher
from muster.crypto.receipts import ReceiptCodes, ReceiptLookup, default_receipt_codes
from muster.crypto.sealing import OwnerSealer, Sealer
from muster.crypto.shredding import shred_data_key
from muster.crypto.signing import AuditSigner, signature_verifier
from muster.domain.accounts import LockoutPolicy
from muster.domain.jobs import JobKind, Nightly
from muster.domain.permissions import Role
from muster.domain.questionnaire import Questionnaire, parse_questionnaire
from muster.services.accounts import AccountService
from muster.services.audit import AuditService
from muster.services.cases import CaseService
from muster.services.duplicates import DuplicateService
from muster.services.erasure import ErasureService
from muster.services.intake import IntakeService
from muster.services.screening import ScreeningService
from muster.services.units import UnitService
from muster.services.trust import TrustService
from muster.services.vouching import VouchService
from muster.jobs import rescreen, retention
from muster.jobs import trust as trust_jobs
from muster.jobs.runner import JobRunner
from muster.storage import migrate
from muster.storage.db import make_engine
from muster.storage.keystore import SqlKeyStore
from muster.storage.sealed_codec import SealingCodec
from muster.storage.unit_of_work import SqlUnitOfWork


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class KeyedReceipts:
    """ReceiptIssuer over the crypto package: six-word codes, HMAC lookup ids stored instead."""

    def __init__(self, codes: ReceiptCodes, lookup: ReceiptLookup) -> None:
        self._codes = codes
        self._lookup = lookup

    def issue(self) -> str:
        return self._codes.generate()

    def lookup_id(self, code: str) -> str | None:
        try:
            return self._lookup.lookup_id(code).hex()
        except ReceiptMalformed:
            return None


class BlindContactIndexer:
    """ContactIndexer over the crypto package: CONTACT_EMAIL / CONTACT_PHONE blind indexes and the `blocking("name")`
    index of name blocking keys (3 bytes each)."""

    SPECS: dict[str, IndexSpec] = {"email": CONTACT_EMAIL, "phone": CONTACT_PHONE, "name": blocking("name")}

    def __init__(self, index: BlindIndex) -> None:
        self._index = index

    def digest(self, kind: str, value: str) -> bytes:
        return self._index.compute(self.SPECS[kind], value)

    def normalise(self, kind: str, value: str) -> str:
        return self.SPECS[kind].normalise(value)


def sealing_codec(ring: KeyRing, pool: DataKeyPool | None = None) -> SealingCodec:
    """Seals with each applicant's data key; a new applicant's key comes from `pool` when given."""
    create = pool.claim if pool is not None else ring.create_data_key
    return SealingCodec(Sealer(ring).for_owner, lambda owner: OwnerSealer(create(owner)))


def new_id() -> str:
    return str(uuid.uuid4())


def load_questionnaire(path: Path | None) -> Questionnaire:
    """The questionnaire at `path`, or the shipped default."""
    if path is None:
        text = resources.files("muster.questionnaires").joinpath("default.yaml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return parse_questionnaire(yaml.safe_load(text))


@dataclass
class Container:
    settings: Settings
    engine: Engine
    keystore_engine: Engine
    ring: KeyRing
    questionnaire: Questionnaire
    clock: SystemClock
    intake: IntakeService
    accounts: AccountService
    cases: CaseService
    duplicates: DuplicateService
    units: UnitService
    vouching: VouchService
    trust: TrustService
    audit: AuditService
    erasure: ErasureService
    screening: ScreeningService
    jobs: JobRunner

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, partial(sealing_codec, self.ring))

    def close(self) -> None:
        self.engine.dispose()
        self.keystore_engine.dispose()


def build(settings: Settings) -> Container:
    """Wire everything for `settings`. Creates the key file and system keys on first start."""
    engine = make_engine(settings.resolved_database_url)
    keystore_engine = make_engine(settings.resolved_keystore_url)
    ring = KeyRing.from_key_file(settings.resolved_key_file, SqlKeyStore(keystore_engine))
    pool = DataKeyPool(ring, new_id=new_id)  # intake's ids come with their data keys already stored
    uow = partial(SqlUnitOfWork, engine, partial(sealing_codec, ring, pool))
    clock = SystemClock()
    blind_index = BlindIndex(ring.blind_index_key())  # one key-store read and unwrap for both users
    receipts = KeyedReceipts(default_receipt_codes(), ReceiptLookup(default_receipt_codes(), blind_index))
    questionnaire = load_questionnaire(settings.questionnaire)
    contacts = BlindContactIndexer(blind_index)
    signer = AuditSigner(ring.audit_signing_seed())
    audit = AuditService(uow=uow, clock=clock, sign=signer.sign, verify_signature=signature_verifier(signer.verify_key),
                         checkpoint_every=settings.audit_checkpoint_every)
    trust = TrustService(uow=uow, clock=clock, new_id=new_id, audit=audit)
    # Every application is screened by a background job, queued in the transaction that stores it.
    screening = ScreeningService(uow=uow, clock=clock, new_id=new_id, audit=audit)
    erasure = ErasureService(uow=uow, clock=clock, shred=lambda owner: shred_data_key(ring, owner).destroyed,
                             retention_days=settings.retention_days, audit=audit)
    # The worker also runs the nightly batch (trust rescore, retention), unless cron does (MUSTER_NIGHTLY_AT empty).
    at = settings.nightly_at
    jobs = JobRunner(uow=uow, clock=clock, new_id=new_id,
                     handlers=rescreen.handlers(screening) | trust_jobs.handlers(trust) | retention.handlers(erasure),
                     schedule=[Nightly(kind, at) for kind in (JobKind.TRUST_RECOMPUTE, JobKind.RETENTION)] if at is not None else [])
    jobs.on_start.append(lambda: rescreen.enqueue_unscreened(jobs, screening))
    return Container(
        settings=settings,
        engine=engine,
        keystore_engine=keystore_engine,
        ring=ring,
        questionnaire=questionnaire,
        clock=clock,
        intake=IntakeService(uow=uow, questionnaire=questionnaire, receipts=receipts, clock=clock, new_id=pool.new_id,
                             audit=audit, in_submit=partial(rescreen.queue_screening, jobs),
                             after_submit=lambda _submitted: jobs.notify(), contacts=contacts),
        accounts=AccountService(uow=uow, hasher=Argon2PasswordHasher(), clock=clock, new_id=new_id,
                                lockout=LockoutPolicy(settings.lockout_failures, timedelta(minutes=settings.lockout_minutes)),
                                session_lifetime=timedelta(minutes=settings.session_minutes), audit=audit),
        cases=CaseService(uow=uow, clock=clock, audit=audit, after_action=trust.on_case_action,
                          guards=(screening.guard,)),
        duplicates=DuplicateService(uow=uow, questionnaire=questionnaire, indexer=contacts, audit=audit),
        units=UnitService(uow=uow, new_id=new_id, audit=audit),
        vouching=VouchService(uow=uow, clock=clock, new_id=new_id, audit=audit, after_change=trust.on_vouch_changed),
        trust=trust,
        audit=audit,
        erasure=erasure,
        screening=screening,
        jobs=jobs,
    )


def prepare(container: Container) -> str | None:
    """Migrate to the current schema; create an `admin` account when there is none.

    Returns the admin's one-time password when one was created, else None.
    """
    migrate.upgrade(container.engine)
    if container.accounts.list():
        return None
    _admin, password = container.accounts.add("admin", Role.ADMIN)
    return password
