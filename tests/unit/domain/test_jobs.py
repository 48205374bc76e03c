"""The nightly schedule: when a scheduled job falls due, in UTC, and the id of each day's run."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from muster.domain.jobs import Nightly

NIGHTLY = Nightly("trust_recompute", time(3, 0))
UTC = timezone.utc


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2031, 1, day, hour, minute, tzinfo=UTC)


class TestNightly:
    @pytest.mark.parametrize(("now", "due"), [
        (at(10, 2, 59), at(9, 3)),
        (at(10, 3), at(10, 3)),
        (at(10, 23, 59), at(10, 3)),
    ])
    def test_the_last_due_time_is_today_from_its_time_on_else_yesterday(self, now, due):
        assert NIGHTLY.last_due(now) == due

    def test_a_clock_in_another_zone_is_read_in_utc(self):
        kyiv = timezone(timedelta(hours=2))
        # 04:30 in Kyiv is 02:30 UTC: before today's 03:00 UTC.
        assert NIGHTLY.last_due(datetime(2031, 1, 10, 4, 30, tzinfo=kyiv)) == at(9, 3)

    def test_each_days_run_has_its_own_id_from_its_due_time_on(self):
        assert NIGHTLY.job_id(at(10, 2, 59)) == "trust_recompute@2031-01-09T03:00Z"
        assert NIGHTLY.job_id(at(10, 3)) == NIGHTLY.job_id(at(11, 2, 59)) == "trust_recompute@2031-01-10T03:00Z"
        assert len(Nightly("retention", time(23, 59)).job_id(at(10, 3))) <= 36  # the jobs table's id column
