"""`export_ssd`: the demo county written as an SSD extract, in the shape `import_ssd` reads.

One small county (the demo seeder, plus the SSDA903 records it does not make: a missing
episode, UASC status, a care leaver's outcome) is exported once; the tests read the files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.test import TestCase
from django.utils import timezone

from familyworkbook.audit.models import AuditEvent
from familyworkbook.audit.verbs import Verb
from familyworkbook.cases.lac_models import (
    AdoptionDecision,
    CareLeaverOutcome,
    LookedAfterOutcome,
    LookedAfterReview,
    MissingEpisode,
    PreviousPermanence,
    UascStatus,
)
from familyworkbook.cases.models import (
    Allocation,
    Assessment,
    CinEpisode,
    CinPlan,
    CpPlan,
    CpReview,
    LookedAfterEpisode,
    PreProceedings,
    Section47,
    Visit,
    VisitKind,
)
from familyworkbook.demo import builders
from familyworkbook.demo.seeding import seed_county
from familyworkbook.importing import export
from familyworkbook.importing.export import export_ssd, pk_of
from familyworkbook.importing.management.commands.export_ssd import progress_line
from familyworkbook.importing.spec import TABLES
from familyworkbook.people.models import (
    Address,
    AddressKind,
    Family,
    FamilyMembership,
    Person,
    PersonKind,
    Relationship,
    RelationshipKind,
)
from familyworkbook.teams.models import EmploymentType, Team, Worker

TRICKY_FIRST = 'Ann, "Annie"\nMarie'
TRICKY_LAST = "=cmd|' /C calc'!A0"
WRITTEN = {
    "ssd_person",
    "ssd_family",
    "ssd_mother",
    "ssd_address",
    "ssd_disability",
    "ssd_linked_identifiers",
    "ssd_department",
    "ssd_professionals",
    "ssd_involvements",
    "ssd_cin_episodes",
    "ssd_cin_assessments",
    "ssd_assessment_factors",
    "ssd_s47_enquiry",
    "ssd_initial_cp_conference",
    "ssd_cin_plans",
    "ssd_cp_plans",
    "ssd_cp_reviews",
    "ssd_cin_visits",
    "ssd_cp_visits",
    "ssd_cla_visits",
    "ssd_cla_episodes",
    "ssd_cla_placement",
    "ssd_legal_status",
    "ssd_cla_reviews",
    "ssd_missing",
    "ssd_immigration_status",
    "ssd_pre_proceedings",
    "ssd_care_leavers",
    "ssd_cla_previous_permanence",
    "ssd_permanence",
    "ssd_sdq_scores",
    # OC2's other items, each in the SSD table that holds it.
    "ssd_cla_health",
    "ssd_cla_immunisations",
    "ssd_cla_substance_misuse",
}
# Written only for a child convicted in the year: the demo county may have none.
SOMETIMES = {"ssd_cla_convictions"}


def read(directory: Path, table: str) -> tuple[list[str], list[dict[str, str]]]:
    with (directory / f"{table}.csv").open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        return header, [dict(zip(header, row, strict=True)) for row in reader]


def live(model, *paths):  # type: ignore[no-untyped-def]
    return model.objects.filter(**export._live(*paths))


class CountyExportTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        seed_county(families=40, seed=2, analyse=False)
        child = LookedAfterEpisode.objects.order_by("pk").first().child  # type: ignore[union-attr]
        MissingEpisode.objects.create(
            child=child, kind="M", started_on=dt.date(2026, 5, 1), ended_on=dt.date(2026, 5, 3)
        )
        UascStatus.objects.create(child=child, since=dt.date(2024, 2, 1))
        CareLeaverOutcome.objects.create(
            child=child, year=2026, in_touch="YES", activity="F2", accommodation="D1"
        )
        # A name the CSV must quote, and a value a spreadsheet would run as a formula.
        cls.tricky = Person.objects.filter(kind=PersonKind.ADULT).order_by("pk").first()
        Person.objects.filter(pk=cls.tricky.pk).update(  # type: ignore[union-attr]
            first_name=TRICKY_FIRST, last_name=TRICKY_LAST
        )
        # A home address that is protected, and someone who is only at an address.
        cls.protected = Address.objects.filter(kind=AddressKind.HOME).order_by("pk").first()
        Address.objects.filter(pk=cls.protected.pk).update(protected=True)  # type: ignore[union-attr]
        cls.address_only = Person.objects.create(kind=PersonKind.ADULT, last_name="Lodger")
        Address.objects.create(
            person=cls.address_only,
            line_1="1 High Street",
            line_2="Chesterton",
            town="Cambridge",
            postcode="CB4 1AA",
            from_date=dt.date(2020, 1, 1),
        )
        # Someone with nothing at all, and archived records: none of them is exported.
        cls.nobody = Person.objects.create(kind=PersonKind.ADULT, last_name="Nobody")
        now = timezone.now()
        cls.archived_episode = (
            CinEpisode.objects.filter(assessments__isnull=False).order_by("pk").first()
        )
        CinEpisode.objects.filter(pk=cls.archived_episode.pk).update(archived_at=now)  # type: ignore[union-attr]
        cls.archived_visit = Visit.objects.order_by("-pk").first()
        Visit.objects.filter(pk=cls.archived_visit.pk).update(archived_at=now)  # type: ignore[union-attr]

        cls.directory = Path(tempfile.mkdtemp(prefix="ssd-export-"))
        cls.addClassCleanup(shutil.rmtree, cls.directory)
        cls.steps: list[tuple[str, int, int]] = []
        cls.counts = export_ssd(
            cls.directory,
            progress=lambda step, done, total, _: cls.steps.append((step, done, total)),
        )
        cls.rows = {table: read(cls.directory, table)[1] for table in TABLES}

    def column(self, table: str, name: str) -> list[str]:
        return [row[name] for row in self.rows[table]]

    # --- the files ---------------------------------------------------------------------

    def test_every_table_has_its_file_with_the_specifications_header(self) -> None:
        assert sorted(p.name for p in self.directory.iterdir()) == sorted(
            t.filename for t in TABLES.values()
        )
        for table, spec in TABLES.items():
            raw = (self.directory / spec.filename).read_bytes()
            assert not raw.startswith(b"\xef\xbb\xbf"), table
            header, _ = read(self.directory, table)
            assert tuple(header) == spec.columns, table

    def test_tables_the_product_has_nothing_for_are_header_only(self) -> None:
        for table in set(TABLES) - WRITTEN - SOMETIMES:
            assert self.rows[table] == [], table
            assert self.counts[table] == 0

    def test_the_county_fills_every_table_the_export_writes(self) -> None:
        empty = sorted(t for t in WRITTEN if not self.rows[t])
        assert empty == []

    def test_counts_returned_are_the_rows_in_the_files(self) -> None:
        assert set(self.counts) == set(TABLES)
        for table in TABLES:
            assert self.counts[table] == len(self.rows[table]), table

    def test_keys_are_unique_in_every_table(self) -> None:
        for table, spec in TABLES.items():
            keys = Counter(spec.key_of(row) for row in self.rows[table])
            repeated = [k for k, n in keys.items() if n > 1]
            assert repeated == [], table
            assert all(k.strip("/") for k in keys), table

    # --- the people --------------------------------------------------------------------

    def test_every_person_a_row_names_is_in_ssd_person(self) -> None:
        people = set(self.column("ssd_person", "pers_person_id"))
        for table, spec in TABLES.items():
            columns = [spec.person] if spec.person else []
            columns += [c for c in ("moth_childs_person_id",) if c in spec.columns]
            for name in columns:
                missing = {v for v in self.column(table, name) if v and v not in people}
                assert missing == set(), (table, name)
        # The involvements name their person (the case's child) too, and every row has one.
        assert all(self.column("ssd_involvements", "invo_person_id"))

    def test_people_are_everyone_in_a_family_or_a_record_and_no_one_else(self) -> None:
        written = {int(pk) for pk in self.column("ssd_person", "pers_legacy_id")}
        members = set(
            live(FamilyMembership, "family", "person").values_list("person_id", flat=True)
        )
        assert members <= written
        assert self.address_only.pk in written
        assert self.nobody.pk not in written
        everyone = set(Person.objects.filter(archived_at__isnull=True).values_list("pk", flat=True))
        assert written == everyone - {self.nobody.pk}

    def test_a_person_is_written_field_for_field(self) -> None:
        person = (
            Person.objects.filter(kind=PersonKind.CHILD)
            .exclude(la_child_id="")
            .exclude(upn_unknown_reason="")
            .order_by("pk")
            .first()
            or Person.objects.filter(kind=PersonKind.CHILD).exclude(la_child_id="").first()
        )
        assert person is not None
        row = next(r for r in self.rows["ssd_person"] if r["pers_legacy_id"] == str(person.pk))
        assert row["pers_person_id"] == person.la_child_id == pk_of(person)
        assert row["pers_forename"] == person.first_name
        assert row["pers_surname"] == person.last_name
        assert row["pers_sex"] == person.sex
        assert row["pers_ethnicity"] == person.ethnicity
        assert row["pers_dob"] == (person.date_of_birth.isoformat() if person.date_of_birth else "")
        assert row["pers_upn_unknown"] == person.upn_unknown_reason
        assert row["pers_common_child_id"] == row["pers_nationality"] == ""
        adult = Person.objects.filter(kind=PersonKind.ADULT, la_child_id="").order_by("pk").first()
        assert adult is not None and pk_of(adult) == f"FWB{adult.pk}"
        assert f"FWB{adult.pk}" in self.column("ssd_person", "pers_person_id")

    def test_a_value_with_a_comma_quotes_and_a_newline_survives_the_csv(self) -> None:
        row = next(r for r in self.rows["ssd_person"] if r["pers_legacy_id"] == str(self.tricky.pk))
        assert row["pers_forename"] == TRICKY_FIRST
        # Kept as text, exactly: the importer keeps it as text too.
        assert row["pers_surname"] == TRICKY_LAST

    def test_disabilities_and_identifiers_are_one_row_each(self) -> None:
        people = Person.objects.filter(pk__in=self.column("ssd_person", "pers_legacy_id"))
        assert len(self.rows["ssd_disability"]) == sum(len(p.disabilities) for p in people)
        upns = people.exclude(upn="")
        nhs = people.exclude(nhs_number="")
        types = Counter(self.column("ssd_linked_identifiers", "link_identifier_type"))
        assert types == Counter({"Unique Pupil Number": upns.count(), "NHS Number": nhs.count()})
        person = upns.order_by("pk").first()
        assert person is not None
        row = next(
            r
            for r in self.rows["ssd_linked_identifiers"]
            if r["link_table_id"] == f"UPN{person.pk}"
        )
        assert row["link_identifier_value"] == person.upn
        assert row["link_person_id"] == pk_of(person)
        with_disability = next(p for p in people if p.disabilities)
        code = with_disability.disabilities[0]
        row = next(
            r
            for r in self.rows["ssd_disability"]
            if r["disa_table_id"] == f"DI{with_disability.pk}-{code}"
        )
        assert row["disa_disability_code"] == code

    def test_families_and_mothers(self) -> None:
        assert len(self.rows["ssd_family"]) == live(FamilyMembership, "family", "person").count()
        membership = FamilyMembership.objects.order_by("pk").first()
        assert membership is not None
        row = self.rows["ssd_family"][0]
        assert row == {
            "fami_table_id": f"M{membership.pk}",
            "fami_family_id": membership.family.reference,
            "fami_person_id": pk_of(membership.person),
        }
        mothers = live(Relationship, "person", "other").filter(
            kind=RelationshipKind.PARENT, person__sex="F"
        )
        assert len(self.rows["ssd_mother"]) == mothers.count()
        first = mothers.order_by("pk").first()
        assert first is not None
        row = next(r for r in self.rows["ssd_mother"] if r["moth_table_id"] == f"MO{first.pk}")
        assert row["moth_person_id"] == pk_of(first.person)
        assert row["moth_childs_person_id"] == pk_of(first.other)
        born = first.other.date_of_birth
        assert row["moth_childs_dob"] == (born.isoformat() if born else "")

    def test_addresses_with_their_kind_protection_and_parts(self) -> None:
        home_postcodes = live(LookedAfterEpisode, "child").exclude(home_postcode="")
        assert (
            len(self.rows["ssd_address"])
            == live(Address, "person").count() + home_postcodes.count()
        )
        by_id = {r["addr_table_id"]: r for r in self.rows["ssd_address"]}
        assert by_id[f"AD{self.protected.pk}"]["addr_address_type"] == "home protected"
        safe = Address.objects.filter(kind=AddressKind.SAFE, protected=True).first()
        assert safe is not None
        assert by_id[f"AD{safe.pk}"]["addr_address_type"] == "safe"
        lodging = Address.objects.get(person=self.address_only)
        row = by_id[f"AD{lodging.pk}"]
        parts = json.loads(row["addr_address_json"])
        assert list(parts) == list(export.ADDRESS_PARTS)
        assert parts["STREET"] == "1 High Street, Chesterton"
        assert parts["TOWN"] == "Cambridge"
        assert {k: v for k, v in parts.items() if k not in {"STREET", "TOWN"}} == dict.fromkeys(
            set(export.ADDRESS_PARTS) - {"STREET", "TOWN"}, ""
        )
        assert row["addr_address_postcode"] == "CB4 1AA"
        assert row["addr_address_start_date"] == "2020-01-01"
        assert row["addr_address_end_date"] == ""
        episode = home_postcodes.order_by("pk").first()
        assert episode is not None
        row = by_id[f"HP{episode.pk}"]
        assert row["addr_address_type"] == "cla home postcode"
        assert row["addr_address_postcode"] == episode.home_postcode
        assert row["addr_address_start_date"] == episode.started_on.isoformat()
        assert row["addr_address_json"] == ""

    # --- the workforce -----------------------------------------------------------------

    def test_teams_workers_and_involvements(self) -> None:
        assert len(self.rows["ssd_department"]) == Team.objects.count()
        assert len(self.rows["ssd_professionals"]) == Worker.objects.count()
        assert (
            len(self.rows["ssd_involvements"]) == live(Allocation, "case", "case__family").count()
        )
        agency = Worker.objects.filter(employment_type=EmploymentType.AGENCY).first()
        assert agency is not None
        row = next(
            r
            for r in self.rows["ssd_professionals"]
            if r["prof_professional_id"] == f"W{agency.pk}"
        )
        assert row["prof_agency_worker_flag"] == "Y"
        assert row["prof_staff_id"] == agency.user.username
        assert row["prof_professional_name"] == agency.user.get_full_name()
        assert row["prof_professional_job_title"] == agency.role
        assert Counter(self.column("ssd_professionals", "prof_agency_worker_flag"))["N"] == (
            Worker.objects.exclude(employment_type=EmploymentType.AGENCY).count()
        )
        changed = Allocation.objects.filter(social_worker_change__isnull=False).first()
        assert changed is not None
        row = next(
            r
            for r in self.rows["ssd_involvements"]
            if r["invo_involvements_id"] == f"AL{changed.pk}"
        )
        assert row["invo_worker_change_reason"] == changed.social_worker_change.reason
        assert row["invo_professional_role_id"] == (
            f"{changed.role} (lead)" if changed.is_lead else changed.role
        )
        assert row["invo_professional_team"] == f"T{changed.case.team_id}"
        children = changed.case.family.memberships.filter(
            archived_at__isnull=True, person__kind__in=[PersonKind.CHILD, PersonKind.UNBORN]
        )
        assert row["invo_person_id"] == pk_of(children.order_by("person_id").first().person)  # type: ignore[union-attr]

    # --- children's social care --------------------------------------------------------

    def test_each_table_has_a_row_for_each_live_record(self) -> None:
        visits = live(Visit, "child")
        expected = {
            "ssd_cin_episodes": live(CinEpisode, "child"),
            "ssd_cin_assessments": live(Assessment, "episode", "episode__child"),
            "ssd_assessment_factors": live(Assessment, "episode", "episode__child").exclude(
                factors=[]
            ),
            "ssd_s47_enquiry": live(Section47, "episode", "episode__child"),
            "ssd_initial_cp_conference": live(Section47, "episode", "episode__child").filter(
                Q(icpc_on__isnull=False) | Q(icpc_target_on__isnull=False)
            ),
            "ssd_cin_plans": live(CinPlan, "episode", "episode__child"),
            "ssd_cp_plans": live(CpPlan, "episode", "episode__child"),
            "ssd_cp_reviews": live(CpReview, "plan", "plan__episode", "plan__episode__child"),
            "ssd_cin_visits": visits.filter(
                kind__in=[VisitKind.CIN, VisitKind.ASSESSMENT, VisitKind.JOINT]
            ),
            "ssd_cp_visits": visits.filter(kind=VisitKind.CP),
            "ssd_cla_visits": visits.filter(kind=VisitKind.CLA),
            "ssd_cla_episodes": live(LookedAfterEpisode, "child"),
            "ssd_cla_placement": live(LookedAfterEpisode, "child"),
            "ssd_legal_status": live(LookedAfterEpisode, "child"),
            "ssd_cla_reviews": live(LookedAfterReview, "child"),
            "ssd_missing": live(MissingEpisode, "child"),
            "ssd_immigration_status": live(UascStatus, "child"),
            "ssd_pre_proceedings": live(PreProceedings, "child"),
            "ssd_care_leavers": live(CareLeaverOutcome, "child"),
            "ssd_cla_previous_permanence": live(PreviousPermanence, "child"),
            "ssd_permanence": live(AdoptionDecision, "child"),
            "ssd_sdq_scores": live(LookedAfterOutcome, "child"),
        }
        for table, records in expected.items():
            assert len(self.rows[table]) == records.count(), table
        # Every visit goes to one of the three visit tables.
        visit_rows = sum(
            len(self.rows[t]) for t in ("ssd_cin_visits", "ssd_cp_visits", "ssd_cla_visits")
        )
        assert (
            visit_rows == visits.count() == Visit.objects.filter(archived_at__isnull=True).count()
        )

    def test_archived_records_and_those_under_them_are_left_out(self) -> None:
        episode = self.archived_episode
        assert f"REF{episode.pk}" not in self.column("ssd_cin_episodes", "cine_referral_id")
        assert f"REF{episode.pk}" not in self.column("ssd_cin_assessments", "cina_referral_id")
        assert episode.assessments.exists()
        written = set(self.column("ssd_cin_assessments", "cina_assessment_id"))
        assert not {f"AS{a.pk}" for a in episode.assessments.all()} & written
        visit_ids = {
            r[c]
            for t, c in (
                ("ssd_cin_visits", "cinv_cin_visit_id"),
                ("ssd_cp_visits", "cppv_cp_visit_id"),
                ("ssd_cla_visits", "clav_cla_visit_id"),
            )
            for r in self.rows[t]
        }
        assert f"V{self.archived_visit.pk}" not in visit_ids

    def test_rows_point_at_rows_that_are_in_the_extract(self) -> None:
        links = [
            ("ssd_cin_assessments", "cina_referral_id", "ssd_cin_episodes", "cine_referral_id"),
            (
                "ssd_assessment_factors",
                "cinf_assessment_id",
                "ssd_cin_assessments",
                "cina_assessment_id",
            ),
            ("ssd_s47_enquiry", "s47e_referral_id", "ssd_cin_episodes", "cine_referral_id"),
            (
                "ssd_initial_cp_conference",
                "icpc_s47_enquiry_id",
                "ssd_s47_enquiry",
                "s47e_s47_enquiry_id",
            ),
            (
                "ssd_initial_cp_conference",
                "icpc_referral_id",
                "ssd_cin_episodes",
                "cine_referral_id",
            ),
            ("ssd_cin_plans", "cinp_referral_id", "ssd_cin_episodes", "cine_referral_id"),
            ("ssd_cp_plans", "cppl_referral_id", "ssd_cin_episodes", "cine_referral_id"),
            ("ssd_cp_reviews", "cppr_cp_plan_id", "ssd_cp_plans", "cppl_cp_plan_id"),
            (
                "ssd_cla_episodes",
                "clae_cla_placement_id",
                "ssd_cla_placement",
                "clap_cla_placement_id",
            ),
            ("ssd_cla_placement", "clap_cla_id", "ssd_cla_episodes", "clae_cla_id"),
            ("ssd_cla_reviews", "clar_cla_id", "ssd_cla_episodes", "clae_cla_id"),
            ("ssd_cla_visits", "clav_cla_id", "ssd_cla_episodes", "clae_cla_id"),
            ("ssd_permanence", "perm_cla_id", "ssd_cla_episodes", "clae_cla_id"),
            (
                "ssd_involvements",
                "invo_professional_id",
                "ssd_professionals",
                "prof_professional_id",
            ),
            ("ssd_involvements", "invo_professional_team", "ssd_department", "dept_team_id"),
            ("ssd_cin_episodes", "cine_referral_team", "ssd_department", "dept_team_id"),
        ]
        for table, column, target, target_column in links:
            targets = set(self.column(target, target_column))
            values = {v for v in self.column(table, column) if v}
            assert values, (table, column)
            assert values <= targets, (table, column, sorted(values - targets)[:3])

    def test_an_episode_of_need_and_its_records_field_for_field(self) -> None:
        episode = live(CinEpisode, "child").filter(closed_on__isnull=False).order_by("pk").first()
        assert episode is not None
        row = next(
            r for r in self.rows["ssd_cin_episodes"] if r["cine_referral_id"] == f"REF{episode.pk}"
        )
        assert row["cine_person_id"] == pk_of(episode.child)
        assert row["cine_referral_date"] == episode.referral_on.isoformat()
        assert row["cine_referral_source_code"] == episode.referral_source
        assert row["cine_cin_primary_need_code"] == episode.primary_need
        assert row["cine_referral_nfa"] == ("Y" if episode.referral_nfa else "N")
        assert row["cine_close_reason"] == episode.closure_reason
        assert row["cine_close_date"] == episode.closed_on.isoformat()  # type: ignore[union-attr]
        assert row["cine_referral_team"] == (f"T{episode.case.team_id}" if episode.case else "")
        assert row["cine_referral_worker_id"] == row["cine_referral_outcome_json"] == ""

        assessment = live(Assessment, "episode").exclude(factors=[]).order_by("pk").first()
        assert assessment is not None
        factors = next(
            r
            for r in self.rows["ssd_assessment_factors"]
            if r["cinf_assessment_id"] == f"AS{assessment.pk}"
        )
        assert factors["cinf_table_id"] == f"AF{assessment.pk}"
        assert json.loads(factors["cinf_assessment_factors_json"]) == assessment.factors

        enquiry = live(Section47, "episode").filter(icpc_on__isnull=False).order_by("pk").first()
        assert enquiry is not None
        row = next(
            r
            for r in self.rows["ssd_s47_enquiry"]
            if r["s47e_s47_enquiry_id"] == f"S47{enquiry.pk}"
        )
        assert json.loads(row["s47e_s47_outcome_json"]) == {"CP_CONFERENCE_FLAG": "Y"}
        conference = next(
            r
            for r in self.rows["ssd_initial_cp_conference"]
            if r["icpc_icpc_id"] == f"IC{enquiry.pk}"
        )
        assert conference["icpc_icpc_date"] == enquiry.icpc_on.isoformat()  # type: ignore[union-attr]
        assert conference["icpc_person_id"] == pk_of(enquiry.episode.child)

        plan = live(CpPlan, "episode").order_by("pk").first()
        assert plan is not None
        row = next(r for r in self.rows["ssd_cp_plans"] if r["cppl_cp_plan_id"] == f"CPP{plan.pk}")
        assert row["cppl_cp_plan_initial_category"] == plan.initial_category
        assert row["cppl_cp_plan_latest_category"] == plan.latest_category
        assert row["cppl_cp_plan_start_date"] == plan.started_on.isoformat()

    def test_visits_carry_their_seen_flags(self) -> None:
        alone = live(Visit, "child").filter(seen_alone=True, kind=VisitKind.CP).first()
        unseen = live(Visit, "child").filter(seen=False, kind=VisitKind.CP).first()
        assert alone is not None and unseen is not None
        by_id = {r["cppv_cp_visit_id"]: r for r in self.rows["ssd_cp_visits"]}
        assert (
            by_id[f"V{alone.pk}"]["cppv_cp_visit_seen"],
            by_id[f"V{alone.pk}"]["cppv_cp_visit_seen_alone"],
        ) == ("Y", "Y")
        assert (
            by_id[f"V{unseen.pk}"]["cppv_cp_visit_seen"],
            by_id[f"V{unseen.pk}"]["cppv_cp_visit_seen_alone"],
        ) == ("N", "N")
        assert by_id[f"V{alone.pk}"]["cppv_cp_visit_date"] == alone.visited_on.isoformat()

    def test_a_looked_after_episode_is_an_episode_a_placement_and_a_legal_status(self) -> None:
        episode = (
            live(LookedAfterEpisode, "child").filter(ceased_on__isnull=False).order_by("pk").first()
        )
        assert episode is not None
        clae = next(
            r for r in self.rows["ssd_cla_episodes"] if r["clae_cla_episode_id"] == f"E{episode.pk}"
        )
        assert clae == {
            **dict.fromkeys(TABLES["ssd_cla_episodes"].columns, ""),
            "clae_cla_episode_id": f"E{episode.pk}",
            "clae_person_id": pk_of(episode.child),
            "clae_cla_episode_start_date": episode.started_on.isoformat(),
            "clae_cla_episode_start_reason": episode.reason_new_episode,
            "clae_cla_primary_need_code": episode.need,
            "clae_cla_episode_ceased_date": episode.ceased_on.isoformat(),  # type: ignore[union-attr]
            "clae_cla_episode_ceased_reason": episode.reason_ceased,
            "clae_cla_id": f"PC{episode.child_id}",
            "clae_cla_placement_id": f"PL{episode.pk}",
        }
        clap = next(
            r
            for r in self.rows["ssd_cla_placement"]
            if r["clap_cla_placement_id"] == f"PL{episode.pk}"
        )
        assert clap["clap_cla_placement_type"] == episode.placement_type
        assert clap["clap_cla_placement_provider"] == episode.placement_provider
        assert clap["clap_cla_placement_postcode"] == episode.placement_postcode
        assert clap["clap_cla_placement_urn"] == episode.urn
        assert clap["clap_cla_placement_change_reason"] == episode.reason_place_change
        assert clap["clap_cla_placement_end_date"] == episode.ceased_on.isoformat()  # type: ignore[union-attr]
        lega = next(
            r
            for r in self.rows["ssd_legal_status"]
            if r["lega_legal_status_id"] == f"LS{episode.pk}"
        )
        assert lega["lega_legal_status"] == episode.legal_status
        assert lega["lega_legal_status_start_date"] == episode.started_on.isoformat()

    def test_ssda903_records_the_episodes_do_not_hold(self) -> None:
        review = LookedAfterReview.objects.order_by("pk").first()
        assert review is not None
        row = next(
            r for r in self.rows["ssd_cla_reviews"] if r["clar_cla_review_id"] == f"R{review.pk}"
        )
        assert (
            row["clar_cla_id"],
            row["clar_cla_review_date"],
            row["clar_cla_review_participation"],
        ) == (
            f"PC{review.child_id}",
            review.held_on.isoformat(),
            review.participation,
        )
        missing = MissingEpisode.objects.get()
        assert self.rows["ssd_missing"] == [
            {
                **dict.fromkeys(TABLES["ssd_missing"].columns, ""),
                "miss_table_id": f"MI{missing.pk}",
                "miss_person_id": pk_of(missing.child),
                "miss_missing_episode_start_date": "2026-05-01",
                "miss_missing_episode_type": "M",
                "miss_missing_episode_end_date": "2026-05-03",
            }
        ]
        uasc = UascStatus.objects.get()
        assert (
            self.rows["ssd_immigration_status"][0]["immi_immigration_status_id"] == f"UA{uasc.pk}"
        )
        assert self.rows["ssd_immigration_status"][0]["immi_immigration_status"] == "UASC"
        assert (
            self.rows["ssd_immigration_status"][0]["immi_immigration_status_start_date"]
            == "2024-02-01"
        )
        leaver = CareLeaverOutcome.objects.get()
        assert self.rows["ssd_care_leavers"] == [
            {
                **dict.fromkeys(TABLES["ssd_care_leavers"].columns, ""),
                "clea_table_id": f"CL{leaver.pk}",
                "clea_person_id": pk_of(leaver.child),
                "clea_care_leaver_in_touch": "YES",
                "clea_care_leaver_latest_contact": "2026-03-31",
                "clea_care_leaver_accommodation": "D1",
                "clea_care_leaver_activity": "F2",
            }
        ]

    def test_permanence_previous_permanence_and_sdq_scores(self) -> None:
        decision = AdoptionDecision.objects.order_by("pk").first()
        assert decision is not None
        row = next(
            r for r in self.rows["ssd_permanence"] if r["perm_table_id"] == f"ADD{decision.pk}"
        )
        assert row["perm_person_id"] == pk_of(decision.child)
        assert row["perm_cla_id"] == f"PC{decision.child_id}"
        assert row["perm_adm_decision_date"] == decision.decided_on.isoformat()
        assert row["perm_matched_date"] == (
            decision.matched_on.isoformat() if decision.matched_on else ""
        )
        assert (
            row["perm_adopted_by_carer_flag"]
            == {True: "Y", False: "N", None: ""}[decision.with_foster_carers]
        )
        assert row["perm_adopter_sex"] == decision.adopters
        assert row["perm_number_of_adopters"] == (
            str(decision.number_of_adopters) if decision.number_of_adopters else ""
        )
        by_id = {r["lapp_table_id"]: r for r in self.rows["ssd_cla_previous_permanence"]}
        for perm in PreviousPermanence.objects.all():
            row = by_id[f"PRP{perm.pk}"]
            assert row["lapp_previous_permanence_option"] == perm.kind
            assert row["lapp_previous_permanence_la"] == perm.local_authority
            if perm.order_date:
                day, month, year = perm.order_date.split("/")
                assert row["lapp_previous_permanence_order_date"] == f"{year}-{month}-{day}"
            else:
                assert row["lapp_previous_permanence_order_date"] == ""
        scored = LookedAfterOutcome.objects.filter(sdq_score__isnull=False).order_by("pk").first()
        assert scored is not None
        row = next(r for r in self.rows["ssd_sdq_scores"] if r["csdq_table_id"] == f"OC{scored.pk}")
        assert (row["csdq_sdq_score"], row["csdq_sdq_reason"], row["csdq_sdq_completed_date"]) == (
            str(scored.sdq_score),
            "",
            f"{scored.year}-03-31",
        )
        assert set(self.column("ssd_sdq_scores", "csdq_person_id")) <= set(
            self.column("ssd_cla_episodes", "clae_person_id")
        )

    def test_pre_proceedings_name_the_family(self) -> None:
        plo = live(PreProceedings, "child").filter(case__isnull=False).order_by("pk").first()
        assert plo is not None
        row = next(
            r for r in self.rows["ssd_pre_proceedings"] if r["prep_table_id"] == f"PP{plo.pk}"
        )
        assert row["prep_plo_family_id"] == plo.case.family.reference  # type: ignore[union-attr]
        assert row["prep_initial_pre_pro_meeting_date"] == plo.started_on.isoformat()
        assert row["prep_pre_pro_outcome"] == plo.outcome

    # --- the run -----------------------------------------------------------------------

    def test_the_export_is_audited_once_with_the_counts(self) -> None:
        event = AuditEvent.objects.get(verb=Verb.EXPORTED, target_label="SSD extract")
        assert event.actor is None
        assert event.data == {"rows": self.counts}

    def test_progress_is_reported_after_every_step(self) -> None:
        total = len(export.STEPS)
        assert [done for _, done, _ in self.steps] == list(range(1, total + 1))
        assert {t for _, _, t in self.steps} == {total}
        assert self.steps[-1][0] == export.STEPS[-1][0]


@pytest.fixture
def smith(north, sam):  # type: ignore[no-untyped-def]
    family = builders.family("Smith", children=2, adults=2)
    builders.case(family, north, lead=sam)
    return family


@pytest.mark.django_db
def test_the_command_creates_the_folder_and_prints_rows_per_table(smith, tmp_path) -> None:
    target = tmp_path / "extract" / "2026-12-07"
    out = io.StringIO()
    call_command("export_ssd", str(target), stdout=out)
    text = out.getvalue()
    assert sorted(p.name for p in target.iterdir()) == sorted(t.filename for t in TABLES.values())
    rows = {
        name: int(number.replace(",", ""))
        for name, number in (line.split() for line in text.splitlines()[1:-1])
    }
    assert set(rows) == set(TABLES)
    assert rows["ssd_person"] == 4
    assert rows["ssd_cin_episodes"] == 2
    assert rows["ssd_contacts"] == 0
    assert text.splitlines()[-1].endswith(f"rows in {len(TABLES)} files")
    # Not a terminal: no progress line.
    assert "tables " not in text and "\r" not in text


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.django_db
def test_on_a_terminal_the_command_redraws_a_progress_line(smith, tmp_path) -> None:
    out = Terminal()
    call_command("export_ssd", str(tmp_path), stdout=out)
    text = out.getvalue()
    total = len(export.STEPS)
    assert f"\rtables {total}/{total} [{'#' * 30}] 100%" in text
    assert text.count("\r") == total


def test_the_progress_line() -> None:
    assert progress_line("visits", 4, 16, 75.4) == (
        f"tables 4/16 [{'#' * 7}{'-' * 23}]  25% elapsed 1:15 (visits)"
    )


@pytest.mark.django_db
def test_a_file_in_the_way_of_the_folder_is_a_clear_error(tmp_path) -> None:
    in_the_way = tmp_path / "extract"
    in_the_way.write_text("not a folder")
    with pytest.raises(
        CommandError, match="is a file, not a folder: give a folder for the extract"
    ):
        call_command("export_ssd", str(in_the_way), stdout=io.StringIO())


@pytest.mark.django_db
def test_a_failure_leaves_no_files_and_no_audit_event(smith, tmp_path) -> None:
    def broken(run: export.Export) -> None:
        raise RuntimeError("disk full")

    steps = (*export.STEPS[:3], ("visits", broken), *export.STEPS[3:])
    with mock.patch.object(export, "STEPS", steps), pytest.raises(RuntimeError):
        export_ssd(tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(verb=Verb.EXPORTED).exists()


@pytest.mark.django_db
def test_a_row_with_a_column_the_table_does_not_have_is_refused(tmp_path) -> None:
    files = export.Files(tmp_path)
    with pytest.raises(ValueError, match="ssd_person has no column pers_shoe_size"):
        files.write("ssd_person", {"pers_person_id": "FWB1", "pers_shoe_size": "5"})
    files.abandon()


def test_cells_are_written_as_the_ssd_writes_them() -> None:
    assert [export.cell(v) for v in (None, True, False, dt.date(2026, 3, 1), 7, "N1", "")] == [
        "",
        "Y",
        "N",
        "2026-03-01",
        "7",
        "N1",
        "",
    ]
    assert export.order_date_cell("05/11/2019") == "2019-11-05"
    assert export.order_date_cell("") == ""
    assert export.order_date_cell("2019") == "2019"


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_export_reads_one_snapshot_and_commits_its_audit(
    smith, tmp_path
) -> None:
    """The path `manage.py export_ssd` takes: no transaction around it (on PostgreSQL the
    snapshot is REPEATABLE READ, read only), and the audit event committed after it."""
    counts = export_ssd(tmp_path)
    assert counts["ssd_person"] == 4
    assert counts["ssd_family"] == FamilyMembership.objects.count() == 4
    assert Family.objects.count() == 1
    event = AuditEvent.objects.get(verb=Verb.EXPORTED)
    assert event.data["rows"]["ssd_cin_episodes"] == 2
