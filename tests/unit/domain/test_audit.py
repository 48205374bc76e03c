"""Audit chain tests. Tampering is simulated on the list of records storage would hand to `verify`;
checkpoints are signed with a stdlib HMAC stand-in so the domain tests stay free of crypto libraries
(tests/unit/crypto/test_signing.py runs the same path with Ed25519)."""

import hashlib
import hmac
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from muster.domain.audit import (
    GENESIS,
    AuditAction,
    AuditChain,
    AuditEntry,
    ChainedEntry,
    Checkpoint,
    Tamper,
    link,
    verify,
)

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SIGNING_KEY = b"test checkpoint key"


def sign(message: bytes) -> bytes:
    return hmac.new(SIGNING_KEY, message, hashlib.sha256).digest()


def check_signature(message: bytes, signature: bytes) -> bool:
    return hmac.compare_digest(sign(message), signature)


def append(chain: AuditChain, n: int, *, actor: str = "rev-1") -> ChainedEntry:
    return chain.append(
        at=T0 + timedelta(minutes=n), actor=actor, action=AuditAction.APPLICANT_RECORD_READ,
        case_id=f"app-{n}", reason="first review",
    )


def build(count: int = 10) -> tuple[AuditChain, list[ChainedEntry]]:
    chain = AuditChain()
    return chain, [append(chain, n) for n in range(count)]


def forge(prev_hash: bytes, sequence: int, *, actor: str = "intruder") -> ChainedEntry:
    """An entry an attacker adds, with a correctly computed link hash."""
    entry = AuditEntry(sequence, T0, actor, "applicant:record:update", "app-99", "cover-up")
    return ChainedEntry(entry, link(prev_hash, entry))


def rehash(records: list[ChainedEntry]) -> list[ChainedEntry]:
    """What a careful attacker does after tampering: renumber and recompute every hash."""
    out, prev = [], GENESIS
    for number, record in enumerate(records, start=1):
        entry = replace(record.entry, sequence=number)
        prev = link(prev, entry)
        out.append(ChainedEntry(entry, prev))
    return out


class TestEntries:
    def test_a_naive_timestamp_is_refused(self):
        with pytest.raises(ValueError):
            AuditEntry(1, datetime(2026, 11, 25), "rev-1", "applicant:record:read", "app-1", "")

    @pytest.mark.parametrize("sequence, actor", [(0, "rev-1"), (1, "")], ids=["sequence 0", "no actor"])
    def test_an_entry_needs_a_positive_number_and_an_actor(self, sequence, actor):
        with pytest.raises(ValueError):
            AuditEntry(sequence, T0, actor, "applicant:record:read", None, "")

    def test_a_chain_hash_is_32_bytes(self):
        with pytest.raises(ValueError):
            link(b"short", AuditEntry(1, T0, "rev-1", "applicant:record:read", None, ""))
        with pytest.raises(ValueError):
            AuditChain(head=b"short")

    @pytest.mark.parametrize("action", ["read", "applicant:read", "Applicant:record:read"])
    def test_an_action_must_be_spelled_scope_resource_action(self, action):
        with pytest.raises(ValueError):
            AuditEntry(1, T0, "rev-1", action, "app-1", "")

    def test_the_same_instant_in_another_zone_serialises_the_same(self):
        kyiv = T0.astimezone(timezone(timedelta(hours=2)))
        first = AuditEntry(1, T0, "rev-1", "applicant:record:read", None, "ok")
        assert first.canonical() == replace(first, at=kyiv).canonical()

    def test_the_canonical_form_is_fixed_for_outside_auditors(self):
        entry = AuditEntry(1, T0, "rev-1", "applicant:record:read", "app-1", "prüfen")
        assert entry.canonical() == (
            b'{"action":"applicant:record:read","actor":"rev-1","at":"2026-11-25T09:00:00.000000Z",'
            b'"case":"app-1","reason":"pr\\u00fcfen","seq":1,"v":1}'
        )
        assert link(GENESIS, entry).hex() == hashlib.sha256(
            b"muster/audit/v1\x00" + GENESIS + entry.canonical()
        ).hexdigest()


class TestIntactChain:
    def test_an_untouched_log_verifies(self):
        chain, records = build()
        result = verify(records, [chain.checkpoint(sign)], verify_signature=check_signature)
        assert result.ok and result.entries_checked == 10 and result.head == chain.head
        assert result.checkpoints_matched == 1

    def test_an_empty_log_verifies(self):
        assert verify([]).ok

    def test_each_hash_depends_on_the_previous_one(self):
        entry = AuditEntry(1, T0, "rev-1", "applicant:record:read", None, "")
        assert link(GENESIS, entry) != link(b"\x01" * 32, entry)


class TestTamperingInsideTheLog:
    def test_an_edit_is_named_at_the_edited_entry(self):
        _, records = build()
        records[3] = replace(records[3], entry=replace(records[3].entry, reason="routine"))
        problem = verify(records).problem
        assert (problem.kind, problem.sequence, problem.position) == (Tamper.EDITED, 4, 3)

    def test_a_deletion_is_named_at_the_missing_entry(self):
        _, records = build()
        del records[3]
        problem = verify(records).problem
        assert (problem.kind, problem.sequence, problem.position) == (Tamper.DELETED, 4, 3)

    def test_an_insertion_is_named_at_the_inserted_entry(self):
        _, records = build()
        records.insert(3, forge(records[2].hash, 4))
        problem = verify(records).problem
        assert (problem.kind, problem.sequence, problem.position) == (Tamper.INSERTED, 4, 3)

    def test_an_insertion_with_later_entries_renumbered_is_named_at_the_inserted_entry(self):
        _, records = build()
        later = [replace(r, entry=replace(r.entry, sequence=r.sequence + 1)) for r in records[3:]]
        records = records[:3] + [forge(records[2].hash, 4)] + later
        problem = verify(records).problem
        assert (problem.kind, problem.sequence, problem.position) == (Tamper.INSERTED, 4, 3)

    def test_an_insertion_with_a_made_up_hash_is_named_at_the_inserted_entry(self):
        _, records = build()
        records.insert(3, ChainedEntry(forge(records[2].hash, 4).entry, bytes(32)))
        problem = verify(records).problem
        assert (problem.kind, problem.sequence, problem.position) == (Tamper.INSERTED, 4, 3)

    def test_an_old_entry_replayed_later_is_named_as_an_insertion(self):
        _, records = build()
        records.insert(7, records[1])
        problem = verify(records).problem
        assert (problem.kind, problem.sequence, problem.position) == (Tamper.INSERTED, 2, 7)

    def test_a_duplicated_entry_is_named_as_an_insertion(self):
        _, records = build()
        records.insert(5, records[4])
        problem = verify(records).problem
        assert (problem.kind, problem.sequence, problem.position) == (Tamper.INSERTED, 5, 5)

    def test_a_reordering_is_named_at_the_first_displaced_entry(self):
        _, records = build()
        records[3], records[4] = records[4], records[3]
        problem = verify(records).problem
        assert (problem.kind, problem.sequence, problem.position) == (Tamper.REORDERED, 4, 3)

    def test_entries_after_the_first_problem_are_not_counted_as_verified(self):
        _, records = build()
        del records[3]
        assert verify(records).entries_checked == 3


class TestRewritesAgainstCheckpoints:
    def test_an_edit_with_every_hash_recomputed_passes_without_checkpoints(self):
        _, records = build()
        records[3] = replace(records[3], entry=replace(records[3].entry, reason="routine"))
        assert verify(rehash(records)).ok  # the limit of a bare hash chain

    def test_an_edit_with_every_hash_recomputed_is_caught_by_a_signed_checkpoint(self):
        chain, records = build(6)
        early = chain.checkpoint(sign)
        records += [append(chain, n) for n in range(6, 10)]
        late = chain.checkpoint(sign)
        records[7] = replace(records[7], entry=replace(records[7].entry, reason="routine"))
        problem = verify(rehash(records), [early, late], verify_signature=check_signature).problem
        assert problem.kind is Tamper.DIVERGED
        assert problem.sequence == 7  # first entry after the last checkpoint that still matched

    def test_a_checkpoint_moved_to_the_rewritten_head_fails_its_signature(self):
        chain, records = build()
        records[3] = replace(records[3], entry=replace(records[3].entry, reason="routine"))
        rewritten = rehash(records)
        genuine = chain.checkpoint(sign)
        moved = replace(genuine, head=rewritten[-1].hash)
        problem = verify(rewritten, [moved], verify_signature=check_signature).problem
        assert (problem.kind, problem.sequence) == (Tamper.FORGED_CHECKPOINT, 10)


class TestTruncationAndRollBack:
    # Both leave a log that is consistent with itself and with the checkpoints stored beside it:
    # only a checkpoint copy kept off the server shows them.

    def test_truncation_passes_against_the_servers_own_checkpoints(self):
        chain, records = build(6)
        stored = [chain.checkpoint(sign)]
        records += [append(chain, n) for n in range(6, 10)]
        stored.append(chain.checkpoint(sign))
        # The attacker cuts the last three entries and the checkpoint rows after them.
        assert verify(records[:7], stored[:1], verify_signature=check_signature).ok

    def test_truncation_is_caught_by_an_external_checkpoint_copy(self):
        chain, records = build()
        external = [chain.checkpoint(sign)]
        problem = verify(records[:7], external, verify_signature=check_signature).problem
        assert (problem.kind, problem.sequence) == (Tamper.TRUNCATED, 8)

    def test_a_roll_back_to_an_old_backup_passes_against_the_servers_own_checkpoints(self):
        _, _, restored, restored_checkpoints = self._roll_back()
        assert verify(restored, restored_checkpoints, verify_signature=check_signature).ok

    def test_a_roll_back_to_an_old_backup_is_caught_by_an_external_checkpoint_copy(self):
        _, external, restored, restored_checkpoints = self._roll_back()
        problem = verify(restored, restored_checkpoints + external, verify_signature=check_signature).problem
        assert problem.kind is Tamper.DIVERGED
        assert problem.sequence == 6  # after checkpoint 5, the last one both histories share

    def test_a_roll_back_without_new_entries_shows_as_truncation(self):
        backup, external, _, _ = self._roll_back()
        problem = verify(backup, external, verify_signature=check_signature).problem
        assert (problem.kind, problem.sequence) == (Tamper.TRUNCATED, 7)

    def test_a_local_checkpoint_agreeing_with_the_roll_back_does_not_hide_the_external_one(self):
        _, _, restored, _ = self._roll_back()
        chain, _ = build(5)
        for n in range(5, 9):
            append(chain, n)
        external_at_9 = chain.checkpoint(sign)
        local_at_9 = AuditChain.resume(restored[-1]).checkpoint(sign)
        problem = verify(restored, [local_at_9, external_at_9], verify_signature=check_signature).problem
        assert problem.kind is Tamper.DIVERGED and problem.sequence == 1

    @staticmethod
    def _roll_back():
        """Backup taken after entry 6; the real log went on to 10 with a checkpoint exported at 8.
        The server is restored from the backup and writes new entries 7..9 of its own."""
        chain, records = build(5)
        shared_checkpoint = chain.checkpoint(sign)
        records.append(append(chain, 5))
        backup = list(records)
        records += [append(chain, n) for n in range(6, 8)]
        external = [shared_checkpoint, chain.checkpoint(sign)]  # 5 and 8: the auditor's copy

        restored_chain = AuditChain.resume(backup[-1])
        restored = backup + [append(restored_chain, n, actor="rev-2") for n in range(6, 9)]
        restored_checkpoints = [shared_checkpoint, restored_chain.checkpoint(sign)]
        return backup, external, restored, restored_checkpoints


class TestAuditChain:
    def test_appending_numbers_entries_and_moves_the_head(self):
        chain, records = build(3)
        assert [r.sequence for r in records] == [1, 2, 3]
        assert chain.head == records[-1].hash and chain.sequence == 3

    def test_a_failed_write_leaves_the_head_where_it_was(self):
        chain, _ = build(3)
        head = chain.head

        def broken_write(record):
            raise OSError("disk full")

        with pytest.raises(OSError):
            chain.append(at=T0, actor="rev-1", action="applicant:record:read", case_id=None, reason="",
                         persist=broken_write)
        assert (chain.head, chain.sequence) == (head, 3)

    def test_resuming_an_empty_log_starts_at_the_genesis(self):
        chain = AuditChain.resume(None)
        assert (chain.head, chain.sequence) == (GENESIS, 0)

    def test_a_resumed_chain_continues_the_stored_one(self):
        _, records = build(4)
        chain = AuditChain.resume(records[-1])
        records.append(append(chain, 4))
        assert verify(records).ok

    def test_concurrent_appends_form_one_valid_chain(self):
        chain, stored = AuditChain(), []

        def writer(actor):
            for n in range(200):
                chain.append(at=T0, actor=actor, action="applicant:record:read", case_id=None, reason="",
                             persist=stored.append)

        threads = [threading.Thread(target=writer, args=(f"rev-{k}",)) for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert verify(stored).entries_checked == 800 and verify(stored).ok

    def test_append_many_chains_several_entries_at_once_or_none(self):
        chain, records = build(2)
        events = [(T0, "rev-1", "applicant:record:export", f"app-{n}", "export") for n in range(3)]
        with pytest.raises(OSError):
            chain.append_many(events, persist=lambda batch: (_ for _ in ()).throw(OSError("disk full")))
        assert chain.sequence == 2
        records += chain.append_many(events, persist=lambda batch: None)
        assert [r.sequence for r in records] == [1, 2, 3, 4, 5] and chain.head == records[-1].hash
        assert verify(records).ok

    def test_checkpoints_survive_an_export_round_trip(self):
        chain, _ = build(3)
        checkpoint = chain.checkpoint(sign)
        assert Checkpoint.from_json(checkpoint.to_json()) == checkpoint
