"""What a full rescore of the live vouch graph costs in the product (TrustService.snapshot(refresh=True)).

Every vouch added or revoked triggers one, so it must stay well under a page load. Synthetic graphs (fixed
seed): 50 members, 10 of them seeds, applicants vouched for by members (30 %) and other applicants (70 %),
strengths uniform in [0, 1], written straight into a fresh SQLite database. Prints the median of 5 runs:
the whole recompute (reading the vouches, building the graph, scoring) and the scoring part alone.

    .venv/bin/python bench/trust_recompute.py

Measured 2026-11-26 on the 2-core AMD EPYC development VM, shared with other work (median of 5, two runs;
whole recompute / graph and score):
    500 applicants,  2,000 vouches         18 ms /  4 ms
    1,500 applicants, 5,000 vouches        43 ms /  9 ms
    3,000 applicants, 10,000 vouches    83-85 ms / 19 ms
    10,000 applicants, 40,000 vouches  415-422 ms / 63-67 ms  (reading the rows dominates)
Past some tens of thousands of vouches, rescore in the background instead of on every change.
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


def main() -> None:
    for n_apps, n_vouches in SIZES:
        work = tempfile.TemporaryDirectory()
        container = build(Settings(data_dir=Path(work.name), demo=False))
        prepare(container)
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
            rows.append(dict(id=str(uuid.UUID(int=rng.getrandbits(128))), voucher=voucher, vouchee=vouchee, relationship="friend",
                             known_for_years=2.0, strength=round(rng.random(), 2), note=None,
                             created_on=date(2026, 1, 1), revoked_on=None))
        with container.engine.begin() as connection:
            connection.execute(insert(t.vouches), rows)
        for member in members[:10]:
            container.trust.add_seed(None, member)
        whole, scoring = [], []
        for _ in range(5):
            started = time.perf_counter()
            snapshot = container.trust.snapshot(refresh=True)
            whole.append(time.perf_counter() - started)
            scoring.append(snapshot.seconds)
        print(f"{n_apps:>6} applicants {n_vouches:>6} vouches: recompute {statistics.median(whole) * 1000:6.0f} ms, "
              f"graph and score {statistics.median(scoring) * 1000:5.0f} ms")
        container.close()
        work.cleanup()


if __name__ == "__main__":
    main()
