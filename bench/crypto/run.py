"""Cost of the protection building blocks: audit verification per million entries, sealing, key
unwrapping and blind indexes per operation. Fixed inputs, single thread, in memory (the database
read or write comes on top). Writes bench/results/crypto.json; `make bench` runs it via bench/run.py.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from muster.crypto.blind_index import CONTACT_EMAIL, BlindIndex
from muster.crypto.keyfile import Kek
from muster.crypto.keyring import KeyRing, MemoryKeyStore
from muster.crypto.sealing import FieldRef, seal_text, unseal_text
from muster.domain.audit import AuditChain, verify

AUDIT_ENTRIES = 200_000
OPERATIONS = 50_000


def _per_op(run, count: int) -> float:
    # CPU time of this (single-threaded) process: on a shared machine wall time mostly measures the neighbours.
    started = time.process_time()
    run()
    return (time.process_time() - started) / count


def main(out: Path) -> str:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    chain = AuditChain()
    records = [
        chain.append(at=t0 + timedelta(seconds=n), actor=f"rev-{n % 40}", action="applicant:record:read",
                     case_id=f"app-{n % 5000}", reason="first review")
        for n in range(AUDIT_ENTRIES)
    ]
    verify_s = _per_op(lambda: verify(records), AUDIT_ENTRIES)

    ring = KeyRing(MemoryKeyStore(), Kek(bytes(range(32))))
    key = ring.create_data_key("app-1")
    where = FieldRef("answers", "value", "app-1/family_name")
    value = "Коваленко Ольга Петрівна"
    sealed = seal_text(key, where, value)
    seal_s = _per_op(lambda: [seal_text(key, where, value) for _ in range(OPERATIONS)], OPERATIONS)
    open_s = _per_op(lambda: [unseal_text(key, where, sealed) for _ in range(OPERATIONS)], OPERATIONS)
    unwrap_s = _per_op(lambda: [ring.data_key("app-1") for _ in range(OPERATIONS)], OPERATIONS)
    index = BlindIndex(bytes(32))
    index_s = _per_op(lambda: [index.compute(CONTACT_EMAIL, "o.kovalenko@example.org") for _ in range(OPERATIONS)],
                      OPERATIONS)

    results = {
        "audit_entries": AUDIT_ENTRIES,
        "audit_verify_us_per_entry": verify_s * 1e6,
        "audit_verify_s_per_million": verify_s * 1e6,
        "seal_us": seal_s * 1e6,
        "unseal_us": open_s * 1e6,
        "data_key_unwrap_us": unwrap_s * 1e6,
        "blind_index_us": index_s * 1e6,
    }
    (out / "crypto.json").write_text(json.dumps(results, indent=2) + "\n")
    return "\n".join([
        "<!-- bench:crypto -->", "## Crypto building blocks and audit verification", "",
        f"CPU time of one thread, in memory, {AUDIT_ENTRIES:,} audit entries and {OPERATIONS:,} operations each "
        "(script: `bench/crypto/run.py`; the database read or write comes on top).", "",
        "| operation | cost |", "| --- | --- |",
        f"| `audit.verify`, per entry | {verify_s * 1e6:.2f} µs ({verify_s * 1e6:.1f} s per million entries) |",
        f"| seal one field (XChaCha20-Poly1305, 24 Cyrillic chars) | {seal_s * 1e6:.2f} µs |",
        f"| unseal one field | {open_s * 1e6:.2f} µs |",
        f"| data key from the key ring (store read + unwrap) | {unwrap_s * 1e6:.2f} µs |",
        f"| blind index of an e-mail | {index_s * 1e6:.2f} µs |",
    ])


if __name__ == "__main__":
    results_dir = Path(__file__).resolve().parent.parent / "results"
    results_dir.mkdir(exist_ok=True)
    print(main(results_dir))
