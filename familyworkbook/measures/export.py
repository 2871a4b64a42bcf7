"""Measures as CSV: one row per current questionnaire, for a team, a case or everyone.

Identified exports carry names and dates of birth, for the team's own use. Pseudonymised
exports, for evaluators, carry no name, date of birth, family reference, record id or worker:
each person and case is a keyed hash (HMAC-SHA256 of the id with a salt the exporter keeps,
so the same salt links exports over time and nobody without it can reverse or re-link them),
and age is whole years on the date completed.

Columns are fixed whatever the instruments exported: the answers are ``item_1`` to
``item_32`` (as many as the instrument has) and the SDQ impact items, and the scores are
every key the scorer returns for any instrument, bands flattened as ``bands_4.emotional``.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.db.models import QuerySet

from familyworkbook.measures.instruments import INFO
from familyworkbook.measures.models import MeasureResponse
from familyworkbook.measures.scoring import INSTRUMENTS, score, sdq

MIN_SALT_LENGTH = 16
MAX_ITEMS = max(instrument.items for instrument in INSTRUMENTS.values())
IMPACT_COLUMNS = ("ebddiff", "distres", "imphome", "impfrie", "imppeer", "impclas", "impleis")

IDENTIFIED = (
    "measure_id",
    "corrects_measure_id",
    "person_id",
    "first_name",
    "last_name",
    "date_of_birth",
)
PSEUDONYMISED = ("person_key",)
COMMON = (
    "age_years",
    "team",
    "instrument",
    "informant",
    "collection_point",
    "completed_on",
    "scorer_version",
)


def _flatten(scores: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in scores.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _score_columns() -> tuple[str, ...]:
    """Every score key any instrument returns, found by scoring a blank form of each."""
    columns: dict[str, None] = {}
    for code, instrument in INSTRUMENTS.items():
        blank = {str(n): None for n in range(1, instrument.items + 1)}
        informants = sdq.INFORMANTS if code == "sdq" else (None,)
        for informant in informants:
            result = score(code, items=blank, informant=informant)
            columns.update(dict.fromkeys(_flatten(result)))
    return tuple(columns)


SCORE_COLUMNS = _score_columns()
ITEM_COLUMNS = tuple(f"item_{n}" for n in range(1, MAX_ITEMS + 1))


def header(*, pseudonymise: bool) -> list[str]:
    identity = (
        PSEUDONYMISED + ("case_key",)
        if pseudonymise
        else IDENTIFIED + ("family_reference", "case_id")
    )
    return [*identity, *COMMON, *SCORE_COLUMNS, *ITEM_COLUMNS, *IMPACT_COLUMNS]


def pseudonym(salt: str, kind: str, pk: int) -> str:
    """A keyed hash of a record id: stable for one salt, unlinkable without it."""
    digest = hmac.new(salt.encode(), f"{kind}:{pk}".encode(), hashlib.sha256).hexdigest()
    return digest[:20]


def check_salt(salt: str | None) -> str:
    if not salt or len(salt) < MIN_SALT_LENGTH:
        raise ValueError(
            f"A pseudonymised export needs a salt of at least {MIN_SALT_LENGTH} characters,"
            " kept secret and reused for exports that must link up"
        )
    return salt


def _cell(value: Any) -> Any:
    """Text a spreadsheet could run as a formula starts with a quote (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return value


def row(record: MeasureResponse, *, pseudonymise: bool, salt: str | None) -> list[Any]:
    person, case = record.person, record.case
    if pseudonymise:
        assert salt is not None  # noqa: S101 - checked by check_salt before any row
        identity: list[Any] = [
            pseudonym(salt, "person", person.pk),
            pseudonym(salt, "case", case.pk),
        ]
    else:
        identity = [
            record.pk,
            record.supersedes_id,
            person.pk,
            _cell(person.first_name),
            _cell(person.last_name),
            person.date_of_birth.isoformat() if person.date_of_birth else "",
            _cell(case.family.reference),
            case.pk,
        ]
    scores = _flatten(record.scores)
    impact = dict(record.impact or {})
    values = [
        *identity,
        person.age_on(record.completed_on),
        _cell(case.team.name),
        record.instrument,
        record.informant,
        record.collection_point,
        record.completed_on.isoformat(),
        record.scorer_version,
        *(scores.get(column) for column in SCORE_COLUMNS),
        *(record.responses.get(str(n)) for n in range(1, MAX_ITEMS + 1)),
        *(impact.get(column) for column in IMPACT_COLUMNS),
    ]
    return [_cell(value) for value in values]


def rows(
    records: Iterable[MeasureResponse], *, pseudonymise: bool, salt: str | None = None
) -> Iterator[list[Any]]:
    if pseudonymise:
        check_salt(salt)
    yield header(pseudonymise=pseudonymise)
    for record in records:
        yield row(record, pseudonymise=pseudonymise, salt=salt)


def write_csv(
    out: IO[str],
    records: QuerySet[MeasureResponse],
    *,
    pseudonymise: bool,
    salt: str | None = None,
    progress: Any = None,
    every: int = 1000,
) -> int:
    """Write the CSV to ``out`` and return the number of data rows; ``progress(n)`` as it goes."""
    writer = csv.writer(out)
    count = -1
    for count, values in enumerate(
        rows(records.iterator(chunk_size=every), pseudonymise=pseudonymise, salt=salt)
    ):
        writer.writerow(values)
        if progress and count and count % every == 0:
            progress(count)
    return max(count, 0)


def instrument_names() -> dict[str, str]:
    return {code: str(meta.short_name) for code, meta in INFO.items()}
