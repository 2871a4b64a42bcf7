"""A medium county (200 families) lands near the pilot's case mix (SEED-NUMBERS.md §A).

Bounds are wide enough for any seed at this size, but narrow enough to fail if a share
drifts to something the pilot never saw.
"""

from __future__ import annotations

import datetime as dt

from django.test import TestCase, override_settings

from familyworkbook.demo import summary
from familyworkbook.demo.seeding import seed_county

ANCHOR = dt.date(2026, 11, 1)


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class CaseMixTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        seed_county(families=200, seed=2026, anchor=ANCHOR)
        cls.summary = summary.collect(ANCHOR)
        cls.shares = cls.summary.shares

    def test_open_children_split_between_cin_cp_and_care_as_in_the_pilot(self) -> None:
        s = self.shares
        assert abs(s["cin"] + s["cp"] + s["cla"] - 1) < 1e-9
        assert 0.40 <= s["cin"] <= 0.65
        assert 0.20 <= s["cp"] <= 0.50
        assert 0.05 <= s["cla"] <= 0.25

    def test_most_new_referrals_are_re_referrals(self) -> None:
        assert 0.40 <= self.shares["re_referral"] <= 0.75
        assert self.summary.counts["referrals_year"] >= 100

    def test_abuse_or_neglect_is_the_main_primary_need(self) -> None:
        assert 0.75 <= self.shares["n1"] <= 0.95

    def test_secondary_needs_and_the_toxic_trio(self) -> None:
        s = self.shares
        assert 0.12 <= s["secondary_DA"] <= 0.40
        assert 0.15 <= s["secondary_MH"] <= 0.40
        assert 0.08 <= s["secondary_SM"] <= 0.30
        assert 0.30 <= s["domestic_abuse"] <= 0.60

    def test_children_average_about_six_and_a_half(self) -> None:
        assert 5.0 <= self.shares["average_age"] <= 8.5

    def test_cp_plans_last_about_forty_four_weeks(self) -> None:
        assert 30 <= self.shares["cp_weeks_at_closure"] <= 60

    def test_history_pre_proceedings_and_specialists(self) -> None:
        s = self.shares
        assert 0.30 <= s["closed_cases"] <= 0.60
        assert 0.01 <= s["plo"] <= 0.12
        assert 0.20 <= s["specialist_da_survivor"] <= 0.50
        assert s["specialist_da_perpetrator"] > 0 and s["specialist_substance_misuse"] > 0

    def test_the_demo_social_worker_holds_about_fifteen_cases(self) -> None:
        assert 10 <= self.summary.caseload["demo_cases"] <= 15
        assert 4 <= self.summary.caseload["mean"] <= 20
