"""Exporting returns: statutory disclosures to the DfE, so each is a service and audited.

Each export builds the return from the record, refuses when the record would give an invalid
return (naming the child, the field and the rule), and otherwise, in one transaction, writes
the file(s), one audit event (verb exported: the council disclosed these children's data, to
whom and why) and one sharing-log row per child sent (`access.SharingRecord` on the child's
family), so the family's sharing log and a subject access request show the return too.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
from django.conf import settings
from django.db import transaction

from familyworkbook import audit
from familyworkbook.access.models import Decision, LawfulBasis, SharingRecord
from familyworkbook.core import clock
from familyworkbook.people.models import FamilyMembership
from familyworkbook.returns.cin import CinCensus, build_cin_census
from familyworkbook.returns.csc_api import build_documents, request_schema
from familyworkbook.returns.periods import CollectionYear
from familyworkbook.returns.problems import ExportRefusedError, Problem
from familyworkbook.returns.ssda903 import COLUMNS, FILE_NAMES, Ssda903, build_ssda903

RECIPIENT = "Department for Education"
LAWFUL_BASIS = "Children Act 1989 s.83; Education Act 1996 s.537A (statutory return)"
WITHOUT_CONSENT = (
    "A statutory return: the council must send it (Children Act 1989 s.83), so consent is not"
    " the basis and is not asked for."
)


def _record_disclosures(*, by: Any, label: str, person_ids: list[int], out: Path) -> dict[str, int]:
    """One sharing-log row per child in the return, on one of the child's families.

    Rows are bulk-created in the export's transaction (a county's return is thousands of
    children); the export's one audit event carries the count. A child in no family (there
    should be none) cannot be logged on a family's page: counted in the audit event instead.
    """
    family_of: dict[int, int] = {}
    for person_id, family_id in (
        FamilyMembership.objects.filter(person_id__in=person_ids, archived_at__isnull=True)
        .order_by("person_id", "-pk")
        .values_list("person_id", "family_id")
    ):
        family_of.setdefault(person_id, family_id)
    today = clock.today()
    rows = []
    for person_id in person_ids:
        if person_id not in family_of:
            continue
        row = SharingRecord(
            family_id=family_of[person_id],
            person_id=person_id,
            decision=Decision.SHARED,
            what=label,
            recipient=RECIPIENT,
            purpose=f"{label}: statutory return",
            lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
            decided_on=today,
            # R6: no consent is relied on, so the record says why it is shared without it.
            override_reason=WITHOUT_CONSENT,
            path=str(out)[:500],
        )
        row.stamp(by)
        rows.append(row)
    SharingRecord.objects.bulk_create(rows, batch_size=1000)
    return {"sharing_records": len(rows), "children_in_no_family": len(person_ids) - len(rows)}


def _audit_export(
    *, by: Any, label: str, data: dict[str, Any], person_ids: list[int], out: Path
) -> None:
    data = {**data, **_record_disclosures(by=by, label=label, person_ids=person_ids, out=out)}
    audit.record(
        actor=by,
        verb=audit.Verb.EXPORTED,
        label=label,
        data={
            "recipient": RECIPIENT,
            "purpose": label,
            "lawful_basis": LAWFUL_BASIS,
            **data,
        },
    )


def _check(problems: list[Problem], force: bool) -> None:
    if problems and not force:
        raise ExportRefusedError(problems)


@transaction.atomic
def export_cin_census(*, by: Any, year: int, out: Path, force: bool = False) -> CinCensus:
    """Write the CIN census for the year ending 31 March `year` to `out`.

    Raises ExportRefusedError, writing nothing, if the record would break a DfE rule; with
    force=True writes it anyway (the caller shows the problems).
    """
    census = build_cin_census(CollectionYear(year))
    _check(census.problems, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(census.xml)
    _audit_export(
        by=by,
        label=f"CIN census {census.year.label}",
        data={
            "return": "cin_census",
            "year": year,
            "la": settings.COUNCIL_DFE_LA_NUMBER,
            "children": census.children,
            "episodes": census.episodes,
            "problems": len(census.problems),
            "sha256": hashlib.sha256(census.xml).hexdigest(),
        },
        person_ids=census.person_ids,
        out=out,
    )
    return census


def write_ssda903_tables(result: Ssda903, out: Path) -> dict[str, int]:
    """Write every table as UTF-8 CSV (all tables, even empty ones); return rows per file."""
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table, columns in COLUMNS.items():
        name = FILE_NAMES[table]
        with (out / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(result.tables[table])
        counts[name] = len(result.tables[table])
    return counts


@transaction.atomic
def export_ssda903(
    *, by: Any, year: int, out: Path, force: bool = False
) -> tuple[Ssda903, dict[str, int]]:
    """Write the SSDA903 tables for the year ending 31 March `year` into the folder `out`."""
    result = build_ssda903(CollectionYear(year))
    _check(result.problems, force)
    counts = write_ssda903_tables(result, out)
    digest = hashlib.sha256()
    for name in sorted(counts):
        digest.update((out / name).read_bytes())
    _audit_export(
        by=by,
        label=f"SSDA903 {result.year.label}",
        data={
            "return": "ssda903",
            "year": year,
            "la": settings.COUNCIL_ONS_CODE,
            "children": result.children,
            "rows": counts,
            "protected_postcodes": result.protected_postcodes,
            "problems": len(result.problems),
            "sha256": digest.hexdigest(),
        },
        person_ids=result.person_ids,
        out=out,
    )
    return result, counts


def csc_validator() -> jsonschema.protocols.Validator:
    schema = request_schema()
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@dataclass
class CscExport:
    documents: int = 0
    purged: int = 0
    problems: list[Problem] = field(default_factory=list)


@transaction.atomic
def export_csc_api(*, by: Any, out: Path, force: bool = False) -> CscExport:
    """Write one DfE CSC API request body per child into `out`, each checked against the spec.

    A document that does not match the DfE's schema is a problem like any other: named, and
    the export refused (or, forced, that child left out).
    """
    result = CscExport()
    validator = csc_validator()
    ready: list[tuple[str, bytes]] = []
    sent: list[int] = []
    for child, body, problems in build_documents():
        result.problems += problems
        if body is None:
            continue
        for error in validator.iter_errors(body):
            path = "/".join(str(p) for p in error.absolute_path)
            result.problems.append(
                Problem(
                    "DfE CSC API",
                    "schema",
                    path or "document",
                    f"Does not match the DfE's schema: {error.message}",
                    child.pk,
                    child.la_child_id,
                )
            )
            body = None
        if body is None:
            continue
        result.purged += 1 if body[0].get("purge") else 0
        ready.append((child.la_child_id, json.dumps(body, indent=1, sort_keys=False).encode()))
        sent.append(child.pk)
    _check(result.problems, force)
    out.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    for la_child_id, content in ready:
        (out / f"{la_child_id}.json").write_bytes(content)
        digest.update(content)
    result.documents = len(ready)
    _audit_export(
        by=by,
        label="DfE children's social care API payloads",
        data={
            "return": "csc_api",
            "la": settings.COUNCIL_DFE_LA_NUMBER,
            "children": result.documents,
            "purged": result.purged,
            "problems": len(result.problems),
            "sha256": digest.hexdigest(),
        },
        person_ids=sent,
        out=out,
    )
    return result
