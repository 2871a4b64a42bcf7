"""Family Group Conference pages: referral by any professional, the victim's decision, the
invitation rule through the page, the family's plan, the review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from familyworkbook.meetings.models import FamilyGroupConference, Meeting
from familyworkbook.people.models import PersonKind

from .conftest import assert_error, on


@pytest.fixture
def adults(smith_family):
    return list(smith_family.members.filter(kind=PersonKind.ADULT).order_by("pk"))


def refer(client, family, coordinator, adults, **extra):
    data = {
        **on("referred_on", dt.date(2026, 1, 5)),
        **on("date", dt.date(2026, 2, 23)),
        "time": "10:00",
        "coordinator": coordinator.pk,
        "da_victim": adults[0].pk,
        "alleged_perpetrator": adults[1].pk,
    }
    data.update(extra)
    return client.post(reverse("meetings:fgc_refer", args=[family.pk]), data)


def test_any_professional_refers_and_the_rule_holds_through_the_pages(
    client, signed_in, types, supervised_case, dana, sam, adults
):
    family = supervised_case.family
    signed_in(client, dana)  # a specialist, not the social worker, refers
    response = refer(client, family, sam, adults)
    fgc = FamilyGroupConference.objects.get()
    assert response.status_code == 302 and response.url == fgc.meeting.get_absolute_url()
    assert fgc.referred_by == dana

    page = client.get(fgc.meeting.get_absolute_url()).content.decode()
    assert "attends only if the victim asks" in page

    invite = reverse("meetings:fgc_invite", args=[fgc.meeting.pk])
    response = client.post(invite, {"person": adults[1].pk})
    assert_error(response, "can be invited only if the victim asks")
    assert not fgc.meeting.attendances.filter(person=adults[1]).exists()

    victim = reverse("meetings:fgc_victim", args=[fgc.meeting.pk])
    assert_error(client.post(victim, {}), "Select whether the victim has asked")
    assert client.post(victim, {"requested": "yes"}).status_code == 302
    assert client.post(invite, {"person": adults[1].pk}).status_code == 302
    assert fgc.meeting.attendances.filter(person=adults[1]).exists()


def test_referral_outside_the_preparation_window_saves_nothing(
    client, signed_in, types, supervised_case, sam, adults
):
    signed_in(client, sam)
    response = refer(
        client, supervised_case.family, sam, adults, **on("date", dt.date(2026, 1, 12))
    )
    assert_error(response, "Plan the conference 6 to 8 weeks after the referral")
    assert not Meeting.objects.exists()


def test_record_the_family_plan_then_plan_a_review(
    client, signed_in, types, supervised_case, sam, adults
):
    signed_in(client, sam)
    refer(client, supervised_case.family, sam, adults)
    fgc = FamilyGroupConference.objects.get()
    url = reverse("meetings:fgc_record", args=[fgc.meeting.pk])
    assert_error(
        client.post(url, {"childrens_views": "x"}), "Enter the family&#x27;s plan, in their words"
    )
    fgc.refresh_from_db()
    assert fgc.family_plan == ""
    response = client.post(
        url,
        {
            "childrens_views": "Ava wants to see Nan",
            "private_time_held": "on",
            "family_plan": "Nan will have the children on Fridays",
        },
    )
    assert response.status_code == 302
    page = client.get(fgc.meeting.get_absolute_url()).content.decode()
    assert "Nan will have the children on Fridays" in page and "Ava wants to see Nan" in page
    review = reverse("meetings:fgc_review", args=[fgc.meeting.pk])
    response = client.post(review, {**on("date", dt.date(2026, 5, 18)), "time": "10:00"})
    new = FamilyGroupConference.objects.get(review_of=fgc)
    assert response.url == new.meeting.get_absolute_url()


def test_fgc_pages_404_for_other_teams_and_ordinary_meetings(
    client, signed_in, types, plan, priya, sam, supervised_case, adults
):
    signed_in(client, sam)
    refer(client, supervised_case.family, sam, adults)
    fgc = FamilyGroupConference.objects.get()
    ordinary = plan()
    assert client.get(reverse("meetings:fgc_invite", args=[ordinary.pk])).status_code == 404
    signed_in(client, priya)
    assert client.get(reverse("meetings:fgc_invite", args=[fgc.meeting.pk])).status_code == 404
    assert (
        client.get(reverse("meetings:fgc_refer", args=[supervised_case.family_id])).status_code
        == 404
    )
