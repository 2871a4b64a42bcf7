"""Typed once: a Workbook entry recorded as a visit is the statutory visit (cases.Visit)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from familyworkbook.audit.models import AuditEvent
from familyworkbook.cases.models import CpPlan, Visit
from familyworkbook.workbook.models import Entry
from familyworkbook.workbook.tests.conftest import assert_error, entry_fields, post_data

pytestmark = pytest.mark.django_db


def add_url(family) -> str:
    return reverse("workbook:add_entry", args=[family.pk])


def edit_url(entry) -> str:
    return reverse("workbook:edit_entry", args=[entry.family_id, entry.pk])


def test_a_home_visit_entry_records_the_statutory_visit_to_each_child_on_the_case(
    sam_client, sam, smith_family, smith_case, ava, leo, alex, programmes
):
    CpPlan.objects.create(
        episode=leo.cin_episodes.get(),
        started_on=dt.date(2025, 9, 10),
        initial_category="NEG",
        latest_category="NEG",
    )
    response = sam_client.post(
        add_url(smith_family),
        post_data(**entry_fields(), present=[ava.pk, alex.pk], seen_alone=[ava.pk]),
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    visits = {v.child: v for v in Visit.objects.all()}
    assert set(visits) == {ava, leo}
    assert set(entry.visits.all()) == set(visits.values())
    assert visits[ava].seen and visits[ava].seen_alone
    assert not visits[leo].seen and not visits[leo].seen_alone
    for visit in visits.values():
        assert visit.visited_on == dt.date(2025, 10, 1)
        assert visit.by == sam and visit.case == smith_case
    assert visits[leo].kind == "cp" and visits[ava].kind == "assessment"
    page = sam_client.get(entry.get_absolute_url()).content.decode()
    assert "Statutory visit" in page and "seen alone" in page and "not seen" in page
    # The statutory visit is audited like any other, in the same request.
    assert AuditEvent.objects.filter(verb="created", target_type="cases.visit").count() == 2


def test_a_joint_visit_counts_as_joint_and_a_session_records_no_visit(
    sam_client, smith_family, smith_case, ava, programmes
):
    sam_client.post(
        add_url(smith_family), post_data(**entry_fields(kind="joint_visit"), present=[ava.pk])
    )
    assert set(Visit.objects.values_list("kind", flat=True)) == {"joint"}
    assert Visit.objects.count() == 2
    sam_client.post(add_url(smith_family), post_data(**entry_fields(kind="session")))
    assert Entry.objects.count() == 2 and Visit.objects.count() == 2


def test_no_open_case_means_no_statutory_visit(sam_client, smith_family, ava, programmes):
    response = sam_client.post(add_url(smith_family), post_data(**entry_fields(), present=[ava.pk]))
    assert response.status_code == 302
    assert Entry.objects.count() == 1 and not Visit.objects.exists()


def test_seen_alone_must_be_present_and_only_on_a_visit(
    sam_client, smith_family, smith_case, ava, programmes
):
    response = sam_client.post(
        add_url(smith_family), post_data(**entry_fields(), seen_alone=[ava.pk])
    )
    assert_error(response, "A child seen alone must also be ticked as present")
    response = sam_client.post(
        add_url(smith_family),
        post_data(**entry_fields(kind="session"), present=[ava.pk], seen_alone=[ava.pk]),
    )
    assert_error(response, "Only a home or joint visit records children seen alone")
    assert not Entry.objects.exists() and not Visit.objects.exists()


def test_correcting_the_entry_corrects_its_statutory_visits(
    sam_client, smith_family, smith_case, ava, leo, alex, programmes
):
    sam_client.post(add_url(smith_family), post_data(**entry_fields(), present=[alex.pk]))
    entry = Entry.objects.get()
    assert not Visit.objects.filter(seen=True).exists()
    response = sam_client.post(
        edit_url(entry),
        post_data(
            **entry_fields(happened_on=dt.date(2025, 9, 30)),
            present=[ava.pk, leo.pk, alex.pk],
            seen_alone=[leo.pk],
            version=entry.version,
        ),
    )
    assert response.status_code == 302
    visits = {v.child: v for v in Visit.objects.all()}
    assert len(visits) == 2, "corrected in place, not recorded twice"
    assert all(v.visited_on == dt.date(2025, 9, 30) and v.seen for v in visits.values())
    assert visits[leo].seen_alone and not visits[ava].seen_alone
    assert all(v.version == 2 for v in visits.values())
    # The edit form shows who was seen alone, from the visits.
    form = sam_client.get(edit_url(entry)).context["form"]
    assert form.initial["seen_alone"] == [leo.pk]
    # Changing it to a kind that is not a visit archives the statutory visits.
    entry.refresh_from_db()
    sam_client.post(
        edit_url(entry),
        post_data(**entry_fields(kind="phone"), present=[alex.pk], version=entry.version),
    )
    assert Visit.objects.filter(archived_at__isnull=False).count() == 2
    assert Visit.objects.filter(archived_at__isnull=True).count() == 0


def test_a_refused_entry_leaves_no_visit(sam_client, smith_family, smith_case, ava, programmes):
    response = sam_client.post(
        add_url(smith_family),
        post_data(**entry_fields(is_significant="on"), present=[ava.pk]),
    )
    assert_error(response, "Enter a headline for the chronology")
    assert not Visit.objects.exists()
