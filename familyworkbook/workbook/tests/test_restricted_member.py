"""A restricted member is left out of every Workbook page of the family, not only the members list.

The access policy hides a restricted person (and what is reached through them) from everyone
without a record grant. The one-truth walk (tests/invariants) found the overview listing such a
child; these tests keep the rest of the Workbook honest: the chronology's entries and
interventions, the chapter lists, the overview's recent entries, toxic-trio flags and Cycle of
Change tracks. Each page is read before the restriction too, so the test cannot pass by showing
nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from familyworkbook.access.models import RecordRestriction
from familyworkbook.workbook import services
from familyworkbook.workbook.tests.conftest import entry_fields, post_data

pytestmark = pytest.mark.django_db

D = dt.date(2025, 10, 1)


def url(name, family, *args):
    return reverse(f"workbook:{name}", args=[family.pk, *args])


NEUTRAL = {
    "what_happened": "A visit at home.",
    "meaning_for_child": "Safe at home for now.",
    "what_happens_next": "Another visit next week.",
}


def pages(client, family, *names):
    return {name: client.get(url(name, family)).content.decode() for name in names}


def test_a_restricted_childs_entries_and_intervention_are_left_out(
    sam_client, sam, smith_family, smith_case, ava, leo, programmes
):
    only_ava = services.record_entry(
        family=smith_family,
        by=sam.user,
        **entry_fields(happened_on=D, is_significant=True, headline="About Ava only", **NEUTRAL),
        tagged=[ava],
    )
    both = services.record_entry(
        family=smith_family,
        by=sam.user,
        **entry_fields(
            happened_on=D, is_significant=True, headline="About the two children", **NEUTRAL
        ),
        tagged=[ava, leo],
    )
    answers = {f"readiness_{i}": "2" for i in range(1, 6)}
    started = sam_client.post(
        url("start_intervention", smith_family),
        post_data(
            child=ava.pk,
            eligibility="edge_of_care",
            started_on=D,
            legal_status_at_start="cp",
            **answers,
        ),
    )
    assert started.status_code == 302
    before = pages(sam_client, smith_family, "home", "chronology")
    chapter_url = url("chapter", smith_family, only_ava.chapter)
    assert only_ava.get_absolute_url() in sam_client.get(chapter_url).content.decode()
    assert "About Ava only" in before["chronology"] and ava.full_name in before["chronology"]
    assert "Supporting" in before["home"] and ava.full_name in before["home"]

    RecordRestriction.objects.create(person=ava, reason="Adoption: a new identity")
    after = pages(sam_client, smith_family, "home", "chronology")
    chapter = sam_client.get(chapter_url).content.decode()
    for name, html in {**after, "chapter": chapter}.items():
        assert ava.full_name not in html, name
        assert "About Ava only" not in html, name
        assert f'href="{only_ava.get_absolute_url()}"' not in html, name
    # What is also about a child they may see stays, naming only that child.
    assert "About the two children" in after["chronology"]
    assert leo.full_name in after["chronology"]
    assert f'href="{both.get_absolute_url()}"' in chapter and leo.full_name in chapter


def test_a_restricted_adults_flags_and_cycle_of_change_are_left_out(
    sam_client, sam, smith_family, smith_case, alex, ray
):
    assert (
        sam_client.post(
            url("add_flag", smith_family),
            post_data(person=alex.pk, issue="substance", specialist=ray.pk, flagged_on=D),
        ).status_code
        == 302
    )
    services.record_change_stage(
        family=smith_family,
        by=sam.user,
        person=alex,
        issue="alcohol",
        stage="contemplation",
        assessed_on=D,
        rationale="Talks about cutting down",
    )
    before = pages(sam_client, smith_family, "home", "risk", "change")
    for name, html in before.items():
        assert alex.full_name in html, name

    RecordRestriction.objects.create(person=alex, reason="Witness protection")
    after = pages(sam_client, smith_family, "home", "risk", "change")
    for name, html in after.items():
        assert alex.full_name not in html, name
    assert "Talks about cutting down" not in after["change"]
