"""Exports: identified for the team, pseudonymised for evaluators (no names, no dates of birth)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from familyworkbook.access.tests.disclosing import disclose_and_fetch, is_disclosure_step
from familyworkbook.audit.models import AuditEvent
from familyworkbook.measures import export
from familyworkbook.people.models import Person

SALT = "a-secret-salt-of-some-length"


def read(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def test_pseudonymised_export_has_no_names_or_dates_of_birth(tmp_path, record_sdq, ava, smith_case):
    record_sdq(1, on=dt.date(2025, 9, 10))
    out = tmp_path / "measures.csv"
    stdout = io.StringIO()
    call_command("export_measures", out=str(out), pseudonymise=True, salt=SALT, stdout=stdout)
    text = out.read_text(encoding="utf-8")
    for person in Person.objects.all():
        assert person.first_name not in text
        assert person.last_name not in text
        if person.date_of_birth:
            assert person.date_of_birth.isoformat() not in text
            assert f"{person.date_of_birth:%d/%m/%Y}" not in text
    assert smith_case.family.reference not in text
    (row,) = read(out)
    assert "first_name" not in row and "date_of_birth" not in row and "measure_id" not in row
    assert row["person_key"] == export.pseudonym(SALT, "person", ava.pk)
    assert row["person_key"] != str(ava.pk)
    assert row["age_years"] == "9"
    assert row["total_difficulties"] == "20"
    assert row["bands_4.total_difficulties"] == "very_high"
    assert row["item_1"] == "1" and row["item_26"] == ""
    assert "Wrote 1 rows (pseudonymised)" in stdout.getvalue()


def test_the_same_salt_gives_the_same_keys_and_another_salt_different_ones(ava):
    assert export.pseudonym(SALT, "person", ava.pk) == export.pseudonym(SALT, "person", ava.pk)
    assert export.pseudonym(SALT, "person", ava.pk) != export.pseudonym(
        SALT + "x", "person", ava.pk
    )
    assert export.pseudonym(SALT, "person", 1) != export.pseudonym(SALT, "case", 1)


def test_identified_export_has_names_and_the_current_record_only(tmp_path, record_sdq, ava):
    old = record_sdq(1)
    new = record_sdq(2, supersedes=old, correction_reason="Typo")
    out = tmp_path / "measures.csv"
    call_command("export_measures", out=str(out), stdout=io.StringIO())
    (row,) = read(out)
    assert row["measure_id"] == str(new.pk)
    assert row["corrects_measure_id"] == str(old.pk)
    assert row["first_name"] == "Ava" and row["date_of_birth"] == ava.date_of_birth.isoformat()


def test_export_filters_by_team_and_case(tmp_path, record_sdq, south, north):
    record_sdq()
    out = tmp_path / "m.csv"
    call_command("export_measures", out=str(out), team=south.pk, stdout=io.StringIO())
    assert read(out) == []
    call_command("export_measures", out=str(out), team=north.pk, stdout=io.StringIO())
    assert len(read(out)) == 1


def test_the_export_is_audited_without_the_salt(tmp_path, record_sdq, smith_case):
    record_sdq()
    call_command(
        "export_measures",
        out=str(tmp_path / "m.csv"),
        case=smith_case.pk,
        pseudonymise=True,
        salt=SALT,
        stdout=io.StringIO(),
    )
    event = AuditEvent.objects.get(verb="exported")
    assert event.target_type == "cases.case" and event.target_id == str(smith_case.pk)
    assert event.data["rows"] == 1 and event.data["pseudonymised"] is True
    assert SALT not in str(event.data)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"pseudonymise": True}, "salt of at least 16"),
        ({"pseudonymise": True, "salt": "short"}, "salt of at least 16"),
        ({"salt": SALT}, "only used with --pseudonymise"),
        ({"team": 999999}, "No team"),
        ({"case": 999999}, "No case"),
    ],
)
def test_bad_options_are_refused_and_nothing_is_written(tmp_path, db, options, message):
    out = tmp_path / "m.csv"
    with pytest.raises(CommandError, match=message):
        call_command("export_measures", out=str(out), stdout=io.StringIO(), **options)
    assert not out.exists()
    assert not AuditEvent.objects.filter(verb="exported").exists()


def test_text_a_spreadsheet_would_run_is_quoted(record_sdq, ava):
    Person.objects.filter(pk=ava.pk).update(first_name="=HYPERLINK(1)")
    record_sdq()
    from familyworkbook.measures.selectors import export_queryset

    rows = list(export.rows(export_queryset(None), pseudonymise=False))
    assert rows[1][3] == "'=HYPERLINK(1)"


def test_negative_readiness_stays_a_number(smith_case, parent, sam):
    from familyworkbook.measures import services
    from familyworkbook.measures.selectors import export_queryset
    from familyworkbook.measures.tests.conftest import answers

    # Precontemplation all 5, everything else 1: readiness = 1 + 1 + 1 - 5 = -2.
    items = answers(32, 1, **{f"i{n}": 5 for n in (1, 5, 11, 13, 23, 26, 29)})
    services.record_measure(
        person=parent,
        case=smith_case,
        instrument="urica",
        informant="self",
        completed_on=dt.date(2025, 9, 10),
        collection_point="assessment",
        responses=items,
        by=sam.user,
    )
    header, row = list(export.rows(export_queryset(None), pseudonymise=False))
    assert row[header.index("readiness")] == "-2"


def test_team_csv_download_is_audited(sam_client, sam, north, record_sdq):
    record_sdq()
    asked = sam_client.get(reverse("measures:team_csv", args=[north.pk]))
    assert is_disclosure_step(asked)  # a file leaving the system needs a disclosure record
    _form, response = disclose_and_fetch(sam_client, asked)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1 and rows[0]["first_name"] == "Ava"
    event = AuditEvent.objects.get(verb="exported")
    assert event.actor == sam.user and event.data["rows"] == 1


def test_team_csv_needs_sign_in(client, north):
    response = client.get(reverse("measures:team_csv", args=[north.pk]))
    assert response.status_code == 302
