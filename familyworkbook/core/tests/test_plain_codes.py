"""DfE codes: plain-English wording for people, the official wording and codes in returns."""

from __future__ import annotations

import datetime as dt

import pytest

from familyworkbook.core import codes
from familyworkbook.core.codes import ReasonEpisodeCeased, plain
from familyworkbook.people.models import PersonKind

OFFICIAL_X1 = "Episode ceases, and new episode begins on same day, for any reason"
PLAIN_X1 = "Still looked after: their legal status or home changed that day"


@pytest.mark.parametrize("code_list", list(codes.PLAIN_WORDING))
def test_every_code_in_a_plain_list_has_plain_wording(code_list):
    assert set(codes.PLAIN_WORDING[code_list]) == set(code_list.values)


def test_the_official_wording_is_unchanged_for_returns_and_validators():
    assert ReasonEpisodeCeased.X1.label == OFFICIAL_X1
    assert plain(ReasonEpisodeCeased, "X1") == PLAIN_X1
    assert plain(ReasonEpisodeCeased, "") == ""


def test_a_code_list_without_plain_wording_falls_back_to_the_official_wording():
    assert plain(codes.LegalStatus, "C2") == codes.LegalStatus.C2.label


@pytest.fixture
def x1_change(smith_case):
    """Ava's first looked-after episode ended with X1 (a new episode the same day)."""
    from familyworkbook.cases.models import LookedAfterEpisode

    ava = smith_case.family.members.filter(kind=PersonKind.CHILD).order_by("date_of_birth")[0]
    first = dt.date(2024, 3, 4)
    LookedAfterEpisode.objects.create(
        child=ava,
        started_on=first - dt.timedelta(days=30),
        reason_new_episode="S",
        legal_status="V2",
        need="N1",
        placement_type="U4",
        ceased_on=first,
        reason_ceased="X1",
    )
    LookedAfterEpisode.objects.create(
        child=ava,
        started_on=first,
        reason_new_episode="L",
        legal_status="C2",
        need="N1",
        placement_type="U4",
    )
    return first


def test_a_court_chronology_opening_with_an_x1_change_shows_the_plain_wording(
    smith_case, sam, x1_change
):
    from familyworkbook.documents import engine, services

    document = services.create_document(
        family=smith_case.family,
        type_key="court_chronology",
        by=sam.user,
        window_start=x1_change,
        window_end=x1_change + dt.timedelta(days=400),
    )
    content = engine.build(document, sam.user).content
    table = next(s for s in content["sections"] if s["key"] == "chronology")["tables"][0]
    first_event = engine._cell_text(table["rows"][0][2])
    assert first_event.startswith("Looked-after episode changed")
    assert PLAIN_X1 in first_event and OFFICIAL_X1 not in first_event


def test_the_family_chronology_shows_the_plain_wording(smith_case, x1_change):
    from familyworkbook.workbook.chronology import chronology

    family = smith_case.family
    children = family.members.filter(kind=PersonKind.CHILD)
    details = [e.detail for e in chronology(family, children) if e.on == x1_change]
    assert PLAIN_X1 in details and OFFICIAL_X1 not in details
    assert "Legal status changed" in details


def test_the_person_page_shows_the_plain_wording(sam_client, smith_case, x1_change):
    from django.urls import reverse

    ava = smith_case.family.members.filter(kind=PersonKind.CHILD).order_by("date_of_birth")[0]
    html = sam_client.get(reverse("cases:person", args=[ava.pk])).content.decode()
    assert PLAIN_X1 in html and OFFICIAL_X1 not in html
