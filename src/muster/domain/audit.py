"""The audit log as a hash chain: entries, `link`, checkpoints, `verify`, and an in-memory appender.

Every change and every read of personal data appends an `AuditEntry` (who, what, when, which
case, why). Each stored record carries `hash = link(previous hash, entry)`:

    link(prev, entry) = SHA-256("muster/audit/v1" 0x00 || prev || canonical(entry))
    canonical(entry)  = JSON, keys sorted, no spaces, ASCII escapes (see AuditEntry.canonical)
    the first entry has sequence 1 and prev = GENESIS (32 zero bytes)

so changing, removing, adding or moving one record breaks every later hash unless the attacker
recomputes them all. Checkpoints (sequence, head hash) signed with Ed25519 by the crypto adapter
stop that recomputation: an attacker without the signing seed cannot re-sign. Checkpoints kept
only in the same database are truncated or rolled back with it, so the log and its checkpoints
being cut off at the same point, or replaced by an old backup, looks consistent; only a
checkpoint copy kept where the server cannot rewrite it (an auditor's export, a second host)
exposes truncation and roll-back. `verify` takes both kinds together.

Pure: stdlib hashlib/json only. Time comes in as `at`; signing and verification come in as callables
(crypto/signing.py provides them), so this module imports no crypto library.

Protects against (detects): edits, deletions, insertions, reordering of records; rewriting the
chain past a signed checkpoint; truncation and roll-back, against an external checkpoint copy.
Does not protect against: tampering after the last checkpoint the verifier holds, when the
attacker recomputes the hashes (keep checkpoints frequent and exported); an attacker holding the
signing seed; entries never written (a compromised server can skip logging); confidentiality
(entries are not encrypted: they hold ids and action tags, never names, answers or contacts).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum

HASH_BYTES = 32
GENESIS = bytes(HASH_BYTES)
_LINK_CONTEXT = b"muster/audit/v1\x00"
_CHECKPOINT_CONTEXT = b"muster/audit-checkpoint/v1\n"
_ACTION = re.compile(r"[a-z_]+:[a-z_]+:[a-z_]+\Z")
# One encoder for every entry: json.dumps with options builds a new one per call, a third of verify's time.
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True)

Signer = Callable[[bytes], bytes]
SignatureVerifier = Callable[[bytes, bytes], bool]


class AuditAction(StrEnum):
    """Audit tags, `scope:resource:action`. Others may be passed as strings of the same shape."""

    APPLICANT_RECORD_READ = "applicant:record:read"
    APPLICANT_RECORD_CREATE = "applicant:record:create"
    APPLICANT_RECORD_UPDATE = "applicant:record:update"
    APPLICANT_RECORD_EXPORT = "applicant:record:export"
    APPLICANT_RECORD_ERASE = "applicant:record:erase"
    APPLICANT_KEY_SHRED = "applicant:key:shred"
    VOUCH_RECORD_CREATE = "case:vouch:create"
    VOUCH_RECORD_REVOKE = "case:vouch:revoke"
    VOUCH_RECORD_READ = "case:vouch:read"
    UNIT_RECORD_CREATE = "placement:unit:create"
    USER_ACCOUNT_CREATE = "admin:user:create"
    USER_ACCOUNT_DISABLE = "admin:user:disable"
    USER_ACCOUNT_ENABLE = "admin:user:enable"
    SYSTEM_KEYS_ROTATE = "system:keys:rotate"
    AUDIT_CHECKPOINT_CREATE = "audit:checkpoint:create"
    HIT_RECORD_CREATE = "security:hit:create"
    HIT_RECORD_READ = "security:hit:read"
    HIT_RECORD_DECIDE = "security:hit:decide"
    WATCHLIST_VERSION_IMPORT = "screening:watchlist:import"
    TRUST_RECORD_READ = "security:trust:read"
    TRUST_SCORES_RECOMPUTE = "system:trust:recompute"
    SEED_CREATE = "admin:seed:create"
    SEED_DELETE = "admin:seed:delete"
    REVIEW_FLAG_RAISE = "security:flag:raise"
    REVIEW_FLAG_CLEAR = "security:flag:clear"


@dataclass(frozen=True)
class AuditEvent:
    """What a use case asks to record; the trail adds the sequence number and the time.
    `actor` is a reviewer id, "applicant" or "system"; `reason` names the action or endpoint."""

    actor: str
    action: str
    case_id: str | None = None
    reason: str = ""


class SequenceTaken(Exception):
    """Storage refused an entry: another writer appended one with the same sequence number first."""


def _timestamp(at: datetime) -> str:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("audit timestamps must be timezone-aware")
    if at.tzinfo is not UTC:
        at = at.astimezone(UTC)
    return (
        f"{at.year:04d}-{at.month:02d}-{at.day:02d}"
        f"T{at.hour:02d}:{at.minute:02d}:{at.second:02d}.{at.microsecond:06d}Z"
    )


@dataclass(frozen=True)
class AuditEntry:
    """One audited event. `actor` and `case_id` are ids; `reason` is the actor's stated purpose."""

    sequence: int
    at: datetime
    actor: str
    action: str
    case_id: str | None
    reason: str

    def __post_init__(self) -> None:
        if self.sequence < 1:
            raise ValueError("audit sequence numbers start at 1")
        if not self.actor:
            raise ValueError("an audit entry needs an actor")
        if not _ACTION.match(str(self.action)):
            raise ValueError("audit actions are spelled scope:resource:action")
        _timestamp(self.at)

    def canonical(self) -> bytes:
        """The bytes the chain hashes: an auditor can recompute them with any JSON library."""
        document = {
            "v": 1,
            "seq": self.sequence,
            "at": _timestamp(self.at),
            "actor": self.actor,
            "action": str(self.action),
            "case": self.case_id,
            "reason": self.reason,
        }
        return _CANONICAL_JSON.encode(document).encode("ascii")


@dataclass(frozen=True)
class ChainedEntry:
    """An entry with its chain hash: what storage persists (the entry's fields plus `hash`)."""

    entry: AuditEntry
    hash: bytes

    @property
    def sequence(self) -> int:
        return self.entry.sequence


def link(prev_hash: bytes, entry: AuditEntry) -> bytes:
    """The chain hash of `entry` following a record whose hash is `prev_hash`."""
    if len(prev_hash) != HASH_BYTES:
        raise ValueError("a chain hash is 32 bytes")
    return hashlib.sha256(_LINK_CONTEXT + prev_hash + entry.canonical()).digest()


@dataclass(frozen=True)
class Checkpoint:
    """The chain head after entry `sequence`, signed. Also exported for auditors as JSON lines."""

    sequence: int
    head: bytes
    signature: bytes = field(default=b"", repr=False)

    def message(self) -> bytes:
        """The bytes signed: a domain-separated, unambiguous text of sequence and head."""
        return _CHECKPOINT_CONTEXT + f"{self.sequence}\n{self.head.hex()}".encode("ascii")

    def signed(self, sign: Signer) -> Checkpoint:
        return replace(self, signature=sign(self.message()))

    def to_json(self) -> str:
        return json.dumps(
            {"sequence": self.sequence, "head": self.head.hex(), "signature": self.signature.hex()},
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, line: str) -> Checkpoint:
        data = json.loads(line)
        return cls(int(data["sequence"]), bytes.fromhex(data["head"]), bytes.fromhex(data["signature"]))


class Tamper(StrEnum):
    """What `verify` found, named after the most likely tampering that explains it."""

    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    TRUNCATED = "truncated"
    DIVERGED = "diverged"
    FORGED_CHECKPOINT = "forged-checkpoint"


@dataclass(frozen=True)
class Problem:
    """The first problem found. `sequence`: the first entry number affected (for DIVERGED the first
    entry that may have been rewritten); `position`: 0-based index in the records as given, if any."""

    kind: Tamper
    sequence: int
    position: int | None
    detail: str


@dataclass(frozen=True)
class VerificationResult:
    """Outcome of `verify`; `entries_checked` counts records verified before the first problem."""

    entries_checked: int
    head: bytes
    checkpoints_matched: int
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _classify(
    position: int, record: ChainedEntry, prev: bytes, prev_prev: bytes | None, rest: Sequence[ChainedEntry]
) -> Problem:
    expected = position + 1
    seq = record.sequence
    if seq == expected:
        if rest and rest[0].sequence == seq:
            return Problem(Tamper.INSERTED, seq, position, f"entry at position {position} repeats number {seq}")
        renumbered = replace(record.entry, sequence=seq - 1) if seq > 1 else None
        if prev_prev is not None and renumbered is not None and record.hash == link(prev_prev, renumbered):
            return Problem(
                Tamper.INSERTED, seq - 1, position - 1, f"an entry was inserted as {seq - 1}; later ones renumbered"
            )
        return Problem(Tamper.EDITED, seq, position, f"entry {seq} does not match its hash")
    if seq > expected:
        if any(later.sequence == expected for later in rest):
            return Problem(Tamper.REORDERED, expected, position, f"entry {expected} appears after entry {seq}")
        return Problem(Tamper.DELETED, expected, position, f"entries {expected}..{seq - 1} are missing")
    if record.hash == prev:
        return Problem(Tamper.INSERTED, seq, position, f"entry at position {position} is a copy of the one before")
    if seq == expected - 1 and prev_prev is not None and record.hash == link(prev_prev, record.entry):
        return Problem(Tamper.INSERTED, seq, position - 1, f"the entry before position {position} was inserted")
    return Problem(Tamper.INSERTED, seq, position, f"entry at position {position} repeats number {seq}")


def verify(
    records: Iterable[ChainedEntry],
    checkpoints: Iterable[Checkpoint] = (),
    *,
    verify_signature: SignatureVerifier | None = None,
) -> VerificationResult:
    """Check the chain and the checkpoints; name the first entry where tampering shows.

    `records` in the order they were appended (storage: ORDER BY the physical insertion order,
    e.g. an autoincrement rowid, so that reordering shows as such). `checkpoints`: the ones stored
    beside the log plus any external copy; with `verify_signature` each must carry a valid
    signature, without it they are trusted as given (an auditor's own copy). Streams: memory is
    constant until a problem is found.
    """
    marks = sorted(checkpoints, key=lambda cp: cp.sequence)
    if verify_signature is not None:
        for cp in marks:
            if not verify_signature(cp.message(), cp.signature):
                detail = f"checkpoint at entry {cp.sequence} has no valid signature"
                return VerificationResult(0, GENESIS, 0, Problem(Tamper.FORGED_CHECKPOINT, cp.sequence, None, detail))
    by_sequence: dict[int, list[Checkpoint]] = {}
    for cp in marks:
        by_sequence.setdefault(cp.sequence, []).append(cp)

    prev, prev_prev = GENESIS, None
    position = matched = last_matched = 0
    stream = iter(records)
    for record in stream:
        expected = position + 1
        if record.sequence != expected or record.hash != link(prev, record.entry):
            problem = _classify(position, record, prev, prev_prev, list(stream))
            return VerificationResult(position, prev, matched, problem)
        here = by_sequence.get(expected, ())
        if any(cp.head != record.hash for cp in here):
            # Checked before counting any as matched: a stored checkpoint agreeing with a rolled-back
            # log must not hide the external one at the same number that disagrees.
            detail = (
                f"the chain at entry {expected} differs from its checkpoint: entries "
                f"{last_matched + 1}..{expected} were rewritten, or the log was rolled back and continued"
            )
            problem = Problem(Tamper.DIVERGED, last_matched + 1, last_matched, detail)
            return VerificationResult(position, prev, matched, problem)
        if here:
            matched += len(here)
            last_matched = expected
        prev_prev, prev = prev, record.hash
        position += 1

    beyond = [cp for cp in marks if cp.sequence > position]
    if beyond:
        detail = (
            f"the log ends at entry {position} but a checkpoint was taken at entry {beyond[-1].sequence}: "
            "truncated, or rolled back to an older copy"
        )
        return VerificationResult(position, prev, matched, Problem(Tamper.TRUNCATED, position + 1, None, detail))
    return VerificationResult(position, prev, matched)


class AuditChain:
    """Appends entries and keeps the chain head in memory under the writer lock.

    Storage builds one at start-up with `resume(last stored record)` and calls `append` with a
    `persist` callback that writes the record (inside the caller's transaction): the head only
    advances if `persist` returns, so a failed write leaves the chain as it was. One AuditChain
    per log and process; with several writer processes the lock must be the database's instead.
    """

    def __init__(self, *, head: bytes = GENESIS, sequence: int = 0) -> None:
        if len(head) != HASH_BYTES or sequence < 0:
            raise ValueError("bad chain head")
        self._head = head
        self._sequence = sequence
        self._lock = threading.Lock()

    @classmethod
    def resume(cls, last: ChainedEntry | None) -> AuditChain:
        """Continue after the last stored record (None for an empty log). Run `verify` to trust it."""
        if last is None:
            return cls()
        return cls(head=last.hash, sequence=last.sequence)

    @property
    def head(self) -> bytes:
        return self._head

    @property
    def sequence(self) -> int:
        """Number of the last entry appended (0 when empty)."""
        return self._sequence

    def append(
        self,
        *,
        at: datetime,
        actor: str,
        action: str,
        case_id: str | None,
        reason: str,
        persist: Callable[[ChainedEntry], None] | None = None,
    ) -> ChainedEntry:
        """Chain a new entry; `persist` stores it before the head moves on."""
        def persist_one(records: list[ChainedEntry]) -> None:
            if persist is not None:
                persist(records[0])

        return self.append_many([(at, actor, action, case_id, reason)], persist=persist_one)[0]

    def append_many(
        self,
        events: Sequence[tuple[datetime, str, str, str | None, str]],
        *,
        persist: Callable[[list[ChainedEntry]], None],
    ) -> list[ChainedEntry]:
        """Chain several entries `(at, actor, action, case_id, reason)` at once; `persist` stores them
        all (typically with the caller's commit) before the head moves on, so a failure moves nothing."""
        with self._lock:
            head, sequence, records = self._head, self._sequence, []
            for at, actor, action, case_id, reason in events:
                sequence += 1
                entry = AuditEntry(sequence, at, actor, action, case_id, reason)
                head = link(head, entry)
                records.append(ChainedEntry(entry, head))
            persist(records)
            self._head, self._sequence = head, sequence
            return records

    def checkpoint(self, sign: Signer) -> Checkpoint:
        """Sign the current head (e.g. `AuditSigner.sign`); store it and export a copy off the server."""
        with self._lock:
            return Checkpoint(self._sequence, self._head).signed(sign)
