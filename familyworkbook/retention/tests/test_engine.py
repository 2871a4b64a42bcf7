"""R17: every seeded rule, checked with freezegun on the day before, on and after its boundary."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from freezegun import freeze_time

from familyworkbook.cases.models import CinEpisode, CpPlan, LookedAfterEpisode, Section47
from familyworkbook.demo import builders
from familyworkbook.people.models import Person
from familyworkbook.retention import engine, services
from familyworkbook.retention.models import RecordType, RetentionRule, add_years
from familyworkbook.retention.tests.conftest import close_cases

LAC = {"reason_new_episode": "S", "legal_status": "C2", "need": "N1", "placement_type": "U4"}
ONE_DAY = dt.timedelta(days=1)


def _family(north, *, born: dt.date, opened: dt.date, closed: dt.date, children: int = 1):
    family = builders.family("Boundary", children=children, adults=1, born=born)
    builders.case(family, north, opened_on=opened, with_episodes=False)
    close_cases(family, closed)
    return family


def _child(family) -> Person:
    return family.members.get(kind="child")


def only_family_record(north):
    family = _family(
        north,
        born=dt.date(1980, 1, 1),
        opened=dt.date(2010, 1, 1),
        closed=dt.date(2012, 6, 30),
        children=0,
    )
    return family, dt.date(2018, 6, 30)


def child_in_need(north):
    # A young child: the 18th birthday + 3 years outlasts last contact + 6 years.
    family = _family(
        north, born=dt.date(2010, 3, 15), opened=dt.date(2011, 1, 1), closed=dt.date(2012, 1, 10)
    )
    CinEpisode.objects.create(
        child=_child(family),
        referral_on=dt.date(2011, 1, 1),
        referral_source="6",
        primary_need="N1",
    )
    return family, dt.date(2031, 3, 15)


def child_protection(north):
    family = _family(
        north, born=dt.date(2010, 3, 15), opened=dt.date(2011, 1, 1), closed=dt.date(2012, 5, 1)
    )
    episode = CinEpisode.objects.create(
        child=_child(family),
        referral_on=dt.date(2011, 1, 1),
        referral_source="6",
        primary_need="N1",
    )
    Section47.objects.create(episode=episode, started_on=dt.date(2011, 1, 5))
    CpPlan.objects.create(
        episode=episode,
        started_on=dt.date(2011, 2, 1),
        initial_category="NEG",
        latest_category="NEG",
    )
    return family, dt.date(2047, 5, 1)


def looked_after(north):
    family = _family(
        north, born=dt.date(2005, 7, 20), opened=dt.date(2010, 1, 1), closed=dt.date(2012, 1, 1)
    )
    LookedAfterEpisode.objects.create(child=_child(family), started_on=dt.date(2010, 1, 1), **LAC)
    return family, dt.date(2080, 7, 20)


def looked_after_died(north):
    # Died on 29 February 2012, aged 6: 15 years on there is no 29 February, so 1 March 2027.
    family = _family(
        north, born=dt.date(2005, 7, 20), opened=dt.date(2010, 1, 1), closed=dt.date(2012, 3, 10)
    )
    child = _child(family)
    Person.objects.filter(pk=child.pk).update(date_of_death=dt.date(2012, 2, 29))
    LookedAfterEpisode.objects.create(
        child=child,
        started_on=dt.date(2010, 1, 1),
        ceased_on=dt.date(2012, 2, 29),
        reason_ceased="E2",
        **LAC,
    )
    return family, dt.date(2027, 3, 1)


def adopted(north):
    family = _family(
        north, born=dt.date(2009, 5, 5), opened=dt.date(2010, 1, 1), closed=dt.date(2011, 6, 1)
    )
    LookedAfterEpisode.objects.create(
        child=_child(family),
        started_on=dt.date(2010, 1, 1),
        ceased_on=dt.date(2011, 4, 1),
        reason_ceased="E11",
        **LAC,
    )
    return family, dt.date(2111, 4, 1)


SCENARIOS = {
    RecordType.FAMILY: only_family_record,
    RecordType.CHILD_IN_NEED: child_in_need,
    RecordType.CHILD_PROTECTION: child_protection,
    RecordType.LOOKED_AFTER: looked_after,
    RecordType.LOOKED_AFTER_DIED: looked_after_died,
    RecordType.ADOPTED: adopted,
}


def test_every_seeded_rule_has_a_boundary_scenario(db):
    assert set(RetentionRule.objects.current().values_list("record_type", flat=True)) == set(
        SCENARIOS
    )


@pytest.mark.parametrize("record_type", list(SCENARIOS))
@pytest.mark.parametrize(
    ("offset", "expired"),
    [(-1, False), (0, True), (1, True)],
    ids=["day_before", "on", "day_after"],
)
def test_each_rule_ends_on_its_boundary_and_not_a_day_before(record_type, offset, expired, north):
    family, boundary = SCENARIOS[record_type](north)
    with freeze_time(boundary + offset * ONE_DAY):
        a = engine.assess_family(family.pk, today=timezone.localdate())
    assert a.rule.record_type == record_type, "the strictest rule for this family"
    assert a.expires_on == boundary
    assert a.status == (engine.Status.EXPIRED if expired else engine.Status.KEPT)
    assert a.destroyable is expired


def test_the_strictest_rule_wins_across_children(north):
    family, _ = child_in_need(north)
    younger = builders.family("Other", children=0, adults=0)  # noqa: F841 - unrelated family
    lac_child = Person.objects.create(
        kind="child", first_name="Zed", last_name="Boundary", date_of_birth=dt.date(2008, 1, 1)
    )
    family.memberships.create(person=lac_child, kind="household")
    LookedAfterEpisode.objects.create(child=lac_child, started_on=dt.date(2011, 1, 1), **LAC)
    a = engine.assess_family(family.pk, today=dt.date(2040, 1, 1))
    assert a.rule.record_type == RecordType.LOOKED_AFTER
    assert a.expires_on == dt.date(2083, 1, 1)


def test_an_open_case_is_never_expired(smith_case):
    a = engine.assess_family(smith_case.family_id, today=dt.date(2300, 1, 1))
    assert a.status == engine.Status.OPEN and not a.destroyable


def test_a_missing_date_of_birth_is_never_expired(north):
    family, _ = looked_after(north)
    Person.objects.filter(pk=_child(family).pk).update(date_of_birth=None)
    a = engine.assess_family(family.pk, today=dt.date(2300, 1, 1))
    assert a.status == engine.Status.UNKNOWN and "birth" in a.missing


def test_a_changed_rule_moves_the_boundary(north, ines):
    family, boundary = only_family_record(north)
    rule = RetentionRule.objects.current().get(record_type=RecordType.FAMILY)
    services.change_rule(
        rule,
        by=ines.user,
        expected_version=rule.version,
        trigger=rule.trigger,
        years=10,
        legal_source="Local schedule: 10 years",
    )
    a = engine.assess_family(family.pk, today=boundary)
    assert a.expires_on == add_years(dt.date(2012, 6, 30), 10) and a.status == engine.Status.KEPT


def test_29_february_plus_years_is_1_march():
    assert add_years(dt.date(2012, 2, 29), 15) == dt.date(2027, 3, 1)
    assert add_years(dt.date(2012, 2, 29), 16) == dt.date(2028, 2, 29)


def test_hold_on_family_or_person_keeps_it_off_the_list(old_family, ines):
    today = dt.date(2026, 1, 1)
    assert engine.assess_family(old_family.pk, today=today).destroyable
    hold = services.place_hold(
        by=ines.user, reason="Civil claim", person=old_family.members.first()
    )
    a = engine.assess_family(old_family.pk, today=today)
    assert a.status == engine.Status.EXPIRED and a.held and not a.destroyable
    services.release_hold(hold, by=ines.user, reason="Claim settled", expected_version=hold.version)
    assert engine.assess_family(old_family.pk, today=today).destroyable


def test_command_check_fails_while_an_expired_record_has_no_hold(old_family, ines):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("retention_review", "--date", "2026-01-01", "--check", stdout=out, stderr=err)
    assert exc.value.returncode == 1
    assert f"Family {old_family.pk} ({old_family.reference})" in out.getvalue()
    assert "Assessed 1 of 1 families" in err.getvalue()
    services.place_hold(by=ines.user, reason="Inquiry", family=old_family)
    out = StringIO()
    call_command(
        "retention_review", "--date", "2026-01-01", "--check", stdout=out, stderr=StringIO()
    )
    assert "0 expired without a hold, 1 expired under a hold" in out.getvalue()


def test_command_day_before_the_boundary_passes_the_check(old_family):
    out = StringIO()
    call_command(
        "retention_review", "--date", "2012-05-15", "--check", stdout=out, stderr=StringIO()
    )
    assert "0 expired without a hold" in out.getvalue()


def test_command_writes_csv_without_names(old_family, tmp_path):
    path = tmp_path / "review.csv"
    call_command(
        "retention_review",
        "--date",
        "2026-01-01",
        "--csv",
        str(path),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    text = path.read_text()
    assert text.splitlines()[0].startswith("family_id,reference,status")
    assert (
        f"{old_family.pk},{old_family.reference},expired,no,child_in_need,3,2009-05-16,2012-05-16"
        in text
    )
    assert "Archer" not in text


def test_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("retention_review", "--date", "1/1/2026", stdout=StringIO(), stderr=StringIO())


def test_demo_examples_give_the_review_two_expired_and_one_held(north, ines):
    from familyworkbook.retention.demo import seed_retention_examples

    families = seed_retention_examples(team=north, ig_user=ines.user)
    found = engine.assess_families([f.pk for f in families], today=dt.date(2026, 11, 22))
    assert [a.destroyable for a in found] == [True, True, False]
    assert found[2].held and found[2].status == engine.Status.EXPIRED
    assert seed_retention_examples(team=north, ig_user=ines.user) == []
