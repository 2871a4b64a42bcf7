"""`import_ssd` (issue 16): an extract's rows land in the product's records, nothing lost,
nothing invented, a re-run changes nothing, a later extract updates what changed, and a bad
family, row or file is reported and changes nothing else."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from familyworkbook.audit.models import AuditEvent
from familyworkbook.cases.lac_models import LookedAfterReview
from familyworkbook.cases.models import (
    Allocation,
    Assessment,
    Case,
    CinEpisode,
    CpPlan,
    CpReview,
    LookedAfterEpisode,
    Section47,
    Visit,
)
from familyworkbook.importing import services
from familyworkbook.importing.models import ImportProblem, ImportRun, SourceRecord
from familyworkbook.importing.report import reconciles
from familyworkbook.importing.services import run_import
from familyworkbook.importing.spec import TABLES
from familyworkbook.importing.tests import extract
from familyworkbook.people.models import Address, Family, Person, Relationship
from familyworkbook.teams.models import Team, Worker

pytestmark = pytest.mark.django_db


def _every_table_reconciles(run: ImportRun) -> None:
    for table, counts in run.tables.items():
        assert reconciles(counts), (table, counts)


def _problems(run: ImportRun) -> list[tuple[str, str, str, str]]:
    return list(run.problems.values_list("table", "key", "field", "reason"))


def test_an_extract_becomes_the_product_records(tmp_path: Path) -> None:
    run = run_import(str(extract.write(tmp_path / "x")))

    assert run.status == ImportRun.Status.FINISHED
    assert run.families == {"read": 2, "imported": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    _every_table_reconciles(run)
    assert run.tables["ssd_person"]["imported"] == 4
    ava = Person.objects.get(la_child_id="C1001")
    assert (ava.first_name, ava.kind, ava.upn, ava.ethnicity) == (
        "Ava",
        "child",
        "A123456789012",
        "WBRI",
    )
    assert Person.objects.get(la_child_id="C1002").disabilities == ["AUT"]
    sam = Person.objects.get(la_child_id="C2001")
    assert sam.ethnicity == "WOTH"  # the label, read as its code
    mother = Person.objects.get(first_name="Jo")
    assert (mother.kind, mother.la_child_id) == ("adult", "")
    hart = Family.objects.get(reference="FAM1")
    assert set(hart.members.values_list("first_name", flat=True)) == {"Ava", "Leo", "Jo"}
    assert Relationship.objects.filter(person=mother, other=ava, kind="parent").exists()
    assert Relationship.objects.filter(person=ava, other=mother).exists()  # and its inverse
    refuge = Address.objects.get(person=mother)
    assert (refuge.protected, refuge.kind, refuge.town, refuge.postcode) == (
        True,
        "safe",
        "Cambridge",
        "CB1 1AA",
    )

    episode = CinEpisode.objects.get(child=ava)
    assert (episode.referral_source, episode.primary_need, episode.closed_on) == ("2A", "N1", None)
    assert Assessment.objects.get(episode=episode).factors == ["3B", "2B"]
    enquiry = Section47.objects.get(episode=episode)
    assert (str(enquiry.icpc_on), str(enquiry.icpc_target_on)) == ("2024-01-31", "2024-02-02")
    plan = CpPlan.objects.get(episode=episode)
    assert (plan.initial_category, plan.latest_category) == ("NEG", "NEG")
    assert CpReview.objects.filter(plan=plan).count() == 1
    assert Visit.objects.get(child=ava).seen is True
    cla = LookedAfterEpisode.objects.get(child=sam)
    assert (cla.legal_status, cla.placement_type, cla.placement_provider) == ("C2", "U1", "PR1")
    assert LookedAfterReview.objects.get(child=sam).participation == "PN1"

    case = Case.objects.get(family=hart)
    assert case.team.name == "Family Safeguarding North"
    assert str(case.opened_on) == "2024-01-10"
    # One allocation for the family, though the extract names it once per child.
    allocation = Allocation.objects.get(case=case)
    assert (allocation.role, allocation.is_lead) == ("social_worker", True)
    assert allocation.worker.user.username == "ssd-W1"
    assert not allocation.worker.user.has_usable_password()
    assert allocation.created_by.username == "import"

    # Provenance: every row, with what the product has no field for kept verbatim.
    assert SourceRecord.objects.filter(table="ssd_involvements").count() == 2
    assert SourceRecord.objects.get(table="ssd_person", key="C1001").data == {
        "pers_legacy_id": "L-77"
    }
    contact = SourceRecord.objects.get(table="ssd_contacts", key="K1")
    assert contact.family_id == hart.pk and contact.data["cont_contact_source_code"] == "2A"
    assert run.problems.get(table="ssd_contacts").outcome == ImportProblem.Outcome.WARNING
    # Audited as one run, not a row per field.
    assert AuditEvent.objects.filter(target_type="importing.importrun").count() == 1


def test_a_second_run_of_the_same_extract_changes_nothing(tmp_path: Path) -> None:
    folder = extract.write(tmp_path / "x")
    run_import(str(folder))
    before = (Person.objects.count(), CinEpisode.objects.count(), Allocation.objects.count())
    records = SourceRecord.objects.count()
    again = run_import(str(folder))
    assert again.families["unchanged"] == 2 and again.families["imported"] == 0
    assert all(c["unchanged"] == c["read"] for c in again.tables.values()), again.tables
    assert (
        Person.objects.count(),
        CinEpisode.objects.count(),
        Allocation.objects.count(),
    ) == before
    assert SourceRecord.objects.count() == records


def test_a_later_extract_updates_what_changed_and_deletes_nothing(tmp_path: Path) -> None:
    run_import(str(extract.write(tmp_path / "first")))
    ava = Person.objects.get(la_child_id="C1001")
    episode = CinEpisode.objects.get(child=ava)
    version = episode.version
    later = extract.tables()
    later["ssd_cin_episodes"][0].update(cine_close_date="2024-06-30", cine_close_reason="RC1")
    later["ssd_cp_plans"][0].update(cppl_cp_plan_end_date="2024-06-30")
    later["ssd_person"][0].update(pers_forename="Ava-Mae")
    del later["ssd_cin_visits"]  # a row the later extract leaves out is not deleted
    run = run_import(str(extract.write(tmp_path / "later", later)))

    assert run.families["updated"] == 1 and run.families["unchanged"] == 1
    assert run.tables["ssd_cin_episodes"]["updated"] == 1
    assert run.tables["ssd_person"] == {
        "read": 4,
        "imported": 0,
        "updated": 1,
        "unchanged": 3,
        "rejected": 0,
    }
    episode.refresh_from_db()
    assert (str(episode.closed_on), episode.closure_reason) == ("2024-06-30", "RC1")
    assert episode.version == version + 1
    assert episode.modified_by.username == "import"
    assert Person.objects.get(pk=ava.pk).first_name == "Ava-Mae"
    assert Visit.objects.filter(child=ava).count() == 1
    changed = AuditEvent.objects.filter(
        target_type="cases.cinepisode", target_id=str(episode.pk), verb="changed"
    )
    assert changed.count() == 1
    assert changed.get().actor.username == "import"


def test_rows_that_break_a_rule_are_reported_and_the_rest_imported(tmp_path: Path) -> None:
    data = extract.tables()
    data["ssd_cin_episodes"].append(
        {
            "cine_referral_id": "R9",
            "cine_person_id": "X999",
            "cine_referral_date": "2024-01-01",
            "cine_referral_source_code": "2A",
        }
    )
    data["ssd_cp_reviews"].append(
        {
            "cppr_cp_review_id": "CR2",
            "cppr_person_id": "C1001",
            "cppr_cp_plan_id": "CP1",
            "cppr_cp_review_date": "31/31/2024",
        }
    )
    data["ssd_cin_episodes"][1].update(cine_close_date="2023-02-01")  # before its referral
    run = run_import(str(extract.write(tmp_path / "x", data)))

    problems = _problems(run)
    assert (
        "ssd_cin_episodes",
        "R9",
        "cine_person_id",
        "person X999 has no ssd_person row",
    ) in problems
    review = run.problems.get(key="CR2")
    assert review.field == "cppr_cp_review_date" and review.line == 3
    assert "31/31/2024" in review.reason
    closed = run.problems.get(key="R2")
    assert closed.field == "cine_close_date"
    assert closed.reason == "The closure date must be on or after the referral date"
    assert run.tables["ssd_cin_episodes"] == {
        "read": 3,
        "imported": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 2,
    }
    _every_table_reconciles(run)
    assert CpReview.objects.count() == 1
    assert not CinEpisode.objects.filter(child__la_child_id="C2001").exists()


def test_a_family_whose_person_breaks_a_rule_is_rejected_whole(tmp_path: Path) -> None:
    data = extract.tables()
    data["ssd_person"][3].update(pers_dob="")  # a child with episodes and no date of birth
    run = run_import(str(extract.write(tmp_path / "x", data)))
    assert run.families["rejected"] == 1 and run.families["imported"] == 1
    assert not Person.objects.filter(la_child_id="C2001").exists()
    assert not LookedAfterEpisode.objects.exists()
    assert (
        "ssd_person",
        "C2001",
        "pers_dob",
        "pers_dob is empty: a child needs a date of birth",
    ) in _problems(run)
    # Every row of the rejected family is reported as not imported.
    assert run.problems.filter(family_key="FAM2", outcome="rejected").count() == 7
    _every_table_reconciles(run)
    assert Person.objects.filter(la_child_id="C1001").exists()


def test_a_family_the_database_refuses_is_rejected_and_the_batch_continues(tmp_path: Path) -> None:
    data = extract.tables()
    # Two open episodes of need for one child: the database's constraint, not a clean() rule.
    data["ssd_cin_episodes"].append(
        {
            "cine_referral_id": "R3",
            "cine_person_id": "C2001",
            "cine_referral_date": "2024-02-01",
            "cine_referral_source_code": "2A",
        }
    )
    data["ssd_cin_episodes"].append(
        {
            "cine_referral_id": "R4",
            "cine_person_id": "C2001",
            "cine_referral_date": "2024-03-01",
            "cine_referral_source_code": "2A",
        }
    )
    run = run_import(str(extract.write(tmp_path / "x", data)))
    assert run.families["rejected"] == 1 and run.families["imported"] == 1
    assert not Person.objects.filter(la_child_id="C2001").exists()
    assert Person.objects.filter(la_child_id="C1001").exists()
    assert run.problems.filter(
        reason__startswith="the family was not imported: the database refused"
    ).exists()
    _every_table_reconciles(run)


def test_a_dry_run_checks_and_counts_and_writes_no_record(tmp_path: Path) -> None:
    run = run_import(str(extract.write(tmp_path / "x")), dry_run=True)
    assert run.dry_run and run.status == ImportRun.Status.FINISHED
    assert run.families["imported"] == 2
    assert run.tables["ssd_person"]["imported"] == 4
    assert not Person.objects.exists() and not SourceRecord.objects.exists()
    assert not Team.objects.filter(name="Family Safeguarding North").exists()
    assert not Worker.objects.exists()


def test_ctrl_c_leaves_each_family_in_or_out_and_a_rerun_continues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = extract.write(tmp_path / "x")
    monkeypatch.setattr(services, "BATCH_FAMILIES", 1)
    real = services.Importer.write
    calls = {"n": 0}

    def interrupted(self, plans, existing):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            real(self, plans, existing)  # half the family written...
            raise KeyboardInterrupt  # ...then Ctrl-C before its transaction commits
        return real(self, plans, existing)

    monkeypatch.setattr(services.Importer, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_import(str(folder))
    assert ImportRun.objects.get().status == ImportRun.Status.INTERRUPTED
    assert Family.objects.filter(reference="FAM1").exists()
    assert not Family.objects.filter(reference="FAM2").exists()
    assert not Person.objects.filter(la_child_id="C2001").exists()

    monkeypatch.setattr(services.Importer, "write", real)
    rerun = run_import(str(folder))
    assert rerun.families == {"read": 2, "imported": 1, "updated": 0, "unchanged": 1, "rejected": 0}
    assert (
        Person.objects.count() == 4
        and Family.objects.filter(reference__in=["FAM1", "FAM2"]).count() == 2
    )


def test_a_formula_is_kept_as_text(tmp_path: Path) -> None:
    data = extract.tables()
    data["ssd_person"][2].update(pers_forename="=cmd|' /C calc'!A0")
    run_import(str(extract.write(tmp_path / "x", data, bom=True)))
    assert Person.objects.get(last_name="Hart", kind="adult").first_name == "=cmd|' /C calc'!A0"


def test_the_command_prints_the_reconciliation_and_writes_the_report(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command(
        "import_ssd",
        str(extract.write(tmp_path / "x")),
        "--report",
        str(tmp_path / "r"),
        stdout=out,
    )
    text = out.getvalue()
    assert "ssd_cin_episodes" in text and "reconciles" in text and " NO" not in text
    assert (tmp_path / "r" / "report.csv").read_text(encoding="utf-8").startswith("table,")
    assert "ssd_contacts" in (tmp_path / "r" / "report.html").read_text(encoding="utf-8")


def test_an_extract_without_people_changes_nothing_and_says_why(tmp_path: Path) -> None:
    data = extract.tables()
    del data["ssd_person"]
    with pytest.raises(CommandError):
        call_command("import_ssd", str(extract.write(tmp_path / "x", data)), stdout=io.StringIO())
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "ssd_person" in run.problems.get().reason
    assert not Person.objects.exists()


def test_a_duplicate_key_is_read_rejected_and_reported(tmp_path: Path) -> None:
    data = extract.tables()
    data["ssd_contacts"].append(dict(data["ssd_contacts"][0], cont_contact_date="2024-01-10"))
    run = run_import(str(extract.write(tmp_path / "x", data)))
    assert run.tables["ssd_contacts"] == {
        "read": 2,
        "imported": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
    }
    duplicate = run.problems.get(table="ssd_contacts", outcome="rejected")
    assert duplicate.line == 3 and "K1" in duplicate.reason


def test_a_file_that_is_not_utf8_or_has_a_column_not_in_the_ssd_changes_nothing(
    tmp_path: Path,
) -> None:
    folder = extract.write(tmp_path / "latin")
    path = folder / "ssd_person.csv"
    path.write_bytes(path.read_bytes().replace(b"Hart", "Hårt".encode("latin-1")))
    run = run_import(str(folder))
    assert run.status == ImportRun.Status.FAILED
    assert any("UTF-8" in reason for *_, reason in _problems(run))
    assert not Person.objects.exists() and not SourceRecord.objects.exists()

    folder = extract.write(tmp_path / "misnamed")
    path = folder / "ssd_cin_episodes.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("cine_referral_date", "cine_referal_date", 1),
        encoding="utf-8",
    )
    run = run_import(str(folder))
    assert run.status == ImportRun.Status.FAILED
    reason = run.problems.get(table="ssd_cin_episodes").reason
    assert "cine_referal_date" in reason and "cine_referral_date" in reason
    assert not Person.objects.exists()


def test_an_ssd_held_in_a_database_imports_as_its_csv_files_do(tmp_path: Path) -> None:
    psycopg = pytest.importorskip("psycopg")
    name = f"fwb_import_src_{uuid.uuid4().hex[:8]}"
    try:
        admin = psycopg.connect(
            "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=3
        )
    except psycopg.OperationalError as error:
        pytest.skip(
            f"PostgreSQL is not reachable at 127.0.0.1:5432 ({error}); the database source needs it"
        )
    admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        with psycopg.connect(url, autocommit=True) as source:
            for table, rows in extract.BASE.items():
                columns = TABLES[table].columns
                source.execute(f"CREATE TABLE {table} ({', '.join(f'{c} text' for c in columns)})")
                with source.cursor() as cursor:
                    cursor.executemany(
                        f"INSERT INTO {table} VALUES ({', '.join(['%s'] * len(columns))})",  # noqa: S608 - spec names
                        [[row.get(c) or None for c in columns] for row in rows],
                    )
        from_database = run_import(url, database=True)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    assert from_database.status == ImportRun.Status.FINISHED, list(
        from_database.problems.values_list("reason", flat=True)
    )
    assert "secret" not in from_database.source
    assert from_database.families["imported"] == 2
    assert from_database.tables["ssd_person"]["imported"] == 4
    assert Person.objects.get(la_child_id="C1001").upn == "A123456789012"
    assert CinEpisode.objects.count() == 2


def test_two_current_lead_workers_leave_the_later_one_lead(tmp_path: Path) -> None:
    data = extract.tables()
    data["ssd_professionals"].append(
        {
            "prof_professional_id": "W2",
            "prof_professional_name": "Kim Lee",
            "prof_professional_job_title": "Social Worker",
        }
    )
    data["ssd_involvements"][1].update(
        invo_professional_id="W2", invo_involvement_start_date="2024-03-01"
    )
    run = run_import(str(extract.write(tmp_path / "x", data)))
    assert run.families["imported"] == 2
    leads = Allocation.objects.filter(case__family__reference="FAM1", is_lead=True)
    assert [a.worker.user.username for a in leads] == ["ssd-W2"]
    assert Allocation.objects.filter(case__family__reference="FAM1").count() == 2
    assert run.problems.get(key="I1").outcome == ImportProblem.Outcome.WARNING
