"""R2: a survivor's safe address never reaches anyone without a grant, through any page.

Unique strings are planted as Jo Smith's protected safe address. Signed in as the domestic
abuse perpetrator worker allocated to the family, and as every other role in the family's
own team (the widest ordinary reach), every GET page of the site is requested with its
keywords naming the survivor, her safe address and the family's records; the canary must
appear in no body and no header. Logs and the audit trail are checked too.
"""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from familyworkbook.access.tests.disclosing import disclose_and_fetch, is_disclosure_step
from familyworkbook.access.tests.test_url_matrix import (
    COUNCIL_PERSONA,
    PUBLIC,
    classify,
    records_for,
    site_patterns,
    url_for,
)
from familyworkbook.access.tests.world import CANARIES, build_world
from familyworkbook.audit.models import AuditEvent
from familyworkbook.cases.models import Allocation
from familyworkbook.demo import builders
from familyworkbook.teams.models import Role


def leaks(response) -> list[str]:
    found = []
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", errors="replace")
    headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
    for canary in CANARIES:
        if canary in text or canary in headers:
            found.append(canary)
    return found


def crawl(client, world) -> tuple[int, list[str]]:
    records = records_for("protected", world)
    problems, count = [], 0
    for pattern in site_patterns():
        if pattern.name in PUBLIC:
            continue
        classify(pattern)
        for records_set in (records, world.ava):
            url = url_for(pattern, records_set, world)
            response = client.get(url)
            count += 1
            responses = [response]
            if is_disclosure_step(response):
                # An export or print: record the disclosure, then check the file itself.
                responses.extend(disclose_and_fetch(client, response))
            for each in responses:
                if each.status_code >= 500:
                    problems.append(f"{url}: {each.status_code}")
                found = leaks(each)
                if found:
                    problems.append(f"{url}: {found}")
            if not pattern.kwargs:
                break
    return count, problems


@pytest.mark.parametrize("persona", [*Role.values, COUNCIL_PERSONA])
def test_no_role_without_a_grant_ever_sees_the_safe_address(persona, db, signed_in, caplog):
    world = build_world()
    role = persona if persona in Role.values else Role.SERVICE_MANAGER
    worker = builders.worker(f"w-{persona[:20]}", role=role, teams=[world.north])
    Allocation.objects.create(case=world.case, worker=worker, role=role, started_on="2025-09-02")
    if persona == COUNCIL_PERSONA:
        worker.user.user_permissions.add(Permission.objects.get(codename="view_all_records"))
    client = signed_in(Client(), worker)
    with caplog.at_level(logging.DEBUG):
        count, problems = crawl(client, world)
    assert count > 100
    assert not problems, "\n".join(problems)
    assert not [c for c in CANARIES if c in caplog.text]
    trail = str(list(AuditEvent.objects.values("target_label", "data")))
    assert not [c for c in CANARIES if c in trail]


def test_the_perpetrator_worker_is_not_told_a_safe_address_exists(db, signed_in):
    world = build_world()
    pat = builders.worker("pat", role=Role.DA_PERPETRATOR_WORKER, teams=[world.north])
    client = signed_in(Client(), pat)
    html = client.get(reverse("cases:person", args=[world.survivor.pk])).content.decode()
    assert "Protected address" not in html
    colleague = builders.worker("col", role=Role.SOCIAL_WORKER, teams=[world.north])
    html = (
        signed_in(Client(), colleague)
        .get(reverse("cases:person", args=[world.survivor.pk]))
        .content.decode()
    )
    assert "Protected address – not shown" in html


def test_a_grant_holder_sees_it_so_the_canary_test_can_fail(db, signed_in):
    from familyworkbook.access.models import AccessGrant

    world = build_world()
    dana = builders.worker("dana", role=Role.DA_SURVIVOR_WORKER, teams=[world.north])
    AccessGrant.objects.create(
        user=dana.user, person=world.survivor, kind="protected", reason="Safety plan"
    )
    client = signed_in(Client(), dana)
    response = client.get(reverse("cases:person", args=[world.survivor.pk]))
    assert leaks(response)


def test_the_perpetrators_own_subject_access_draft_holds_no_safe_address(db, signed_in):
    from django.contrib.auth.models import Group

    world = build_world()
    ig = builders.worker("iggy", role=Role.PERFORMANCE)
    ig.user.groups.add(Group.objects.get(name="Information governance"))
    client = signed_in(Client(), ig)
    response = client.get(reverse("access:subject_access", args=[world.perpetrator.pk]))
    assert response.status_code == 200
    assert not leaks(response)


def test_the_admin_shows_no_safe_address_without_a_grant(db, signed_in):
    world = build_world()
    ada = builders.worker("ada", role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)
    client = signed_in(Client(), ada)
    for url in [
        reverse("admin:people_address_changelist"),
        reverse("admin:people_address_change", args=[world.safe_address.pk]),
        reverse("admin:people_person_change", args=[world.survivor.pk]),
    ]:
        assert not leaks(client.get(url, follow=True)), url
    ada.user.user_permissions.add(Permission.objects.get(codename="view_all_records"))
    client = signed_in(Client(), ada)
    # R3: searching the refuge postcode looks exactly like searching one that does not exist
    # (the box echoes what was typed, so compare the results, not the page).
    changelist = reverse("admin:people_address_changelist")
    found = client.get(changelist, {"q": "ZZ9 9ZZ"}).context["cl"]
    absent = client.get(changelist, {"q": "ZZ8 8ZZ"}).context["cl"]
    assert found.result_count == absent.result_count == 0
    assert found.full_result_count == absent.full_result_count


def test_the_hidden_childs_school_and_gp_reach_a_grant_holder_so_the_test_can_fail(db, signed_in):
    from familyworkbook.access.models import AccessGrant
    from familyworkbook.access.tests.world import CANARY_GP, CANARY_SCHOOL

    world = build_world()
    dana = builders.worker("dana", role=Role.SOCIAL_WORKER, teams=[world.north])
    url = reverse("cases:person", args=[world.ava.child.pk])
    html = signed_in(Client(), dana).get(url).content.decode()
    assert CANARY_SCHOOL not in html and "Protected school or GP – not shown" in html
    AccessGrant.objects.create(
        user=dana.user, person=world.ava.child, kind="protected", reason="Education plan"
    )
    html = signed_in(Client(), dana).get(url).content.decode()
    assert CANARY_SCHOOL in html and CANARY_GP in html


def test_the_health_detail_reaches_its_author_so_the_test_can_fail(db, signed_in):
    from familyworkbook.access.tests.world import CANARY_HEALTH
    from familyworkbook.workbook.models import Entry

    world = build_world()
    # The detail is encrypted (R16): SQL cannot find it by value, so pick the specialist's entry.
    entry = Entry.objects.get(family=world.family, chapter="substance_misuse")
    assert entry.confidential_detail == CANARY_HEALTH
    url = reverse("workbook:entry", args=[world.family.pk, entry.pk])
    assert CANARY_HEALTH in signed_in(Client(), entry.author).get(url).content.decode()
    html = signed_in(Client(), world.lead).get(url).content.decode()
    assert CANARY_HEALTH not in html and "Engaging well" in html
