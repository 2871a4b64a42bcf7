"""Workforce figures against a hand-built workforce whose answers are worked out by hand.

North: sam (social worker), mo (team manager), agnes (agency social worker).
South: priya (social worker). Dana (DA survivor worker) serves North and South: one post.
A vacant mental health post serves North, South and West: one post.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from familyworkbook.cases.models import Allocation
from familyworkbook.demo import builders
from familyworkbook.insights import workforce
from familyworkbook.insights.models import Course, Thresholds, TrainingRecord
from familyworkbook.insights.selectors import Scope
from familyworkbook.teams.models import EmploymentType, Post, Role

DAY = dt.date(2025, 6, 30)


@pytest.fixture
def staff(north, south, sam, priya, mo, dana):
    west = builders.team("West Family Safeguarding Team", district="Fenland")
    agnes = builders.worker(
        "agnes", teams=[north], employment_type=EmploymentType.AGENCY, role=Role.SOCIAL_WORKER
    )
    vacant = Post.objects.create(
        role=Role.MENTAL_HEALTH_PRACTITIONER,
        organisation=sam.organisation,
        fte=Decimal("0.50"),
        established_on=dt.date(2020, 1, 1),
        vacant_since=dt.date(2024, 1, 1),
    )
    vacant.teams.set([north, south, west])
    # A post disestablished before the day does not count.
    gone = Post.objects.create(
        role=Role.PSYCHOLOGIST,
        organisation=sam.organisation,
        established_on=dt.date(2020, 1, 1),
        disestablished_on=dt.date(2025, 1, 1),
    )
    gone.teams.set([north])
    c1 = builders.case(builders.family("One"), north, lead=sam, opened_on=dt.date(2025, 1, 1))
    builders.case(builders.family("Two"), north, lead=sam, opened_on=dt.date(2025, 2, 1))
    Allocation.objects.create(
        case=c1, worker=dana, role=Role.DA_SURVIVOR_WORKER, started_on=dt.date(2025, 3, 1)
    )
    for who, course in [(sam, Course.MI_CORE), (sam, Course.MI_FOLLOW_UP), (mo, Course.MI_CORE)]:
        TrainingRecord.objects.create(worker=who, course=course, completed_on=dt.date(2025, 5, 1))
    # Completed after the day: not counted.
    TrainingRecord.objects.create(
        worker=priya, course=Course.MI_CORE, completed_on=dt.date(2025, 7, 1)
    )
    return {"agnes": agnes, "west": west}


def _rows(table):
    return {row[0]: row[1:] for row in table.rows}


def test_posts_shared_across_teams_are_counted_once(staff):
    rows = _rows(workforce.posts_by_role(Scope("council"), DAY))
    # Posts, FTE, vacant, vacancy %, agency % of filled.
    assert rows["Social worker"] == [3, 3.0, 0, 0.0, 33.3]
    assert rows["Domestic abuse survivor worker"] == [1, 1.0, 0, 0.0, 0.0]
    assert rows["Mental health practitioner"] == [1, 0.5, 1, 100.0, None]
    assert "Psychologist" not in rows
    # 3 SW + TM + DA + MH = 6 posts; 1 vacant; 1 agency of 5 filled.
    assert rows["All roles"] == [6, 5.5, 1, 16.7, 20.0]


def test_team_scope_counts_the_posts_serving_it(staff, north, south):
    assert _rows(workforce.posts_by_role(Scope("team", north), DAY))["All roles"][0] == 5
    assert _rows(workforce.posts_by_role(Scope("team", south), DAY))["All roles"][0] == 3
    assert _rows(workforce.posts_by_role(Scope("team", staff["west"]), DAY))["All roles"][0] == 1


def test_caseloads_against_the_cap(staff, sam, dana, mo):
    Thresholds.objects.create(council=sam.organisation, caseload_cap=1)
    result = workforce.workforce(Scope("council"), DAY)
    loads = {c.worker.user.username: (c.open_cases, c.over_cap) for c in result["caseloads"]}
    assert loads["sam"] == (2, True)
    assert loads["dana"] == (1, False)
    assert loads["mo"] == (0, False)
    by_role = _rows(result["tables"][1])
    # Social workers: sam 2, priya 0, agnes 0 → average 0.7, highest 2, one over the cap.
    assert by_role["Social worker"] == [3, 0.7, 2, 1]


def test_caseload_cap_defaults_to_fifteen(staff):
    assert workforce.thresholds().caseload_cap == 15


def test_training_register_shares(staff):
    rows = _rows(workforce.training(Scope("council"), DAY))
    # Holders: sam, priya, mo, dana, agnes = 5; trained sam and mo; follow-up sam.
    assert rows["Post holders"] == [5, None]
    assert rows["Trained in Motivational Interviewing"] == [2, 40.0]
    assert rows["Of those trained, took up the follow-up"] == [1, 50.0]


def test_large_scopes_list_only_workers_over_the_cap(staff, sam, monkeypatch):
    Thresholds.objects.create(council=sam.organisation, caseload_cap=1)
    monkeypatch.setattr(workforce, "WORKER_LIST_LIMIT", 2)
    result = workforce.workforce(Scope("council"), DAY)
    assert [c.worker.user.username for c in result["caseloads"]] == ["sam"]
    assert result["only_over_cap_listed"] is True
    assert result["workers_counted"] == 5
    assert result["workers_over_cap"] == 1


@pytest.fixture
def movers(staff, north, south):
    """lee (North, his post still names him) left 31 Mar 2025; lou (no post) left 1 May
    2025; neo (South) started 1 Apr 2025. All social workers."""
    from familyworkbook.teams.models import Worker

    lee = builders.worker("lee", teams=[north])
    lou = builders.worker("lou")
    neo = builders.worker("neo", teams=[south])
    Worker.objects.filter(pk=lee.pk).update(left_on=dt.date(2025, 3, 31))
    Worker.objects.filter(pk=lou.pk).update(left_on=dt.date(2025, 5, 1))
    Worker.objects.filter(pk=neo.pk).update(started_on=dt.date(2025, 4, 1))


def test_turnover_for_the_council(movers):
    rows = _rows(workforce.turnover(Scope("council"), dt.date(2025, 1, 1), DAY))
    # Social workers: start sam, priya, agnes, lee, lou (5); end sam, priya, agnes, neo (4);
    # 2 leavers / 4.5 = 44.4%; agency agnes 1 of 4.
    assert rows["Social worker"] == [5, 4, 2, 44.4, 25.0]
    assert rows["Team manager"] == [1, 1, 0, 0.0, 0.0]
    # All: start 7 (with mo and dana), end 6, 2 / 6.5 = 30.8%, agency 1 of 6.
    assert rows["All roles"] == [7, 6, 2, 30.8, 16.7]


def test_turnover_for_a_team_counts_workers_its_posts_name(movers, north):
    rows = _rows(workforce.turnover(Scope("team", north), dt.date(2025, 1, 1), DAY))
    # sam, agnes, lee at the start; sam, agnes at the end; 1 / 2.5 = 40%.
    assert rows["Social worker"] == [3, 2, 1, 40.0, 50.0]


def test_workforce_page_has_the_turnover_table(movers):
    result = workforce.workforce(Scope("council"), DAY, dt.date(2025, 1, 1))
    assert [t.slug for t in result["tables"]] == ["posts", "caseloads", "turnover", "training"]
