"""The data-quality view: children whose records would fail a return today, by team and worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familyworkbook.cases.models import CinEpisode
from familyworkbook.returns import quality
from familyworkbook.returns.models import QualityIssue, QualitySnapshot
from familyworkbook.returns.periods import CollectionYear
from familyworkbook.returns.tasks import refresh_quality_snapshot
from familyworkbook.returns.tests.scenarios import children_of, cin_family

pytestmark = pytest.mark.django_db

YEAR = CollectionYear(2026)


def broken_family(team, lead):  # type: ignore[no-untyped-def]
    family, case = cin_family(team, lead)
    first = children_of(family)[0]
    CinEpisode.objects.filter(child=first).update(primary_need="")
    return family, case, first


def test_collection_year_in_progress():
    assert CollectionYear.current(dt.date(2026, 3, 31)).year == 2026
    assert CollectionYear.current(dt.date(2026, 4, 1)).year == 2027
    assert CollectionYear(2026).label == "2025/26"


def test_refresh_attributes_each_problem_to_the_team_and_lead_worker(north, sam):
    _, case, first = broken_family(north, sam)
    snapshot = quality.refresh(YEAR)
    [issue] = snapshot.issues.all()
    assert (issue.child, issue.team, issue.worker, issue.case) == (first, north, sam, case)
    assert (issue.return_name, issue.rule, issue.field) == ("CIN census", "8610", "primary need")


def test_the_background_task_keeps_only_the_latest_snapshots(north, sam):
    broken_family(north, sam)
    for _ in range(quality.KEEP_SNAPSHOTS + 2):
        refresh_quality_snapshot.enqueue()  # tests run tasks at once
    assert QualitySnapshot.objects.count() == quality.KEEP_SNAPSHOTS
    assert QualityIssue.objects.count() == quality.KEEP_SNAPSHOTS * len(
        quality.latest_snapshot().issues.all()
    )


def test_page_names_the_child_the_rule_and_links_to_the_fix(north, sam, client, signed_in):
    _, _, first = broken_family(north, sam)
    quality.refresh(YEAR)
    page = signed_in(client, sam).get(reverse("returns:data_quality"), {"team": north.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert first.full_name in html
    assert reverse("cases:person", args=[first.pk]) in html
    assert "needs a primary need code" in html
    assert "rule 8610" in html
    assert sam.name in html


def test_page_before_any_check_says_so(sam, client, signed_in):
    page = signed_in(client, sam).get(reverse("returns:data_quality"))
    assert "have not been checked yet" in page.content.decode()


def test_unknown_team_is_404(sam, north, client, signed_in):
    broken_family(north, sam)
    quality.refresh(YEAR)
    client = signed_in(client, sam)
    assert client.get(reverse("returns:data_quality"), {"team": "999999"}).status_code == 404
    assert client.get(reverse("returns:data_quality"), {"team": "x"}).status_code == 404


def test_signed_out_is_sent_to_sign_in(client):
    page = client.get(reverse("returns:data_quality"))
    assert page.status_code == 302


def test_manager_can_run_the_check_and_a_social_worker_cannot(north, sam, mo, client, signed_in):
    broken_family(north, sam)
    url = reverse("returns:refresh_data_quality")
    assert signed_in(client, sam).post(url).status_code == 404
    assert not QualitySnapshot.objects.exists()
    assert signed_in(client, mo).post(url).status_code == 302
    assert QualitySnapshot.objects.count() == 1


def test_team_caseload_shows_the_count(north, sam, mo, client, signed_in):
    broken_family(north, sam)
    quality.refresh(YEAR)
    page = signed_in(client, mo).get(reverse("cases:team_caseload", args=[north.pk]))
    html = page.content.decode()
    assert "1 child's record would fail a statutory return today." in html
    assert f"{reverse('returns:data_quality')}?team={north.pk}" in html


def test_page_queries_do_not_grow_with_the_number_of_problems(north, sam, client, signed_in):
    broken_family(north, sam)
    quality.refresh(YEAR)
    client = signed_in(client, sam)
    url = reverse("returns:data_quality")
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"team": north.pk})
    for _ in range(4):
        broken_family(north, sam)
    quality.refresh(YEAR)
    assert quality.latest_snapshot().issues.count() == 5
    with CaptureQueriesContext(connection) as large:
        client.get(url, {"team": north.pk})
    assert len(large) == len(small)


def test_year_end_outcomes_are_not_asked_for_while_the_year_runs(north, sam):
    from familyworkbook.cases.models import LookedAfterOutcome
    from familyworkbook.returns.tests.scenarios import looked_after_family

    looked_after_family(north, sam)
    LookedAfterOutcome.objects.update(archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    during = quality.problems_today(YEAR, today=dt.date(2026, 2, 1))
    after = quality.problems_today(YEAR, today=dt.date(2026, 4, 2))
    assert "191" not in {p.rule for p in during}
    assert "191" in {p.rule for p in after}


def test_a_referral_still_being_assessed_needs_no_primary_need_yet(north, sam):
    from familyworkbook.cases.models import Assessment

    _, _, first = broken_family(north, sam)
    Assessment.objects.filter(episode__child=first).update(authorised_on=None, factors=[])
    during = quality.problems_today(YEAR, today=dt.date(2026, 2, 1))
    assert "8610" not in {p.rule for p in during}
    Assessment.objects.filter(episode__child=first).update(authorised_on=dt.date(2025, 7, 10))
    during = quality.problems_today(YEAR, today=dt.date(2026, 2, 1))
    assert "8610" in {p.rule for p in during}


def test_a_missing_looked_after_fact_links_to_the_form_that_records_it(
    north, sam, client, signed_in
):
    from familyworkbook.cases.models import PreviousPermanence
    from familyworkbook.returns.tests.scenarios import looked_after_family

    family, _ = looked_after_family(north, sam)
    _, newcomer = children_of(family)
    PreviousPermanence.objects.all().update(archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    quality.refresh(YEAR)
    issue = QualityIssue.objects.get(rule="630")
    assert issue.fix_url == reverse("cases:lac_prevperm_add", args=[newcomer.pk])
    html = signed_in(client, sam).get(reverse("returns:data_quality")).content.decode()
    assert reverse("cases:lac_prevperm_add", args=[newcomer.pk]) in html
    # The link leads to a form that records it.
    form = client.get(issue.fix_url)
    assert form.status_code == 200
    assert "Looked after from 02/06/2025" in form.content.decode()


@pytest.mark.parametrize(
    ("rule", "field", "page"),
    [
        ("191", "outcomes (OC2)", "cases:lac_oc2_add"),
        ("186", "SDQ score", "cases:lac_facts"),
        ("633", "previous permanence", "cases:lac_facts"),
        ("551", "adoption decision", "cases:lac_adoption_add"),
        ("SW13STG1", "reason the social worker changed", "cases:lac_facts"),
        ("8610", "primary need", "cases:person"),
    ],
)
def test_each_problem_points_at_the_page_that_fixes_it(rule, field, page):
    from familyworkbook.returns.problems import Problem

    problem = Problem("SSDA903", rule, field, "message", 7, "C7")
    assert problem.fix_url.startswith(reverse(page, args=[7]))
