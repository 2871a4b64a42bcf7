"""The CIN census export: built from the record, valid, complete, refused when it would not be."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from familyworkbook.audit.models import AuditEvent
from familyworkbook.cases.models import CinEpisode, CpPlan, CpReview
from familyworkbook.returns import services
from familyworkbook.returns.cin import build_cin_census
from familyworkbook.returns.periods import CollectionYear
from familyworkbook.returns.problems import ExportRefusedError
from familyworkbook.returns.tests.conftest import error_count
from familyworkbook.returns.tests.scenarios import children_of, cin_family

pytestmark = pytest.mark.django_db

YEAR = CollectionYear(2026)
CIN_DETAILS_ORDER = [
    "CINreferralDate",
    "ReferralSource",
    "PrimaryNeedCode",
    "CINclosureDate",
    "ReasonForClosure",
    "DateOfInitialCPC",
    "Assessments",
    "CINPlanDates",
    "Section47",
    "ReferralNFA",
    "ChildProtectionPlans",
]


def parse(xml: bytes) -> ET.Element:
    return ET.fromstring(xml)  # noqa: S314 - our own output


def child_el(root: ET.Element, la_child_id: str) -> ET.Element:
    for child in root.iter("Child"):
        if child.findtext("ChildIdentifiers/LAchildID") == la_child_id:
            return child
    raise AssertionError(f"{la_child_id} not in the census")


@override_settings(COUNCIL_DFE_LA_NUMBER="318")
def test_census_of_the_sample_families_passes_the_dfe_validator(
    north, sam, tmp_path, run_validator
):
    cin_family(north, sam)
    out = tmp_path / "cin.xml"
    services.export_cin_census(by=sam.user, year=2026, out=out)
    done = run_validator("cin", out)
    assert error_count(done.stdout) == 0, done.stdout
    assert done.returncode == 0


@override_settings(COUNCIL_DFE_LA_NUMBER="318")
def test_header_names_the_collection_year_and_the_council(north, sam):
    cin_family(north, sam)
    root = parse(build_cin_census(YEAR).xml)
    assert root.findtext("Header/CollectionDetails/Collection") == "CIN"
    assert root.findtext("Header/CollectionDetails/Year") == "2026"
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == "2026-03-31"
    assert root.findtext("Header/Source/LEA") == "318"


def test_every_review_date_of_a_plan_is_in_one_reviews_block(north, sam):
    family, _ = cin_family(north, sam)
    second = children_of(family)[1]
    root = parse(build_cin_census(YEAR).xml)
    plan = child_el(root, second.la_child_id).find("CINdetails/ChildProtectionPlans")
    blocks = plan.findall("Reviews")
    assert len(blocks) == 1
    assert [e.text for e in blocks[0]] == ["2025-12-12", "2026-03-13"]
    assert plan.findtext("NumberOfPreviousCPP") == "0"


def test_cin_details_follow_the_schema_order(north, sam):
    family, _ = cin_family(north, sam)
    root = parse(build_cin_census(YEAR).xml)
    for child in root.iter("Child"):
        for details in child.findall("CINdetails"):
            tags = [e.tag for e in details]
            positions = [CIN_DETAILS_ORDER.index(t) for t in tags]
            assert positions == sorted(positions), tags


def test_what_happens_after_31_march_is_not_in_that_years_census(north, sam):
    family, _ = cin_family(north, sam)
    third = children_of(family)[2]
    episode = CinEpisode.objects.get(child=third)
    CinEpisode.objects.filter(pk=episode.pk).update(closed_on=dt.date(2026, 5, 1))
    episode.cin_plans.update(ended_on=dt.date(2026, 5, 1))
    details = child_el(parse(build_cin_census(YEAR).xml), third.la_child_id).find("CINdetails")
    assert details.find("CINclosureDate") is None
    assert details.find("ReasonForClosure") is None
    assert details.find("CINPlanDates/CINPlanEndDate") is None


def test_a_child_whose_episode_closed_before_the_year_is_left_out(north, sam):
    family, _ = cin_family(north, sam)
    third = children_of(family)[2]
    episode = CinEpisode.objects.get(child=third)
    CinEpisode.objects.filter(pk=episode.pk).update(
        referral_on=dt.date(2024, 4, 14), closed_on=dt.date(2025, 3, 1)
    )
    episode.cin_plans.update(started_on=dt.date(2024, 5, 1), ended_on=dt.date(2025, 3, 1))
    census = build_cin_census(YEAR)
    ids = [e.text for e in parse(census.xml).iter("LAchildID")]
    assert third.la_child_id not in ids
    assert census.children == 2


def test_second_plan_counts_the_previous_one(north, sam):
    family, _ = cin_family(north, sam)
    second = children_of(family)[1]
    episode = CinEpisode.objects.get(child=second)
    CpPlan.objects.filter(episode=episode).update(ended_on=dt.date(2025, 11, 3))
    episode.section47s.create(started_on=dt.date(2025, 12, 1), icpc_on=dt.date(2025, 12, 15))
    later = CpPlan.objects.create(
        episode=episode,
        started_on=dt.date(2025, 12, 15),
        initial_category="EMO",
        latest_category="EMO",
    )
    CpReview.objects.filter(plan__episode=episode, held_on__gt=dt.date(2025, 11, 3)).update(
        plan=later
    )
    plans = child_el(parse(build_cin_census(YEAR).xml), second.la_child_id).findall(
        "CINdetails/ChildProtectionPlans"
    )
    assert [p.findtext("NumberOfPreviousCPP") for p in plans] == ["0", "1"]


def test_missing_primary_need_refuses_the_export_naming_child_field_and_rule(north, sam, tmp_path):
    family, _ = cin_family(north, sam)
    first = children_of(family)[0]
    CinEpisode.objects.filter(child=first).update(primary_need="")
    out = tmp_path / "cin.xml"
    with pytest.raises(ExportRefusedError) as refused:
        services.export_cin_census(by=sam.user, year=2026, out=out)
    [problem] = refused.value.problems
    assert (problem.rule, problem.field, problem.child_ref) == (
        "8610",
        "primary need",
        first.la_child_id,
    )
    assert problem.fix_url == reverse("cases:person", args=[first.pk])
    assert not out.exists()
    assert not AuditEvent.objects.filter(verb="exported").exists()


def test_missing_identity_is_named(north, sam):
    family, _ = cin_family(north, sam)
    first = children_of(family)[0]
    type(first).objects.filter(pk=first.pk).update(la_child_id="", disabilities=[])
    problems = build_cin_census(YEAR).problems
    assert {(p.rule, p.field) for p in problems} >= {
        ("8500", "LA child ID"),
        ("8540", "disabilities"),
    }


def test_cp_plan_not_on_a_conference_day_is_named(north, sam):
    family, _ = cin_family(north, sam)
    second = children_of(family)[1]
    CpPlan.objects.filter(episode__child=second).update(started_on=dt.date(2025, 9, 22))
    rules = {p.rule for p in build_cin_census(YEAR).problems}
    assert "2885" in rules


def test_export_is_audited_as_a_disclosure_to_the_dfe(north, sam, tmp_path):
    cin_family(north, sam)
    out = tmp_path / "cin.xml"
    census = services.export_cin_census(by=sam.user, year=2026, out=out)
    event = AuditEvent.objects.get(verb="exported")
    assert event.actor == sam.user
    assert event.data["recipient"] == "Department for Education"
    assert event.data["children"] == census.children == 3
    assert event.data["year"] == 2026
    assert out.read_bytes() == census.xml


def test_command_writes_the_file_and_reports_counts(north, sam, tmp_path, capsys):
    cin_family(north, sam)
    out = tmp_path / "cin.xml"
    call_command(
        "export_cin_census", "--year", "2026", "--out", str(out), "--by", sam.user.username
    )
    printed = capsys.readouterr().out
    assert "3 children, 3 episodes" in printed
    assert out.exists()


def test_command_refuses_with_a_readable_message(north, sam, tmp_path, capsys):
    family, _ = cin_family(north, sam)
    CinEpisode.objects.filter(child=children_of(family)[0]).update(primary_need="")
    out = tmp_path / "cin.xml"
    with pytest.raises(CommandError, match="1 problem"):
        call_command("export_cin_census", "--year", "2026", "--out", str(out))
    assert "rule 8610" in capsys.readouterr().err
    assert not out.exists()
    call_command("export_cin_census", "--year", "2026", "--out", str(out), "--force")
    assert out.exists()


def test_a_child_born_after_31_march_was_unborn_in_that_census(north, sam):
    family, _ = cin_family(north, sam)
    first = children_of(family)[0]
    type(first).objects.filter(pk=first.pk).update(
        date_of_birth=dt.date(2026, 5, 2), expected_date_of_birth=dt.date(2026, 5, 9)
    )
    CinEpisode.objects.filter(child=first).update(referral_on=dt.date(2025, 9, 1))
    ids = child_el(parse(build_cin_census(YEAR).xml), first.la_child_id).find("ChildIdentifiers")
    assert ids.find("PersonBirthDate") is None
    assert ids.findtext("ExpectedPersonBirthDate") == "2026-05-09"
    assert ids.findtext("Sex") == "U"


def test_command_reports_an_unwritable_path_without_a_traceback(north, sam, tmp_path):
    cin_family(north, sam)
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(CommandError, match="Could not write"):
        call_command("export_cin_census", "--year", "2026", "--out", str(blocker / "cin.xml"))
    assert not AuditEvent.objects.filter(verb="exported").exists()
