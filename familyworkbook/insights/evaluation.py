"""The evaluation extract: a pseudonymised, longitudinal, child-level panel for evaluators.

What leaves the system, and what never does:

- People, families, cases, workers and teams appear only as keyed hashes (HMAC-SHA256 of the
  record's kind and id with a secret the council keeps). The same secret gives the same
  pseudonyms in every extract, so extracts link up; another secret gives unlinkable ones.
  The key stays with the council: nothing in the extract reverses it.
- No names, no addresses, no dates of birth (month of birth and age in whole years at the
  start of the period only), no free text, no record ids, no NHS numbers, UPNs or local ids.
  A postcode district (the outward code, "AB1") at most, and never that of a protected
  address: a survivor's district could lead to her. A child who has had one gets the district
  of their last home before it, so a blank never marks a child as protected (R2).
- Each family's progress through the structured programme (modules started and completed,
  sessions without a module) by the end of the period, read from the same selector as the
  family's Workbook overview, so the extract and the record agree.
- Dated outcome events (referral, re-referral, CP plan start and end, became looked after,
  pre-proceedings, care proceedings) with the case, family and team they belong to, for a
  stepped-wedge or difference-in-differences analysis.

Every row is read with `values_list` (never a model instance), so a field not named here
cannot reach the files.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Q

MIN_KEY_LENGTH = 16
CHUNK = 2000

KINDS = {"child": "C", "family": "F", "case": "K", "worker": "W", "team": "T"}


def check_key(key: str | None) -> str:
    if not key or len(key) < MIN_KEY_LENGTH:
        raise ValueError(
            f"The evaluation extract needs a secret key of at least {MIN_KEY_LENGTH} characters "
            "(--salt-file, or FWB_EVALUATION_KEY), kept by the council and reused so that "
            "extracts link up"
        )
    return key


class Pseudonyms:
    """Stable keyed hashes: `p("child", 12)` → "C-3f0a…" (16 hex digits)."""

    def __init__(self, key: str) -> None:
        self._key = check_key(key).encode()

    def __call__(self, kind: str, pk: int | None) -> str:
        if pk is None:
            return ""
        digest = hmac.new(self._key, f"{kind}:{pk}".encode(), hashlib.sha256).hexdigest()
        return f"{KINDS[kind]}-{digest[:16]}"

    def fingerprint(self) -> str:
        """Which key made an extract (for the audit), without revealing it."""
        return hmac.new(self._key, b"fingerprint", hashlib.sha256).hexdigest()[:12]


def age_in_years(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def postcode_district(postcode: str) -> str:
    """The outward code only: "AB1 2CD" → "AB1"."""
    value = (postcode or "").strip().upper()
    if " " in value:
        return value.split(" ", 1)[0]
    return value[:-3] if len(value) > 3 else ""


@dataclass
class File:
    name: str
    description: str
    columns: list[tuple[str, str]]  # (column, meaning)
    rows: Callable[[], Iterator[list[Any]]]
    count: Callable[[], int]


def _chunks(qs: Any, *fields: str) -> Iterator[tuple]:
    yield from qs.values_list(*fields).order_by("pk").iterator(chunk_size=CHUNK)


def build(date_from: dt.date, date_to: dt.date, key: str) -> list[File]:
    """The files of one extract (lazy: each file's rows are read as it is written)."""
    from familyworkbook.cases.models import (
        Allocation,
        CareProceedings,
        Case,
        CinEpisode,
        CpPlan,
        LookedAfterEpisode,
        PreProceedings,
    )
    from familyworkbook.people.models import Address, FamilyMembership, Person

    p = Pseudonyms(key)
    in_period = Q(opened_on__lte=date_to) & (
        Q(closed_on__isnull=True) | Q(closed_on__gte=date_from)
    )
    cases = Case.objects.filter(in_period, archived_at__isnull=True)
    episodes = CinEpisode.objects.filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=date_from),
        archived_at__isnull=True,
        referral_on__lte=date_to,
    )
    lac = LookedAfterEpisode.objects.filter(
        Q(ceased_on__isnull=True) | Q(ceased_on__gte=date_from),
        archived_at__isnull=True,
        started_on__lte=date_to,
    )
    child_ids = Person.objects.filter(
        Q(pk__in=episodes.values("child_id")) | Q(pk__in=lac.values("child_id")),
        archived_at__isnull=True,
    )

    # One family per child: the earliest household membership (a child in two households is
    # given the first; the events carry each case's own family).
    def family_of() -> dict[int, int]:
        found: dict[int, int] = {}
        for person_id, family_id in (
            FamilyMembership.objects.filter(person__in=child_ids, archived_at__isnull=True)
            .order_by("person_id", "pk")
            .values_list("person_id", "family_id")
            .iterator(chunk_size=CHUNK)
        ):
            found.setdefault(person_id, family_id)
        return found

    def districts() -> dict[int, str]:
        # R2: a protected address gives no district, and a blank must not mark the child as
        # protected either. A child who has ever had a protected (safe) address gets the
        # district of their last home before it, which the alleged perpetrator already
        # knows; blank then means only "not known", as for any child.
        protected_from: dict[int, dt.date] = {}
        for person_id, from_date in Address.objects.filter(
            person__in=child_ids, protected=True
        ).values_list("person_id", "from_date"):
            if person_id not in protected_from or from_date < protected_from[person_id]:
                protected_from[person_id] = from_date
        found: dict[int, str] = {}
        for person_id, postcode in (
            Address.objects.filter(
                person__in=child_ids, archived_at__isnull=True, to_date__isnull=True
            )
            .order_by("person_id", "-from_date", "-pk")
            .values_list("person_id", "postcode")
            .iterator(chunk_size=CHUNK)
        ):
            if person_id not in protected_from:
                found.setdefault(person_id, postcode_district(postcode))
        for person_id, postcode, from_date in (
            Address.objects.filter(
                person__in=list(protected_from), archived_at__isnull=True, protected=False
            )
            .order_by("person_id", "-from_date", "-pk")
            .values_list("person_id", "postcode", "from_date")
        ):
            if from_date < protected_from[person_id]:
                found.setdefault(person_id, postcode_district(postcode))
        return found

    def children() -> Iterator[list[Any]]:
        families, where = family_of(), districts()
        for pk, born, sex in _chunks(child_ids, "pk", "date_of_birth", "sex"):
            yield [
                p("child", pk),
                p("family", families.get(pk)),
                sex,
                born.month if born else "",
                age_in_years(born, date_from) if born else "",
                where.get(pk, ""),
            ]

    def case_rows() -> Iterator[list[Any]]:
        for pk, family_id, team_id, district, reason, opened, closed, why in _chunks(
            cases.select_related(None),
            "pk",
            "family_id",
            "team_id",
            "team__district__name",
            "reason",
            "opened_on",
            "closed_on",
            "closure_reason",
        ):
            yield [
                p("case", pk),
                p("family", family_id),
                p("team", team_id),
                district or "",
                reason,
                opened,
                closed or "",
                why,
            ]

    def events() -> Iterator[list[Any]]:
        def within(field: str) -> Q:
            return Q(**{f"{field}__gte": date_from, f"{field}__lte": date_to})

        case_family = {}

        def fam(case_id: int | None) -> str:
            if case_id is None:
                return ""
            if case_id not in case_family:
                case_family[case_id] = Case.objects.filter(pk=case_id).values_list(
                    "family_id", "team_id"
                )[0]
            return p("family", case_family[case_id][0])

        def team(case_id: int | None) -> str:
            return p("team", case_family[case_id][1]) if case_id is not None else ""

        def row(child: int, case: int | None, event: str, day: dt.date, code: str) -> list:
            family = fam(case)
            return [p("child", child), family, p("case", case), team(case), event, day, code]

        for child, case, day, need, re_ref in _chunks(
            CinEpisode.objects.with_re_referral().filter(
                within("referral_on"), archived_at__isnull=True
            ),
            "child_id",
            "case_id",
            "referral_on",
            "primary_need",
            "is_re_referral",
        ):
            yield row(child, case, "referral", day, need)
            if re_ref:
                yield row(child, case, "re_referral", day, need)
        for child, case, day, why in _chunks(
            episodes.filter(within("closed_on")),
            "child_id",
            "case_id",
            "closed_on",
            "closure_reason",
        ):
            yield row(child, case, "cin_closed", day, why)
        plans = CpPlan.objects.filter(archived_at__isnull=True)
        for child, case, day, category in _chunks(
            plans.filter(within("started_on")),
            "episode__child_id",
            "episode__case_id",
            "started_on",
            "initial_category",
        ):
            yield row(child, case, "cp_plan_started", day, category)
        for child, case, day, category in _chunks(
            plans.filter(within("ended_on")),
            "episode__child_id",
            "episode__case_id",
            "ended_on",
            "latest_category",
        ):
            yield row(child, case, "cp_plan_ended", day, category)
        for child, case, day, status in _chunks(
            lac.filter(within("started_on")), "child_id", "case_id", "started_on", "legal_status"
        ):
            yield row(child, case, "became_looked_after", day, status)
        for child, case, day, why in _chunks(
            lac.filter(within("ceased_on")), "child_id", "case_id", "ceased_on", "reason_ceased"
        ):
            yield row(child, case, "ceased_looked_after", day, why)
        for child, case, day in _chunks(
            PreProceedings.objects.filter(within("started_on"), archived_at__isnull=True),
            "child_id",
            "case_id",
            "started_on",
        ):
            yield row(child, case, "pre_proceedings_started", day, "")
        proceedings = CareProceedings.objects.filter(archived_at__isnull=True)
        for child, case, day in _chunks(
            proceedings.filter(within("issued_on")), "child_id", "case_id", "issued_on"
        ):
            yield row(child, case, "care_proceedings_issued", day, "")
        for child, case, day, order in _chunks(
            proceedings.filter(within("concluded_on")),
            "child_id",
            "case_id",
            "concluded_on",
            "final_order",
        ):
            yield row(child, case, "care_proceedings_concluded", day, order)

    allocations = Allocation.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=date_from),
        archived_at__isnull=True,
        started_on__lte=date_to,
        case__in=cases,
    )

    def allocation_rows() -> Iterator[list[Any]]:
        for case, worker, role, lead, start, end in _chunks(
            allocations, "case_id", "worker_id", "role", "is_lead", "started_on", "ended_on"
        ):
            yield [p("case", case), p("worker", worker), role, int(lead), start, end or ""]

    event_count = _event_count(date_from, date_to, episodes, lac)
    programme_families = cases.order_by().values("family_id").distinct()

    def programme_rows() -> Iterator[list[Any]]:
        # The family's progress as its Workbook overview shows it, by the end of the period
        # (workbook.selectors: one rule for the overview, the fidelity monitor and here).
        from familyworkbook.workbook import selectors as workbook
        from familyworkbook.workbook.models import DEFAULT_PROGRAMME, Programme

        programme = Programme.objects.latest_of(DEFAULT_PROGRAMME)
        version = f"{programme.slug} {programme.version}" if programme else ""
        ids = sorted(programme_families.values_list("family_id", flat=True))
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            progress = workbook.programme_progress_by_family(chunk, programme, until=date_to)
            for family_id in chunk:
                f = progress[family_id]
                yield [
                    p("family", family_id),
                    version,
                    f.total,
                    f.started,
                    f.completed,
                    f.sessions,
                    f.unassigned,
                ]

    return [
        File(
            "children.csv",
            "One row per child with an episode of need or of care open at any time in the period.",
            [
                ("child", "Pseudonym of the child (stable for one key)"),
                ("family", "Pseudonym of the child's first household (see cases.csv)"),
                ("sex", "M, F or U (unknown), as recorded"),
                ("month_of_birth", "Month of birth, 1-12 (the day and year are not given)"),
                ("age_at_start", "Age in whole years on the first day of the period"),
                (
                    "postcode_district",
                    "Outward code of the current address (for example AB1); for a child who has "
                    "had a protected address, of their last home before it; blank if unknown",
                ),
            ],
            children,
            child_ids.count,
        ),
        File(
            "cases.csv",
            "One row per case (a team's involvement with a family) open at any time in the period.",
            [
                ("case", "Pseudonym of the case"),
                ("family", "Pseudonym of the family"),
                ("team", "Pseudonym of the allocated team (for multilevel models)"),
                ("district", "District the team serves (the unit of a stepped-wedge roll-out)"),
                ("reason", "Reason for involvement (code)"),
                ("opened_on", "Date the case opened (YYYY-MM-DD)"),
                ("closed_on", "Date the case closed; blank while open"),
                ("closure_reason", "Reason for closing (code); blank while open"),
            ],
            case_rows,
            cases.count,
        ),
        File(
            "events.csv",
            "Dated outcome events in the period, one row each.",
            [
                ("child", "Pseudonym of the child"),
                ("family", "Pseudonym of the case's family; blank if no case"),
                ("case", "Pseudonym of the case; blank for an episode recorded without one"),
                ("team", "Pseudonym of the case's team; blank if no case"),
                (
                    "event",
                    "referral, re_referral (a referral within 12 months of an earlier episode "
                    "closing), cin_closed, cp_plan_started, cp_plan_ended, "
                    "became_looked_after, ceased_looked_after, pre_proceedings_started, "
                    "care_proceedings_issued, care_proceedings_concluded",
                ),
                ("date", "Date of the event (YYYY-MM-DD)"),
                (
                    "code",
                    "referral: primary need (N1-N9); cin_closed: closure reason; CP plan: "
                    "category of abuse; looked after: legal status or reason ceased; "
                    "proceedings concluded: final order",
                ),
            ],
            events,
            lambda: event_count,
        ),
        File(
            "allocations.csv",
            "Who worked each case in the period: one row per allocation.",
            [
                ("case", "Pseudonym of the case"),
                ("worker", "Pseudonym of the worker"),
                ("role", "The worker's role on the case (code)"),
                ("is_lead", "1 if the lead worker"),
                ("started_on", "Date the allocation started"),
                ("ended_on", "Date it ended; blank if still allocated"),
            ],
            allocation_rows,
            allocations.count,
        ),
        File(
            "programme.csv",
            "One row per family with a case open in the period: its progress through the "
            "structured programme by the end of the period, as the family's Workbook shows it.",
            [
                ("family", "Pseudonym of the family"),
                ("programme", "The programme and version the modules are counted against"),
                ("modules", "Modules in the programme"),
                ("modules_started", "Modules with at least one session"),
                ("modules_completed", "Modules with a session recorded as completing them"),
                ("module_sessions", "Sessions recorded against a module"),
                (
                    "sessions_without_module",
                    "Sessions (or group sessions) recorded without a module: not counted in "
                    "the module figures",
                ),
            ],
            programme_rows,
            programme_families.count,
        ),
    ]


def _event_count(date_from: dt.date, date_to: dt.date, episodes: Any, lac: Any) -> int:
    """An estimate for the progress line only (re-referrals are counted as they are written)."""
    from familyworkbook.cases.models import CareProceedings, CinEpisode, CpPlan, PreProceedings

    def within(field: str) -> Q:
        return Q(**{f"{field}__gte": date_from, f"{field}__lte": date_to})

    plans = CpPlan.objects.filter(archived_at__isnull=True)
    proceedings = CareProceedings.objects.filter(archived_at__isnull=True)
    return sum(
        qs.count()
        for qs in [
            CinEpisode.objects.filter(within("referral_on"), archived_at__isnull=True),
            episodes.filter(within("closed_on")),
            plans.filter(within("started_on")),
            plans.filter(within("ended_on")),
            lac.filter(within("started_on")),
            lac.filter(within("ceased_on")),
            PreProceedings.objects.filter(within("started_on"), archived_at__isnull=True),
            proceedings.filter(within("issued_on")),
            proceedings.filter(within("concluded_on")),
        ]
    )


def write(
    out: Path,
    files: Iterable[File],
    progress: Callable[[str, int, int], None] = lambda name, done, total: None,
    every: int = 5000,
) -> dict[str, int]:
    """Write each file and the data dictionary into `out`; rows written per file."""
    written: dict[str, int] = {}
    dictionary: list[list[str]] = []
    for f in files:
        total = f.count()
        progress(f.name, 0, total)
        n = 0
        with (out / f.name).open("w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow([c for c, _meaning in f.columns])
            for row in f.rows():
                writer.writerow(row)
                n += 1
                if n % every == 0:
                    progress(f.name, n, total)
        progress(f.name, n, n)
        written[f.name] = n
        dictionary.append([f.name, "", f.description])
        dictionary.extend([f.name, column, meaning] for column, meaning in f.columns)
    with (out / "data_dictionary.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["file", "column", "meaning"])
        writer.writerows(dictionary)
    return written
