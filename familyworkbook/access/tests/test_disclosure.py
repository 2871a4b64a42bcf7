"""R6: every export, print and download is refused until a complete disclosure record exists."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from familyworkbook.access.disclosure import is_guarded
from familyworkbook.access.models import SharingRecord
from familyworkbook.access.tests.disclosing import COMPLETE, disclose_and_fetch, is_disclosure_step
from familyworkbook.access.tests.test_url_matrix import site_patterns
from familyworkbook.access.tests.world import build_world
from familyworkbook.audit.models import AuditEvent
from familyworkbook.demo import builders
from familyworkbook.teams.models import Role

# Pages that hand a record over as a file or a print, found by name or route.
DISCLOSURE_RE = re.compile(
    r"export|print|download|csv|xlsx|calendar|\.ics|pdf|docx|\.xml|\.json", re.IGNORECASE
)

# Matches of DISCLOSURE_RE that disclose nothing, each with the reason. Keep it short.
NOT_A_DISCLOSURE: dict[str, str] = {}


def disclosure_patterns():
    return [
        p for p in site_patterns() if DISCLOSURE_RE.search(p.name) or DISCLOSURE_RE.search(p.route)
    ]


def test_every_export_print_and_download_requires_a_disclosure_record():
    patterns = disclosure_patterns()
    names = {p.name for p in patterns}
    # The ones we know of today; new ones are found by the pattern above.
    assert {"workbook:chronology_print", "measures:team_csv", "meetings:ics"} <= names
    unguarded = []
    for pattern in patterns:
        if pattern.name in NOT_A_DISCLOSURE:
            continue
        route = reverse(
            pattern.name, kwargs={k: ("csv" if k == "file_format" else 1) for k in pattern.kwargs}
        )
        if not is_guarded(resolve(route).func):
            unguarded.append(pattern.name)
    print(f"disclosure views: {len(patterns)}: {sorted(names)}")
    assert not unguarded, f"add @require_disclosure to: {unguarded}"


@pytest.fixture
def world(db):
    return build_world()


def chronology_print(world) -> str:
    return reverse("workbook:chronology_print", args=[world.family.pk])


def test_a_print_is_refused_until_the_disclosure_is_recorded(world, signed_in):
    client = signed_in(Client(), world.lead)
    before = AuditEvent.objects.filter(verb="printed").count()
    response = client.get(chronology_print(world))
    assert is_disclosure_step(response)
    # Nothing was served, and the probe's own audit rows were rolled back.
    assert AuditEvent.objects.filter(verb="printed").count() == before
    assert not SharingRecord.objects.exists()
    form_page, printed = disclose_and_fetch(client, response)
    assert form_page.status_code == 200 and "Record this disclosure" in form_page.content.decode()
    assert printed.status_code == 200
    record = SharingRecord.objects.get()
    assert record.family == world.family and record.decision == "shared"
    assert record.created_by == world.lead.user
    assert record.recipient == COMPLETE["recipient"] and record.purpose == COMPLETE["purpose"]
    assert record.lawful_basis == "safeguarding" and record.override_reason
    assert record.path == chronology_print(world)
    shared = AuditEvent.objects.get(verb="shared")
    assert shared.data["sharing_record"] == record.pk


def test_an_incomplete_record_is_refused_and_changes_nothing(world, signed_in):
    client = signed_in(Client(), world.lead)
    response = client.get(chronology_print(world))
    token = response["Location"].split("t=", 1)[1]
    from urllib.parse import unquote

    page = client.post(
        reverse("access:disclose"),
        {"t": unquote(token), **COMPLETE, "override_reason": "", "recipient": ""},
    )
    html = page.content.decode()
    assert page.status_code == 200 and "govuk-error-summary" in html
    assert "Enter who will receive it" in html
    assert not SharingRecord.objects.exists()
    page = client.post(
        reverse("access:disclose"), {"t": unquote(token), **COMPLETE, "override_reason": ""}
    )
    assert "explain why it is shared without consent" in page.content.decode()
    assert not SharingRecord.objects.exists()


def test_a_record_is_good_only_for_its_author_and_page(world, signed_in):
    client = signed_in(Client(), world.lead)
    _, printed = disclose_and_fetch(client, client.get(chronology_print(world)))
    record = SharingRecord.objects.get()
    url = f"{chronology_print(world)}?disclosure={record.pk}"
    assert client.get(url).status_code == 200
    colleague = builders.worker("col", role=Role.SOCIAL_WORKER, teams=[world.north])
    assert is_disclosure_step(signed_in(Client(), colleague).get(url))
    SharingRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - timezone.timedelta(hours=1)
    )
    assert is_disclosure_step(client.get(url))


def test_a_token_made_for_someone_else_is_refused(world, signed_in):
    response = signed_in(Client(), world.lead).get(chronology_print(world))
    colleague = builders.worker("col", role=Role.SOCIAL_WORKER, teams=[world.north])
    page = signed_in(Client(), colleague).get(response["Location"])
    assert page.status_code == 400
    assert not SharingRecord.objects.exists()


def test_out_of_scope_is_still_404_not_the_form(world, signed_in):
    outsider = builders.worker("far", role=Role.SOCIAL_WORKER, teams=[world.east])
    response = signed_in(Client(), outsider).get(chronology_print(world))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(verb="access_denied", actor=outsider.user).exists()


def test_a_management_csv_is_an_internal_disclosure(world, signed_in):
    manager = builders.worker("tm", role=Role.TEAM_MANAGER, teams=[world.north])
    client = signed_in(Client(), manager)
    response = client.get(reverse("measures:team_csv", args=[world.north.pk]))
    assert is_disclosure_step(response)
    form_page, csv = disclose_and_fetch(client, response)
    assert "Consent relied on" not in form_page.content.decode()
    assert csv.status_code == 200
    record = SharingRecord.objects.get()
    assert record.internal and record.family is None


def test_the_database_refuses_an_incomplete_disclosure(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        SharingRecord.objects.create(
            family=world.family,
            decision="shared",
            what="Chronology",
            recipient="Someone",
            purpose="Because",
            lawful_basis="public_task",
            decided_on=timezone.localdate(),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SharingRecord.objects.create(
            decision="shared",
            what="Chronology",
            recipient="Someone",
            purpose="Because",
            lawful_basis="public_task",
            override_reason="Risk",
            decided_on=timezone.localdate(),
        )
    # A decision not to share needs no consent or reason.
    SharingRecord.objects.create(
        family=world.family,
        decision="not_shared",
        what="Chronology",
        recipient="Someone",
        purpose="Not necessary",
        lawful_basis="public_task",
        decided_on=timezone.localdate(),
    )
