"""One truth (issue 22): the overview's RAG is the latest signed-off group case supervision's,
and a session recorded against a module moves the family's programme progress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from familyworkbook.meetings import services as meeting_services
from familyworkbook.meetings.models import Meeting, MeetingStatus, MeetingType, Rag
from familyworkbook.workbook import selectors
from familyworkbook.workbook.models import Chapter, Entry
from familyworkbook.workbook.tests.conftest import entry_fields, post_data

pytestmark = pytest.mark.django_db


def home(client, family) -> str:
    response = client.get(reverse("workbook:home", args=[family.pk]))
    assert response.status_code == 200
    return response.content.decode()


def supervision(family, case, chair, held_on: dt.date, rag: str, *, sign_off: bool) -> Meeting:
    meeting = Meeting.objects.create(
        type=MeetingType.objects.get(slug="group_case_supervision"),
        family=family,
        case=case,
        team=case.team,
        chair=chair,
        starts_at=dt.datetime(held_on.year, held_on.month, held_on.day, 10, tzinfo=dt.UTC),
        status=MeetingStatus.HELD,
        held_on=held_on,
        rag=rag,
    )
    if sign_off:
        meeting = meeting_services.sign_off(meeting=meeting, by=chair.user)
    return meeting


def test_overview_rag_is_the_latest_signed_off_supervision_not_a_draft(
    sam_client, smith_family, smith_case, mo, programmes
):
    page = home(sam_client, smith_family)
    assert "No group case supervision signed off yet" in page
    assert "not yet available" not in page

    draft = supervision(smith_family, smith_case, mo, dt.date(2025, 9, 1), Rag.RED, sign_off=False)
    assert "No group case supervision signed off yet" in home(sam_client, smith_family)

    first = supervision(smith_family, smith_case, mo, dt.date(2025, 8, 1), Rag.AMBER, sign_off=True)
    page = home(sam_client, smith_family)
    assert 'data-rag="amber"' in page and "Amber: some concern" in page
    assert "1 Aug 2025" in page and f'href="{first.get_absolute_url()}"' in page
    assert "Red: significant concern" not in page, "an unsigned draft's RAG must not show"

    # A newer draft changes nothing; a newer record signed off replaces the rating.
    assert draft.status == MeetingStatus.HELD
    newer = supervision(
        smith_family, smith_case, mo, dt.date(2025, 10, 1), Rag.GREEN, sign_off=True
    )
    page = home(sam_client, smith_family)
    assert 'data-rag="green"' in page and "Green: progressing well" in page
    assert "1 Oct 2025" in page and f'href="{newer.get_absolute_url()}"' in page
    assert selectors.workbook_home(smith_family).supervision == newer


def test_a_session_recorded_against_a_module_moves_the_familys_progress(
    sam_client, smith_family, smith_case, default_programme
):
    module1 = default_programme.modules.get(number=1)
    module2 = default_programme.modules.get(number=2)
    assert "0 of 8 modules started, 0 completed" in home(sam_client, smith_family)

    # The form starts on the module the family is working on.
    form = sam_client.get(reverse("workbook:add_entry", args=[smith_family.pk])).context["form"]
    assert form["module"].value() == module1.pk

    response = sam_client.post(
        reverse("workbook:add_entry", args=[smith_family.pk]),
        post_data(**entry_fields(kind="session", module=module1.pk, completes_module="on")),
    )
    assert response.status_code == 302
    page = home(sam_client, smith_family)
    assert "1 of 8 modules started, 1 completed" in page
    progress = selectors.family_progress(smith_family)
    assert (progress.started, progress.completed, progress.sessions) == (1, 1, 1)
    assert progress.in_progress.module_id == module2.pk
    form = sam_client.get(reverse("workbook:add_entry", args=[smith_family.pk])).context["form"]
    assert form["module"].value() == module2.pk


def test_a_session_without_a_module_is_counted_as_such_and_said_on_the_overview(
    sam_client, smith_family, smith_case, default_programme
):
    response = sam_client.post(
        reverse("workbook:add_entry", args=[smith_family.pk]),
        post_data(**entry_fields(kind="session", module="")),
    )
    assert response.status_code == 302
    assert Entry.objects.get().module is None
    page = home(sam_client, smith_family)
    assert "0 of 8 modules started" in page
    assert "1 session was recorded without a module and is not counted" in page
    assert selectors.family_progress(smith_family).unassigned == 1


def test_the_data_migration_infers_a_module_only_where_the_record_says_which(
    smith_family, sam, dana, default_programme
):
    from importlib import import_module

    migration = import_module("familyworkbook.workbook.migrations.0005_infer_session_modules")

    def entry(chapter, author, tools, kind="session"):
        return Entry.objects.create(
            family=smith_family,
            author=author,
            chapter=chapter,
            happened_on=dt.date(2025, 9, 1),
            kind=kind,
            tools=tools,
            what_happened="Session",
            meaning_for_child="x",
            what_happens_next="y",
        )

    da = entry(Chapter.DA_SURVIVOR, dana, [])
    network = entry(Chapter.SOCIAL_WORK, sam, ["Network map"])
    shared_tool = entry(Chapter.SOCIAL_WORK, sam, ["Three houses"])  # modules 1 and 3
    plain = entry(Chapter.SOCIAL_WORK, sam, [])
    visit = entry(Chapter.SOCIAL_WORK, sam, ["Network map"], kind="home_visit")
    migration.infer_modules(django_apps, None)

    def slug(e):
        e.refresh_from_db()
        return e.module.slug if e.module else None

    assert slug(da) == "relationships" and da.programme == default_programme
    assert slug(network) == "network"
    assert (slug(shared_tool), slug(plain), slug(visit)) == (None, None, None)
    progress = selectors.family_progress(smith_family)
    assert (progress.started, progress.unassigned) == (2, 2)
