"""Letters before and at the end of pre-proceedings: one per parent and person with PR, and
never to an address the reader may not see or one shared with an alleged perpetrator (R9)."""

from __future__ import annotations

import datetime as dt

from familyworkbook.cases.models import PreProceedings
from familyworkbook.demo import builders
from familyworkbook.documents.facts import FILLERS
from familyworkbook.documents.fillers import letters
from familyworkbook.documents.tests import test_fillers_world as w
from familyworkbook.documents.tests.test_fillers_world import (
    SAFE_LINE,
    SAFE_POSTCODE,
    SHARED_LINE,
    SHARED_POSTCODE,
    assert_traceable,
    text_of,
)
from familyworkbook.people.models import Address, AddressKind
from familyworkbook.teams.models import Role

world = w.world  # the shared fixtures
grant_protected = w.grant_protected

LETTER = [
    "letters.recipient",
    "letters.opening",
    "letters.history",
    "letters.support",
    "letters.must_change",
    "letters.meeting",
    "letters.legal_advice",
    "letters.outcome",
]


def _address_text(world, person, user=None):
    filled = letters.recipient(world.ctx(user=user, subject=person))
    return text_of(filled), filled


def test_a_survivors_letter_has_no_address_for_a_worker_without_a_grant(world):
    text, filled = _address_text(world, world.alex)
    assert "Alex Smith" in text
    for hidden in (SAFE_LINE, SAFE_POSTCODE, SHARED_LINE, SHARED_POSTCODE):
        assert hidden not in text
    assert any("Give this letter by hand" in n for n in filled.notes)
    assert not any(s.model == "people.Address" for s in filled.sources())


def test_a_survivors_letter_goes_to_her_safe_address_when_the_worker_has_a_grant(
    world, grant_protected
):
    grant_protected(world.sam, world.alex)
    text, filled = _address_text(world, world.alex)
    assert SAFE_LINE in text and SAFE_POSTCODE in text
    assert SHARED_LINE not in text
    address = next(s for s in filled.sources() if s.model == "people.Address")
    assert address.pk == world.safe_address.pk
    assert address.label == "Protected address"


def test_never_to_an_address_shared_with_the_alleged_perpetrator(world):
    """Her record still shows the old family home as current (not yet updated) and she has
    no protected address: the letter must not go to the home she shared with Jo."""
    world.safe_address.archive(by=world.sam.user)
    Address.objects.filter(pk=world.shared_address.pk).update(to_date=None)
    text, filled = _address_text(world, world.alex)
    assert SHARED_LINE not in text and SHARED_POSTCODE not in text
    assert any("No safe address" in n for n in filled.notes)
    # A new address of her own (not Jo's) is used.
    Address.objects.create(
        person=world.alex,
        kind=AddressKind.HOME,
        line_1="3 New Street",
        town="Ely",
        postcode="CB7 4AA",
        from_date=dt.date(2025, 2, 1),
    )
    text, _ = _address_text(world, world.alex)
    assert "3 New Street" in text and SHARED_LINE not in text


def test_the_shared_address_is_matched_however_it_was_typed(world):
    world.safe_address.archive(by=world.sam.user)
    Address.objects.create(
        person=world.alex,
        kind=AddressKind.CORRESPONDENCE,
        line_1="12  mill road",
        town="Cambridge",
        postcode="cb12ad",
        from_date=dt.date(2025, 1, 1),
    )
    text, _ = _address_text(world, world.alex)
    assert "mill road" not in text.lower()


def test_a_perpetrator_worker_never_addresses_the_survivors_letter(world, north, grant_protected):
    perp_worker = builders.worker(
        "pete", role=Role.DA_PERPETRATOR_WORKER, teams=[north], first_name="Pete"
    )
    grant_protected(perp_worker, world.alex)
    text, _ = _address_text(world, world.alex, user=perp_worker.user)
    assert SAFE_LINE not in text and SHARED_LINE not in text


def test_a_previous_address_is_never_used(world):
    Address.objects.filter(pk=world.jo_home.pk).update(to_date=dt.date(2025, 1, 1))
    text, filled = _address_text(world, world.jo)
    assert SHARED_LINE not in text
    assert any("No current address" in n for n in filled.notes)


def test_the_other_parents_letter_goes_to_his_own_address_and_never_names_hers(
    world, grant_protected
):
    grant_protected(world.sam, world.alex)
    ctx = world.ctx(subject=world.jo)
    text = "\n".join(text_of(FILLERS[name](ctx)) for name in LETTER)
    assert SHARED_LINE in text  # Jo's own current home
    assert SAFE_LINE not in text and SAFE_POSTCODE not in text


def test_every_filled_fact_in_a_letter_points_at_its_record(world):
    ctx = world.ctx(subject=world.jo)
    checked = sum(assert_traceable(FILLERS[name](ctx)) for name in LETTER)
    assert checked > 10


def test_what_must_change_puts_the_recipients_goals_first_with_dates(world):
    table = letters.must_change(world.ctx(subject=world.jo)).tables[0]
    first = table.rows[0]
    assert first[1] == "Jo Smith"
    assert "Attend the recovery group weekly" in first[2]
    assert first[3] == "1 December 2025"
    table = letters.must_change(world.ctx(subject=world.alex)).tables[0]
    assert table.rows[0][1] == "Alex Smith"


def test_the_meeting_comes_from_the_pre_proceedings_record(world):
    filled = letters.meeting(world.ctx(subject=world.jo))
    assert "16 June 2025" in text_of(filled)
    assert filled.facts[0].source.model == "cases.PreProceedings"


def test_legal_advice_lists_the_councils_solicitors(world):
    solicitors = [{"name": "Fen Family Law", "detail": "01234 567890"}]
    filled = letters.legal_advice(world.ctx(subject=world.jo, options={"solicitors": solicitors}))
    text = text_of(filled)
    assert "Fen Family Law" in text and "01234 567890" in text
    assert "does not depend on your income" in text
    default = text_of(letters.legal_advice(world.ctx(subject=world.jo)))
    assert "lawsociety.org.uk" in default


def test_the_outcome_letter_says_what_was_decided(world):
    ctx = world.ctx(subject=world.jo)
    assert "continue" in text_of(letters.outcome(ctx))
    PreProceedings.objects.filter(child__in=[world.ava, world.leo]).update(
        ended_on=dt.date(2025, 9, 15), outcome="proceedings"
    )
    assert "care proceedings have started" in text_of(letters.outcome(ctx))
    PreProceedings.objects.filter(child__in=[world.ava, world.leo]).update(outcome="diverted")
    assert "not to go to court" in text_of(letters.outcome(ctx))


def test_letters_for_lists_every_recipient_with_where_the_letter_may_go(world):
    rows = letters.letters_for(world.sam.user, world.family)
    assert [(r.full_name, a is not None) for r, a, _ in rows] == [
        ("Alex Smith", False),
        ("Jo Smith", True),
    ]


def test_a_recipient_the_worker_may_not_see_gets_no_letter(world, priya):
    filled = letters.recipient(world.ctx(user=priya.user, subject=world.jo))
    assert not filled.facts
