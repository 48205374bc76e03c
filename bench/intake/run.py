"""Intake throughput through the real API over loopback, side by side in one run:

- **protected**: the Muster app as shipped (answers sealed with a per-applicant data key, the key in
  the separate key store, an audit entry in the same transaction, SQLite WAL with synchronous=FULL);
- **unprotected**: the same app, server and database with intake writing plain JSON and no audit entry;
- **floor**: a bare FastAPI endpoint inserting the JSON body into one SQLite table (same durability).

Each server runs in its own process (uvicorn, one worker); a client process sends a fixed number of
valid submissions with a few concurrent connections (bounded load), after a warm-up, in alternating
rounds; the median round is reported. Also measured: `muster audit verify` (the AuditService reading
the log from SQLite and checking it) per million entries. Writes bench/results/intake.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

SUBMISSIONS = int(os.environ.get("MUSTER_BENCH_INTAKE_N", "500"))
CONCURRENCY = 4
ROUNDS = 5
WARMUP = 30
AUDIT_ENTRIES = 200_000
MODES = ("protected", "unprotected", "floor")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(mode: str, work: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    log = work / f"{mode}.log"  # a file, not a pipe nobody reads while the server runs: a full pipe would stall it
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, str(HERE / "server.py"), mode, str(port), str(work / mode)],
                                   stdout=subprocess.DEVNULL, stderr=sink)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/apply", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{mode} server did not start: {log.read_text(errors='replace')[-2000:]}")


async def _load(base: str, count: int, body: dict[str, object]) -> float:
    """Seconds to get `count` submissions accepted (201) with CONCURRENCY clients."""
    remaining = iter(range(count))
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        async def worker() -> None:
            for _ in remaining:
                response = await client.post("/api/applications", json=body)
                if response.status_code != 201:
                    raise RuntimeError(f"{base}: {response.status_code} {response.text[:200]}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return time.perf_counter() - started


def _throughput() -> dict[str, list[float]]:
    from factories import valid_answers

    body = valid_answers()
    rates: dict[str, list[float]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory(prefix="muster-bench-intake-") as tmp:
        work = Path(tmp)
        servers = {mode: _start(mode, work) for mode in MODES}
        try:
            for mode, (_, base) in servers.items():
                asyncio.run(_load(base, WARMUP, body))
            for _ in range(ROUNDS):
                for mode, (_, base) in servers.items():
                    rates[mode].append(SUBMISSIONS / asyncio.run(_load(base, SUBMISSIONS, body)))
        finally:
            for process, _ in servers.values():
                process.terminate()
                process.wait(timeout=20)
    return rates


def _audit_verify_per_million() -> tuple[float, float]:
    """Wall and CPU seconds per million entries for AuditService.verify over a SQLite log."""
    from muster.domain.audit import AuditChain
    from muster.storage import tables as t
    from factories import make_container

    with tempfile.TemporaryDirectory(prefix="muster-bench-audit-") as tmp:
        container = make_container(Path(tmp), audit_checkpoint_every=1000)
        try:
            chain = AuditChain()
            t0 = datetime(2026, 1, 1, tzinfo=UTC)
            events = [(t0 + timedelta(seconds=n), f"rev-{n % 40:036d}"[-36:], "applicant:record:read",
                       f"{n % 5000:036d}", "GET /api/cases/{id}") for n in range(AUDIT_ENTRIES)]
            records = chain.append_many(events, persist=lambda _: None)
            rows = [{"sequence": r.sequence, "at": r.entry.at, "actor": r.entry.actor, "action": r.entry.action,
                     "case_id": r.entry.case_id, "reason": r.entry.reason, "hash": r.hash} for r in records]
            with container.engine.begin() as c:
                c.execute(t.audit_entries.delete())
                for start in range(0, len(rows), 20_000):
                    c.execute(t.audit_entries.insert(), rows[start:start + 20_000])
            wall, cpu = time.perf_counter(), time.process_time()
            result = container.audit.verify()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            assert result.ok and result.entries_checked == AUDIT_ENTRIES, result
        finally:
            container.close()
    scale = 1_000_000 / AUDIT_ENTRIES
    return wall * scale, cpu * scale


def main(out: Path) -> str:
    rates = _throughput()
    median = {mode: statistics.median(values) for mode, values in rates.items()}
    # Rounds alternate between the servers: the ratio is taken within each round, then its median.
    ratio = statistics.median(p / u for p, u in zip(rates["protected"], rates["unprotected"]))
    verify_wall, verify_cpu = _audit_verify_per_million()
    results = {
        "submissions_per_round": SUBMISSIONS, "concurrency": CONCURRENCY, "rounds": ROUNDS,
        "per_second": rates, "median_per_second": median, "protected_over_unprotected": ratio,
        "audit_entries": AUDIT_ENTRIES, "audit_verify_s_per_million_wall": verify_wall,
        "audit_verify_s_per_million_cpu": verify_cpu,
    }
    (out / "intake.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    verdict = "meets" if ratio >= 0.70 else "misses"
    rows = "\n".join(f"| {mode} | {median[mode]:.0f} | {', '.join(f'{r:.0f}' for r in rates[mode])} |" for mode in MODES)
    return f"""<!-- bench:intake -->
## Intake throughput

`bench/intake/run.py`: valid submissions through `POST /api/applications` over loopback, {CONCURRENCY} concurrent
clients, {SUBMISSIONS} submissions per round, {ROUNDS} alternating rounds after a warm-up; each server is one
uvicorn process; SQLite in WAL with synchronous=FULL everywhere (a 201 means the commit is on disk).

| server | submissions/s (median) | rounds |
| --- | --- | --- |
{rows}

Protected / unprotected, median of the per-round ratios: **{ratio:.0%}** ({verdict} the goal of at least 70%). Protected = sealing with a
per-applicant data key created in the separate key store, plus an audit entry in the same transaction;
unprotected = the same app writing plain JSON without audit; floor = bare FastAPI + one SQLite insert.

`AuditService.verify()` (what `muster audit verify` runs) over a {AUDIT_ENTRIES:,}-entry log in SQLite, rows
written straight into the table and no checkpoints to check, so this is reading and re-hashing the chain:
**{verify_wall:.1f} s per million entries** wall, {verify_cpu:.1f} s CPU.
"""


if __name__ == "__main__":
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    print(main(results_dir))
