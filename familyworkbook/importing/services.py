"""Importing a Standard Safeguarding Dataset extract (issue 16): the run, family by family.

`run_import(source, ...)` is the one entry point (the command, the import page's job and the
tests call it):

1. open the extract and check every file once (reader): a fatal problem (no ssd_person, a
   column not in the SSD, a file that is not UTF-8) stops the run before anything is written;
2. file every row under its person and family (`plan.Index`); rows naming no known person are
   reported ("person 1234 has no ssd_person row");
3. teams and workers from ssd_department and ssd_professionals, once;
4. families in batches: each family is planned (`plan.plan_family`: the product's rules, no
   writes) and a family whose people break a rule is rejected whole. A batch is one
   transaction, with the history triggers paused and their events written in bulk; if the
   database refuses a batch, its families are written one transaction each, so only the
   family it refuses is rejected. A crash or Ctrl-C loses at most the batch in hand, which
   was never committed: every family is either fully in or not at all, and a re-run skips
   the families already in (their rows' digests are unchanged);
5. every imported row keeps a `SourceRecord` (table, key, digest, the record it became, and its
   columns the product has no place for), so a re-run matches rather than duplicates; a later
   extract's changed rows update their records, with field history and an audit event per
   record changed, by the "import" user; nothing the import did not create is touched;
6. ANALYZE, and one audit event for the run with its counts.
"""

from __future__ import annotations

import contextvars
import json
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, connection, models, transaction

from familyworkbook import audit, history
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
from familyworkbook.core import clock, statistics
from familyworkbook.demo.rows import Rows
from familyworkbook.history import bulk as history_bulk
from familyworkbook.importing import plan as planning
from familyworkbook.importing.models import ImportProblem, ImportRun, SourceRecord
from familyworkbook.importing.reader import Extract, open_extract
from familyworkbook.importing.spec import TABLES
from familyworkbook.measures.models import MeasureResponse
from familyworkbook.people.models import Address, Family, FamilyMembership, Person, Relationship
from familyworkbook.teams.models import (
    EmploymentType,
    Organisation,
    OrganisationKind,
    Role,
    Team,
    TeamKind,
    Worker,
)
from familyworkbook.workbook.models.entries import Entry

Progress = Callable[[str, int, int], None]  # (stage, done, total)

BATCH_FAMILIES = 500
IMPORT_USERNAME = "import"

# Insert order: every record after the records it points at.
ORDER: list[type[models.Model]] = [
    Family,
    Person,
    FamilyMembership,
    Address,
    Relationship,
    Case,
    Allocation,
    SocialWorkerChange,
    CinEpisode,
    Assessment,
    Section47,
    CinPlan,
    CpPlan,
    CpReview,
    Visit,
    MissingEpisode,
    PreProceedings,
    LookedAfterEpisode,
    LookedAfterReview,
    UascStatus,
    LookedAfterOutcome,
    CareLeaverOutcome,
    AdoptionDecision,
    PreviousPermanence,
    MeasureResponse,
    Entry,
]
OUTCOMES = ("read", "imported", "updated", "unchanged", "rejected")


def import_user() -> Any:
    """The user every imported record is created and changed by: "import", who cannot sign in."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=IMPORT_USERNAME).first()
    if user is None:
        user = user_model(username=IMPORT_USERNAME, first_name="SSD", last_name="import")
        user.set_unusable_password()
        user.is_active = False
        user.save()
    return user


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


class Counts:
    def __init__(self) -> None:
        self.tables: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(OUTCOMES, 0))
        self.families = dict.fromkeys(OUTCOMES, 0)

    def add(self, table: str, outcome: str, n: int = 1) -> None:
        self.tables[table][outcome] += n

    def as_json(self) -> dict[str, Any]:
        return {name: dict(values) for name, values in sorted(self.tables.items())}


class Importer:
    def __init__(
        self, extract: Extract, run: ImportRun, by: Any, progress: Progress | None
    ) -> None:
        self.extract = extract
        self.run = run
        self.by = by
        self.actor = import_user()
        self.progress = progress or (lambda stage, done, total: None)
        self.counts = Counts()
        self.problems: list[ImportProblem] = []
        self.team_pk: dict[str, int] = {}
        # The first import into this database: no row can match an earlier one.
        self.first_import = not SourceRecord.objects.exists()
        self.worker_pk: dict[str, int] = {}

    # -- problems -----------------------------------------------------------------------
    def problem(self, issue: planning.Issue, family_key: str = "") -> None:
        self.problems.append(
            ImportProblem(
                run=self.run,
                table=issue.table,
                key=issue.key[:200],
                line=issue.line,
                field=issue.field[:80],
                reason=issue.reason[:500],
                family_key=family_key[:200],
                outcome=ImportProblem.Outcome.REJECTED
                if issue.rejected
                else ImportProblem.Outcome.WARNING,
            )
        )
        if len(self.problems) >= 2000 and not self.run.dry_run:
            self.flush_problems()

    def flush_problems(self) -> None:
        if self.problems:
            ImportProblem.objects.bulk_create(self.problems, batch_size=2000)
            self.problems = []

    # -- the run ------------------------------------------------------------------------
    def execute(self, index: planning.Index) -> None:
        for problem in self.extract.problems:
            self.problem(
                planning.Issue(
                    problem.table, problem.key, problem.line, problem.field, problem.reason
                )
            )
        for table in self.extract.tables():
            self.counts.tables[table]  # noqa: B018 - every table present gets a line
            skipped = self.extract.skipped(table)  # duplicates, rows that do not fit the header
            self.counts.add(table, "read", index.read.get(table, 0) + skipped)
            self.counts.add(table, "rejected", skipped)
        for row, reason in index.orphans:
            self.counts.add(row.table, "rejected")
            self.problem(
                planning.Issue(row.table, row.key, row.line, TABLES[row.table].person or "", reason)
            )
        as_of = clock.today()
        ctx = self.context(index, as_of)
        families = sorted(index.families)
        total = len(families)
        self.progress("Importing families", 0, total)
        batches = [families[i : i + BATCH_FAMILIES] for i in range(0, total, BATCH_FAMILIES)]
        # Planning is Python and writing mostly waits on the database, so the next batch is
        # planned in a second thread while this one is written. Planning reads only the
        # extract (the thread refuses any query), so both threads see the same records; it
        # runs in this thread's context, so the record clock read once above is its too.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-plan") as planner:

            def plan_ahead(keys: list[str]) -> tuple[Any, dict[tuple[str, str], SourceRecord]]:
                rows_of, existing = self.prepare(index, keys)
                run = contextvars.copy_context().run
                return planner.submit(run, _plan_families, index, rows_of, ctx), existing

            pending = plan_ahead(batches[0]) if batches else None
            done = 0
            for i, keys in enumerate(batches):
                assert pending is not None
                future, existing = pending
                plans = future.result()
                if i + 1 < len(batches):
                    pending = plan_ahead(batches[i + 1])
                self.finish(plans, existing)
                done += len(keys)
                self.progress("Importing families", done, total)
        self.flush_problems()

    def context(self, index: planning.Index, as_of: Any) -> planning.Context:
        """Teams and workers, created or matched once for the whole run."""
        existing = self.existing(
            [("ssd_department", r.key) for r in index.teams]
            + [("ssd_professionals", r.key) for r in index.workers]
            + [("team", "default")]
        )
        with transaction.atomic():
            for row in index.teams:
                self.one_team(row, existing)
            default = existing.get(("team", "default"))
            if default is None and not self.run.dry_run:
                team = Team.objects.filter(name="Imported from the SSD").first()
                if team is None:
                    team = Team(name="Imported from the SSD", kind=TeamKind.FAMILY_SAFEGUARDING)
                    team.stamp(self.actor)
                    team.save()
                self.record(("team", "default"), team, None, [])
                self.team_pk["default"] = team.pk
            elif default is not None:
                self.team_pk["default"] = default.target_id or 0
            roles: dict[str, str] = {}
            for row in index.workers:
                roles[row.key] = self.one_worker(row, existing)
        self.team_pk_by_anchor = {("ssd_department", k): v for k, v in self.team_pk.items()}
        return planning.Context(
            as_of=as_of,
            team_of={k: ("ssd_department", k) for k in self.team_pk if k != "default"},
            worker_roles=roles,
            default_team=("team", "default"),
            family_references=set(),
        )

    def one_team(self, row: Any, existing: dict[tuple[str, str], SourceRecord]) -> None:
        name = (row.values.get("dept_team_name") or f"Team {row.key}")[:200]
        found = existing.get(("ssd_department", row.key))
        if found is not None:
            self.team_pk[row.key] = found.target_id or 0
            outcome = "unchanged" if found.digest == planning.digest(row) else "updated"
            if outcome == "updated" and not self.run.dry_run:
                Team.objects.filter(pk=found.target_id).update(name=name)
                self.update_record(found, row)
            self.counts.add(row.table, outcome)
            return
        if self.run.dry_run:
            self.counts.add(row.table, "imported")
            self.team_pk[row.key] = 0
            return
        team = Team.objects.filter(name=name).first()
        if team is None:
            team = Team(name=name, kind=TeamKind.FAMILY_SAFEGUARDING)
            team.stamp(self.actor)
            team.save()
        self.team_pk[row.key] = team.pk
        self.record(("ssd_department", row.key), team, None, [row])
        self.counts.add(row.table, "imported")

    def one_worker(self, row: Any, existing: dict[tuple[str, str], SourceRecord]) -> str:
        title = (row.values.get("prof_professional_job_title") or "").lower()
        role = planning._ROLES.get(title) or Role.SOCIAL_WORKER
        found = existing.get(("ssd_professionals", row.key))
        if found is not None:
            self.worker_pk[row.key] = found.target_id or 0
            self.counts.add(
                row.table, "unchanged" if found.digest == planning.digest(row) else "updated"
            )
            if found.digest != planning.digest(row) and not self.run.dry_run:
                Worker.objects.filter(pk=found.target_id).update(role=role)
                self.update_record(found, row)
            return role
        self.counts.add(row.table, "imported")
        if self.run.dry_run:
            self.worker_pk[row.key] = 0
            return role
        user_model = get_user_model()
        username = f"ssd-{row.key}"[:150]
        user = user_model.objects.filter(username=username).first()
        if user is None:
            first, _, last = (row.values.get("prof_professional_name") or "").partition(" ")
            user = user_model(username=username, first_name=first[:150], last_name=last[:150])
            user.set_unusable_password()
            user.save()
        worker = Worker.objects.filter(user=user).first()
        if worker is None:
            council = (
                Organisation.objects.filter(kind=OrganisationKind.COUNCIL).order_by("pk").first()
            )
            if council is None:
                council = Organisation(name="The council", kind=OrganisationKind.COUNCIL)
                council.stamp(self.actor)
                council.save()
            agency = (row.values.get("prof_agency_worker_flag") or "").upper() in ("Y", "YES", "1")
            worker = Worker(
                user=user,
                role=role,
                organisation=council,
                swe_number=(row.values.get("prof_social_worker_registration_no") or "")[:20],
                employment_type=EmploymentType.AGENCY if agency else EmploymentType.PERMANENT,
            )
            worker.stamp(self.actor)
            worker.save()
        self.worker_pk[row.key] = worker.pk
        self.record(("ssd_professionals", row.key), worker, None, [row])
        return role

    # -- provenance -------------------------------------------------------------------------
    def existing(self, anchors: Iterable[tuple[str, str]]) -> dict[tuple[str, str], SourceRecord]:
        if self.first_import:  # nothing was imported before this run: nothing to match
            return {}
        by_table: dict[str, list[str]] = defaultdict(list)
        for table, key in anchors:
            by_table[table].append(key)
        found: dict[tuple[str, str], SourceRecord] = {}
        for table, keys in by_table.items():
            for i in range(0, len(keys), 1000):
                for record in SourceRecord.objects.filter(
                    table=table, key__in=keys[i : i + 1000]
                ).only("id", "table", "key", "digest", "target_type", "target_id", "family_id"):
                    found[(record.table, record.key)] = record
        return found

    def record(
        self, anchor: tuple[str, str], target: models.Model, family_id: int | None, rows: list[Any]
    ) -> None:
        records = []
        if not rows:
            records.append(self.source_record(anchor[0], anchor[1], "", target, family_id, {}))
        for row in rows:
            records.append(
                self.source_record(
                    row.table,
                    row.key,
                    planning.digest(row),
                    target,
                    family_id,
                    planning.unmapped(row, USED.get(row.table, set())),
                )
            )
        SourceRecord.objects.bulk_create(records)

    def source_record(
        self,
        table: str,
        key: str,
        digest: str,
        target: models.Model | None,
        family_id: int | None,
        data: dict[str, Any],
    ) -> SourceRecord:
        return SourceRecord(
            table=table,
            key=key[:200],
            digest=digest,
            target_type=_label(type(target)) if target is not None else "",
            target_id=target.pk if target is not None else None,
            family_id=family_id,
            data=data,
            first_run=self.run,
            last_run=self.run,
        )

    def update_record(self, record: SourceRecord, row: Any) -> None:
        record.digest = planning.digest(row)
        record.data = planning.unmapped(row, USED.get(row.table, set()))
        record.last_run = self.run
        record.save(update_fields=["digest", "data", "last_run"])

    # -- families ---------------------------------------------------------------------------
    def prepare(
        self, index: planning.Index, keys: list[str]
    ) -> tuple[dict[str, list[Any]], dict[tuple[str, str], SourceRecord]]:
        """The batch's provenance, and the rows of the families that need planning (the rest
        are counted unchanged: every row imported before, with the same digest)."""
        rows_of = {key: index.rows_of(key) for key in keys}
        anchors = [(r.table, r.key) for rows in rows_of.values() for r in rows]
        existing = self.existing(anchors + [("family", k) for k in keys])
        todo: dict[str, list[Any]] = {}
        for key in keys:
            rows = rows_of[key]
            if ("family", key) in existing and all(
                (r.table, r.key) in existing
                and existing[(r.table, r.key)].digest == planning.digest(r)
                for r in rows
            ):
                for r in rows:
                    self.counts.add(r.table, "unchanged")
                self.counts.families["read"] += 1
                self.counts.families["unchanged"] += 1
                continue
            todo[key] = rows
        return todo, existing

    def finish(
        self, plans: list[planning.FamilyPlan], existing: dict[tuple[str, str], SourceRecord]
    ) -> None:
        """Write a batch's planned families: one transaction for the batch, or, if the
        database refuses it, one a family, so a bad family is rejected whole and reported."""
        changed: list[planning.FamilyPlan] = []
        for family_plan in plans:
            self.counts.families["read"] += 1
            if family_plan.rejected:
                self.reject(family_plan, family_plan.rejected)
                continue
            changed.append(family_plan)
        if not changed:
            return
        # Records no one row is (a family's case, a membership without an ssd_family row...).
        derived = [o.anchor for p in changed for o in p.objects if o.anchor not in existing]
        existing.update(self.existing(derived))
        if self.run.dry_run:
            for family_plan in changed:
                self.tally(family_plan, existing)
            return
        try:
            with (
                transaction.atomic(),
                history.context(import_run=self.run.pk, user=self.actor.pk),
                history_bulk.load(),
            ):
                self.write(changed, existing)
        except (IntegrityError, DatabaseError):
            for family_plan in changed:
                try:
                    with (
                        transaction.atomic(),
                        history.context(import_run=self.run.pk, user=self.actor.pk),
                        history_bulk.load(),
                    ):
                        self.write([family_plan], existing)
                except (IntegrityError, DatabaseError) as error:
                    self.reject(
                        family_plan,
                        f"the database refused the family's records: {_first_line(error)}",
                    )
                    continue
                self.tally(family_plan, existing)
            return
        for family_plan in changed:
            self.tally(family_plan, existing)

    def reject(self, family_plan: planning.FamilyPlan, reason: str) -> None:
        self.counts.families["rejected"] += 1
        reported = {(i.table, i.key) for i in family_plan.issues if i.rejected}
        for issue in family_plan.issues:
            self.problem(issue, family_plan.key)
        for row in family_plan.rows:
            self.counts.add(row.table, "rejected")
            if (row.table, row.key) not in reported:
                self.problem(
                    planning.Issue(
                        row.table, row.key, row.line, "", f"the family was not imported: {reason}"
                    ),
                    family_plan.key,
                )

    def tally(
        self, family_plan: planning.FamilyPlan, existing: dict[tuple[str, str], SourceRecord]
    ) -> None:
        new_family = ("family", family_plan.key) not in existing
        outcomes: set[str] = set()
        for issue in family_plan.issues:
            self.problem(issue, family_plan.key)
        for row in family_plan.rows:
            anchor = (row.table, row.key)
            if anchor in family_plan.rejected_rows:
                outcome = "rejected"
            elif anchor not in existing:
                outcome = "imported"
            elif existing[anchor].digest == planning.digest(row):
                outcome = "unchanged"
            else:
                outcome = "updated"
            self.counts.add(row.table, outcome)
            outcomes.add(outcome)
        self.counts.families[
            "imported"
            if new_family
            else ("updated" if outcomes & {"imported", "updated"} else "unchanged")
        ] += 1

    def write(
        self, plans: list[planning.FamilyPlan], existing: dict[tuple[str, str], SourceRecord]
    ) -> None:
        """Insert (or update) the records of these families: one bulk insert per model."""
        pk_of: dict[tuple[str, str], int] = {("team", "default"): self.team_pk.get("default", 0)}
        pk_of.update({("ssd_department", k): v for k, v in self.team_pk.items()})
        pk_of.update({("ssd_professionals", k): v for k, v in self.worker_pk.items()})
        for anchor, record in existing.items():
            if record.target_id is not None:
                pk_of.setdefault(anchor, record.target_id)
        by_model: dict[type[models.Model], list[planning.Obj]] = defaultdict(list)
        for family_plan in plans:
            for obj in family_plan.objects:
                by_model[obj.model].append(obj)
                if obj.anchor not in pk_of:
                    # A record made from rows under another name (a child's OC2 year from its
                    # SDQ row) is found again through the provenance of those rows.
                    label = _label(obj.model)
                    for row in obj.rows:
                        found = existing.get((row.table, row.key))
                        if found is not None and found.target_type == label and found.target_id:
                            pk_of[obj.anchor] = found.target_id
                            break
        created: list[tuple[planning.Obj, models.Model]] = []
        for model in ORDER:
            objs = by_model.get(model, [])
            new = [o for o in objs if o.anchor not in pk_of]
            old = [o for o in objs if o.anchor in pk_of]
            if new:
                instances = []
                for obj in new:
                    values = dict(obj.values)
                    if model is Family and not values["reference"]:
                        values["reference"] = f"NEW{uuid.uuid4().hex[:16].upper()}"
                    if obj.instance is not None:  # built when its rules were checked
                        instance = obj.instance
                        for name, value in values.items():
                            setattr(instance, name, value)
                        for fk, anchor in obj.parents.items():
                            setattr(instance, f"{fk}_id", pk_of[anchor])
                    else:
                        instance = model(
                            **values, **{f"{fk}_id": pk_of[a] for fk, a in obj.parents.items()}
                        )
                    instance.stamp(self.actor)  # type: ignore[attr-defined]
                    instances.append(instance)
                if model is Relationship:
                    Rows._save_relationships(instances)  # with their inverses
                else:
                    model._default_manager.bulk_create(instances, batch_size=2000)
                for obj, instance in zip(new, instances, strict=True):
                    pk_of[obj.anchor] = instance.pk
                    created.append((obj, instance))
                self.link_many(model, new, pk_of)
                if model is Family:
                    self.assign_references(instances)
                if model is Person:
                    from familyworkbook.people.services import _assign_la_child_id

                    history_bulk.flush()
                    for instance in instances:
                        _assign_la_child_id(instance)  # type: ignore[arg-type]
            if old:
                self.update(model, old, pk_of, existing)
        records: list[tuple[Any, ...]] = []
        changed_records: list[SourceRecord] = []
        for family_plan in plans:
            family_pk = pk_of[("family", family_plan.key)]
            for obj in family_plan.objects:
                target_pk = pk_of[obj.anchor]
                if not obj.rows and obj.anchor not in existing:
                    records.append(
                        (
                            obj.anchor[0],
                            obj.anchor[1][:200],
                            "",
                            _label(obj.model),
                            target_pk,
                            family_pk,
                            {},
                        )
                    )
                for row in obj.rows:
                    self.provenance(
                        row,
                        obj.model,
                        target_pk,
                        family_pk,
                        existing,
                        records,
                        changed_records,
                        planning.unmapped(row, USED.get(row.table, set())),
                    )
            placed = {(r.table, r.key) for o in family_plan.objects for r in o.rows}
            for row in family_plan.rows:
                anchor = (row.table, row.key)
                if anchor in placed or anchor in family_plan.rejected_rows:
                    continue
                # Kept as source data against the family.
                data = {k: v for k, v in row.values.items() if v is not None}
                self.provenance(
                    row, Family, family_pk, family_pk, existing, records, changed_records, data
                )
        self.insert_source_records(records)
        if changed_records:
            SourceRecord.objects.bulk_update(
                changed_records, ["digest", "data", "last_run"], batch_size=500
            )

    def provenance(
        self,
        row: Any,
        model: type[models.Model],
        target_pk: int,
        family_pk: int,
        existing: dict[tuple[str, str], SourceRecord],
        records: list[tuple[Any, ...]],
        changed: list[SourceRecord],
        data: dict[str, Any],
    ) -> None:
        found = existing.get((row.table, row.key))
        digest = planning.digest(row)
        if found is None:
            records.append(
                (row.table, row.key[:200], digest, _label(model), target_pk, family_pk, data)
            )
        elif found.digest != digest:
            changed.append(SourceRecord(pk=found.pk, digest=digest, data=data, last_run=self.run))

    COPY_COLUMNS = (
        "table",
        "key",
        "digest",
        "target_type",
        "target_id",
        "family_id",
        "data",
        "first_run_id",
        "last_run_id",
    )

    def insert_source_records(self, records: list[tuple[Any, ...]]) -> None:
        """New provenance rows: half of everything an import inserts, so on PostgreSQL by COPY
        (no model instances, no parameter lists); elsewhere by bulk_create."""
        if not records:
            return
        run = self.run.pk
        if connection.vendor == "postgresql":
            columns = ", ".join(connection.ops.quote_name(c) for c in self.COPY_COLUMNS)
            table = connection.ops.quote_name(SourceRecord._meta.db_table)
            with connection.cursor() as cursor:
                raw = cursor.cursor  # psycopg's own cursor, under Django's wrapper
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for record in records:
                        copy.write_row((*record[:6], json.dumps(record[6]), run, run))
            return
        SourceRecord.objects.bulk_create(
            [
                SourceRecord(
                    table=t,
                    key=k,
                    digest=d,
                    target_type=tt,
                    target_id=ti,
                    family_id=f,
                    data=data,
                    first_run_id=run,
                    last_run_id=run,
                )
                for t, k, d, tt, ti, f, data in records
            ],
            batch_size=2000,
        )

    @staticmethod
    def link_many(
        model: type[models.Model], objs: list[planning.Obj], pk_of: dict[tuple[str, str], int]
    ) -> None:
        """The many-to-many links of newly inserted records (an entry's "about"), in bulk."""
        names = {name for obj in objs for name in obj.m2m}
        for name in sorted(names):
            through = model._meta.get_field(name).remote_field.through  # type: ignore[union-attr]
            source = f"{model._meta.model_name}_id"
            target = f"{model._meta.get_field(name).related_model._meta.model_name}_id"
            through.objects.bulk_create(
                [
                    through(**{source: pk_of[obj.anchor], target: pk_of[anchor]})
                    for obj in objs
                    for anchor in obj.m2m.get(name, [])
                ],
                batch_size=2000,
            )

    @staticmethod
    def assign_references(families: list[Family]) -> None:
        """A family the extract gave no usable reference gets the product's own ("F" + id)."""
        from familyworkbook.people.services import _free_reference

        for family in families:
            if family.reference.startswith("NEW"):
                family.reference = _free_reference(Family, "reference", "F", family.pk)
                Family.objects.filter(pk=family.pk).update(reference=family.reference)

    def update(
        self,
        model: type[models.Model],
        objs: list[planning.Obj],
        pk_of: dict[tuple[str, str], int],
        existing: dict[tuple[str, str], SourceRecord],
    ) -> None:
        """A later extract's changes to records the import made: field by field, audited."""
        stored = model._default_manager.in_bulk([pk_of[o.anchor] for o in objs])
        changed = []
        fields: set[str] = set()
        for obj in objs:
            instance = stored.get(pk_of[obj.anchor])
            if instance is None:
                continue
            before = audit.snapshot(instance)
            names = []
            for name, value in obj.values.items():
                if name == "reference":
                    continue
                if getattr(instance, name) != value:
                    setattr(instance, name, value)
                    names.append(name)
            for fk, anchor in obj.parents.items():
                if getattr(instance, f"{fk}_id") != pk_of.get(anchor):
                    setattr(instance, f"{fk}_id", pk_of[anchor])
                    names.append(f"{fk}_id")
            if not names:
                continue
            if model is MeasureResponse:
                # A saved questionnaire is never changed: the new total is a correction of it.
                self.correct_measure(obj, stored[pk_of[obj.anchor]].pk, pk_of)
                continue
            instance.stamp(self.actor)  # type: ignore[attr-defined]
            instance.version += 1  # type: ignore[attr-defined]
            fields.update(names)
            changed.append(instance)
            audit.record(
                actor=self.actor,
                verb=audit.Verb.CHANGED,
                target=instance,
                data={"changes": audit.changes(before, instance), "import_run": self.run.pk},
            )
        if changed:
            history_bulk.flush()
            model._default_manager.bulk_update(
                changed, [*fields, "modified_at", "modified_by", "version"]
            )
            history_bulk.updated(model, [i.pk for i in changed])

    def correct_measure(
        self, obj: planning.Obj, old_pk: int, pk_of: dict[tuple[str, str], int]
    ) -> None:
        """A later extract's different SDQ total: recorded as a correction superseding the
        imported one (which stays), as a worker's correction would be."""
        correction = MeasureResponse(
            **obj.values,
            **{f"{fk}_id": pk_of[anchor] for fk, anchor in obj.parents.items()},
            supersedes_id=old_pk,
            correction_reason=(
                f"Changed in the council's previous system (SSD import run {self.run.pk})"
            ),
        )
        correction.stamp(self.actor)
        correction.save()
        pk_of[obj.anchor] = correction.pk
        SourceRecord.objects.filter(table=obj.anchor[0], key=obj.anchor[1]).update(
            target_id=correction.pk, last_run=self.run
        )
        audit.record(
            actor=self.actor,
            verb=audit.Verb.CREATED,
            target=correction,
            data={"supersedes": old_pk, "import_run": self.run.pk},
        )


def _refuse_queries(*args: Any) -> Any:
    raise RuntimeError("planning an imported family must not query the database")


def _plan_families(
    index: planning.Index, rows_of: dict[str, list[Any]], ctx: planning.Context
) -> list[planning.FamilyPlan]:
    """Plan these families from their rows, in the planning thread, where any database query
    is an error (it would read through another connection, outside the import's transaction)."""
    with connection.execute_wrapper(_refuse_queries):
        return [planning.plan_family(index, key, ctx, rows) for key, rows in rows_of.items()]


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


# Columns each table's record holds: the rest of a row is kept verbatim as source data.
def _used() -> dict[str, set[str]]:
    from familyworkbook.importing import mapping

    used: dict[str, set[str]] = {}
    for table, tmap in mapping.MAPS.items():
        spec = TABLES[table]
        used[table] = (
            {c.ssd for c in tmap.columns}
            | set(spec.key)
            | {spec.person or ""}
            | ({tmap.parent[0]} if tmap.parent else set())
        )
    used.update(
        {
            "ssd_person": planning.PERSON_COLUMNS,
            "ssd_family": {"fami_table_id", "fami_family_id", "fami_person_id"},
            "ssd_mother": {"moth_table_id", "moth_person_id", "moth_childs_person_id"},
            "ssd_address": {
                "addr_table_id",
                "addr_person_id",
                "addr_address_type",
                "addr_address_start_date",
                "addr_address_end_date",
                "addr_address_postcode",
                "addr_address_json",
            },
            "ssd_disability": {"disa_table_id", "disa_person_id", "disa_disability_code"},
            "ssd_linked_identifiers": {
                "link_table_id",
                "link_person_id",
                "link_identifier_type",
                "link_identifier_value",
            },
            "ssd_send": {"send_table_id", "send_person_id", "send_upn"},
            "ssd_involvements": {
                "invo_involvements_id",
                "invo_professional_id",
                "invo_professional_role_id",
                "invo_professional_team",
                "invo_involvement_start_date",
                "invo_involvement_end_date",
                "invo_worker_change_reason",
                "invo_person_id",
            },
            "ssd_assessment_factors": {
                "cinf_table_id",
                "cinf_assessment_id",
                "cinf_assessment_factors_json",
            },
            "ssd_initial_cp_conference": {
                "icpc_icpc_id",
                "icpc_s47_enquiry_id",
                "icpc_person_id",
                "icpc_referral_id",
                "icpc_icpc_target_date",
                "icpc_icpc_date",
            },
            "ssd_cla_episodes": {
                "clae_cla_episode_id",
                "clae_person_id",
                "clae_cla_episode_start_date",
                "clae_cla_episode_start_reason",
                "clae_cla_primary_need_code",
                "clae_cla_episode_ceased_date",
                "clae_cla_episode_ceased_reason",
                "clae_cla_id",
                "clae_cla_placement_id",
            },
            "ssd_cla_placement": {
                "clap_cla_placement_id",
                "clap_cla_placement_start_date",
                "clap_cla_placement_type",
                "clap_cla_placement_urn",
                "clap_cla_id",
                "clap_cla_placement_provider",
                "clap_cla_placement_postcode",
                "clap_cla_placement_end_date",
                "clap_cla_placement_change_reason",
                "clap_person_id",
            },
            "ssd_legal_status": {
                "lega_legal_status_id",
                "lega_person_id",
                "lega_legal_status",
                "lega_legal_status_start_date",
                "lega_legal_status_end_date",
            },
            "ssd_immigration_status": {
                "immi_person_id",
                "immi_immigration_status_id",
                "immi_immigration_status",
                "immi_immigration_status_start_date",
                "immi_immigration_status_end_date",
            },
            "ssd_department": {"dept_team_id", "dept_team_name"},
            "ssd_sdq_scores": {
                "csdq_table_id",
                "csdq_person_id",
                "csdq_sdq_completed_date",
                "csdq_sdq_reason",
                "csdq_sdq_score",
            },
            "ssd_voice_of_child": {
                "voch_table_id",
                "voch_person_id",
                *(column for column, _question in planning.VOICE_QUESTIONS),
            },
            "ssd_cla_convictions": {
                "clac_cla_conviction_id",
                "clac_person_id",
                "clac_cla_conviction_date",
            },
            "ssd_cla_health": {
                "clah_health_check_id",
                "clah_person_id",
                "clah_health_check_type",
                "clah_health_check_date",
                "clah_health_check_status",
            },
            "ssd_cla_immunisations": {
                "clai_person_id",
                "clai_immunisations_status",
                "clai_immunisations_status_date",
            },
            "ssd_cla_substance_misuse": {
                "clas_substance_misuse_id",
                "clas_person_id",
                "clas_substance_misuse_date",
                "clas_substance_misused",
                "clas_intervention_received",
            },
            "ssd_care_leavers": {
                "clea_table_id",
                "clea_person_id",
                "clea_care_leaver_in_touch",
                "clea_care_leaver_latest_contact",
                "clea_care_leaver_activity",
                "clea_care_leaver_accommodation",
            },
            "ssd_permanence": {
                "perm_table_id",
                "perm_person_id",
                "perm_adm_decision_date",
                "perm_matched_date",
                "perm_adopted_by_carer_flag",
                "perm_decision_reversed_date",
                "perm_decision_reversed_reason",
                "perm_adopter_sex",
                "perm_adopter_legal_status",
                "perm_number_of_adopters",
            },
            "ssd_cla_previous_permanence": {
                "lapp_table_id",
                "lapp_person_id",
                "lapp_previous_permanence_order_date",
                "lapp_previous_permanence_option",
                "lapp_previous_permanence_la",
            },
            "ssd_professionals": {
                "prof_professional_id",
                "prof_professional_name",
                "prof_social_worker_registration_no",
                "prof_professional_job_title",
                "prof_agency_worker_flag",
            },
        }
    )
    return used


class _Used(dict[str, set[str]]):
    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        if not self:
            self.update(_used())
        return super().get(key, default)


USED = _Used()


def run_import(
    source: str,
    *,
    database: bool = False,
    dry_run: bool = False,
    by: Any = None,
    progress: Progress | None = None,
) -> ImportRun:
    """Import (or, with dry_run, only check and count) one extract; returns the run."""
    started = time.monotonic()
    extract = open_extract(source, database=database)
    run = ImportRun.objects.create(source=extract.source[:500], dry_run=dry_run, started_by=by)
    importer = Importer(extract, run, by, progress)
    reading = clock.read_once()  # the models' rules ask for "today" once a record, not a query each
    reading.__enter__()
    try:
        index = None
        if not extract.fatal:
            if progress:
                progress("Reading the extract", 0, 1)
            # Every file read and checked once, before anything is written.
            index = planning.Index.load(extract)
        if extract.fatal or index is None:
            for problem in extract.problems:
                importer.problem(
                    planning.Issue(
                        problem.table, problem.key, problem.line, problem.field, problem.reason
                    )
                )
            importer.flush_problems()
            run.status = ImportRun.Status.FAILED
            run.message = (
                "The extract cannot be imported: nothing was changed. The problems say why."
            )
        else:
            importer.execute(index)
            run.status = ImportRun.Status.FINISHED
            if not dry_run:
                statistics.analyse()
    except KeyboardInterrupt:
        importer.flush_problems()
        run.status = ImportRun.Status.INTERRUPTED
        run.message = "Stopped before the end: every family is either fully in or not at all; run the import again to continue."
        raise
    except Exception as error:
        importer.flush_problems()
        run.status = ImportRun.Status.FAILED
        run.message = f"The import stopped: {_first_line(error)}"
        raise
    finally:
        reading.__exit__(None, None, None)
        if index is not None:
            index.close()  # and its scratch file, if the extract was large enough to need one
        run.tables = importer.counts.as_json()
        run.families = importer.counts.families
        run.finished_at = clock.now()
        run.seconds = round(time.monotonic() - started, 2)
        run.save()
        audit.record(
            actor=by,
            verb=audit.Verb.CREATED if not dry_run else audit.Verb.VIEWED,
            target=run,
            label=f"SSD import {'dry run ' if dry_run else ''}{run.pk}",
            data={"families": run.families, "status": run.status},
        )
    return run
