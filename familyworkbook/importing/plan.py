"""From an extract's rows to the product records each family becomes, before anything is written.

`Index` reads every table of the extract once and files each row under its person, and each
person under a family (`ssd_family`; a mother joins her child's family through `ssd_mother`; a
person in neither is a family of one). `plan_family()` then turns one family's rows into
`Obj`s: unsaved product records with their field values and the anchors (SSD table and key) of
the records they point at. It writes nothing, so a family whose rows break a rule is rejected
whole, before the database sees it, and the reason is reported against the row and column.

Rules applied here are the product's own: the models' `clean()` (dates in order, closure with
a reason, factors only once authorised...) and their choices. The database's constraints are
the last word: `services` rejects a family whose records the database refuses.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import sqlite3
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from familyworkbook.cases.lac_models import (
    AdoptionDecision,
    CareLeaverOutcome,
    LookedAfterOutcome,
    PreviousPermanence,
    SocialWorkerChange,
    UascStatus,
)
from familyworkbook.cases.models import (
    Allocation,
    Case,
    CaseClosureReason,
    CaseReason,
    LookedAfterEpisode,
)
from familyworkbook.core.codes import AssessmentFactor, Disability
from familyworkbook.importing import mapping
from familyworkbook.importing.mapping import CODE, DATE, FLAG, TableMap
from familyworkbook.importing.reader import Extract, Row, parse_date, parse_flag
from familyworkbook.importing.spec import PERSON, TABLES
from familyworkbook.people.models import (
    Address,
    AddressKind,
    ContactFrequency,
    Family,
    FamilyMembership,
    MembershipKind,
    Person,
    PersonKind,
    Relationship,
    RelationshipKind,
    validate_la_child_id,
    validate_nhs_number,
    validate_upn,
)

Anchor = tuple[str, str]  # (SSD table, or "family"/"case" for records no one row is, key)

CHILD_TABLES = {
    "ssd_cin_episodes",
    "ssd_cla_episodes",
    "ssd_cp_plans",
    "ssd_s47_enquiry",
    "ssd_cin_assessments",
    "ssd_cla_placement",
}
ADULT_AGE = 18


class RowError(Exception):
    """One row cannot be imported: `field` and the plain reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


@dataclass
class Obj:
    anchor: Anchor
    model: type[models.Model]
    values: dict[str, Any]
    parents: dict[str, Anchor] = field(default_factory=dict)  # fk field name -> anchor
    rows: list[Row] = field(default_factory=list)  # the rows it was made from
    instance: models.Model | None = None  # built by check(); the writer fills in the rest
    m2m: dict[str, list[Anchor]] = field(default_factory=dict)  # many-to-many name -> anchors


@dataclass
class Issue:
    table: str
    key: str
    line: int | None
    field: str
    reason: str
    rejected: bool = True


@dataclass
class FamilyPlan:
    key: str
    rows: list[Row]  # every row of the family, in table order
    objects: list[Obj] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    rejected_rows: set[Anchor] = field(default_factory=set)
    rejected: str = ""  # why the whole family was rejected

    def reject_row(self, row: Row, error: RowError) -> None:
        self.issues.append(Issue(row.table, row.key, row.line, error.field, error.reason))
        self.rejected_rows.add((row.table, row.key))

    def warn(self, row: Row, column: str, reason: str) -> None:
        self.issues.append(Issue(row.table, row.key, row.line, column, reason, rejected=False))


def digest(row: Row) -> str:
    """A digest of the row's values (computed once a row): equal digests, unchanged row."""
    found: str | None = row.__dict__.get("_digest")
    if found is None:
        values = [row.values.get(c) for c in TABLES[row.table].columns]
        text = json.dumps(values, ensure_ascii=False)
        found = row.__dict__["_digest"] = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return found


def unmapped(row: Row, used: set[str]) -> dict[str, str]:
    """The row's values the product has no field for: kept verbatim as source data."""
    return {k: v for k, v in row.values.items() if v is not None and k not in used}


# ---------------------------------------------------------------------------------------------
# Values


def _choices(model: type[models.Model], name: str) -> dict[str, str]:
    """{code or lower-case label: code} for a field with choices."""
    f = model._meta.get_field(name)
    table: dict[str, str] = {}
    for value, label in f.choices or []:
        table[str(value).lower()] = str(value)
        table[str(label).lower()] = str(value)
    return table


_CHOICES: dict[tuple[type[models.Model], str], dict[str, str]] = {}


def code(model: type[models.Model], name: str, row: Row, column: str, *, required: bool) -> str:
    value = row.values.get(column)
    if value is None:
        if required:
            raise RowError(column, f"{column} is empty: it is needed for this record")
        return ""
    table = _CHOICES.get((model, name))
    if table is None:
        table = _CHOICES[(model, name)] = _choices(model, name)
    found = table.get(value.lower())
    if found is None:
        raise RowError(column, f"{column} '{value[:40]}' is not one of the codes the SSD allows")
    return found


def date(row: Row, column: str, *, required: bool = False) -> dt.date | None:
    value = row.values.get(column)
    if value is None:
        if required:
            raise RowError(column, f"{column} is empty: it is needed for this record")
        return None
    try:
        return parse_date(value)
    except ValueError as error:
        raise RowError(column, f"{column} {error}") from None


def flag(row: Row, column: str, *, required: bool = False) -> bool | None:
    value = row.values.get(column)
    if value is None:
        if required:
            raise RowError(column, f"{column} is empty: give Y or N")
        return None
    try:
        return parse_flag(value)
    except ValueError:
        raise RowError(column, f"{column} '{value[:20]}' is not Y or N") from None


def text(row: Row, column: str, max_length: int) -> str:
    value = row.values.get(column) or ""
    if len(value) > max_length:
        raise RowError(column, f"{column} is longer than {max_length} characters")
    return value


def mapped_values(tmap: TableMap, row: Row) -> dict[str, Any]:
    values: dict[str, Any] = dict(tmap.fixed)
    for col in tmap.columns:
        if col.kind == DATE:
            values[col.field] = date(row, col.ssd, required=col.required)
        elif col.kind == FLAG:
            got = flag(row, col.ssd, required=col.required)
            values[col.field] = bool(got)
        elif col.kind == CODE:
            values[col.field] = code(tmap.model, col.field, row, col.ssd, required=col.required)
        else:
            f = tmap.model._meta.get_field(col.field)
            values[col.field] = text(row, col.ssd, f.max_length or 10_000)
    return values


def check(
    model: type[models.Model], values: dict[str, Any], row: Row, **related: Any
) -> models.Model:
    """The model's own rules (`clean()`) on the values, as the services apply them; returns the
    unsaved instance, which the writer reuses."""
    instance = model(**values)
    for name, value in related.items():
        setattr(instance, name, value)
    try:
        instance.clean()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            name, errors = next(iter(error.error_dict.items()))
            message = errors[0].messages[0]
        else:
            name, message = "", error.messages[0]
        raise RowError(_ssd_column(row.table, name), str(message)) from None
    return instance


def _ssd_column(table: str, model_field: str) -> str:
    tmap = mapping.MAPS.get(table)
    if tmap:
        for col in tmap.columns:
            if col.field == model_field:
                return col.ssd
    return model_field


# ---------------------------------------------------------------------------------------------
# The extract, filed by person and family


class RowStore:
    """Rows filed under a person, in memory for a small extract and in a scratch SQLite file
    for a large one, so the import's memory does not grow with the extract (a 2 GB extract
    holds more rows than memory would): past ``spill_after`` rows, every row goes to a
    temporary file deleted when the import ends. Rows come back in the order they were filed.
    """

    SPILL_AFTER = 250_000

    def __init__(self, spill_after: int | None = None) -> None:
        self.spill_after = self.SPILL_AFTER if spill_after is None else spill_after
        self._memory: dict[str, list[Row]] = defaultdict(list)
        self._count = 0
        self._db: sqlite3.Connection | None = None
        self._file: Any = None
        self._pending: list[tuple[str, str, int, str]] = []
        self._lock = threading.Lock()  # the import plans in a second thread

    @property
    def spilled(self) -> bool:
        return self._db is not None

    def add(self, person: str, row: Row) -> None:
        if self._db is None:
            self._memory[person].append(row)
            self._count += 1
            if self._count > self.spill_after:
                self._spill()
            return
        self._pending.append((person, row.table, row.line, json.dumps(row.values)))
        if len(self._pending) >= 2_000:
            self._flush()

    def _spill(self) -> None:
        self._file = tempfile.NamedTemporaryFile(prefix="fwb-import-", suffix=".sqlite3")  # noqa: SIM115 - closed by close()
        self._db = sqlite3.connect(self._file.name, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute(
            "CREATE TABLE row (n INTEGER PRIMARY KEY, person TEXT, tab TEXT, line INT, v TEXT)"
        )
        for person, rows in self._memory.items():
            self._pending.extend((person, r.table, r.line, json.dumps(r.values)) for r in rows)
        self._memory.clear()
        self._flush()

    def _flush(self) -> None:
        assert self._db is not None
        with self._lock:
            self._db.executemany(
                "INSERT INTO row (person, tab, line, v) VALUES (?, ?, ?, ?)", self._pending
            )
            self._db.commit()
        self._pending = []

    def finish(self) -> None:
        """Every row filed: index the file for reading by person."""
        if self._db is not None:
            self._flush()
            with self._lock:
                self._db.execute("CREATE INDEX row_person ON row (person, n)")

    def get(self, person: str) -> list[Row]:
        if self._db is None:
            return self._memory.get(person, [])
        with self._lock:
            found = self._db.execute(
                "SELECT tab, line, v FROM row WHERE person = ? ORDER BY n", (person,)
            ).fetchall()
        return [Row(table, line, json.loads(values)) for table, line, values in found]

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._file.close()
            self._db = None


class Index:
    """Every row of the extract, filed under its person; people filed under families."""

    def __init__(self, spill_after: int | None = None) -> None:
        self.people: dict[str, Row] = {}
        self.by_person = RowStore(spill_after)
        # The rows that group people into families, kept in memory: (person, row).
        self.grouping: list[tuple[str, Row]] = []
        self.first_filed: dict[str, int] = {}  # person -> order their first row was filed
        self.teams: list[Row] = []
        self.workers: list[Row] = []
        self.orphans: list[tuple[Row, str]] = []
        self.read: dict[str, int] = defaultdict(int)
        self.families: dict[str, list[str]] = {}  # family key -> person ids
        self.family_rows: dict[str, list[Row]] = defaultdict(list)
        self.as_of: dt.date = dt.date.min  # the latest date in the extract

    @classmethod
    def load(cls, extract: Extract, spill_after: int | None = None) -> Index:
        index = cls(spill_after)
        present = set(extract.tables())
        for row in extract.rows(PERSON):
            index.read[PERSON] += 1
            index.people[row.key] = row
        parent_person: dict[tuple[str, str], str] = {}  # (table, column value) -> person
        # Columns other tables reach a row by: (table) -> columns to remember.
        pointed: dict[str, set[str]] = defaultdict(set)
        for other in TABLES.values():
            if other.parent:
                pointed[other.parent[1]].add(other.parent[2])
        for name in _load_order():
            if name == PERSON or name not in present:
                continue
            spec = TABLES[name]
            remember = [c for c in spec.columns if c.endswith("_cla_id") or c in pointed[name]]
            for row in extract.rows(name):
                index.read[name] += 1
                if name == "ssd_department":
                    index.teams.append(row)
                    continue
                if name == "ssd_professionals":
                    index.workers.append(row)
                    continue
                person = row.values.get(spec.person) if spec.person else None
                if person is None and spec.parent:
                    column, parent_table, _parent_column = spec.parent
                    person = parent_person.get((parent_table, row.values.get(column) or ""))
                    if person is None:
                        index.orphans.append(
                            (
                                row,
                                f"{column} {row.values.get(column) or '(empty)'} is not in "
                                f"{parent_table}",
                            )
                        )
                        continue
                if person is None or person not in index.people:
                    index.orphans.append(
                        (row, f"person {person or '(empty)'} has no ssd_person row")
                    )
                    continue
                for column in remember:
                    value = row.values.get(column)
                    if value:
                        parent_person[(name, value)] = person
                index.by_person.add(person, row)
                index.first_filed.setdefault(person, len(index.first_filed))
                if name in ("ssd_family", "ssd_mother"):
                    index.grouping.append((person, row))
        index.by_person.finish()
        index._group()
        return index

    def _group(self) -> None:
        """People into families: ssd_family first, then mothers with their children."""
        family_of: dict[str, str] = {}
        for person, row in self.grouping:
            if row.table == "ssd_family" and person not in family_of:
                family_of[person] = row.values["fami_family_id"] or f"solo-{person}"
        # Mothers in the order their people were first filed, as the rows were read.
        mothers: dict[str, list[Row]] = defaultdict(list)
        for person, row in self.grouping:
            if row.table == "ssd_mother":
                mothers[person].append(row)
        for person in sorted(mothers, key=self.first_filed.__getitem__):
            for row in mothers[person]:
                child = row.values.get("moth_childs_person_id") or ""
                if child in self.people:
                    # The mother joins the child's family, or the child the mother's.
                    if person not in family_of and child in family_of:
                        family_of[person] = family_of[child]
                    elif child not in family_of and person in family_of:
                        family_of[child] = family_of[person]
                    elif person not in family_of and child not in family_of:
                        family_of[person] = family_of[child] = f"solo-{person}"
        families: dict[str, list[str]] = defaultdict(list)
        for person in self.people:
            families[family_of.get(person, f"solo-{person}")].append(person)
        self.families = dict(families)

    def rows_of(self, family_key: str) -> list[Row]:
        rows: list[Row] = []
        for person in self.families[family_key]:
            rows.append(self.people[person])
            rows.extend(self.by_person.get(person))
        return rows

    def close(self) -> None:
        self.by_person.close()


# ---------------------------------------------------------------------------------------------
# One family


@dataclass
class Context:
    """What every family's plan reads: the import's own records and the extract's date."""

    as_of: dt.date
    team_of: dict[str, Anchor]  # dept_team_id -> team anchor
    worker_roles: dict[str, str]  # prof_professional_id -> role
    default_team: Anchor
    family_references: set[str]  # references already in use by families not from this extract


PERSON_COLUMNS = {
    "pers_person_id",
    "pers_forename",
    "pers_surname",
    "pers_sex",
    "pers_gender",
    "pers_ethnicity",
    "pers_dob",
    "pers_expected_dob",
    "pers_death_date",
    "pers_upn_unknown",
}


def _person(row: Row, plan: FamilyPlan, ctx: Context, has_child_rows: bool) -> Obj:
    values: dict[str, Any] = {
        "first_name": text(row, "pers_forename", 100),
        "last_name": text(row, "pers_surname", 100),
        "gender_identity": text(row, "pers_gender", 100),
        "date_of_birth": date(row, "pers_dob"),
        "expected_date_of_birth": date(row, "pers_expected_dob"),
        "date_of_death": date(row, "pers_death_date"),
        "sex": code(Person, "sex", row, "pers_sex", required=False) or "U",
        "upn_unknown_reason": code(
            Person, "upn_unknown_reason", row, "pers_upn_unknown", required=False
        ),
        "disabilities": [],
    }
    ethnicity = row.values.get("pers_ethnicity")
    if ethnicity:
        values["ethnicity"] = code(Person, "ethnicity", row, "pers_ethnicity", required=False)
    if not values["last_name"]:
        raise RowError("pers_surname", "pers_surname is empty: every person needs a surname")
    born = values["date_of_birth"]
    if born is None and values["expected_date_of_birth"]:
        kind = PersonKind.UNBORN
    elif has_child_rows or (
        born
        and (ctx.as_of.year - born.year)
        - ((ctx.as_of.month, ctx.as_of.day) < (born.month, born.day))
        < ADULT_AGE
    ):
        kind = PersonKind.CHILD
    else:
        kind = PersonKind.ADULT
    values["kind"] = kind
    if kind in (PersonKind.CHILD, PersonKind.UNBORN):
        try:
            validate_la_child_id(row.key)
            values["la_child_id"] = row.key
        except ValidationError:
            plan.warn(
                row,
                "pers_person_id",
                "pers_person_id is not 1 to 20 capital letters and digits: the product gives"
                " the child its own LA child ID; the SSD id is kept as source data",
            )
    if kind == PersonKind.CHILD and born is None:
        raise RowError("pers_dob", "pers_dob is empty: a child needs a date of birth")
    instance = check(Person, values, row)
    return Obj((PERSON, row.key), Person, values, rows=[row], instance=instance)


def _address(row: Row, person: Anchor) -> Obj | None:
    kind_text = (row.values.get("addr_address_type") or "").lower()
    postcode = text(row, "addr_address_postcode", 8).upper()
    started = date(row, "addr_address_start_date")
    if started is None:
        raise RowError("addr_address_start_date", "addr_address_start_date is empty")
    parts: dict[str, str] = {}
    raw = row.values.get("addr_address_json")
    if raw:
        try:
            loaded = json.loads(raw)
            parts = (
                {str(k).upper(): str(v) for k, v in loaded.items() if v}
                if isinstance(loaded, dict)
                else {}
            )
        except (ValueError, AttributeError):
            raise RowError("addr_address_json", "addr_address_json is not valid JSON") from None
    line_1 = " ".join(
        p
        for p in (
            parts.get(k, "") for k in ("ROOM", "FLOOR", "FLAT", "BUILDING", "HOUSE", "STREET")
        )
        if p
    )
    kind = next((k for k in AddressKind.values if kind_text.startswith(k)), AddressKind.HOME)
    protected = kind == AddressKind.SAFE or any(
        word in kind_text for word in mapping.PROTECTED_ADDRESS_TYPES
    )
    if kind_text.startswith("refuge"):
        kind = AddressKind.SAFE
    values = {
        "kind": kind,
        "line_1": line_1[:200] or "(no street given in the extract)",
        "line_2": "",
        "town": parts.get("TOWN", "")[:100] or "(no town given)",
        "postcode": postcode,
        "from_date": started,
        "to_date": date(row, "addr_address_end_date"),
        "protected": protected,
    }
    return Obj(("ssd_address", row.key), Address, values, parents={"person": person}, rows=[row])


def plan_family(
    index: Index, family_key: str, ctx: Context, rows: list[Row] | None = None
) -> FamilyPlan:
    """The family's records, from its rows (read from the index unless the caller has them)."""
    if rows is None:
        rows = index.rows_of(family_key)
    plan = FamilyPlan(family_key, rows)
    by_table: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_table[row.table].append(row)
    people_rows = by_table[PERSON]
    child_ids = {
        row.values.get(TABLES[row.table].person or "") for row in rows if row.table in CHILD_TABLES
    }
    objects: dict[Anchor, Obj] = {}

    def add(obj: Obj) -> Obj:
        objects[obj.anchor] = obj
        plan.objects.append(obj)
        return obj

    # The family and its people: a bad person row rejects the family.
    surname = next(
        (r.values.get("pers_surname") for r in people_rows if r.values.get("pers_surname")), ""
    )
    reference = family_key if len(family_key) <= 20 and not family_key.startswith("solo-") else ""
    if reference in ctx.family_references:
        reference = ""
    family = add(
        Obj(
            ("family", family_key),
            Family,
            {"name": f"{surname or 'Unnamed'} family"[:200], "reference": reference},
        )
    )
    people: dict[str, Obj] = {}
    for row in people_rows:
        try:
            people[row.key] = add(_person(row, plan, ctx, row.key in child_ids))
        except RowError as error:
            plan.reject_row(row, error)
            plan.rejected = f"person {row.key}: {error.reason}"
    if plan.rejected:
        return plan
    for pid, person in people.items():
        membership = next(
            (r for r in by_table["ssd_family"] if r.values.get("fami_person_id") == pid), None
        )
        anchor = ("ssd_family", membership.key) if membership else ("membership", pid)
        add(
            Obj(
                anchor,
                FamilyMembership,
                {"kind": MembershipKind.HOUSEHOLD, "contact": ContactFrequency.DAILY},
                parents={"family": family.anchor, "person": person.anchor},
                rows=[membership] if membership else [],
            )
        )
    extra_rows: set[Anchor] = set()  # rows folded into another table's record

    def person_of(row: Row) -> Obj:
        spec = TABLES[row.table]
        pid = row.values.get(spec.person) if spec.person else None
        if pid is None:  # reached through a parent
            for table, key in _parent_chain(row, objects):
                return objects[(table, key)]
        return people[pid or ""]

    # Identifiers and disabilities fill the person's own fields.
    for row in by_table["ssd_linked_identifiers"] + by_table["ssd_send"]:
        person = people[row.values.get(TABLES[row.table].person or "") or ""]
        try:
            if row.table == "ssd_send":
                kind_name, value = "upn", row.values.get("send_upn")
            else:
                kind_name = mapping.IDENTIFIER_FIELDS.get(
                    (row.values.get("link_identifier_type") or "").lower(), ""
                )
                value = row.values.get("link_identifier_value")
            if kind_name and value:
                validator = validate_upn if kind_name == "upn" else validate_nhs_number
                try:
                    validator(value.replace(" ", ""))
                except ValidationError as error:
                    raise RowError(
                        "link_identifier_value" if row.table != "ssd_send" else "send_upn",
                        f"{kind_name.upper().replace('_', ' ')} {error.messages[0].lower()}",
                    ) from None
                person.values[kind_name] = value.replace(" ", "")
            person.rows.append(row)
            extra_rows.add((row.table, row.key))
        except RowError as error:
            plan.reject_row(row, error)
    for row in by_table["ssd_disability"]:
        person = people[row.values.get("disa_person_id") or ""]
        value = (row.values.get("disa_disability_code") or "").upper()
        if value not in Disability.values:
            plan.reject_row(
                row,
                RowError(
                    "disa_disability_code",
                    f"disa_disability_code '{value[:20]}' is not a disability code the SSD allows",
                ),
            )
            continue
        if value not in person.values["disabilities"]:
            person.values["disabilities"].append(value)
        person.rows.append(row)
        extra_rows.add((row.table, row.key))
    for person in people.values():
        codes = person.values["disabilities"]
        if "NONE" in codes and len(codes) > 1:
            codes.remove("NONE")
        codes.sort()

    # Addresses (a "cla home postcode" row carries a looked-after episode's home postcode).
    home_postcodes: list[tuple[Row, str]] = []
    for row in by_table["ssd_address"]:
        if (row.values.get("addr_address_type") or "").lower() == "cla home postcode":
            home_postcodes.append((row, row.values.get("addr_person_id") or ""))
            continue
        try:
            obj = _address(row, people[row.values.get("addr_person_id") or ""].anchor)
            if obj:
                add(obj)
        except RowError as error:
            plan.reject_row(row, error)

    # Mothers.
    for row in by_table["ssd_mother"]:
        child = row.values.get("moth_childs_person_id") or ""
        if child not in people:
            plan.reject_row(
                row,
                RowError(
                    "moth_childs_person_id", f"person {child} has no ssd_person row in this family"
                ),
            )
            continue
        add(
            Obj(
                ("ssd_mother", row.key),
                Relationship,
                {"kind": RelationshipKind.PARENT},
                parents={
                    "person": people[row.values["moth_person_id"] or ""].anchor,
                    "other": people[child].anchor,
                },
                rows=[row],
            )
        )

    # The case: the family's involvement, from the first referral to the last closure.
    case = _case(plan, by_table, ctx, family.anchor)
    if case is not None:
        add(case)

    # The simple tables, in the order their parents come.
    for table in (
        "ssd_cin_episodes",
        "ssd_cin_assessments",
        "ssd_s47_enquiry",
        "ssd_cin_plans",
        "ssd_cp_plans",
        "ssd_cp_reviews",
        "ssd_cin_visits",
        "ssd_cp_visits",
        "ssd_cla_visits",
        "ssd_missing",
        "ssd_pre_proceedings",
    ):
        tmap = mapping.MAPS[table]
        for row in by_table[table]:
            try:
                values = mapped_values(tmap, row)
                parents: dict[str, Anchor] = {}
                related: dict[str, Any] = {}
                if tmap.person_field:
                    parents[tmap.person_field] = person_of(row).anchor
                if tmap.parent:
                    column, fk, parent_table = tmap.parent
                    parent_key = row.values.get(column) or ""
                    parent = objects.get((parent_table, parent_key))
                    if parent is None:
                        raise RowError(
                            column,
                            f"{column} {parent_key or '(empty)'} is not in {parent_table} for this person",
                        )
                    parents[fk] = parent.anchor
                    if table == "ssd_cp_reviews":
                        related["plan"] = tmap.model._meta.get_field("plan").related_model(
                            **parent.values
                        )
                if tmap.case_field and case is not None:
                    parents[tmap.case_field] = case.anchor
                if table == "ssd_cin_assessments":
                    values["factors"] = []
                if table == "ssd_s47_enquiry":
                    values["icpc_not_required"] = _cp_conference_flag(row) == "N"
                if table.endswith("_visits") and not values.get("seen"):
                    values["seen_alone"] = False
                instance = check(tmap.model, values, row, **related)
                add(
                    Obj(
                        (table, row.key),
                        tmap.model,
                        values,
                        parents=parents,
                        rows=[row],
                        instance=None if related else instance,
                    )
                )
            except RowError as error:
                plan.reject_row(row, error)
        if table == "ssd_cin_assessments":
            _factors(plan, by_table, objects, extra_rows)
        if table == "ssd_s47_enquiry":
            _conferences(plan, by_table, objects, extra_rows)

    _looked_after(plan, by_table, objects, people, case, home_postcodes, extra_rows, add)
    _reviews(plan, by_table, objects, people, add)
    _uasc(plan, by_table, people, add)
    _involvements(plan, by_table, ctx, case, add)
    _outcomes(plan, by_table, people, add)
    _sdq_measures(plan, by_table, people, case, ctx, add)
    _voice_of_child(plan, by_table, people, family, ctx, add)
    _permanence(plan, by_table, objects, people, add)

    # Everything else: kept as source data against the family.
    handled = set(mapping.MAPS) | set(mapping.COMBINED)
    for row in rows:
        if row.table not in handled:
            plan.warn(
                row,
                "",
                f"{row.table} is kept as source data: the product has no record for it yet",
            )
    return plan


def _load_order() -> list[str]:
    """Tables whose rows name their person first, then each after the table it hangs from."""

    def depth(name: str) -> int:
        spec = TABLES[name]
        return 0 if not spec.parent else 1 + depth(spec.parent[1])

    return sorted(TABLES, key=lambda name: (depth(name), list(TABLES).index(name)))


def _parent_chain(row: Row, objects: dict[Anchor, Obj]) -> list[Anchor]:
    spec = TABLES[row.table]
    if not spec.parent:
        return []
    column, table, _ = spec.parent
    return (
        [(table, row.values.get(column) or "")]
        if (table, row.values.get(column) or "") in objects
        else []
    )


def _cp_conference_flag(row: Row) -> str:
    raw = row.values.get("s47e_s47_outcome_json")
    if not raw:
        return ""
    try:
        loaded = json.loads(raw)
    except ValueError:
        return ""
    return str(loaded.get("CP_CONFERENCE_FLAG", "")).upper() if isinstance(loaded, dict) else ""


def _factors(
    plan: FamilyPlan, by_table: dict[str, list[Row]], objects: dict[Anchor, Obj], extra: set[Anchor]
) -> None:
    for row in by_table["ssd_assessment_factors"]:
        assessment = objects.get(
            ("ssd_cin_assessments", row.values.get("cinf_assessment_id") or "")
        )
        if assessment is None:
            plan.reject_row(
                row, RowError("cinf_assessment_id", "the assessment it names was not imported")
            )
            continue
        raw = row.values.get("cinf_assessment_factors_json") or "[]"
        try:
            loaded = json.loads(raw)
        except ValueError:
            plan.reject_row(
                row,
                RowError(
                    "cinf_assessment_factors_json",
                    "cinf_assessment_factors_json is not a JSON list of factor codes",
                ),
            )
            continue
        codes = (
            [k for k, v in loaded.items() if str(v).lower() in ("yes", "y", "true", "1")]
            if isinstance(loaded, dict)
            else list(loaded)
        )
        codes = [str(c).upper() for c in codes]
        wrong = [c for c in codes if c not in AssessmentFactor.values]
        if wrong:
            plan.reject_row(
                row,
                RowError(
                    "cinf_assessment_factors_json",
                    f"'{wrong[0][:10]}' is not an assessment factor code",
                ),
            )
            continue
        if codes and not assessment.values.get("authorised_on"):
            plan.reject_row(
                row,
                RowError(
                    "cinf_assessment_factors_json",
                    "factors are recorded once the assessment is authorised, and this one has no cina_assessment_auth_date",
                ),
            )
            continue
        assessment.values["factors"] = sorted(set(codes), key=codes.index)
        assessment.rows.append(row)
        extra.add((row.table, row.key))


def _conferences(
    plan: FamilyPlan, by_table: dict[str, list[Row]], objects: dict[Anchor, Obj], extra: set[Anchor]
) -> None:
    for row in by_table["ssd_initial_cp_conference"]:
        enquiry = objects.get(("ssd_s47_enquiry", row.values.get("icpc_s47_enquiry_id") or ""))
        if enquiry is None:
            plan.reject_row(
                row,
                RowError("icpc_s47_enquiry_id", "the section 47 enquiry it names was not imported"),
            )
            continue
        try:
            held = date(row, "icpc_icpc_date")
            target = date(row, "icpc_icpc_target_date")
            values = {**enquiry.values, "icpc_on": held, "icpc_target_on": target}
            if held:
                values["icpc_not_required"] = False
            check(enquiry.model, values, row)
        except RowError as error:
            plan.reject_row(row, error)
            continue
        enquiry.values.update(values)
        enquiry.rows.append(row)
        extra.add((row.table, row.key))


def _looked_after(plan, by_table, objects, people, case, home_postcodes, extra, add) -> None:  # type: ignore[no-untyped-def]
    placements = {r.key: r for r in by_table["ssd_cla_placement"]}
    statuses: dict[str, list[Row]] = defaultdict(list)
    for row in by_table["ssd_legal_status"]:
        statuses[row.values.get("lega_person_id") or ""].append(row)
    used_placements: set[str] = set()
    used_statuses: set[str] = set()
    for row in by_table["ssd_cla_episodes"]:
        try:
            started = date(row, "clae_cla_episode_start_date", required=True)
            ceased = date(row, "clae_cla_episode_ceased_date")
            values: dict[str, Any] = {
                "started_on": started,
                "ceased_on": ceased,
                "reason_new_episode": code(
                    LookedAfterEpisode,
                    "reason_new_episode",
                    row,
                    "clae_cla_episode_start_reason",
                    required=True,
                ),
                "need": code(
                    LookedAfterEpisode, "need", row, "clae_cla_primary_need_code", required=True
                ),
                "reason_ceased": code(
                    LookedAfterEpisode,
                    "reason_ceased",
                    row,
                    "clae_cla_episode_ceased_reason",
                    required=False,
                ),
            }
            sources = [row]
            placement = placements.get(row.values.get("clae_cla_placement_id") or "")
            if placement is None:
                raise RowError(
                    "clae_cla_placement_id",
                    "the episode's placement is not in ssd_cla_placement: a looked-after episode needs its placement type",
                )
            values["placement_type"] = code(
                LookedAfterEpisode,
                "placement_type",
                placement,
                "clap_cla_placement_type",
                required=True,
            )
            values["placement_provider"] = code(
                LookedAfterEpisode,
                "placement_provider",
                placement,
                "clap_cla_placement_provider",
                required=False,
            )
            values["placement_postcode"] = text(placement, "clap_cla_placement_postcode", 8)
            values["urn"] = text(placement, "clap_cla_placement_urn", 8)
            values["reason_place_change"] = code(
                LookedAfterEpisode,
                "reason_place_change",
                placement,
                "clap_cla_placement_change_reason",
                required=False,
            )
            sources.append(placement)
            pid = row.values.get("clae_person_id") or ""
            status = _status_at(statuses.get(pid, []), started)
            if status is None:
                raise RowError(
                    "clae_cla_episode_start_date",
                    "no ssd_legal_status row for this person covers the episode's start date",
                )
            values["legal_status"] = code(
                LookedAfterEpisode, "legal_status", status, "lega_legal_status", required=True
            )
            sources.append(status)
            values["home_postcode"] = ""
            for address_row, person in home_postcodes:
                if person == pid and date(address_row, "addr_address_start_date") == started:
                    values["home_postcode"] = text(address_row, "addr_address_postcode", 8)
                    sources.append(address_row)
            check(LookedAfterEpisode, values, row)
        except RowError as error:
            plan.reject_row(row, error)
            continue
        parents = {"child": people[pid].anchor}
        if case is not None:
            parents["case"] = case.anchor
        add(
            Obj(
                ("ssd_cla_episodes", row.key),
                LookedAfterEpisode,
                values,
                parents=parents,
                rows=sources,
            )
        )
        for source in sources[1:]:
            extra.add((source.table, source.key))
            if source.table == "ssd_cla_placement":
                used_placements.add(source.key)
            if source.table == "ssd_legal_status":
                used_statuses.add(source.key)
    for row in by_table["ssd_cla_placement"]:
        if row.key not in used_placements and (row.table, row.key) not in plan.rejected_rows:
            plan.reject_row(
                row,
                RowError(
                    "clap_cla_placement_id",
                    "no imported looked-after episode names this placement (clae_cla_placement_id)",
                ),
            )
    for row in by_table["ssd_legal_status"]:
        if row.key not in used_statuses:
            # A legal status of a child who is not looked after is kept as source data.
            plan.warn(
                row, "", "ssd_legal_status row starts no looked-after episode: kept as source data"
            )
    for row, _person in home_postcodes:
        if (row.table, row.key) not in extra:
            plan.warn(
                row,
                "",
                "a 'cla home postcode' address that starts no looked-after episode: kept as source data",
            )


def _status_at(rows: list[Row], day: dt.date) -> Row | None:
    best: tuple[dt.date, Row] | None = None
    for row in rows:
        try:
            start = date(row, "lega_legal_status_start_date")
        except RowError:
            continue
        if start is not None and start <= day and (best is None or start > best[0]):
            best = (start, row)
    return best[1] if best else None


def _reviews(plan, by_table, objects, people, add) -> None:  # type: ignore[no-untyped-def]
    cla_person: dict[str, str] = {}
    for row in by_table["ssd_cla_episodes"]:
        if row.values.get("clae_cla_id"):
            cla_person[row.values["clae_cla_id"]] = row.values.get("clae_person_id") or ""
    tmap = mapping.MAPS["ssd_cla_reviews"]
    for row in by_table["ssd_cla_reviews"]:
        try:
            pid = cla_person.get(row.values.get("clar_cla_id") or "")
            if pid is None:
                raise RowError(
                    "clar_cla_id",
                    "the period of care it names (clae_cla_id) is not in ssd_cla_episodes",
                )
            values = mapped_values(tmap, row)
            add(
                Obj(
                    ("ssd_cla_reviews", row.key),
                    tmap.model,
                    values,
                    parents={"child": people[pid].anchor},
                    rows=[row],
                )
            )
        except RowError as error:
            plan.reject_row(row, error)


def _uasc(plan, by_table, people, add) -> None:  # type: ignore[no-untyped-def]
    for row in by_table["ssd_immigration_status"]:
        status = (row.values.get("immi_immigration_status") or "").lower()
        if status not in mapping.UASC_STATUSES:
            plan.warn(row, "", "an immigration status other than UASC: kept as source data")
            continue
        try:
            since = date(row, "immi_immigration_status_start_date", required=True)
            ceased = date(row, "immi_immigration_status_end_date")
        except RowError as error:
            plan.reject_row(row, error)
            continue
        add(
            Obj(
                ("ssd_immigration_status", row.key),
                UascStatus,
                {"since": since, "ceased_on": ceased},
                parents={"child": people[row.values["immi_person_id"] or ""].anchor},
                rows=[row],
            )
        )


def _case(
    plan: FamilyPlan, by_table: dict[str, list[Row]], ctx: Context, family: Anchor
) -> Obj | None:
    """One case per family: opened at its first referral or involvement, closed at the last
    closure if nothing is still open. The SSD has no cases; the product's caseloads need one."""
    starts: list[dt.date] = []
    ends: list[dt.date | None] = []
    team: Anchor | None = None
    for table, start_col, end_col in (
        ("ssd_cin_episodes", "cine_referral_date", "cine_close_date"),
        ("ssd_cla_episodes", "clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),
        ("ssd_involvements", "invo_involvement_start_date", "invo_involvement_end_date"),
    ):
        for row in by_table[table]:
            try:
                start = date(row, start_col)
                end = date(row, end_col)
            except RowError:
                continue
            if start:
                starts.append(start)
                ends.append(end)
            if (
                table == "ssd_involvements"
                and row.values.get("invo_professional_team") in ctx.team_of
            ):
                team = ctx.team_of[row.values["invo_professional_team"] or ""]
            if (
                table == "ssd_cin_episodes"
                and team is None
                and row.values.get("cine_referral_team") in ctx.team_of
            ):
                team = ctx.team_of[row.values["cine_referral_team"] or ""]
    if not starts:
        return None
    closed = None if any(e is None for e in ends) else max(e for e in ends if e)
    reason = CaseReason.CIN
    if by_table["ssd_cla_episodes"]:
        reason = CaseReason.CLA
    elif by_table["ssd_cp_plans"]:
        reason = CaseReason.CP
    values = {
        "reason": reason,
        "opened_on": min(starts),
        "closed_on": closed,
        "closure_reason": CaseClosureReason.OTHER if closed else "",
    }
    return Obj(
        ("case", plan.key),
        Case,
        values,
        parents={"family": family, "team": team or ctx.default_team},
    )


def _involvements(plan, by_table, ctx, case, add) -> None:  # type: ignore[no-untyped-def]
    seen: dict[tuple[str, str, Any], Obj] = {}
    for row in by_table["ssd_involvements"]:
        try:
            if case is None:
                raise RowError("invo_person_id", "the family has no case to allocate")
            worker = row.values.get("invo_professional_id") or ""
            if worker not in ctx.worker_roles:
                raise RowError(
                    "invo_professional_id",
                    f"professional {worker or '(empty)'} is not in ssd_professionals",
                )
            role_text = (row.values.get("invo_professional_role_id") or "").strip()
            lead = (
                role_text.lower().endswith("(lead)") or role_text.lower() == "allocated case worker"
            )
            role_text = (
                role_text[: -len("(lead)")].strip()
                if role_text.lower().endswith("(lead)")
                else role_text
            )
            role = _ROLES.get(role_text.lower()) or ctx.worker_roles[worker]
            started = date(row, "invo_involvement_start_date", required=True)
            ended = date(row, "invo_involvement_end_date")
            if ended and started and ended < started:
                raise RowError(
                    "invo_involvement_end_date",
                    "invo_involvement_end_date is before invo_involvement_start_date",
                )
        except RowError as error:
            plan.reject_row(row, error)
            continue
        same = (worker, role, started)
        if same in seen:  # the same allocation, named once per child
            seen[same].rows.append(row)
            continue
        obj = add(
            Obj(
                ("ssd_involvements", row.key),
                Allocation,
                {"role": role, "is_lead": lead, "started_on": started, "ended_on": ended},
                parents={"case": case.anchor, "worker": ("ssd_professionals", worker)},
                rows=[row],
            )
        )
        seen[same] = obj
        if row.values.get("invo_worker_change_reason"):
            try:
                reason = code(
                    SocialWorkerChange, "reason", row, "invo_worker_change_reason", required=True
                )
            except RowError as error:
                plan.warn(
                    row, error.field, f"{error.reason}: the allocation is imported without it"
                )
                continue
            add(
                Obj(
                    ("worker_change", row.key),
                    SocialWorkerChange,
                    {"reason": reason},
                    parents={"allocation": obj.anchor},
                )
            )
    # One current lead worker a case: the SSD can name several (one per child, or overlapping
    # records); the latest to start stays the lead.
    current = sorted(
        (o for o in seen.values() if o.values["is_lead"] and o.values["ended_on"] is None),
        key=lambda o: (o.values["started_on"], o.anchor[1]),
    )
    for obj in current[:-1]:
        obj.values["is_lead"] = False
        plan.warn(
            obj.rows[0],
            "invo_professional_role_id",
            "another current lead worker started later on this family's case: this one is"
            " imported as a worker on the case, not its lead",
        )


def _role_table() -> dict[str, str]:
    from familyworkbook.teams.models import Role

    table = {str(v).lower(): str(v) for v in Role.values}
    table.update({str(label).lower(): str(value) for value, label in Role.choices})
    table["allocated case worker"] = Role.SOCIAL_WORKER
    return table


class _Roles(dict[str, str]):
    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        if not self:
            self.update(_role_table())
        return super().get(key, default)


_ROLES = _Roles()


def collection_year(day: dt.date) -> int:
    """The collection year (ending 31 March) a day falls in: 2026 for 1 April 2025 to 31 March 2026."""
    return day.year if (day.month, day.day) <= (3, 31) else day.year + 1


# ssd_cla_health.clah_health_check_type (lower case) -> LookedAfterOutcome field.
OC2_HEALTH = {
    "annual health check": "health_check",
    "health check": "health_check",
    "dental check": "teeth_check",
    "dental": "teeth_check",
    "health assessment": "health_assessment",
}


# The SSDA903's SDQ is the carer's questionnaire (SDQ 4-17, parent or carer form).
SDQ_INFORMANT = "parent"
# How an imported SDQ's scores were worked out: from its total, with no answers held.
SDQ_IMPORTED_SCORER = "ssd-total-1"


def _sdq_measures(plan, by_table, people, case, ctx, add) -> None:  # type: ignore[no-untyped-def]
    """Each SDQ total the extract holds also becomes the child's SDQ in the measures, so the
    outcome charts and evaluators' extracts read it as they read one recorded here; with no
    answers held, only the total difficulties score and its band are known.

    The same row already fills the child's OC2 year (``_outcomes``), where the SSDA903 reads
    it; a row that cannot be a measure (no case, before the case opened, a child outside the
    SDQ's ages) stays in OC2 and is reported as a caveat."""
    from familyworkbook.measures.instruments import CollectionPoint, InstrumentCode
    from familyworkbook.measures.models import MeasureResponse
    from familyworkbook.measures.scoring.sdq import score_total_only

    for row in by_table["ssd_sdq_scores"]:
        if (row.table, row.key) in plan.rejected_rows:
            continue
        score_text = row.values.get("csdq_sdq_score")
        if score_text is None:
            continue  # a reason it was not done: OC2 holds it, there is no questionnaire
        person = people.get(row.values.get("csdq_person_id") or "")
        done = date(row, "csdq_sdq_completed_date", required=True)
        if person is None or done is None:
            continue
        born = person.values.get("date_of_birth")
        age = None
        if born is not None:
            age = done.year - born.year - ((done.month, done.day) < (born.month, born.day))
        why = ""
        if case is None:
            why = "the family has no case for a questionnaire to belong to"
        elif done < case.values["opened_on"]:
            why = f"csdq_sdq_completed_date is before the case opened ({case.values['opened_on']:%d/%m/%Y})"
        elif done > ctx.as_of:
            why = "csdq_sdq_completed_date is after the extract's latest date"
        elif age is not None and not 4 <= age <= 17:
            why = f"the SDQ is for children aged 4 to 17: the child was {age}"
        if why:
            plan.warn(
                row,
                "csdq_sdq_score",
                f"kept for the SSDA903 but not added to the measures: {why}",
            )
            continue
        add(
            Obj(
                ("ssd_sdq_scores:measure", row.key),
                MeasureResponse,
                {
                    "instrument": InstrumentCode.SDQ,
                    "informant": SDQ_INFORMANT,
                    "completed_on": done,
                    "collection_point": CollectionPoint.OTHER,
                    "responses": {},
                    "scores": score_total_only(int(score_text), SDQ_INFORMANT),
                    "scorer_version": SDQ_IMPORTED_SCORER,
                },
                parents={"person": person.anchor, "case": case.anchor},
            )
        )


# ssd_voice_of_child's questions, in the words the entry shows them.
VOICE_QUESTIONS = (
    ("voch_explained_worries", "Did your worker explain their worries to you?"),
    ("voch_story_help_understand", "Did your story help you understand what is happening?"),
    ("voch_agree_worker", "Do you agree with your worker?"),
    ("voch_plan_safe", "Does your plan help you feel safe?"),
    ("voch_tablet_help_explain", "Did the tablet help you explain how you feel?"),
)


def _voice_of_child(plan, by_table, people, family, ctx, add) -> None:  # type: ignore[no-untyped-def]
    """A child's answers in ``ssd_voice_of_child`` become a Workbook entry about the child in
    the social work chapter, their answers as the child's own words.

    The SSD does not say when the child was asked or by whom: the entry is dated the
    extract's latest date, has no author, and says so."""
    from familyworkbook.workbook.models.entries import Chapter, Entry, EntryKind

    for row in by_table["ssd_voice_of_child"]:
        person = people.get(row.values.get("voch_person_id") or "")
        if person is None:
            continue  # reported by the index as an orphan
        answers = []
        try:
            for column, question in VOICE_QUESTIONS:
                answer = flag(row, column)
                if answer is not None:
                    answers.append(f"{question} {'Yes' if answer else 'No'}")
        except RowError as error:
            plan.reject_row(row, error)
            continue
        if not answers:
            plan.warn(row, "", "ssd_voice_of_child holds no answers: kept as source data only")
            continue
        add(
            Obj(
                ("ssd_voice_of_child", row.key),
                Entry,
                {
                    "chapter": Chapter.SOCIAL_WORK,
                    "happened_on": ctx.as_of,
                    "kind": EntryKind.OTHER,
                    "what_happened": (
                        "The child's answers to the voice of the child questions, as the "
                        "council's previous system held them (Standard Safeguarding Dataset "
                        f"row {row.key}). The extract does not say when or by whom the child "
                        "was asked: this entry is dated the extract's latest date."
                    ),
                    "meaning_for_child": "Not recorded in the previous system.",
                    "what_happens_next": "Not recorded in the previous system.",
                    "child_words": "\n".join(answers),
                },
                parents={"family": family.anchor},
                rows=[row],
                m2m={"tagged": [person.anchor]},
            )
        )


def _outcomes(plan, by_table, people, add) -> None:  # type: ignore[no-untyped-def]
    """OC2 (one record a child a year: SDQ, convictions, health, immunisations, substance
    misuse) and OC3 (care leavers), each from the SSD table that holds the item."""
    years: dict[tuple[str, int], Obj] = {}

    def year_of(row: Row, person: str, column: str) -> Obj:
        day = date(row, column, required=True)
        assert day is not None
        key = (person, collection_year(day))
        if key not in years:
            years[key] = add(
                Obj(
                    ("oc2", f"{person}/{key[1]}"),
                    LookedAfterOutcome,
                    {"year": key[1]},
                    parents={"child": people[person].anchor},
                )
            )
        return years[key]

    def person_of(row: Row) -> str:
        return row.values.get(TABLES[row.table].person or "") or ""

    for row in by_table["ssd_sdq_scores"]:
        try:
            score_text = row.values.get("csdq_sdq_score")
            score = None
            if score_text is not None:
                if not score_text.isdigit() or int(score_text) > 40:
                    raise RowError(
                        "csdq_sdq_score",
                        f"csdq_sdq_score '{score_text[:10]}' is not a score from 0 to 40",
                    )
                score = int(score_text)
            reason = code(LookedAfterOutcome, "sdq_reason", row, "csdq_sdq_reason", required=False)
            outcome = year_of(row, person_of(row), "csdq_sdq_completed_date")
        except RowError as error:
            plan.reject_row(row, error)
            continue
        outcome.values.update(sdq_score=score, sdq_reason=reason)
        outcome.rows.append(row)
    for row in by_table["ssd_cla_convictions"]:
        try:
            outcome = year_of(row, person_of(row), "clac_cla_conviction_date")
        except RowError as error:
            plan.reject_row(row, error)
            continue
        outcome.values["convicted"] = True
        outcome.rows.append(row)
    for row in by_table["ssd_cla_health"]:
        name = OC2_HEALTH.get((row.values.get("clah_health_check_type") or "").lower())
        try:
            if name is None:
                raise RowError(
                    "clah_health_check_type",
                    "clah_health_check_type is not an annual health check, dental check or health assessment",
                )
            status = flag(row, "clah_health_check_status", required=True)
            outcome = year_of(row, person_of(row), "clah_health_check_date")
        except RowError as error:
            plan.reject_row(row, error)
            continue
        outcome.values[name] = status
        outcome.rows.append(row)
    for row in by_table["ssd_cla_immunisations"]:
        try:
            status = flag(row, "clai_immunisations_status", required=True)
            outcome = year_of(row, person_of(row), "clai_immunisations_status_date")
        except RowError as error:
            plan.reject_row(row, error)
            continue
        outcome.values["immunisations"] = status
        outcome.rows.append(row)
    for row in by_table["ssd_cla_substance_misuse"]:
        try:
            misused = flag(row, "clas_substance_misused", required=True)
            received = flag(row, "clas_intervention_received")
            outcome = year_of(row, person_of(row), "clas_substance_misuse_date")
        except RowError as error:
            plan.reject_row(row, error)
            continue
        outcome.values.update(substance_misuse=misused, intervention_received=received)
        outcome.rows.append(row)
    for outcome in years.values():
        # The SSD lists convictions: a child with outcomes for a year and no conviction in it
        # was not convicted that year (SSDA903 OC2 needs the answer for every child of 10+).
        outcome.values.setdefault("convicted", False)
        try:
            check(LookedAfterOutcome, outcome.values, outcome.rows[0])
        except RowError as error:
            for row in outcome.rows:
                plan.reject_row(row, error)
            plan.objects.remove(outcome)
    tmap_fields = ("in_touch", "activity", "accommodation")
    for row in by_table["ssd_care_leavers"]:
        try:
            contact = date(row, "clea_care_leaver_latest_contact", required=True)
            assert contact is not None
            values: dict[str, Any] = {"year": collection_year(contact)}
            for name, column in zip(
                tmap_fields,
                (
                    "clea_care_leaver_in_touch",
                    "clea_care_leaver_activity",
                    "clea_care_leaver_accommodation",
                ),
                strict=True,
            ):
                values[name] = code(
                    CareLeaverOutcome, name, row, column, required=name == "in_touch"
                )
        except RowError as error:
            plan.reject_row(row, error)
            continue
        add(
            Obj(
                ("ssd_care_leavers", row.key),
                CareLeaverOutcome,
                values,
                parents={"child": people[person_of(row)].anchor},
                rows=[row],
            )
        )


def _permanence(plan, by_table, objects, people, add) -> None:  # type: ignore[no-untyped-def]
    """Adoption decisions (ssd_permanence) and previous permanence (ssd_cla_previous_permanence).

    The SSD does not say which period of care a previous-permanence row belongs to: a child's
    rows are paired, in key order, with the child's periods of care in start order (a period
    starts with an episode whose reason is S, "started to be looked after").
    """
    for row in by_table["ssd_permanence"]:
        try:
            decided = date(row, "perm_adm_decision_date", required=True)
            number = row.values.get("perm_number_of_adopters")
            if number is not None and not number.isdigit():
                raise RowError("perm_number_of_adopters", "perm_number_of_adopters is not a number")
            values = {
                "decided_on": decided,
                "matched_on": date(row, "perm_matched_date"),
                "with_foster_carers": flag(row, "perm_adopted_by_carer_flag"),
                "reversed_on": date(row, "perm_decision_reversed_date"),
                "reversal_reason": code(
                    AdoptionDecision,
                    "reversal_reason",
                    row,
                    "perm_decision_reversed_reason",
                    required=False,
                ),
                "adopters": code(
                    AdoptionDecision, "adopters", row, "perm_adopter_sex", required=False
                ),
                "adopters_legal_status": code(
                    AdoptionDecision,
                    "adopters_legal_status",
                    row,
                    "perm_adopter_legal_status",
                    required=False,
                ),
                "number_of_adopters": int(number) if number is not None else None,
            }
            check(AdoptionDecision, values, row)
        except RowError as error:
            plan.reject_row(row, error)
            continue
        person = row.values.get("perm_person_id") or ""
        add(
            Obj(
                ("ssd_permanence", row.key),
                AdoptionDecision,
                values,
                parents={"child": people[person].anchor},
                rows=[row],
            )
        )

    periods: dict[str, list[dt.date]] = defaultdict(list)
    for obj in plan.objects:
        if obj.model is LookedAfterEpisode and obj.values.get("reason_new_episode") == "S":
            periods[obj.parents["child"][1]].append(obj.values["started_on"])
    taken: dict[str, int] = defaultdict(int)
    for row in sorted(by_table["ssd_cla_previous_permanence"], key=lambda r: _natural(r.key)):
        person = row.values.get("lapp_person_id") or ""
        starts = sorted(periods.get(person, []))
        if taken[person] >= len(starts):
            plan.reject_row(
                row,
                RowError(
                    "lapp_person_id",
                    "no period of care of this child is left to pair this previous permanence with",
                ),
            )
            continue
        started = starts[taken[person]]
        taken[person] += 1
        try:
            order_date = row.values.get("lapp_previous_permanence_order_date") or ""
            if order_date:
                with contextlib.suppress(ValueError):  # a year or a month alone is kept
                    order_date = parse_date(order_date).strftime("%d/%m/%Y")
            values = {
                "care_started_on": started,
                "kind": code(
                    PreviousPermanence,
                    "kind",
                    row,
                    "lapp_previous_permanence_option",
                    required=True,
                ),
                "local_authority": text(row, "lapp_previous_permanence_la", 9),
                "order_date": order_date[:10],
            }
        except RowError as error:
            plan.reject_row(row, error)
            continue
        add(
            Obj(
                ("ssd_cla_previous_permanence", row.key),
                PreviousPermanence,
                values,
                parents={"child": people[person].anchor},
                rows=[row],
            )
        )


def _natural(key: str) -> tuple[Any, ...]:
    """'PRP10' after 'PRP9'."""
    import re

    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", key))
