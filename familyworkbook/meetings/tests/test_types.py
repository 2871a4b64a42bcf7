"""Meeting types as data: system administrators add and edit them (GOV.UK errors, stale edits
refused, every change audited); the settings take effect when meetings are planned."""

from __future__ import annotations

import pytest
from django.urls import reverse

from familyworkbook.audit.models import AuditEvent
from familyworkbook.demo import builders
from familyworkbook.meetings import services
from familyworkbook.meetings.models import MeetingType
from familyworkbook.teams.models import Role

from .conftest import assert_error


@pytest.fixture
def admin_client(client, signed_in, north):
    sysadmin = builders.worker("sysadmin", role=Role.SYSTEM_ADMIN, teams=[north])
    return signed_in(client, sysadmin)


def new_type(**extra):
    data = {
        "name": "Strategy discussion",
        "slug": "strategy_discussion",
        "per_family": "on",
        "due_every_days": "",
        "takes_contributions": "on",
        "minutes_due_hours": "24",
        "invite_disciplines": [Role.SOCIAL_WORKER, Role.TEAM_MANAGER],
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("name", ["types", "type_add"])
def test_only_system_administrators_reach_the_pages(client, signed_in, mo, types, name):
    signed_in(client, mo)
    assert client.get(reverse(f"meetings:{name}")).status_code == 404
    gcs = types["group_case_supervision"]
    assert client.get(reverse("meetings:type_edit", args=[gcs.pk])).status_code == 404
    assert client.post(reverse("meetings:type_add"), new_type()).status_code == 404
    assert not MeetingType.objects.filter(slug="strategy_discussion").exists()


def test_the_menu_offers_meeting_types_to_system_administrators_only(
    admin_client, client, signed_in, mo, types
):
    link = f'href="{reverse("meetings:types")}"'
    assert link in admin_client.get(reverse("meetings:due")).content.decode()
    signed_in(client, mo)
    assert link not in client.get(reverse("meetings:due")).content.decode()


def test_list_shows_every_type(admin_client, types):
    html = admin_client.get(reverse("meetings:types")).content.decode()
    for t in types.values():
        assert t.name in html


def test_add_a_type(admin_client, types):
    response = admin_client.post(reverse("meetings:type_add"), new_type())
    assert response.status_code == 302 and response.url == reverse("meetings:types")
    t = MeetingType.objects.get(slug="strategy_discussion")
    assert t.per_family and t.minutes_due_hours == 24 and not t.records_rag
    assert t.invite_disciplines == [Role.SOCIAL_WORKER, Role.TEAM_MANAGER]
    assert t.ordering > max(x.ordering for x in types.values())
    event = AuditEvent.objects.get(target_type="meetings.meetingtype", verb="created")
    assert event.data["slug"] == "strategy_discussion"


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"name": ""}, "Enter the name of the meeting type"),
        ({"slug": "Has Spaces"}, "Code must only use lower-case letters"),
        ({"slug": "group_case_supervision"}, "A meeting type with this code already exists"),
        ({"due_every_days": "0"}, "Due every must be at least 1 day"),
        ({"due_every_days": "often"}, "Due every must be a whole number of days"),
        ({"needs_adult_specialist": "on"}, "Enter how often the meeting is due"),
        (
            {"per_family": None, "records_rag": "on"},
            "Only a meeting about one family can record a RAG rating",
        ),
        ({"invite_disciplines": ["wizard"]}, "Select disciplines from the list"),
    ],
)
def test_bad_input_shows_errors_and_saves_nothing(admin_client, types, extra, message):
    before = MeetingType.objects.count()
    response = admin_client.post(reverse("meetings:type_add"), new_type(**extra))
    assert_error(response, message)
    assert MeetingType.objects.count() == before
    assert not AuditEvent.objects.filter(target_type="meetings.meetingtype").exists()


def test_edit_a_type_is_audited_with_what_changed(admin_client, gcs):
    url = reverse("meetings:type_edit", args=[gcs.pk])
    form = admin_client.get(url).context["form"]
    assert "slug" not in form.fields
    data = {k: v for k, v in form.initial.items() if v not in (None, False, [])}
    data = {k: ("on" if v is True else v) for k, v in data.items()}
    data["due_every_days"] = "28"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    gcs.refresh_from_db()
    assert gcs.due_every_days == 28 and gcs.version == 2
    assert gcs.records_rag and gcs.needs_adult_specialist  # unchanged fields kept
    event = AuditEvent.objects.get(target_type="meetings.meetingtype", verb="changed")
    assert event.data["changes"] == {"due_every_days": {"old": 30, "new": 28}}


def test_a_stale_edit_is_refused(admin_client, gcs):
    url = reverse("meetings:type_edit", args=[gcs.pk])
    data = new_type(slug=None, name="Group supervision", version="1")
    MeetingType.objects.filter(pk=gcs.pk).update(version=2, name="Renamed meanwhile")
    response = admin_client.post(url, data)
    assert_error(response, "Someone else changed this meeting type", status=409)
    assert {"label": "Name", "theirs": "Renamed meanwhile", "mine": "Group supervision"} in (
        response.context["stale_differences"]
    )
    assert 'name="version" value="2"' in response.content.decode()
    gcs.refresh_from_db()
    assert gcs.name == "Renamed meanwhile"


def test_invite_disciplines_limit_who_is_invited(mo, gcs, supervised_case, sam, dana):
    gcs.invite_disciplines = [Role.DA_SURVIVOR_WORKER]
    gcs.save()
    import datetime as dt

    from django.utils import timezone

    m = services.plan_meeting(
        by=mo.user,
        mtype=gcs,
        family=supervised_case.family,
        case=supervised_case,
        starts_at=timezone.now() + dt.timedelta(days=2),
        chair=mo,
    )
    invited = set(m.attendances.values_list("worker_id", flat=True))
    assert invited == {dana.pk, mo.pk}  # Dana by discipline, Mo as chair; not Sam
