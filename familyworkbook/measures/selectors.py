"""Reads for the measures pages, each in a fixed number of queries whatever the data size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from familyworkbook.cases.models import Case
from familyworkbook.measures import charts
from familyworkbook.measures.instruments import INFO, Informant, InstrumentCode
from familyworkbook.measures.models import MeasureResponse
from familyworkbook.measures.schedule import DONE, OVERDUE, Expected, case_schedule
from familyworkbook.people.models import FamilyMembership, MembershipKind, Person
from familyworkbook.teams.models import Team, User

# Closed cases stay on the team page for a year: long enough for the follow-up six months
# after closure to be due, become overdue and be chased.
TEAM_PAGE_CLOSED_WITHIN = dt.timedelta(days=365)


def cases_for_person(user: User, person: Person) -> QuerySet[Case]:
    """Cases of the families this person belongs to (open or closed): a measure's case."""
    return (
        Case.objects.visible_to(user)
        .filter(family__memberships__person=person, family__memberships__archived_at__isnull=True)
        .select_related("team", "family")
        .distinct()
        .order_by("-opened_on", "-pk")
    )


@dataclass
class Series:
    """One person's records of one instrument (and, for the SDQ, one informant), oldest first."""

    instrument: str
    informant: str
    records: list[MeasureResponse]

    @property
    def title(self) -> str:
        meta = INFO[self.instrument]
        if self.instrument == InstrumentCode.SDQ:
            return f"{meta.short_name}: {Informant(self.informant).label}"
        return str(meta.short_name)

    @property
    def info(self) -> Any:
        return INFO[self.instrument]

    @property
    def chart(self) -> str:
        return charts.measure_chart(self)

    @property
    def columns(self) -> list[Any]:
        """The scores the table beside the chart shows: the chart's lines."""
        meta = self.info
        if meta.chart_series:
            return [score for score in meta.scores if score.key in meta.chart_series]
        return [meta.headline]

    @property
    def table(self) -> list[dict[str, Any]]:
        keys = [score.key for score in self.columns]
        rows = []
        for record in reversed(self.records):
            cells = {row["key"]: row for row in record.score_rows()}
            rows.append({"record": record, "cells": [cells[key] for key in keys]})
        return rows


def person_series(person: Person) -> list[Series]:
    """The person's current records grouped for charts, in the instruments' order."""
    records = list(
        MeasureResponse.objects.current().filter(person=person).order_by("completed_on", "pk")
    )
    groups: dict[tuple[str, str], list[MeasureResponse]] = defaultdict(list)
    for record in records:
        informant = record.informant if record.instrument == InstrumentCode.SDQ else ""
        groups[(record.instrument, informant)].append(record)
    order = list(InstrumentCode.values)
    informants = ["", *Informant.values]
    keys = sorted(groups, key=lambda k: (order.index(k[0]), informants.index(k[1])))
    return [
        Series(instrument, informant, groups[(instrument, informant)])
        for instrument, informant in keys
    ]


def person_history(person: Person) -> list[MeasureResponse]:
    """Every record, corrections and the records they replaced included, newest first."""
    return list(
        MeasureResponse.objects.filter(person=person, archived_at__isnull=True)
        .select_related("created_by", "case__team")
        .prefetch_related("superseded_by")
        .order_by("-completed_on", "-pk")
    )


def latest_by_instrument(person: Person) -> list[MeasureResponse]:
    """The latest current record of each instrument (and SDQ informant), for the person page."""
    latest: dict[tuple[str, str], MeasureResponse] = {}
    for record in (
        MeasureResponse.objects.current().filter(person=person).order_by("-completed_on", "-pk")
    ):
        latest.setdefault((record.instrument, record.informant), record)
    order = list(InstrumentCode.values)
    return sorted(latest.values(), key=lambda r: (order.index(r.instrument), r.informant))


def _household() -> Prefetch:
    return Prefetch(
        "family__memberships",
        queryset=FamilyMembership.objects.filter(
            kind=MembershipKind.HOUSEHOLD, archived_at__isnull=True
        )
        .select_related("person")
        .filter(person__archived_at__isnull=True)
        .order_by("person__last_name", "person__first_name", "pk"),
        to_attr="household",
    )


def schedule_for_cases(cases: list[Case], today: dt.date) -> list[Expected]:
    """The schedule rows of every case given, in three queries in all."""
    if not cases:
        return []
    ids = [case.pk for case in cases]
    prefetch_related_objects(cases, _household())
    records: dict[int, list[MeasureResponse]] = defaultdict(list)
    for record in MeasureResponse.objects.current().filter(case_id__in=ids):
        records[record.case_id].append(record)
    rows: list[Expected] = []
    for case in cases:
        rows.extend(case_schedule(case, case.family.household, records[case.pk], today))
    return rows


def case_schedule_rows(case: Case, today: dt.date) -> list[Expected]:
    return schedule_for_cases([case], today)


def team_cases(user: User, team: Team, today: dt.date) -> list[Case]:
    return list(
        Case.objects.visible_to(user)
        .filter(team=team)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=today - TEAM_PAGE_CLOSED_WITHIN))
        .select_related("family", "team")
        .order_by("family__name", "pk")
    )


@dataclass
class TeamSchedule:
    outstanding: list[Expected]
    overdue: int
    due: int
    done: int
    cases: int


def team_schedule(user: User, team: Team, today: dt.date) -> TeamSchedule:
    cases = team_cases(user, team, today)
    rows = schedule_for_cases(cases, today)
    outstanding = [row for row in rows if row.status != DONE]
    outstanding.sort(key=lambda row: (row.status != OVERDUE, row.point.target_on))
    return TeamSchedule(
        outstanding=outstanding,
        overdue=sum(1 for row in rows if row.status == OVERDUE),
        due=sum(1 for row in outstanding if row.status != OVERDUE),
        done=sum(1 for row in rows if row.status == DONE),
        cases=len(cases),
    )


def export_queryset(
    user: User | None, *, team: Team | None = None, case: Case | None = None
) -> QuerySet[MeasureResponse]:
    """Current records for an export (``user`` None: the command line, which sees everything)."""
    records = MeasureResponse.objects.current()
    if user is not None:
        records = records.filter(person__in=Person.objects.visible_to(user))
    if team is not None:
        records = records.filter(case__team=team)
    if case is not None:
        records = records.filter(case=case)
    return records.select_related("person", "case__team", "case__family").order_by(
        "case__team__name", "case_id", "person_id", "completed_on", "pk"
    )


def latest_sdq_totals(
    person_ids: list[int], *, on_or_before: dt.date, informant: str = Informant.PARENT
) -> dict[int, tuple[int, dt.date]]:
    """Each child's latest scored SDQ total difficulties by ``on_or_before``, in one query.

    For the returns (SSDA903 ``SDQ_SCORE`` is the carer-completed SDQ's total): person id ->
    (total, date completed). Children with no scored SDQ by then are left out; the return
    decides the reason code (``SDQ_REASON``).
    """
    latest: dict[int, tuple[int, dt.date]] = {}
    records = (
        MeasureResponse.objects.current()
        .filter(
            person_id__in=person_ids,
            instrument=InstrumentCode.SDQ,
            informant=informant,
            completed_on__lte=on_or_before,
        )
        .order_by("person_id", "-completed_on", "-pk")
        .only("person_id", "completed_on", "scores")
    )
    for record in records:
        total = record.scores.get("total_difficulties")
        if record.person_id not in latest and isinstance(total, int):
            latest[record.person_id] = (total, record.completed_on)
    return latest
