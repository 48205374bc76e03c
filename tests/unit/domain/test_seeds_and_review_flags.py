"""Seed node ids and the reason text of review flags."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from muster.domain.errors import ValidationFailed
from muster.domain.ids import ApplicationId
from muster.domain.review_flags import ReviewFlag, infiltration_reason
from muster.domain.seeds import Seed, seed_node


class TestSeedNode:
    @pytest.mark.parametrize("given", ["anna-k", "member:anna-k", "  anna-k "])
    def test_a_member_name_becomes_a_member_node(self, given):
        assert seed_node(given) == "member:anna-k"

    @pytest.mark.parametrize("given", ["", "member:", "app:1234", "two words", "x" * 65, "a/b"])
    def test_anything_else_is_refused(self, given):
        with pytest.raises(ValidationFailed) as error:
            seed_node(given)
        assert set(error.value.problems) == {"member"}

    def test_a_seed_names_its_member(self):
        assert Seed("member:anna-k", "system", datetime(2026, 1, 1, tzinfo=timezone.utc)).member == "anna-k"


class TestInfiltrationReason:
    SOURCE = ApplicationId("0123456789abcdef")

    def test_says_which_way_the_vouch_went_and_how_the_score_moved(self):
        text = infiltration_reason(source=self.SOURCE, vouched_for_them=True, vouched_by_them=False,
                                   score_before=0.61, score_after=0.2)
        assert text == "was vouched for by applicant 01234567, rejected as a suspected infiltrator; trust score 0.61 -> 0.20"

    def test_both_ways_and_no_earlier_score(self):
        text = infiltration_reason(source=self.SOURCE, vouched_for_them=True, vouched_by_them=True,
                                   score_before=None, score_after=0.05)
        assert text.startswith("was vouched for by and vouched for applicant 01234567")
        assert text.endswith("; trust score 0.05")

    def test_no_score_when_the_applicant_is_not_scored(self):
        text = infiltration_reason(source=self.SOURCE, vouched_for_them=False, vouched_by_them=True,
                                   score_before=None, score_after=None)
        assert text == "vouched for applicant 01234567, rejected as a suspected infiltrator"

    def test_a_flag_is_open_until_cleared(self):
        raised = datetime(2026, 1, 1, tzinfo=timezone.utc)
        flag = ReviewFlag("f", ApplicationId("a"), self.SOURCE, "why", raised)
        assert flag.is_open
        assert not ReviewFlag("f", ApplicationId("a"), self.SOURCE, "why", raised, cleared_at=raised).is_open
