"""The fidelity monitor against hand-worked figures, North team, Q1 and Q2 2025.

Posts serving North: Dana's DA post (filled), a mental health post vacant since 2024, a
psychologist post that fell vacant on 1 May 2025. Q1: 2 of 3 filled (66.7%); Q2: 1 of 3 (33.3%).

Cases: `one` (Dana allocated from 1 Jan 2025; group supervision held 20 Jun 2025; a Workbook
module entry 10 May 2025) and `two` (no specialist, no programme). Group supervision: Q1
0 of 1 = 0%, Q2 1 of 1 = 100%. Programme use: Q1 0 of 2, Q2 1 of 2 = 50%.

Clinical supervision in Q2: sam (social worker) by a team manager in April, May and June:
met. mo (team manager) in April and June only: not met. Dana (DA) by a social worker
each month: not her profession, not met. 1 of 3 = 33.3%; Q1 none = 0%.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from familyworkbook.cases.models import Allocation
from familyworkbook.demo import builders
from familyworkbook.insights import fidelity
from familyworkbook.insights.models import ClinicalSupervision, Thresholds
from familyworkbook.insights.selectors import Scope
from familyworkbook.meetings.models import Meeting, MeetingStatus, MeetingType
from familyworkbook.teams.models import Post, Role
from familyworkbook.workbook.models import Entry, Module

D = dt.date
FROM, TO = D(2025, 1, 1), D(2025, 6, 30)


@pytest.fixture
def world(north, sam, mo, dana):
    for role, vacant_since, holder in [
        (Role.MENTAL_HEALTH_PRACTITIONER, D(2024, 1, 1), None),
        (Role.PSYCHOLOGIST, D(2025, 5, 1), None),
    ]:
        post = Post.objects.create(
            role=role,
            organisation=sam.organisation,
            fte=Decimal("1.00"),
            established_on=D(2020, 1, 1),
            vacant_since=vacant_since,
            holder=holder,
        )
        post.teams.set([north])
    one = builders.case(builders.family("One"), north, lead=sam, opened_on=D(2025, 1, 1))
    builders.case(builders.family("Two"), north, lead=sam, opened_on=D(2025, 1, 1))
    Allocation.objects.create(
        case=one, worker=dana, role=Role.DA_SURVIVOR_WORKER, started_on=D(2025, 1, 1)
    )
    Meeting.objects.create(
        type=MeetingType.objects.get(slug="group_case_supervision"),
        family=one.family,
        case=one,
        team=north,
        chair=mo,
        starts_at=dt.datetime(2025, 6, 20, 10, tzinfo=dt.UTC),
        status=MeetingStatus.HELD,
        held_on=D(2025, 6, 20),
    )
    module = Module.objects.order_by("pk").first()
    assert module is not None, "the shipped programmes should be loaded by migration"
    Entry.objects.create(
        family=one.family,
        author=sam,
        chapter="social_work",
        happened_on=D(2025, 5, 10),
        kind="session",
        programme=module.programme,
        module=module,
        what_happened="Module session",
        meaning_for_child="x",
        what_happens_next="y",
    )
    for who, role, months in [
        (sam, Role.TEAM_MANAGER, (4, 5, 6)),
        (mo, Role.SERVICE_MANAGER, (4, 6)),
        (dana, Role.SOCIAL_WORKER, (4, 5, 6)),
    ]:
        for m in months:
            ClinicalSupervision.objects.create(
                worker=who, supervisor_role=role, held_on=D(2025, m, 10)
            )
    return one


@pytest.fixture
def result(world, north, performance):
    return fidelity.monitor(performance.user, Scope("team", north), FROM, TO)


def _values(result):
    return {m.slug: m.values for m in result["measures"]}


def test_specialist_posts_filled(result):
    assert _values(result)["specialist_posts"] == [66.7, 33.3]


def test_group_supervision_in_cases_with_a_specialist(result):
    assert _values(result)["group_supervision"] == [0.0, 100.0]


def test_clinical_supervision_from_own_profession_every_month(result):
    # mo is a team manager supervised by a service manager: not social work, so not met.
    assert _values(result)["clinical_supervision"] == [0.0, 33.3]


def test_programme_use(result):
    assert _values(result)["programme_use"] == [0.0, 50.0]


def test_thresholds_and_meets(world, north, performance, sam):
    Thresholds.objects.create(council=sam.organisation, specialist_posts_filled=30)
    measures = {
        m.slug: m
        for m in fidelity.monitor(performance.user, Scope("team", north), FROM, TO)["measures"]
    }
    assert measures["specialist_posts"].threshold == 30
    assert measures["specialist_posts"].meets is True
    assert measures["programme_use"].threshold == 70
    assert measures["programme_use"].meets is False
    assert measures["mi_trained"].values == [0.0, 0.0]


def test_fidelity_page(client, signed_in, world, north, performance):
    response = signed_in(client, performance).get(
        reverse("insights:fidelity"),
        {
            "scope": f"team:{north.pk}",
            "date_from_day": "1",
            "date_from_month": "1",
            "date_from_year": "2025",
            "date_to_day": "30",
            "date_to_month": "6",
            "date_to_year": "2025",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Below the threshold" in html and "Meets the threshold" in html
    assert "Not yet measured here" in html
    assert html.count("<svg") == 1


PERIOD = {
    "date_from_day": "1",
    "date_from_month": "1",
    "date_from_year": "2025",
    "date_to_day": "30",
    "date_to_month": "6",
    "date_to_year": "2025",
}


@pytest.mark.parametrize(
    ("slug", "kind", "counted", "total"),
    [
        ("specialist_posts", "posts", 1, 3),
        ("group_supervision", "cases", 1, 1),
        ("clinical_supervision", "people", 1, 3),
        ("mi_trained", "people", 0, 3),
        ("programme_use", "cases", 1, 2),
    ],
)
def test_behind_each_figure_are_the_records_it_counted(
    world, north, performance, slug, kind, counted, total
):
    found = fidelity.behind(performance.user, Scope("team", north), slug, TO)
    assert (found.kind, found.counted, found.total) == (kind, counted, total)
    latest = {
        m.slug: m.latest
        for m in fidelity.monitor(performance.user, Scope("team", north), FROM, TO)["measures"]
    }
    assert found.value == latest[slug]


def test_behind_lists_people_not_counted_first(world, north, performance, sam):
    found = fidelity.behind(performance.user, Scope("team", north), "clinical_supervision", TO)
    assert [(w.pk, met) for w, met, _detail in found.people][-1] == (sam.pk, True)
    assert found.people[0][2].endswith("of 3 months")


def test_behind_goes_through_the_access_policy(world, north, sam, south):
    """A worker of another team sees none of North's cases behind the figure."""
    outsider = builders.worker("outsider", role=Role.SOCIAL_WORKER, teams=[south])
    found = fidelity.behind(outsider.user, Scope("team", north), "programme_use", TO)
    assert found.total == 0 and list(found.cases) == []


def test_behind_page_lists_cases_with_links(client, signed_in, world, north, performance):
    response = signed_in(client, performance).get(
        reverse("insights:fidelity_behind"),
        {**PERIOD, "scope": f"team:{north.pk}", "measure": "programme_use"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 of 2 counted" in html
    assert world.family.get_absolute_url() in html
    page = signed_in(client, performance).get(
        reverse("insights:fidelity"), {**PERIOD, "scope": f"team:{north.pk}"}
    )
    assert "measure=programme_use" in page.content.decode()


def test_behind_unknown_measure_is_404(client, signed_in, world, north, performance):
    response = signed_in(client, performance).get(
        reverse("insights:fidelity_behind"),
        {**PERIOD, "scope": f"team:{north.pk}", "measure": "nonsense"},
    )
    assert response.status_code == 404
