"""The SSDA903 export: every table with the DfE's exact columns, valid, refused when it would not be."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from familyworkbook.audit.models import AuditEvent
from familyworkbook.cases.models import (
    Allocation,
    LookedAfterEpisode,
    LookedAfterOutcome,
    PreviousPermanence,
    SocialWorkerChange,
)
from familyworkbook.demo import builders
from familyworkbook.returns import services
from familyworkbook.returns.periods import CollectionYear
from familyworkbook.returns.problems import ExportRefusedError
from familyworkbook.returns.ssda903 import COLUMNS, FILE_NAMES, build_ssda903
from familyworkbook.returns.tests.conftest import SAMPLES, error_count
from familyworkbook.returns.tests.scenarios import children_of, looked_after_family

pytestmark = pytest.mark.django_db

YEAR = CollectionYear(2026)
RICHMOND = "E09000027"  # the sample postcodes are in Richmond and Kingston


def read(folder, table):  # type: ignore[no-untyped-def]
    with (folder / FILE_NAMES[table]).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_column_sets_are_exactly_the_dfe_ones():
    for table, name in FILE_NAMES.items():
        sample = SAMPLES / "ssda903_good" / name
        with sample.open(encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == COLUMNS[table], table


@override_settings(COUNCIL_ONS_CODE=RICHMOND)
def test_return_of_the_sample_family_passes_the_dfe_validator(north, sam, tmp_path, run_validator):
    looked_after_family(north, sam)
    out = tmp_path / "903"
    result, counts = services.export_ssda903(by=sam.user, year=2026, out=out)
    assert sorted(p.name for p in out.iterdir()) == sorted(FILE_NAMES.values())
    done = run_validator("903", out, "--year", "2026", "--la", RICHMOND)
    assert error_count(done.stdout) == 0, done.stdout
    assert counts["header.csv"] == result.children == 2
    assert counts["episodes.csv"] == 3


def test_dates_are_day_month_year_and_later_events_are_left_out(north, sam):
    family, _ = looked_after_family(north, sam)
    newcomer = children_of(family)[1]
    LookedAfterEpisode.objects.filter(child=newcomer).update(
        ceased_on=dt.date(2026, 4, 20), reason_ceased="E4A"
    )
    rows = [r for r in build_ssda903(YEAR).tables["Episodes"] if r["CHILD"] == newcomer.la_child_id]
    assert rows == [
        {
            "CHILD": newcomer.la_child_id,
            "DECOM": "02/06/2025",
            "RNE": "S",
            "LS": "V2",
            "CIN": "N1",
            "PLACE": "U6",
            "PLACE_PROVIDER": "PR1",
            "DEC": "",
            "REC": "",
            "REASON_PLACE_CHANGE": "",
            "HOME_POST": "TW9 3DR",
            "PL_POST": "TW2 6RL",
            "URN": "XXXXXXX",
        }
    ]


def test_oc2_only_for_children_looked_after_all_year(north, sam):
    family, _ = looked_after_family(north, sam)
    long_stay, newcomer = children_of(family)
    oc2 = build_ssda903(YEAR).tables["OC2"]
    assert [r["CHILD"] for r in oc2] == [long_stay.la_child_id]
    assert oc2[0]["SDQ_SCORE"] == "14"
    assert oc2[0]["CONVICTED"] == "0"
    assert oc2[0]["HEALTH_CHECK"] == ""


def test_missing_outcomes_and_previous_permanence_are_named(north, sam, tmp_path):
    family, _ = looked_after_family(north, sam)
    long_stay, newcomer = children_of(family)
    LookedAfterOutcome.objects.all().update(archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    PreviousPermanence.objects.all().update(archived_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    out = tmp_path / "903"
    with pytest.raises(ExportRefusedError) as refused:
        services.export_ssda903(by=sam.user, year=2026, out=out)
    named = {(p.rule, p.child_ref) for p in refused.value.problems}
    assert named == {("191", long_stay.la_child_id), ("630", newcomer.la_child_id)}
    assert not out.exists()


def test_social_worker_episodes_follow_the_lead_allocations(north, sam, mo):
    family, case = looked_after_family(north, sam)
    long_stay, newcomer = children_of(family)
    Allocation.objects.filter(case=case).update(ended_on=dt.date(2025, 6, 6))
    new_lead = Allocation.objects.create(
        case=case, worker=mo, role=mo.role, is_lead=True, started_on=dt.date(2025, 6, 6)
    )
    result = build_ssda903(YEAR)
    assert ("SW13STG1", long_stay.la_child_id) in {(p.rule, p.child_ref) for p in result.problems}
    SocialWorkerChange.objects.create(allocation=new_lead, reason="MANAGE")
    result = build_ssda903(YEAR)
    rows = [r for r in result.tables["SWEpisodes"] if r["CHILD"] == long_stay.la_child_id]
    assert [(r["SW_ID"], r["SW_DECOM"], r["SW_DEC"], r["SW_REASON"]) for r in rows] == [
        (sam.swe_number, "14/11/2023", "06/06/2025", "FCONTA"),
        (mo.swe_number, "06/06/2025", "", "MANAGE"),
    ]
    # The newcomer came into care on 02/06/2025: their first social worker is from that day.
    rows = [r for r in result.tables["SWEpisodes"] if r["CHILD"] == newcomer.la_child_id]
    assert [(r["SW_DECOM"], r["SW_REASON"]) for r in rows] == [
        ("02/06/2025", "FCONTA"),
        ("06/06/2025", "MANAGE"),
    ]
    assert not result.problems


def test_a_mother_in_care_is_recorded_with_her_childs_birth_date(north, sam):
    family, _ = looked_after_family(north, sam)
    long_stay = children_of(family)[0]
    baby = builders.family("Baby", children=1, adults=0, born=dt.date(2025, 12, 1))
    builders.link(long_stay, children_of(baby)[0], "parent")
    header = {r["CHILD"]: r for r in build_ssda903(YEAR).tables["Header"]}
    assert (header[long_stay.la_child_id]["MOTHER"], header[long_stay.la_child_id]["MC_DOB"]) == (
        "1",
        "01/12/2025",
    )


@override_settings(COUNCIL_ONS_CODE=RICHMOND)
def test_command_prints_the_la_code_and_rows_per_file_and_is_audited(north, sam, tmp_path, capsys):
    looked_after_family(north, sam)
    out = tmp_path / "903"
    call_command("export_ssda903", "--year", "2026", "--out", str(out), "--by", sam.user.username)
    printed = capsys.readouterr().out
    assert RICHMOND in printed
    assert re.search(r"^  episodes\.csv +3 rows$", printed, re.MULTILINE)
    assert "sw_episodes.csv" in printed
    event = AuditEvent.objects.get(verb="exported")
    assert event.data["la"] == RICHMOND
    assert event.data["rows"]["episodes.csv"] == 3
    assert read(out, "Reviews")[0]["REVIEW_CODE"] == "PN1"


def test_a_protected_placement_postcode_is_counted_in_the_audit(north, sam, tmp_path):
    from familyworkbook.people.models import Address

    family, _ = looked_after_family(north, sam)
    newcomer = children_of(family)[1]
    Address.objects.create(
        person=newcomer,
        kind="placement",
        line_1="1 Safe Street",
        town="Twickenham",
        postcode="TW2 6RL",
        from_date=dt.date(2025, 6, 2),
        protected=True,
    )
    services.export_ssda903(by=sam.user, year=2026, out=tmp_path / "903")
    assert AuditEvent.objects.get(verb="exported").data["protected_postcodes"] == 1


def test_sdq_refused_by_the_child_only_counts_from_16(north, sam):
    family, _ = looked_after_family(north, sam)
    long_stay = children_of(family)[0]  # born 04/02/2010: 16 before 31 March 2026
    LookedAfterOutcome.objects.update(sdq_score=None, sdq_reason="SDQ1")
    assert "157" not in {p.rule for p in build_ssda903(YEAR).problems}
    type(long_stay).objects.filter(pk=long_stay.pk).update(date_of_birth=dt.date(2010, 6, 1))
    assert "157" in {p.rule for p in build_ssda903(YEAR).problems}
