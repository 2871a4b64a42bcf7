"""The record pages: family, person, my caseload, team caseloads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from familyworkbook.cases.models import (
    Allocation,
    CareProceedings,
    CinEpisode,
    CinPlan,
    CpPlan,
    LookedAfterEpisode,
    PreProceedings,
    Visit,
)
from familyworkbook.demo import builders
from familyworkbook.people.models import Address, PersonKind
from familyworkbook.teams.models import Role, User

pytestmark = pytest.mark.django_db


def give_history(fam, cases) -> None:
    """Closed episodes, plans, a looked-after child, PLO, proceedings and visits for every child."""
    children = list(fam.members.filter(kind=PersonKind.CHILD))
    for i, child in enumerate(children):
        old = CinEpisode.objects.create(
            child=child,
            referral_on=dt.date(2022, 1, 10),
            referral_source="1A",
            closed_on=dt.date(2022, 6, 1),
            closure_reason="RC8",
        )
        CinPlan.objects.create(
            episode=old, started_on=dt.date(2022, 2, 1), ended_on=dt.date(2022, 6, 1)
        )
        current = child.cin_episodes.filter(closed_on__isnull=True).first()
        if current is None:
            continue
        if i % 2:
            CpPlan.objects.create(
                episode=current,
                started_on=dt.date(2025, 9, 15),
                initial_category="NEG",
                latest_category="NEG",
            )
        else:
            CinPlan.objects.create(episode=current, started_on=dt.date(2025, 9, 15))
        LookedAfterEpisode.objects.create(
            child=child,
            started_on=dt.date(2025, 10, 1),
            reason_new_episode="S",
            legal_status="C1",
            need="N1",
            placement_type="U4",
        )
        PreProceedings.objects.create(child=child, started_on=dt.date(2025, 10, 2))
        CareProceedings.objects.create(child=child, issued_on=dt.date(2025, 10, 3))
        for day in (5, 12, 19):
            Visit.objects.create(
                child=child, visited_on=dt.date(2025, 10, day), kind="cin", seen=True
            )


@pytest.fixture
def big_family(north, south, sam, priya, dana, mo):
    fam = builders.family("Large", children=5, adults=3)
    extra = builders.team("Edge of Care Team", kind="edge")
    cases = [
        builders.case(fam, north, lead=sam),
        builders.case(fam, south, lead=priya, with_episodes=False),
        builders.case(fam, extra, lead=mo, with_episodes=False),
    ]
    Allocation.objects.create(
        case=cases[0], worker=dana, role=Role.DA_SURVIVOR_WORKER, started_on=dt.date(2025, 9, 2)
    )
    give_history(fam, cases)
    return fam


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- Sign-in and 404 -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cases:my_caseload", "cases:team_caseloads"])
def test_pages_need_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith("/sign-in/")


def test_record_pages_need_sign_in(client, smith_case, ava, north):
    for url in [
        reverse("cases:family", args=[smith_case.family_id]),
        reverse("cases:person", args=[ava.pk]),
        reverse("cases:team_caseload", args=[north.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/sign-in/")


@pytest.mark.parametrize("name", ["cases:family", "cases:person", "cases:team_caseload"])
def test_missing_record_is_404(sam_client, name):
    assert sam_client.get(reverse(name, args=[999999])).status_code == 404


def test_archived_family_is_404(sam_client, smith_family, sam):
    smith_family.archive(by=sam.user)
    assert sam_client.get(reverse("cases:family", args=[smith_family.pk])).status_code == 404


# --- Family page ---------------------------------------------------------------------------


def test_family_page_shows_members_cases_and_actions(sam_client, smith_case, dana):
    Allocation.objects.create(
        case=smith_case, worker=dana, role=Role.DA_SURVIVOR_WORKER, started_on=dt.date(2025, 9, 3)
    )
    fam = smith_case.family
    response = sam_client.get(reverse("cases:family", args=[fam.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert fam.reference in html
    for person in fam.members.all():
        assert person.full_name in html
        assert person.get_absolute_url() in html
    assert "North Family Safeguarding Team" in html
    # Lead first, then the adult specialist.
    assert html.index("Sam Okafor") < html.index("Dana Price")
    assert f"{reverse('people:add_person')}?family={fam.pk}" in html
    assert reverse("people:add_member", args=[fam.pk]) in html
    assert reverse("cases:open_case", args=[fam.pk]) in html
    assert reverse("cases:allocate", args=[smith_case.pk]) in html
    assert reverse("cases:close_case", args=[smith_case.pk]) in html
    membership = fam.memberships.first()
    assert reverse("people:end_membership", args=[membership.pk]) in html
    assert ">Add a child<" in html and ">Allocate a worker<" in html and ">Close case<" in html


def test_family_page_shows_relationships_once_from_the_carers_side(sam_client, smith_family):
    html = sam_client.get(reverse("cases:family", args=[smith_family.pk])).content.decode()
    # 2 parents x 2 children, each stored with its inverse: 4 rows, all "parent" with PR.
    assert html.count(">parent<") == 4
    assert ">child<" not in html


def test_family_page_statuses_at_a_glance(sam_client, smith_case, ava_episode):
    fam = smith_case.family
    leo = fam.members.filter(kind=PersonKind.CHILD).exclude(pk=ava_episode.child_id).get()
    url = reverse("cases:family", args=[fam.pk])
    assert sam_client.get(url).content.decode().count(">Referral<") == 2
    CpPlan.objects.create(
        episode=ava_episode,
        started_on=dt.date(2025, 9, 20),
        initial_category="NEG",
        latest_category="EMO",
    )
    LookedAfterEpisode.objects.create(
        child=leo,
        started_on=dt.date(2025, 10, 1),
        reason_new_episode="S",
        legal_status="C2",
        need="N1",
        placement_type="U4",
    )
    PreProceedings.objects.create(child=leo, started_on=dt.date(2025, 10, 2))
    html = sam_client.get(url).content.decode()
    assert "CP plan: Emotional abuse" in html
    assert "CLA: Full care order" in html
    assert ">PLO<" in html
    assert ">Referral<" not in html


def test_family_page_tags_a_re_referral(sam_client, smith_family, north, sam):
    ava = smith_family.members.filter(kind=PersonKind.CHILD).order_by("date_of_birth").first()
    CinEpisode.objects.create(
        child=ava,
        referral_on=dt.date(2025, 1, 5),
        referral_source="6",
        closed_on=dt.date(2025, 3, 1),
        closure_reason="RC8",
    )
    builders.case(smith_family, north, lead=sam)
    html = sam_client.get(reverse("cases:family", args=[smith_family.pk])).content.decode()
    assert html.count("Re-referral") == 1


def test_family_page_query_count_does_not_grow(
    client, signed_in, sam, smith_case, big_family, django_assert_num_queries
):
    signed_in(client, sam)
    small = queries_for(client, reverse("cases:family", args=[smith_case.family_id]))
    assert small <= 26  # + audited read, policy, second factor, nav
    with django_assert_num_queries(small):
        response = client.get(reverse("cases:family", args=[big_family.pk]))
    html = response.content.decode()
    assert html.count("CP plan: Neglect") == 2 and "Edge of Care Team" in html


# --- Person page ---------------------------------------------------------------------------


def test_person_page_shows_details_and_statutory_sections(sam_client, ava_episode, ava):
    html = sam_client.get(reverse("cases:person", args=[ava.pk])).content.decode()
    assert ava.full_name in html
    assert ava.la_child_id in html
    assert "White British" in html
    assert "No disability" in html
    for name in [
        "record_assessment",
        "record_s47",
        "record_cin_plan",
        "record_cp_plan",
        "close_episode",
    ]:
        assert reverse(f"cases:{name}", args=[ava_episode.pk]) in html
    for name in ["record_lac_episode", "record_plo", "record_proceedings", "record_visit"]:
        assert reverse(f"cases:{name}", args=[ava.pk]) in html
    # An open episode: no second referral offered.
    assert reverse("cases:record_referral", args=[ava.pk]) not in html
    assert "Smith family" in html


def test_person_page_never_shows_a_protected_address(sam_client, ava, sam):
    Address.objects.create(
        person=ava,
        line_1="1 Refuge Road",
        town="Ely",
        postcode="CB7 4AA",
        from_date=dt.date(2025, 1, 1),
        protected=True,
    )
    html = sam_client.get(reverse("cases:person", args=[ava.pk])).content.decode()
    assert "Protected address – not shown" in html
    assert "Refuge Road" not in html
    assert "CB7 4AA" not in html


def test_person_page_shows_an_ordinary_address(sam_client, ava):
    Address.objects.create(
        person=ava,
        line_1="2 Market Street",
        town="Wisbech",
        postcode="PE13 1AA",
        from_date=dt.date(2025, 1, 1),
    )
    html = sam_client.get(reverse("cases:person", args=[ava.pk])).content.decode()
    assert "2 Market Street" in html
    assert "Protected address" not in html


def test_adult_page_has_no_statutory_sections(sam_client, smith_family):
    adult = smith_family.members.filter(kind=PersonKind.ADULT).first()
    html = sam_client.get(reverse("cases:person", args=[adult.pk])).content.decode()
    assert adult.full_name in html
    assert "Episodes of need" not in html
    # The adult is the parent of both children.
    assert html.count(">Child<") == 2


def test_person_page_query_count_does_not_grow(
    client, signed_in, sam, smith_case, big_family, ava, django_assert_num_queries
):
    signed_in(client, sam)
    small = queries_for(client, reverse("cases:person", args=[ava.pk]))
    assert small <= 35  # + audited read, policy, second factor, nav, DA alert banner
    busy = big_family.members.filter(kind=PersonKind.CHILD).order_by("pk")[1]
    with django_assert_num_queries(small):
        response = client.get(reverse("cases:person", args=[busy.pk]))
    assert "Record a change of legal status or placement" in response.content.decode()


# --- Caseloads -----------------------------------------------------------------------------


def test_my_caseload_lists_my_open_cases(sam_client, smith_case, sam, priya, south):
    other = builders.case(builders.family("Jones"), south, lead=priya)
    html = sam_client.get(reverse("cases:my_caseload")).content.decode()
    assert "Smith family" in html
    assert "Jones family" not in html
    assert other.family.get_absolute_url() not in html
    assert 'data-count="cases">1<' in html
    assert 'data-count="as_lead">1<' in html
    assert 'data-count="children">2<' in html
    assert ">Lead<" in html
    assert html.count(">Referral<") == 2


def test_my_caseload_shows_last_visit(sam_client, smith_case, ava):
    Visit.objects.create(child=ava, visited_on=dt.date(2025, 10, 7), kind="cin", seen=True)
    Visit.objects.create(child=ava, visited_on=dt.date(2025, 9, 7), kind="cin", seen=True)
    html = sam_client.get(reverse("cases:my_caseload")).content.decode()
    assert "Last visit 7 Oct 2025" in html
    assert "No visits recorded" in html  # Leo has none


def test_closed_cases_leave_my_caseload(sam_client, smith_case):
    smith_case.closed_on = dt.date(2025, 10, 1)
    smith_case.closure_reason = "outcomes_met"
    smith_case.save()
    html = sam_client.get(reverse("cases:my_caseload")).content.decode()
    assert "Smith family" not in html
    assert 'data-count="cases">0<' in html


def test_superuser_without_a_worker_profile_gets_an_empty_caseload(signed_in, client, smith_case):
    admin = User.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    signed_in(client, admin)
    response = client.get(reverse("cases:my_caseload"))
    assert response.status_code == 200
    assert "You do not have a worker profile" in response.content.decode()
    assert client.get(reverse("cases:team_caseloads")).status_code == 200


def _cases_for(worker, team, n):
    for i in range(n):
        fam = builders.family(f"Load{i}", children=2, adults=1)
        c = builders.case(fam, team, lead=worker)
        ava = fam.members.filter(kind=PersonKind.CHILD).first()
        Visit.objects.create(
            child=ava, case=c, visited_on=dt.date(2025, 10, 1), kind="cin", seen=True
        )
        CpPlan.objects.create(
            episode=ava.cin_episodes.get(),
            started_on=dt.date(2025, 9, 10),
            initial_category="PHY",
            latest_category="PHY",
        )


def test_my_caseload_query_count_does_not_grow(
    signed_in, client, sam, priya, north, south, django_assert_num_queries
):
    _cases_for(sam, north, 3)
    _cases_for(priya, south, 15)
    signed_in(client, sam)
    small = queries_for(client, reverse("cases:my_caseload"))
    assert small <= 28  # + the second factor, the session and nav
    signed_in(client, priya)
    with django_assert_num_queries(small):
        response = client.get(reverse("cases:my_caseload"))
    html = response.content.decode()
    assert 'data-count="cases">15<' in html
    assert 'data-count="cp">15<' in html
    assert html.count("CP plan: Physical abuse") == 15


def test_my_caseload_pages(signed_in, client, priya, south, settings):
    settings.PAGE_SIZE = 5
    _cases_for(priya, south, 7)
    signed_in(client, priya)
    first = client.get(reverse("cases:my_caseload")).content.decode()
    second = client.get(reverse("cases:my_caseload") + "?page=2").content.decode()
    assert first.count("Last visit") == 5
    assert second.count("Last visit") == 2
    assert 'rel="next"' in first


def test_team_caseloads_lists_my_teams_with_counts(
    signed_in, client, dana, smith_case, priya, south
):
    builders.case(builders.family("Jones"), south, lead=priya)
    builders.case(builders.family("Brown"), south, lead=priya)
    signed_in(client, dana)
    response = client.get(reverse("cases:team_caseloads"))
    teams = {t.name: t.open_cases for t in response.context["teams"]}
    assert teams == {"North Family Safeguarding Team": 1, "South Family Safeguarding Team": 2}


def test_team_caseload_puts_unallocated_cases_first(sam_client, north, sam, mo, smith_case):
    waiting = builders.case(builders.family("Waiting"), north, opened_on=dt.date(2025, 10, 1))
    response = sam_client.get(reverse("cases:team_caseload", args=[north.pk]))
    cases = list(response.context["page_obj"].object_list)
    assert cases[0] == waiting
    html = response.content.decode()
    assert "Not allocated" in html
    workers = {w.name: (w.caseload, w.lead_on) for w in response.context["workers"]}
    assert workers == {"Sam Okafor": (1, 1), "Mo Reid": (0, 0)}


def test_team_caseload_query_count_does_not_grow(
    client, signed_in, sam, north, mo, django_assert_num_queries
):
    _cases_for(sam, north, 3)
    signed_in(client, mo)
    small = queries_for(client, reverse("cases:team_caseload", args=[north.pk]))
    assert small <= 26
    _cases_for(sam, north, 12)
    with django_assert_num_queries(small):
        response = client.get(reverse("cases:team_caseload", args=[north.pk]))
    assert response.context["open_cases"] == 15


def test_team_caseloads_query_count_does_not_grow_with_teams(
    signed_in, client, sam, dana, smith_case, django_assert_num_queries
):
    signed_in(client, sam)
    one_team = queries_for(client, reverse("cases:team_caseloads"))
    signed_in(client, dana)
    with django_assert_num_queries(one_team):
        response = client.get(reverse("cases:team_caseloads"))
    assert len(response.context["teams"]) == 2
