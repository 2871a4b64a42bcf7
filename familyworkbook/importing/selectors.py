"""Reads for the import pages: the latest runs, and one run's problems a page at a time."""

from __future__ import annotations

from django.db.models import QuerySet

from familyworkbook.importing.models import ImportProblem, ImportRun

LATEST = 50


def latest_runs(limit: int = LATEST) -> QuerySet[ImportRun]:
    return ImportRun.objects.select_related("started_by").order_by("-started_at", "-pk")[:limit]


def problem_tables(run: ImportRun) -> list[str]:
    """The tables the run has problems in, for the filter."""
    return sorted(set(run.problems.values_list("table", flat=True).distinct()))


def problems(run: ImportRun, table: str = "") -> QuerySet[ImportProblem]:
    rows = run.problems.order_by("pk")
    return rows.filter(table=table) if table else rows
