"""The product's own records written out as a Standard Safeguarding Dataset extract.

`export_ssd(directory)` writes one CSV file per SSD table (`ssd_person.csv`, ...) in the shape
`import_ssd` reads: the columns of `spec.TABLES` in the specification's order, UTF-8 without a
byte-order mark, the csv module's default dialect. Dates are YYYY-MM-DD, flags Y/N, codes the
stored DfE codes, and a value the product does not have is an empty cell. The simple tables
are written from `mapping.MAPS`, so a value goes out of the same field it comes back into; the
rest (people and their identifiers, families, addresses, workers, involvements, looked-after
episodes with their placements and legal statuses, and the SSDA903 records) by name here.

Keys are built so the import can find a record again: a person is their LA child ID, or
`FWB<pk>` when they have none (`pk_of`); every other row is a prefix and the record's primary
key (`REF12` an episode of need, `PC34` the period of care of child 34, `T5` a team...).

Only live records are written (not archived), and only those whose person and parent records
are live too, so no row points at a person or a record that is not in the extract. Teams and
workers are the exception: an archived team or worker still named by a live case or allocation
is written, so the history that names them is not left pointing at nothing.

Every query streams (`values_list(...).iterator()`), so a county of any size is written in
bounded memory: what is held is one number per person (their key) and one per family. On
PostgreSQL the export reads one REPEATABLE READ snapshot, so the tables agree with each other
even while people work. Files are written beside their final names and renamed once all are
complete and the export is audited; a failure leaves no partial extract.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery

from familyworkbook import audit
from familyworkbook.cases.lac_models import (
    AdoptionDecision,
    CareLeaverOutcome,
    LookedAfterOutcome,
    LookedAfterReview,
    MissingEpisode,
    PreviousPermanence,
    SocialWorkerChange,
    UascStatus,
)
from familyworkbook.cases.models import (
    Allocation,
    Assessment,
    Case,
    CinEpisode,
    CinPlan,
    CpPlan,
    CpReview,
    LookedAfterEpisode,
    PreProceedings,
    Section47,
    Visit,
)
from familyworkbook.core.codes import Sex
from familyworkbook.importing.mapping import MAPS, TableMap
from familyworkbook.importing.spec import TABLES
from familyworkbook.people.models import (
    Address,
    AddressKind,
    FamilyMembership,
    Person,
    PersonKind,
    Relationship,
    RelationshipKind,
)
from familyworkbook.teams.models import EmploymentType, Team, Worker

CHUNK = 2000
PART = ".part"

# (step, steps done, steps in all, seconds since the start)
Progress = Callable[[str, int, int, float], None]

# The SSD's address parts (ssd_address.addr_address_json), in its order.
ADDRESS_PARTS = (
    "ROOM",
    "FLOOR",
    "FLAT",
    "BUILDING",
    "HOUSE",
    "STREET",
    "TOWN",
    "UPRN",
    "EASTING",
    "NORTHING",
)


def pk_of(person: Person) -> str:
    """A person's SSD key: their LA child ID, or FWB and their record number if they have none."""
    return person_key(person.pk, person.la_child_id)


def person_key(pk: int, la_child_id: str) -> str:
    return la_child_id or f"FWB{pk}"


def cell(value: Any) -> str:
    """A value as the SSD writes it: YYYY-MM-DD, Y/N, the code itself, empty for nothing."""
    if value is None:
        return ""
    if value is True:
        return "Y"
    if value is False:
        return "N"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _live(*paths: str) -> dict[str, bool]:
    """The filter for a record that is live and whose records along `paths` are live too."""
    return {"archived_at__isnull": True} | {f"{p}__archived_at__isnull": True for p in paths}


def _stream(queryset: QuerySet[Any], *fields: str) -> Iterator[tuple[Any, ...]]:
    return queryset.order_by("pk").values_list(*fields).iterator(chunk_size=CHUNK)


class Files:
    """The extract's files, opened on first use, each with its header; counts rows per table."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.handles: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        self.counts: Counter[str] = Counter()

    def part(self, table: str) -> Path:
        return self.directory / (TABLES[table].filename + PART)

    def _open(self, table: str) -> Any:
        handle = self.part(table).open("w", encoding="utf-8", newline="")
        writer = csv.writer(handle)
        writer.writerow(TABLES[table].columns)
        self.handles[table] = handle
        self.writers[table] = writer
        return writer

    def write(self, table: str, values: dict[str, Any]) -> None:
        spec = TABLES[table]
        unknown = values.keys() - set(spec.columns)
        if unknown:
            raise ValueError(f"{table} has no column {sorted(unknown)[0]}")
        writer = self.writers.get(table) or self._open(table)
        writer.writerow([cell(values.get(column)) for column in spec.columns])
        self.counts[table] += 1

    def close(self) -> None:
        """Give every table its file (a header alone if it has no rows) and close them all."""
        for table in TABLES:
            if table not in self.writers:
                self._open(table)
        for handle in self.handles.values():
            handle.close()

    def publish(self) -> None:
        for table in TABLES:
            self.part(table).replace(self.directory / TABLES[table].filename)

    def abandon(self) -> None:
        for handle in self.handles.values():
            handle.close()
        for table in TABLES:
            self.part(table).unlink(missing_ok=True)


class Export:
    """One run: the files, and what later tables need from earlier ones."""

    def __init__(self, files: Files) -> None:
        self.files = files
        self.write = files.write
        self.keys: dict[int, str] = {}  # person pk -> SSD person key, for people written
        self.family_person: dict[int, str] = {}  # family pk -> the person its case is about
        self.family_reference: dict[int, str] = {}

    def key(self, pk: int | None) -> str:
        return self.keys.get(pk, "") if pk is not None else ""

    # --- the people -----------------------------------------------------------------

    def people(self) -> None:
        """ssd_person, with ssd_disability and ssd_linked_identifiers from the same rows."""
        wanted = _people_referenced()
        rows = _stream(
            Person.objects.filter(archived_at__isnull=True),
            "pk",
            "la_child_id",
            "first_name",
            "last_name",
            "sex",
            "gender_identity",
            "ethnicity",
            "date_of_birth",
            "expected_date_of_birth",
            "date_of_death",
            "upn_unknown_reason",
            "disabilities",
            "upn",
            "nhs_number",
        )
        for (
            pk,
            la_child_id,
            first,
            last,
            sex,
            gender,
            ethnicity,
            born,
            expected,
            died,
            upn_unknown,
            disabilities,
            upn,
            nhs,
        ) in rows:
            if pk not in wanted:
                continue
            key = person_key(pk, la_child_id)
            self.keys[pk] = key
            self.write(
                "ssd_person",
                {
                    "pers_person_id": key,
                    "pers_forename": first,
                    "pers_surname": last,
                    "pers_sex": sex,
                    "pers_gender": gender,
                    "pers_ethnicity": ethnicity,
                    "pers_dob": born,
                    "pers_expected_dob": expected,
                    "pers_death_date": died,
                    "pers_upn_unknown": upn_unknown,
                    "pers_legacy_id": str(pk),
                },
            )
            for code in disabilities or []:
                self.write(
                    "ssd_disability",
                    {
                        "disa_table_id": f"DI{pk}-{code}",
                        "disa_person_id": key,
                        "disa_disability_code": code,
                    },
                )
            if upn:
                self.write(
                    "ssd_linked_identifiers",
                    {
                        "link_table_id": f"UPN{pk}",
                        "link_person_id": key,
                        "link_identifier_type": "Unique Pupil Number",
                        "link_identifier_value": upn,
                    },
                )
            if nhs:
                self.write(
                    "ssd_linked_identifiers",
                    {
                        "link_table_id": f"NHS{pk}",
                        "link_person_id": key,
                        "link_identifier_type": "NHS Number",
                        "link_identifier_value": nhs,
                    },
                )

    def families(self) -> None:
        """ssd_family; remembers each family's reference and the person its cases are about
        (its lowest-numbered child or unborn child, else its lowest-numbered member)."""
        lowest_child: dict[int, int] = {}
        lowest_member: dict[int, int] = {}
        rows = _stream(
            FamilyMembership.objects.filter(**_live("family", "person")),
            "pk",
            "family_id",
            "family__reference",
            "person_id",
            "person__kind",
        )
        for pk, family_id, reference, person_id, kind in rows:
            self.family_reference[family_id] = reference
            if person_id < lowest_member.get(family_id, person_id + 1):
                lowest_member[family_id] = person_id
            if kind in (PersonKind.CHILD, PersonKind.UNBORN) and person_id < lowest_child.get(
                family_id, person_id + 1
            ):
                lowest_child[family_id] = person_id
            self.write(
                "ssd_family",
                {
                    "fami_table_id": f"M{pk}",
                    "fami_family_id": reference,
                    "fami_person_id": self.key(person_id),
                },
            )
        for family_id, member in lowest_member.items():
            self.family_person[family_id] = self.key(lowest_child.get(family_id, member))

    def mothers(self) -> None:
        rows = _stream(
            Relationship.objects.filter(
                kind=RelationshipKind.PARENT, person__sex=Sex.FEMALE, **_live("person", "other")
            ),
            "pk",
            "person_id",
            "other_id",
            "other__date_of_birth",
        )
        for pk, mother_id, child_id, born in rows:
            self.write(
                "ssd_mother",
                {
                    "moth_table_id": f"MO{pk}",
                    "moth_person_id": self.key(mother_id),
                    "moth_childs_person_id": self.key(child_id),
                    "moth_childs_dob": born,
                },
            )

    def addresses(self) -> None:
        rows = _stream(
            Address.objects.filter(**_live("person")),
            "pk",
            "person_id",
            "kind",
            "protected",
            "from_date",
            "to_date",
            "postcode",
            "line_1",
            "line_2",
            "town",
        )
        for pk, person_id, kind, protected, started, ended, postcode, line_1, line_2, town in rows:
            kind_text = f"{kind} protected" if protected and kind != AddressKind.SAFE else kind
            self.write(
                "ssd_address",
                {
                    "addr_table_id": f"AD{pk}",
                    "addr_person_id": self.key(person_id),
                    "addr_address_type": kind_text,
                    "addr_address_start_date": started,
                    "addr_address_end_date": ended,
                    "addr_address_postcode": postcode,
                    "addr_address_json": address_json(line_1, line_2, town),
                },
            )

    # --- the workforce ----------------------------------------------------------------

    def teams(self) -> None:
        named = Q(archived_at__isnull=True) | Q(pk__in=Case.objects.values("team_id"))
        for pk, name in _stream(Team.objects.filter(named), "pk", "name"):
            self.write("ssd_department", {"dept_team_id": f"T{pk}", "dept_team_name": name})

    def workers(self) -> None:
        named = Q(archived_at__isnull=True) | Q(
            pk__in=Allocation.objects.filter(archived_at__isnull=True).values("worker_id")
        )
        rows = _stream(
            Worker.objects.filter(named),
            "pk",
            "user__username",
            "user__first_name",
            "user__last_name",
            "swe_number",
            "role",
            "employment_type",
        )
        for pk, username, first, last, swe, role, employment in rows:
            self.write(
                "ssd_professionals",
                {
                    "prof_professional_id": f"W{pk}",
                    "prof_staff_id": username,
                    "prof_professional_name": f"{first} {last}".strip(),
                    "prof_social_worker_registration_no": swe,
                    "prof_professional_job_title": role,
                    "prof_agency_worker_flag": employment == EmploymentType.AGENCY,
                },
            )

    def involvements(self) -> None:
        reason = SocialWorkerChange.objects.filter(
            allocation=OuterRef("pk"), archived_at__isnull=True
        ).values("reason")[:1]
        rows = _stream(
            Allocation.objects.filter(**_live("case", "case__family")).annotate(
                change_reason=Subquery(reason)
            ),
            "pk",
            "worker_id",
            "role",
            "is_lead",
            "case__team_id",
            "case__family_id",
            "started_on",
            "ended_on",
            "change_reason",
        )
        for pk, worker_id, role, is_lead, team_id, family_id, started, ended, why in rows:
            self.write(
                "ssd_involvements",
                {
                    "invo_involvements_id": f"AL{pk}",
                    "invo_professional_id": f"W{worker_id}",
                    "invo_professional_role_id": f"{role} (lead)" if is_lead else role,
                    "invo_professional_team": f"T{team_id}",
                    "invo_involvement_start_date": started,
                    "invo_involvement_end_date": ended,
                    "invo_worker_change_reason": why,
                    "invo_person_id": self.family_person.get(family_id, ""),
                },
            )

    # --- children's social care -------------------------------------------------------

    def mapped(
        self, table: str, queryset: QuerySet[Any], *extra: str
    ) -> Iterator[tuple[int, dict[str, Any], tuple[Any, ...]]]:
        """A MAPS table's rows: (pk, its mapped columns, the `extra` lookups' values)."""
        spec: TableMap = MAPS[table]
        fields = [c.field for c in spec.columns]
        width = len(fields)
        for row in _stream(queryset.filter(**spec.export_filter), "pk", *fields, *extra):
            values = {c.ssd: v for c, v in zip(spec.columns, row[1 : 1 + width], strict=True)}
            yield row[0], values, row[1 + width :]

    def cin_episodes(self) -> None:
        rows = self.mapped(
            "ssd_cin_episodes",
            CinEpisode.objects.filter(**_live("child")),
            "child_id",
            "case__team_id",
        )
        for pk, values, (child_id, team_id) in rows:
            values["cine_referral_id"] = f"REF{pk}"
            values["cine_person_id"] = self.key(child_id)
            values["cine_referral_team"] = f"T{team_id}" if team_id else ""
            self.write("ssd_cin_episodes", values)

    def assessments(self) -> None:
        """ssd_cin_assessments, and ssd_assessment_factors for those with factors."""
        rows = self.mapped(
            "ssd_cin_assessments",
            Assessment.objects.filter(**_live("episode", "episode__child")),
            "episode_id",
            "episode__child_id",
            "factors",
        )
        for pk, values, (episode_id, child_id, factors) in rows:
            values["cina_assessment_id"] = f"AS{pk}"
            values["cina_person_id"] = self.key(child_id)
            values["cina_referral_id"] = f"REF{episode_id}"
            self.write("ssd_cin_assessments", values)
            if factors:
                self.write(
                    "ssd_assessment_factors",
                    {
                        "cinf_table_id": f"AF{pk}",
                        "cinf_assessment_id": f"AS{pk}",
                        "cinf_assessment_factors_json": json.dumps(list(factors)),
                    },
                )

    def section47s(self) -> None:
        """ssd_s47_enquiry, and ssd_initial_cp_conference for those with a conference date or
        a target date for one."""
        rows = self.mapped(
            "ssd_s47_enquiry",
            Section47.objects.filter(**_live("episode", "episode__child")),
            "episode_id",
            "episode__child_id",
            "icpc_target_on",
            "icpc_on",
            "icpc_not_required",
        )
        for pk, values, (episode_id, child_id, target, held, not_required) in rows:
            person, referral = self.key(child_id), f"REF{episode_id}"
            outcome = ""
            if not_required:
                outcome = json.dumps({"CP_CONFERENCE_FLAG": "N"})
            elif held:
                outcome = json.dumps({"CP_CONFERENCE_FLAG": "Y"})
            values["s47e_s47_enquiry_id"] = f"S47{pk}"
            values["s47e_referral_id"] = referral
            values["s47e_person_id"] = person
            values["s47e_s47_outcome_json"] = outcome
            self.write("ssd_s47_enquiry", values)
            if held or target:
                self.write(
                    "ssd_initial_cp_conference",
                    {
                        "icpc_icpc_id": f"IC{pk}",
                        "icpc_s47_enquiry_id": f"S47{pk}",
                        "icpc_person_id": person,
                        "icpc_referral_id": referral,
                        "icpc_icpc_target_date": target,
                        "icpc_icpc_date": held,
                    },
                )

    def plans(self) -> None:
        rows = self.mapped(
            "ssd_cin_plans",
            CinPlan.objects.filter(**_live("episode", "episode__child")),
            "episode_id",
            "episode__child_id",
        )
        for pk, values, (episode_id, child_id) in rows:
            values["cinp_cin_plan_id"] = f"CINP{pk}"
            values["cinp_referral_id"] = f"REF{episode_id}"
            values["cinp_person_id"] = self.key(child_id)
            self.write("ssd_cin_plans", values)
        rows = self.mapped(
            "ssd_cp_plans",
            CpPlan.objects.filter(**_live("episode", "episode__child")),
            "episode_id",
            "episode__child_id",
        )
        for pk, values, (episode_id, child_id) in rows:
            values["cppl_cp_plan_id"] = f"CPP{pk}"
            values["cppl_referral_id"] = f"REF{episode_id}"
            values["cppl_person_id"] = self.key(child_id)
            self.write("ssd_cp_plans", values)
        rows = self.mapped(
            "ssd_cp_reviews",
            CpReview.objects.filter(**_live("plan", "plan__episode", "plan__episode__child")),
            "plan_id",
            "plan__episode__child_id",
        )
        for pk, values, (plan_id, child_id) in rows:
            values["cppr_cp_review_id"] = f"CPR{pk}"
            values["cppr_person_id"] = self.key(child_id)
            values["cppr_cp_plan_id"] = f"CPP{plan_id}"
            self.write("ssd_cp_reviews", values)

    def visits(self) -> None:
        visits = Visit.objects.filter(**_live("child"))
        for table, key, person in (
            ("ssd_cin_visits", "cinv_cin_visit_id", "cinv_person_id"),
            ("ssd_cp_visits", "cppv_cp_visit_id", "cppv_person_id"),
            ("ssd_cla_visits", "clav_cla_visit_id", "clav_person_id"),
        ):
            for pk, values, (child_id,) in self.mapped(table, visits, "child_id"):
                values[key] = f"V{pk}"
                values[person] = self.key(child_id)
                if table == "ssd_cla_visits":
                    values["clav_cla_id"] = f"PC{child_id}"
                self.write(table, values)

    def looked_after(self) -> None:
        """ssd_cla_episodes, ssd_cla_placement and ssd_legal_status (one row each per
        episode), and the home postcode as an ssd_address row."""
        rows = _stream(
            LookedAfterEpisode.objects.filter(**_live("child")),
            "pk",
            "child_id",
            "started_on",
            "reason_new_episode",
            "need",
            "ceased_on",
            "reason_ceased",
            "legal_status",
            "placement_type",
            "urn",
            "placement_provider",
            "placement_postcode",
            "reason_place_change",
            "home_postcode",
        )
        for (
            pk,
            child_id,
            started,
            reason_new,
            need,
            ceased,
            reason_ceased,
            legal_status,
            placement_type,
            urn,
            provider,
            placement_postcode,
            place_change,
            home_postcode,
        ) in rows:
            person, period = self.key(child_id), f"PC{child_id}"
            self.write(
                "ssd_cla_episodes",
                {
                    "clae_cla_episode_id": f"E{pk}",
                    "clae_person_id": person,
                    "clae_cla_episode_start_date": started,
                    "clae_cla_episode_start_reason": reason_new,
                    "clae_cla_primary_need_code": need,
                    "clae_cla_episode_ceased_date": ceased,
                    "clae_cla_episode_ceased_reason": reason_ceased,
                    "clae_cla_id": period,
                    "clae_cla_placement_id": f"PL{pk}",
                },
            )
            self.write(
                "ssd_cla_placement",
                {
                    "clap_cla_placement_id": f"PL{pk}",
                    "clap_cla_placement_start_date": started,
                    "clap_cla_placement_type": placement_type,
                    "clap_cla_placement_urn": urn,
                    "clap_cla_placement_provider": provider,
                    "clap_cla_placement_postcode": placement_postcode,
                    "clap_cla_placement_end_date": ceased,
                    "clap_cla_placement_change_reason": place_change,
                    "clap_cla_id": period,
                    "clap_person_id": person,
                },
            )
            self.write(
                "ssd_legal_status",
                {
                    "lega_legal_status_id": f"LS{pk}",
                    "lega_person_id": person,
                    "lega_legal_status": legal_status,
                    "lega_legal_status_start_date": started,
                    "lega_legal_status_end_date": ceased,
                },
            )
            if home_postcode:
                self.write(
                    "ssd_address",
                    {
                        "addr_table_id": f"HP{pk}",
                        "addr_person_id": person,
                        "addr_address_type": "cla home postcode",
                        "addr_address_start_date": started,
                        "addr_address_end_date": ceased,
                        "addr_address_postcode": home_postcode,
                        "addr_address_json": "",
                    },
                )

    def looked_after_records(self) -> None:
        """The SSDA903 tables the episodes do not hold: reviews, missing, UASC."""
        for pk, values, (child_id,) in self.mapped(
            "ssd_cla_reviews", LookedAfterReview.objects.filter(**_live("child")), "child_id"
        ):
            values["clar_cla_review_id"] = f"R{pk}"
            values["clar_cla_id"] = f"PC{child_id}"
            self.write("ssd_cla_reviews", values)
        for pk, values, (child_id,) in self.mapped(
            "ssd_missing", MissingEpisode.objects.filter(**_live("child")), "child_id"
        ):
            values["miss_table_id"] = f"MI{pk}"
            values["miss_person_id"] = self.key(child_id)
            self.write("ssd_missing", values)
        rows = _stream(
            UascStatus.objects.filter(**_live("child")), "pk", "child_id", "since", "ceased_on"
        )
        for pk, child_id, since, ceased in rows:
            self.write(
                "ssd_immigration_status",
                {
                    "immi_immigration_status_id": f"UA{pk}",
                    "immi_person_id": self.key(child_id),
                    "immi_immigration_status": "UASC",
                    "immi_immigration_status_start_date": since,
                    "immi_immigration_status_end_date": ceased,
                },
            )

    def pre_proceedings(self) -> None:
        rows = self.mapped(
            "ssd_pre_proceedings",
            PreProceedings.objects.filter(**_live("child")),
            "child_id",
            "case__family__reference",
        )
        for pk, values, (child_id, reference) in rows:
            values["prep_table_id"] = f"PP{pk}"
            values["prep_person_id"] = self.key(child_id)
            values["prep_plo_family_id"] = reference
            self.write("ssd_pre_proceedings", values)

    def oc2_items(
        self,
        pk: int,
        child_id: int,
        year: int,
        convicted: bool | None,
        health_check: bool | None,
        immunisations: bool | None,
        teeth: bool | None,
        assessment: bool | None,
        misuse: bool | None,
        received: bool | None,
    ) -> None:
        """A year's OC2 items, each in the SSD table that holds it, dated 31 March of the year.

        The SSD lists convictions, so only a conviction is written: "not convicted" has no row.
        """
        person, day = self.key(child_id), year_end(year)
        if convicted:
            self.write(
                "ssd_cla_convictions",
                {
                    "clac_cla_conviction_id": f"OCC{pk}",
                    "clac_person_id": person,
                    "clac_cla_conviction_date": day,
                },
            )
        for name, value in (
            ("health_check", health_check),
            ("teeth_check", teeth),
            ("health_assessment", assessment),
        ):
            if value is not None:
                self.write(
                    "ssd_cla_health",
                    {
                        "clah_health_check_id": f"OCH{pk}-{name}",
                        "clah_person_id": person,
                        "clah_health_check_type": HEALTH_CHECKS[name],
                        "clah_health_check_date": day,
                        "clah_health_check_status": value,
                    },
                )
        if immunisations is not None:
            self.write(
                "ssd_cla_immunisations",
                {
                    "clai_person_id": person,
                    "clai_immunisations_status": immunisations,
                    "clai_immunisations_status_date": day,
                },
            )
        if misuse is not None:
            self.write(
                "ssd_cla_substance_misuse",
                {
                    "clas_substance_misuse_id": f"OCS{pk}",
                    "clas_person_id": person,
                    "clas_substance_misuse_date": day,
                    "clas_substance_misused": misuse,
                    "clas_intervention_received": received,
                },
            )

    def outcomes(self) -> None:
        """Care leavers (OC3), previous permanence, adoption decisions and SDQ scores (OC2)."""
        rows = _stream(
            CareLeaverOutcome.objects.filter(**_live("child")),
            "pk",
            "child_id",
            "year",
            "in_touch",
            "activity",
            "accommodation",
        )
        for pk, child_id, year, in_touch, activity, accommodation in rows:
            self.write(
                "ssd_care_leavers",
                {
                    "clea_table_id": f"CL{pk}",
                    "clea_person_id": self.key(child_id),
                    "clea_care_leaver_in_touch": in_touch,
                    "clea_care_leaver_latest_contact": year_end(year),
                    "clea_care_leaver_accommodation": accommodation,
                    "clea_care_leaver_activity": activity,
                },
            )
        rows = _stream(
            PreviousPermanence.objects.filter(**_live("child")),
            "pk",
            "child_id",
            "order_date",
            "kind",
            "local_authority",
        )
        for pk, child_id, order_date, kind, local_authority in rows:
            self.write(
                "ssd_cla_previous_permanence",
                {
                    "lapp_table_id": f"PRP{pk}",
                    "lapp_person_id": self.key(child_id),
                    "lapp_previous_permanence_order_date": order_date_cell(order_date),
                    "lapp_previous_permanence_option": kind,
                    "lapp_previous_permanence_la": local_authority,
                },
            )
        rows = _stream(
            AdoptionDecision.objects.filter(**_live("child")),
            "pk",
            "child_id",
            "decided_on",
            "matched_on",
            "with_foster_carers",
            "reversed_on",
            "reversal_reason",
            "adopters",
            "adopters_legal_status",
            "number_of_adopters",
        )
        for (
            pk,
            child_id,
            decided,
            matched,
            foster_carers,
            reversed_on,
            reversal_reason,
            adopters,
            legal_status,
            number,
        ) in rows:
            self.write(
                "ssd_permanence",
                {
                    "perm_table_id": f"ADD{pk}",
                    "perm_person_id": self.key(child_id),
                    "perm_cla_id": f"PC{child_id}",
                    "perm_adm_decision_date": decided,
                    "perm_matched_date": matched,
                    "perm_adopted_by_carer_flag": foster_carers,
                    "perm_decision_reversed_date": reversed_on,
                    "perm_decision_reversed_reason": reversal_reason,
                    "perm_adopter_sex": adopters,
                    "perm_adopter_legal_status": legal_status,
                    "perm_number_of_adopters": number,
                },
            )
        rows = _stream(
            LookedAfterOutcome.objects.filter(**_live("child")),
            "pk",
            "child_id",
            "year",
            "sdq_reason",
            "sdq_score",
            "convicted",
            "health_check",
            "immunisations",
            "teeth_check",
            "health_assessment",
            "substance_misuse",
            "intervention_received",
        )
        for (
            pk,
            child_id,
            year,
            reason,
            score,
            convicted,
            health_check,
            immunisations,
            teeth,
            assessment,
            misuse,
            received,
        ) in rows:
            self.oc2_items(
                pk,
                child_id,
                year,
                convicted,
                health_check,
                immunisations,
                teeth,
                assessment,
                misuse,
                received,
            )
            self.write(
                "ssd_sdq_scores",
                {
                    "csdq_table_id": f"OC{pk}",
                    "csdq_person_id": self.key(child_id),
                    "csdq_sdq_completed_date": year_end(year),
                    "csdq_sdq_reason": reason,
                    "csdq_sdq_score": score,
                },
            )


# ssd_cla_health.clah_health_check_type for each OC2 item (read back by plan.OC2_HEALTH).
HEALTH_CHECKS = {
    "health_check": "Annual health check",
    "teeth_check": "Dental check",
    "health_assessment": "Health assessment",
}


def address_json(line_1: str, line_2: str, town: str) -> str:
    """The SSD's address parts: the first line is the street (with the second line after a
    comma, as the SSD has no part for it), the town the town; the rest empty."""
    parts = dict.fromkeys(ADDRESS_PARTS, "")
    parts["STREET"] = ", ".join(p for p in (line_1, line_2) if p)
    parts["TOWN"] = town or ""
    return json.dumps(parts, ensure_ascii=False)


def year_end(year: int) -> dt.date:
    """31 March of a collection year (2026 for 2025/26)."""
    return dt.date(year, 3, 31)


def order_date_cell(text: str) -> str:
    """A previous permanence order date, stored as SSDA903 writes it (dd/mm/yyyy), as
    YYYY-MM-DD; a partial date (a year or a month alone) is written as it was recorded."""
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date().isoformat()  # noqa: DTZ007 - a date
    except ValueError:
        return text


def _people_referenced() -> set[int]:
    """Everyone in a live family, and everyone a live record written below is about."""
    ids: set[int] = set()

    def add(queryset: QuerySet[Any], *columns: str) -> None:
        for column in columns:
            values = queryset.order_by().values_list(column, flat=True).distinct()
            ids.update(values.iterator(chunk_size=CHUNK))

    add(FamilyMembership.objects.filter(**_live("family")), "person_id")
    add(Address.objects.filter(archived_at__isnull=True), "person_id")
    add(
        Relationship.objects.filter(
            kind=RelationshipKind.PARENT, person__sex=Sex.FEMALE, **_live("person", "other")
        ),
        "person_id",
        "other_id",
    )
    for model in (
        CinEpisode,
        Visit,
        LookedAfterEpisode,
        LookedAfterReview,
        MissingEpisode,
        UascStatus,
        PreProceedings,
        CareLeaverOutcome,
        PreviousPermanence,
        AdoptionDecision,
        LookedAfterOutcome,
    ):
        add(model.objects.filter(archived_at__isnull=True), "child_id")  # type: ignore[attr-defined]
    return ids


STEPS: tuple[tuple[str, Callable[[Export], None]], ...] = (
    ("teams", Export.teams),
    ("workers", Export.workers),
    ("people", Export.people),
    ("families", Export.families),
    ("mothers", Export.mothers),
    ("addresses", Export.addresses),
    ("involvements", Export.involvements),
    ("episodes of need", Export.cin_episodes),
    ("assessments", Export.assessments),
    ("section 47 enquiries", Export.section47s),
    ("plans and reviews", Export.plans),
    ("visits", Export.visits),
    ("looked-after episodes", Export.looked_after),
    ("reviews, missing, UASC", Export.looked_after_records),
    ("pre-proceedings", Export.pre_proceedings),
    ("outcomes and permanence", Export.outcomes),
)


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent view of the database for the whole export (PostgreSQL: REPEATABLE READ,
    read only; SQLite: one read transaction is one snapshot already)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def export_ssd(directory: str | Path, *, progress: Progress | None = None) -> dict[str, int]:
    """Write the county's live records to `directory` as SSD CSV files, one per table, and
    return the rows written per table (every table of the specification, 0 for those left
    empty). The export is audited once, with the counts."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    files = Files(directory)
    try:
        with _snapshot():
            run = Export(files)
            for done, (name, step) in enumerate(STEPS, start=1):
                step(run)
                if progress:
                    progress(name, done, len(STEPS), time.perf_counter() - started)
        files.close()
        counts = {table: files.counts[table] for table in TABLES}
        # Audited before the files take their names: nothing is left to read unaudited.
        audit.record(
            actor=None, verb=audit.Verb.EXPORTED, label="SSD extract", data={"rows": counts}
        )
    except BaseException:
        files.abandon()
        raise
    files.publish()
    return counts
