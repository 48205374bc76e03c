"""The pure screening rules: deciding a hit, the clearance guard, merging a person's queries, jobs."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from muster.domain.errors import HitAlreadyDecided, OpenHitsRemain, ValidationFailed, WatchlistMatchConfirmed
from muster.domain.ids import ApplicationId, ReviewerId
from muster.domain.jobs import Job, JobStatus
from muster.domain.matching import WatchlistEntry, build_index, screen
from muster.domain.matching import ScreeningQuery
from muster.domain.screening import Decision, Hit, HitStatus, best_per_entry, check_clearance, decide, explanation_data

NOW = datetime(2026, 5, 4, 9, 30, tzinfo=timezone.utc)
APP = ApplicationId("app-1")


def hit(**changes):
    values = dict(id="h1", application_id=APP, list_name="sanctions", version_id="v1", version=1, entry_id="W1",
                  score=0.9, explanation={"text": "why"}, raised_at=NOW)
    values.update(changes)
    return Hit(**values)


class TestDecide:
    def test_confirm_and_dismiss_record_who_when_and_why(self):
        confirmed = decide(hit(), Decision.CONFIRM, by=ReviewerId("r1"), reason="  same person ", at=NOW)
        assert (confirmed.status, confirmed.decided_by, confirmed.decided_at, confirmed.reason) == \
            (HitStatus.CONFIRMED, "r1", NOW, "same person")
        assert decide(hit(), Decision.DISMISS, by=ReviewerId("r1"), reason="namesake", at=NOW).status is HitStatus.DISMISSED

    def test_a_decision_needs_a_reason(self):
        with pytest.raises(ValidationFailed):
            decide(hit(), Decision.DISMISS, by=ReviewerId("r1"), reason="   ", at=NOW)

    def test_a_decided_hit_cannot_be_decided_again(self):
        with pytest.raises(HitAlreadyDecided):
            decide(hit(status=HitStatus.DISMISSED), Decision.CONFIRM, by=ReviewerId("r1"), reason="x", at=NOW)

    def test_the_text_is_the_rendered_line(self):
        assert hit().text == "why"


class TestClearance:
    def test_open_hits_block(self):
        with pytest.raises(OpenHitsRemain):
            check_clearance(APP, [HitStatus.DISMISSED, HitStatus.OPEN])

    def test_a_confirmed_hit_blocks(self):
        with pytest.raises(WatchlistMatchConfirmed):
            check_clearance(APP, [HitStatus.CONFIRMED, HitStatus.DISMISSED])

    def test_dismissed_or_no_hits_pass(self):
        check_clearance(APP, [HitStatus.DISMISSED])
        check_clearance(APP, [])


class TestMerging:
    def test_the_best_match_per_entry_is_kept_and_non_matches_dropped(self):
        index = build_index([WatchlistEntry("W1", ("Pisarevsky Evgeny Leonidovich",), ("1970",), ("RU",)),
                             WatchlistEntry("W2", ("Smith John",))])
        cyrillic = screen(index, ScreeningQuery("a#0", "Писаревский Евгений Леонидович", "1970-06-01", "RU"))
        latin = screen(index, ScreeningQuery("a#1", "Evgenii Pisarevskii", "1970-06-01", "RU"))
        best = best_per_entry([cyrillic, latin])
        assert set(best) == {"W1"}
        assert best["W1"].score == max(r.score for r in cyrillic + latin if r.entry_id == "W1")
        data = explanation_data(best["W1"].explanation)
        assert data["text"] == best["W1"].explanation.render() and data["parts"]


class TestJobs:
    def test_fraction(self):
        job = Job(id="j", kind="rescreen", payload={}, status=JobStatus.RUNNING, created_at=NOW, done=5, total=20)
        assert job.fraction == 0.25
        assert Job(id="j", kind="rescreen", payload={}, status=JobStatus.QUEUED, created_at=NOW).fraction == 0.0
        assert Job(id="j", kind="rescreen", payload={}, status=JobStatus.DONE, created_at=NOW).fraction == 1.0
