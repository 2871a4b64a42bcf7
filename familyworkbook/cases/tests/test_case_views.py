"""Open and close a case, allocate and reallocate, end an allocation: through the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from familyworkbook.cases.models import Allocation, Case
from familyworkbook.cases.tests.conftest import post_data, recorded_by
from familyworkbook.demo import builders
from familyworkbook.teams.models import Role

pytestmark = pytest.mark.django_db


def assert_error(response, message: str, *, status: int = 200) -> None:
    """The form re-shown with `message` in its error summary (a stale save answers 409)."""
    html = response.content.decode()
    assert response.status_code == status
    assert "govuk-error-summary" in html
    assert message in html


# --- Open a case ---------------------------------------------------------------------------


def test_open_case_needs_sign_in(client, smith_family):
    response = client.get(reverse("cases:open_case", args=[smith_family.pk]))
    assert response.status_code == 302 and response.url.startswith("/sign-in/")


def test_open_case_404_for_a_missing_family(sam_client):
    assert sam_client.get(reverse("cases:open_case", args=[999999])).status_code == 404


def test_open_case_lists_my_teams_first(client, signed_in, priya, north, south, smith_family):
    recorded_by(priya, smith_family)
    signed_in(client, priya)
    response = client.get(reverse("cases:open_case", args=[smith_family.pk]))
    assert response.status_code == 200
    teams = list(response.context["form"].fields["team"].queryset)
    assert teams[0] == south
    assert north in teams


def test_open_case_saves_and_redirects(sam_client, smith_family, north, sam):
    response = sam_client.post(
        reverse("cases:open_case", args=[smith_family.pk]),
        post_data(team=north.pk, reason="cp", opened_on=dt.date(2025, 9, 1)),
    )
    assert response.status_code == 302
    assert response.url == smith_family.get_absolute_url()
    case = Case.objects.get(family=smith_family)
    assert (case.team, case.reason, case.opened_on) == (north, "cp", dt.date(2025, 9, 1))
    assert case.created_by == sam.user
    assert "Case opened" in sam_client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "cp", "opened_on": dt.date(2025, 9, 1)}, "Select the team"),
        ({"team": "north", "opened_on": dt.date(2025, 9, 1)}, "Select the reason for involvement"),
        ({"team": "north", "reason": "cp"}, "Enter the date the case opened"),
        (
            {"team": "north", "reason": "cp", "opened_on": dt.date(2099, 1, 1)},
            "The date the case opened must be today or in the past",
        ),
    ],
)
def test_open_case_invalid_saves_nothing(sam_client, smith_family, north, data, message):
    if data.get("team") == "north":
        data["team"] = north.pk
    response = sam_client.post(
        reverse("cases:open_case", args=[smith_family.pk]), post_data(**data)
    )
    assert_error(response, message)
    assert Case.objects.count() == 0


def test_open_case_refuses_a_second_open_case_with_the_same_team(sam_client, smith_case, north):
    response = sam_client.post(
        reverse("cases:open_case", args=[smith_case.family_id]),
        post_data(team=north.pk, reason="cp", opened_on=dt.date(2025, 9, 2)),
    )
    assert_error(
        response, "This family already has an open case with North Family Safeguarding Team"
    )
    assert Case.objects.count() == 1


# --- Close a case --------------------------------------------------------------------------


def close_url(case):
    return reverse("cases:close_case", args=[case.pk])


def test_close_case_needs_sign_in_and_404s(anon, sam_client, smith_case):
    response = anon.get(close_url(smith_case))
    assert response.status_code == 302 and response.url.startswith("/sign-in/")
    assert sam_client.get(reverse("cases:close_case", args=[999999])).status_code == 404
    assert sam_client.get(close_url(smith_case)).status_code == 200


def test_close_case_ends_allocations(sam_client, smith_case, dana):
    Allocation.objects.create(
        case=smith_case, worker=dana, role=Role.DA_SURVIVOR_WORKER, started_on=dt.date(2025, 9, 3)
    )
    response = sam_client.post(
        close_url(smith_case),
        post_data(
            closed_on=dt.date(2025, 10, 1),
            closure_reason="outcomes_met",
            version=smith_case.version,
        ),
    )
    assert response.status_code == 302
    smith_case.refresh_from_db()
    assert smith_case.closed_on == dt.date(2025, 10, 1)
    assert smith_case.closure_reason == "outcomes_met"
    assert smith_case.version == 2
    assert set(smith_case.allocations.values_list("ended_on", flat=True)) == {dt.date(2025, 10, 1)}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"closed_on": dt.date(2025, 10, 1)}, "Select the reason for closing the case"),
        ({"closure_reason": "nfa"}, "Enter the date the case closed"),
        (
            {"closed_on": dt.date(2025, 8, 1), "closure_reason": "nfa"},
            "The date the case closed must be on or after the date it opened (01/09/2025)",
        ),
        (
            {
                "closed_on_day": "31",
                "closed_on_month": "2",
                "closed_on_year": "2025",
                "closure_reason": "nfa",
            },
            "must be a real date",
        ),
    ],
)
def test_close_case_invalid_saves_nothing(sam_client, smith_case, data, message):
    response = sam_client.post(close_url(smith_case), post_data(version=smith_case.version, **data))
    assert_error(response, message)
    smith_case.refresh_from_db()
    assert smith_case.closed_on is None
    assert smith_case.allocations.current().count() == 1


def test_close_case_refuses_a_stale_edit_and_says_what_changed(sam_client, smith_case, mo):
    opened_version = smith_case.version
    # Mo closes the case while Sam has the form open.
    from familyworkbook.cases import services

    services.close_case(
        smith_case, by=mo.user, closed_on=dt.date(2025, 9, 30), closure_reason="step_down"
    )
    response = sam_client.post(
        close_url(smith_case),
        post_data(
            closed_on=dt.date(2025, 10, 1), closure_reason="outcomes_met", version=opened_version
        ),
    )
    assert_error(response, "Mo Reid changed this record", status=409)
    html = response.content.decode()
    assert "Stepped down to early help" in html
    # Field by field: their saved value beside Sam's answer, and the form on the latest version.
    assert response.context["stale_differences"] == [
        {
            "label": "Date the case closed",
            "theirs": "30 September 2025",
            "mine": "1 October 2025",
        },
        {
            "label": "Reason for closing the case",
            "theirs": "Stepped down to early help",
            "mine": "Outcomes met: no further social care involvement",
        },
    ]
    assert "Where the saved record and your answers differ" in html
    assert f'name="version" value="{opened_version + 1}"' in html
    smith_case.refresh_from_db()
    assert smith_case.closure_reason == "step_down"
    assert smith_case.closed_on == dt.date(2025, 9, 30)


def test_a_stale_allocation_end_is_refused(sam_client, smith_case, mo):
    allocation = smith_case.allocations.get()
    opened_version = allocation.version
    from familyworkbook.cases import services

    services.end_allocation(allocation, by=mo.user, ended_on=dt.date(2025, 9, 20))
    response = sam_client.post(
        reverse("cases:end_allocation", args=[allocation.pk]),
        post_data(ended_on=dt.date(2025, 10, 1), version=opened_version),
    )
    assert_error(response, "changed this record", status=409)
    allocation.refresh_from_db()
    assert allocation.ended_on == dt.date(2025, 9, 20)


# --- Allocate ------------------------------------------------------------------------------


def allocate_url(case):
    return reverse("cases:allocate", args=[case.pk])


def test_allocate_needs_sign_in_and_404s(anon, sam_client, smith_case):
    response = anon.get(allocate_url(smith_case))
    assert response.status_code == 302 and response.url.startswith("/sign-in/")
    assert sam_client.get(reverse("cases:allocate", args=[999999])).status_code == 404


def test_allocate_lists_the_teams_workers_first_with_their_role(
    sam_client, smith_case, sam, priya, mo, dana
):
    response = sam_client.get(allocate_url(smith_case))
    html = response.content.decode()
    assert '<label class="govuk-label govuk-label--s" for="id_worker">Worker</label>' in html
    assert ">Allocate<" in html
    workers = list(response.context["form"].fields["worker"].queryset)
    assert workers.index(priya) == len(workers) - 1  # South only: after everyone in North
    assert "Mo Reid (Team manager)" in html
    assert "Priya Shah (Social worker) – another team" in html
    assert sam not in workers  # already allocated


def test_allocate_a_co_worker(sam_client, smith_case, dana, sam):
    response = sam_client.post(
        allocate_url(smith_case),
        post_data(worker=dana.pk, role="", started_on=dt.date(2025, 9, 10)),
    )
    assert response.status_code == 302
    assert response.url == smith_case.get_absolute_url()
    new = Allocation.objects.get(worker=dana)
    assert (new.role, new.is_lead, new.started_on) == (
        Role.DA_SURVIVOR_WORKER,
        False,
        dt.date(2025, 9, 10),
    )
    assert Allocation.objects.current().filter(case=smith_case).count() == 2


def test_making_someone_lead_reallocates(sam_client, smith_case, mo, sam):
    response = sam_client.post(
        allocate_url(smith_case),
        post_data(
            worker=mo.pk, role=Role.SOCIAL_WORKER, is_lead="on", started_on=dt.date(2025, 10, 1)
        ),
    )
    assert response.status_code == 302
    sams = Allocation.objects.get(worker=sam)
    assert sams.ended_on == dt.date(2025, 10, 1)
    lead = Allocation.objects.current().get(case=smith_case, is_lead=True)
    assert lead.worker == mo and lead.role == Role.SOCIAL_WORKER


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"started_on": dt.date(2025, 9, 10)}, "Select the worker"),
        ({"worker": "mo"}, "Enter the date allocated"),
        (
            {"worker": "mo", "started_on": dt.date(2025, 8, 1)},
            "The date allocated must be on or after the case opened (01/09/2025)",
        ),
        (
            {"worker": "sam", "started_on": dt.date(2025, 9, 10)},
            "Select the worker",
        ),
        ({"worker": "mo", "is_lead": "on", "started_on": dt.date(2025, 9, 1)}, None),
    ],
)
def test_allocate_invalid_saves_nothing(sam_client, smith_case, sam, mo, data, message):
    data = {**data, "worker": {"mo": mo.pk, "sam": sam.pk}.get(data.get("worker"), "")}
    if message is None:
        # Same day as Sam's allocation started is allowed: the reallocation is on that day.
        response = sam_client.post(allocate_url(smith_case), post_data(**data))
        assert response.status_code == 302
        return
    response = sam_client.post(allocate_url(smith_case), post_data(**data))
    assert_error(response, message)
    assert Allocation.objects.count() == 1
    assert Allocation.objects.get().ended_on is None


def test_cannot_allocate_to_a_closed_case(sam_client, smith_case, mo):
    smith_case.closed_on, smith_case.closure_reason = dt.date(2025, 9, 5), "nfa"
    smith_case.save()
    response = sam_client.post(
        allocate_url(smith_case), post_data(worker=mo.pk, started_on=dt.date(2025, 9, 10))
    )
    assert_error(response, "You cannot allocate a worker to a closed case")
    assert Allocation.objects.filter(worker=mo).count() == 0


# --- End an allocation ---------------------------------------------------------------------


def test_end_allocation(sam_client, anon, smith_case):
    allocation = smith_case.allocations.get()
    url = reverse("cases:end_allocation", args=[allocation.pk])
    response = anon.get(url)
    assert response.status_code == 302 and response.url.startswith("/sign-in/")
    assert sam_client.get(reverse("cases:end_allocation", args=[999999])).status_code == 404
    assert sam_client.get(url).status_code == 200
    response = sam_client.post(url, post_data(ended_on=dt.date(2025, 8, 1), version=1))
    assert_error(
        response, "The date the allocation ended must be on or after it started (01/09/2025)"
    )
    allocation.refresh_from_db()
    assert allocation.ended_on is None
    response = sam_client.post(url, post_data(ended_on=dt.date(2025, 10, 1), version=1))
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.ended_on == dt.date(2025, 10, 1)


def test_the_browser_journey_texts(sam_client, smith_case):
    """The Playwright test clicks these exact texts: keep them."""
    family_html = sam_client.get(smith_case.get_absolute_url()).content.decode()
    assert ">Add a child<" in family_html
    assert ">Allocate a worker<" in family_html
    other = builders.family("Other")
    recorded_by(smith_case.allocations.get().worker, other)
    assert (
        reverse("cases:open_case", args=[other.pk])
        in sam_client.get(other.get_absolute_url()).content.decode()
    )
