"""The demo's vouch graph: its members are seeds, and the scorer flags the demo's ring of four, and only it."""

from __future__ import annotations

from sqlalchemy import select

from muster.demo.load import load_demo
from muster.domain.permissions import Role
from muster.domain.vouches import Relationship
from muster.storage import tables
from tests.factories import PASSWORD, make_container


def test_the_demo_ring_is_flagged_and_nobody_else(tmp_path):
    container = make_container(tmp_path)
    try:
        load_demo(container)
        officer = container.accounts.add("demo-officer", Role.SECURITY_OFFICER, PASSWORD)[0]
        admin = container.accounts.add("demo-admin", Role.ADMIN, PASSWORD)[0]
        assert {s.member for s in container.trust.seeds(admin)} == {"anna-k", "oleg-t", "iryna-s", "pavel-m", "maria-d"}
        with container.engine.connect() as connection:
            ring = {vouchee[4:] for vouchee in connection.execute(select(tables.vouches.c.vouchee).where(
                tables.vouches.c.relationship == Relationship.ONLINE_ONLY.value)).scalars()}
        assert len(ring) == 4
        flagged = container.trust.flagged(officer)
        assert {case for case, _, _ in flagged} == ring
        assert all(reason.startswith("suspected ring 1: 4 members, 6 vouching pairs among them, 1 with anyone else") for _, _, reason in flagged)
        view = container.trust.view(officer, sorted(ring)[0])
        assert view.flag and view.ring is not None and view.ring.external_vouches == 1
        summary = container.trust.recompute()
        assert summary.flagged == 4 and summary.rings == 1 and summary.seeds == 5
    finally:
        container.close()
