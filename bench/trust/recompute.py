"""What a full rescore of the live vouch graph costs in the product (TrustService.snapshot(refresh=True)).

Every vouch added or revoked triggers one, so it must stay well under a page load. Synthetic graphs (fixed
seed): 50 members, 10 of them seeds, applicants vouched for by members (30 %) and other applicants (70 %),
strengths uniform in [0, 1], written straight into a fresh SQLite database. Per size, the median of 5 runs:
the whole recompute (reading the vouches, building the graph, scoring) and the scoring part alone.
Run by bench/trust/run.py; alone:

    .venv/bin/python bench/trust/recompute.py
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from sqlalchemy import insert

from muster.bootstrap import build, prepare
from muster.config import Settings
from muster.storage import tables as t

SIZES = ((500, 2_000), (1_500, 5_000), (3_000, 10_000), (10_000, 40_000))


def measure(sizes: tuple[tuple[int, int], ...] = SIZES, runs: int = 5) -> list[dict]:
    """One row per size: applicants, vouches, and the median whole recompute and scoring, in seconds."""
    rows = []
    for n_apps, n_vouches in sizes:
        with tempfile.TemporaryDirectory() as work:
            container = build(Settings(data_dir=Path(work), demo=False))
            prepare(container)
            try:
                _fill(container, n_apps, n_vouches)
                whole, scoring = [], []
                for _ in range(runs):
                    started = time.perf_counter()
                    snapshot = container.trust.snapshot(refresh=True)
                    whole.append(time.perf_counter() - started)
                    scoring.append(snapshot.seconds)
            finally:
                container.close()
        rows.append({"applicants": n_apps, "vouches": n_vouches, "recompute": statistics.median(whole),
                     "scoring": statistics.median(scoring)})
        print(f"  recompute {n_apps} applicants, {n_vouches} vouches: {rows[-1]['recompute'] * 1000:.0f} ms", flush=True)
    return rows


def _fill(container, n_apps: int, n_vouches: int) -> None:
    rng = random.Random(1)
    members = [f"member:m{i}" for i in range(50)]
    apps = [f"app:{uuid.UUID(int=rng.getrandbits(128))}" for _ in range(n_apps)]
    rows, seen = [], set()
    while len(rows) < n_vouches:
        vouchee = rng.choice(apps)
        voucher = rng.choice(apps) if rng.random() < 0.7 else rng.choice(members)
        if voucher == vouchee or (voucher, vouchee) in seen:
            continue
        seen.add((voucher, vouchee))
        rows.append(dict(id=str(uuid.UUID(int=rng.getrandbits(128))), voucher=voucher, vouchee=vouchee,
                         relationship="friend", known_for_years=2.0, strength=round(rng.random(), 2), note=None,
                         created_on=date(2026, 1, 1), revoked_on=None))
    with container.engine.begin() as connection:
        connection.execute(insert(t.vouches), rows)
    for member in members[:10]:
        container.trust.add_seed(None, member)


def section(rows: list[dict]) -> list[str]:
    """Markdown lines for the trust section of bench/RESULTS.md."""
    lines = ["", "Rescoring the live vouch graph in the product, as every vouch added or revoked does "
             "(`bench/trust/recompute.py`: SQLite, 50 members of whom 10 seeds, 30 % of vouches from members; median "
             "of 5 runs):", "", "| applicants | vouches | whole recompute ms | of which graph and scoring ms |",
             "|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row['applicants']:,} | {row['vouches']:,} | {row['recompute'] * 1000:.0f} | "
                     f"{row['scoring'] * 1000:.0f} |")
    return lines


if __name__ == "__main__":
    for line in section(measure()):
        print(line)
