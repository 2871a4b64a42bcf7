"""The evaluation extract against the hand-built county (1 Jan – 30 Jun 2025).

Children with an episode open in the period: a1, a2, c1 (from 1 Oct 2024) and b1 (referred
10 Apr 2025): 4. Events in the period, worked out by hand: b1 referral (N4) and, as an
episode of hers closed on 1 Jun 2024, a re-referral; a1's CP plan ended 15 May 2025; a2
became looked after on 1 Feb 2025 (C2); b1's pre-proceedings 1 May 2025 and care proceedings
issued 1 Jun 2025: 6 rows.
"""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from familyworkbook.audit.models import AuditEvent
from familyworkbook.insights import evaluation
from familyworkbook.people.models import Address, Person

KEY = "council-secret-key-0123456789"
CANARY_STREET = "17 Canary Wharf Lane"
CANARY_SAFE = "Refuge Canary House"


@pytest.fixture
def extract_county(county):
    Address.objects.create(
        person=county["a1"],
        line_1=CANARY_STREET,
        town="Wisbech",
        postcode="PE13 1AB",
        from_date=dt.date(2020, 1, 1),
    )
    Address.objects.create(
        person=county["c1"],
        line_1=CANARY_SAFE,
        town="Cambridge",
        postcode="CB4 2ZZ",
        from_date=dt.date(2024, 1, 1),
        protected=True,
    )
    return county


def _run(tmp_path, key=KEY, name="out"):
    key_file = tmp_path / f"{name}.key"
    key_file.write_text(key + "\n")
    out = tmp_path / name
    call_command(
        "export_evaluation",
        "--out",
        str(out),
        "--from",
        "2025-01-01",
        "--to",
        "2025-06-30",
        "--salt-file",
        str(key_file),
    )
    return out


def _read(out, name):
    with (out / name).open(newline="") as f:
        return list(csv.DictReader(f))


def test_files_rows_and_hand_worked_events(extract_county, tmp_path):
    out = _run(tmp_path)
    assert sorted(p.name for p in out.iterdir()) == [
        "allocations.csv",
        "cases.csv",
        "children.csv",
        "data_dictionary.csv",
        "events.csv",
        "programme.csv",
    ]
    children = _read(out, "children.csv")
    assert len(children) == 4
    p = evaluation.Pseudonyms(KEY)
    a1 = next(r for r in children if r["child"] == p("child", extract_county["a1"].pk))
    assert (a1["month_of_birth"], a1["age_at_start"], a1["postcode_district"]) == ("5", "8", "PE13")
    c1 = next(r for r in children if r["child"] == p("child", extract_county["c1"].pk))
    assert c1["postcode_district"] == "", "a protected address must not give a district"
    assert "CB4" not in (out / "children.csv").read_text()
    events = sorted((r["event"], r["date"], r["code"]) for r in _read(out, "events.csv"))
    assert events == [
        ("became_looked_after", "2025-02-01", "C2"),
        ("care_proceedings_issued", "2025-06-01", ""),
        ("cp_plan_ended", "2025-05-15", "NEG"),
        ("pre_proceedings_started", "2025-05-01", ""),
        ("re_referral", "2025-04-10", "N4"),
        ("referral", "2025-04-10", "N4"),
    ]
    assert len(_read(out, "cases.csv")) == 3
    dictionary = _read(out, "data_dictionary.csv")
    assert {(r["file"], r["column"]) for r in dictionary} >= {
        ("children.csv", "age_at_start"),
        ("events.csv", "event"),
    }


def test_no_name_address_date_of_birth_or_identifier(extract_county, tmp_path):
    out = _run(tmp_path)
    text = "".join(p.read_text() for p in out.iterdir())
    people = Person.objects.all()
    forbidden = {CANARY_STREET, CANARY_SAFE, "Canary", "PE13 1AB", "CB4", "Wisbech", "Cambridge"}
    for person in people:
        forbidden |= {person.last_name, person.la_child_id or "Adams"}
        forbidden.add(person.first_name)
        if person.date_of_birth:
            forbidden |= {
                person.date_of_birth.isoformat(),
                person.date_of_birth.strftime("%d/%m/%Y"),
            }
    forbidden.discard("")
    found = sorted(word for word in forbidden if word in text)
    assert not found, f"the extract leaks {found}"


def test_pseudonyms_stable_with_the_key_and_different_without(extract_county, tmp_path):
    first = _read(_run(tmp_path, name="one"), "children.csv")
    again = _read(_run(tmp_path, name="two"), "children.csv")
    other = _read(_run(tmp_path, key="another-council-key-987654", name="three"), "children.csv")
    assert first == again
    assert {r["child"] for r in first}.isdisjoint({r["child"] for r in other})
    assert {r["family"] for r in first}.isdisjoint({r["family"] for r in other})


def test_audited_as_a_disclosure(extract_county, tmp_path):
    _run(tmp_path)
    event = AuditEvent.objects.filter(verb="exported", target_label="evaluation extract").get()
    assert event.data["rows"]["events.csv"] == 6
    assert KEY not in str(event.data)


def test_short_or_missing_key_is_refused(extract_county, tmp_path, monkeypatch):
    monkeypatch.delenv("FWB_EVALUATION_KEY", raising=False)
    with pytest.raises(CommandError, match="secret key"):
        call_command("export_evaluation", "--out", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="secret key"):
        _run(tmp_path, key="short")
    assert not AuditEvent.objects.filter(target_label="evaluation extract").exists()


def test_progress_is_shown(extract_county, tmp_path, capsys):
    _run(tmp_path)
    output = capsys.readouterr().out
    assert "children.csv: 0 of 4" in output and "events.csv: 6 of 6" in output


def test_a_child_at_a_protected_address_gets_the_district_of_the_home_before_it(
    extract_county, tmp_path
):
    """R2: the refuge's district never leaves, and a blank does not mark the child as
    protected: the child looks like any other, with the district of the home she left."""
    Address.objects.create(
        person=extract_county["c1"],
        line_1="2 Old Home Road",
        town="March",
        postcode="PE15 8AA",
        from_date=dt.date(2019, 1, 1),
        to_date=dt.date(2023, 12, 31),
    )
    out = _run(tmp_path)
    children = _read(out, "children.csv")
    p = evaluation.Pseudonyms(KEY)
    c1 = next(r for r in children if r["child"] == p("child", extract_county["c1"].pk))
    assert c1["postcode_district"] == "PE15"
    text = (out / "children.csv").read_text()
    assert "CB4" not in text and "redacted" not in text.lower() and "protected" not in text.lower()
