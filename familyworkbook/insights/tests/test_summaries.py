"""The precomputed dashboards (issue 15 part 3; decision insights-summary-table): on a seeded
demo county they show exactly the live calculation's figures for every scope; a page with no
summary, or a user who may not open every case of the scope, gets the live calculation; and
a precomputed page does the same number of queries for a 10- and a 40-family county."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import sign_in
from familyworkbook.demo.seeding import seed_county
from familyworkbook.insights import selectors, summaries, tasks
from familyworkbook.insights.forms import initial_data
from familyworkbook.insights.models import DashboardSummary
from familyworkbook.insights.periods import Scope
from familyworkbook.teams.models import Team, User

ANCHOR = dt.date(2026, 11, 1)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def whole_council_user() -> User:
    user = User.objects.get(username="performance")
    user.user_permissions.add(Permission.objects.get(codename="view_all_records"))
    return User.objects.get(pk=user.pk)


def shown(response) -> list[tuple[str, list[str], list[list]]]:  # type: ignore[no-untyped-def]
    return [(t.caption, t.columns, t.rows) for t, _chart in response.context["tables"]]


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class PrecomputedEqualsLive(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        seed_county(families=40, seed=3, anchor=ANCHOR)
        cls.analyst = whole_council_user()
        cls.worker = User.objects.get(username="social_worker")
        cls.team = Team.objects.of_user(cls.worker).order_by("name").first()
        cls.period = summaries.default_period(ANCHOR)

    def test_every_scopes_summary_is_the_live_calculation(self) -> None:
        assert summaries.default_period() == self.period  # the record clock is the anchor
        written = summaries.refresh()
        scopes = summaries.all_scopes()
        assert written == len(scopes) == DashboardSummary.objects.count()
        assert len([s for s in scopes if s.kind == "team"]) >= 3
        for scope in scopes:
            stored = summaries.read(self.analyst, scope, *self.period)
            assert stored is not None, scope.key
            tables, _at = stored
            live = selectors.dashboard(self.analyst, scope, *self.period)
            assert tables == live, scope.key
        council = summaries.read(self.analyst, Scope("council"), *self.period)[0]
        referrals = next(t for t in council if t.slug == "new")
        assert sum(row[1] for row in referrals.rows) > 0, "the county has figures to compare"

    def test_the_pages_show_the_same_figures_precomputed_and_live(self) -> None:
        pages = [
            (self.analyst, "council"),
            (self.analyst, f"team:{self.team.pk}"),
            (self.worker, f"team:{self.team.pk}"),
        ]
        url = reverse("insights:dashboard")
        live = {}
        for user, key in pages:
            response = sign_in(self.client, user).get(url, initial_data(ANCHOR, key))
            assert response.context["computed_at"] is None
            assert 'data-figures="live"' in response.content.decode()
            assert "not yet calculated" in response.content.decode()
            live[(user.pk, key)] = shown(response)
        call_command("refresh_insights", stdout=StringIO())
        for user, key in pages:
            response = sign_in(self.client, user).get(url, initial_data(ANCHOR, key))
            html = response.content.decode()
            assert response.context["computed_at"] is not None, key
            assert 'data-figures="precomputed"' in html
            assert "Figures as at " in html and " today." in html
            assert shown(response) == live[(user.pk, key)], key

    def test_a_user_who_may_not_open_every_case_gets_the_live_figures(self) -> None:
        summaries.refresh()
        # The social worker sees their team's cases, not the whole council's.
        assert summaries.read(self.worker, Scope("team", self.team), *self.period) is not None
        assert summaries.read(self.worker, Scope("council"), *self.period) is None
        tables, computed_at = selectors.summarised_dashboard(
            self.worker, Scope("council"), *self.period
        )
        assert computed_at is None
        assert tables == selectors.dashboard(self.worker, Scope("council"), *self.period)
        assert tables != summaries.read(self.analyst, Scope("council"), *self.period)[0]

    def test_another_period_is_calculated_live(self) -> None:
        summaries.refresh()
        date_from, date_to = self.period
        assert summaries.read(self.analyst, Scope("council"), date_from, ANCHOR) is None
        assert summaries.read(self.analyst, Scope("council"), date_from, date_to) is not None

    def test_the_job_and_the_command(self) -> None:
        tasks.refresh_dashboard_summaries.enqueue()  # immediate backend in tests
        first = set(DashboardSummary.objects.values_list("scope_key", "computed_at"))
        assert len(first) == len(summaries.all_scopes())
        out = StringIO()
        call_command("refresh_insights", stdout=out)
        assert f"/{len(first)}] Whole council" in out.getvalue()
        assert "Refreshed" in out.getvalue()
        assert DashboardSummary.objects.count() == len(first)  # replaced, not added
        DashboardSummary.objects.update(date_from=dt.date(2020, 1, 1))  # a rolled-over period
        summaries.refresh()
        assert not DashboardSummary.objects.filter(date_from=dt.date(2020, 1, 1)).exists()


# The precomputed pages' queries, whatever the county's size: the session and user, the
# second factor, the record clock, the scope list (3), the user's teams, the summary row and
# the EXISTS that the user may open every case of the scope, and the policy's own reads.
@pytest.mark.django_db
@pytest.mark.parametrize("families", [10, 40])
@override_settings(PASSWORD_HASHERS=FAST_HASHER)
def test_precomputed_dashboards_do_a_fixed_number_of_queries(client, families) -> None:
    seed_county(families=families, seed=5, anchor=ANCHOR)
    summaries.refresh()
    analyst = whole_council_user()
    worker = User.objects.get(username="social_worker")
    team = Team.objects.of_user(worker).order_by("name").first()
    counts = {}
    for name, user, key in [
        ("team", worker, f"team:{team.pk}"),
        ("council", analyst, "council"),
    ]:
        signed_in = sign_in(client, user)
        with CaptureQueriesContext(connection) as ctx:
            response = signed_in.get(reverse("insights:dashboard"), initial_data(ANCHOR, key))
        assert response.context["computed_at"] is not None
        counts[name] = len(ctx.captured_queries)
    assert counts == QUERY_COUNTS[connection.vendor], counts


# PostgreSQL adds two statements: the history context and the insights transaction's SET LOCAL.
QUERY_COUNTS = {
    "sqlite": {"team": 18, "council": 15},
    "postgresql": {"team": 20, "council": 17},
}
