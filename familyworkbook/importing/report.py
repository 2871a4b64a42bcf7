"""The reconciliation report of an import run: counts that must add up, and every problem row.

- `write_csv(run, stream)`: one line per problem (table, key, line, field, outcome, reason,
  family), every cell through `safe_cell`, so a value such as ``=cmd|' /C calc'!A0`` from the
  extract opens in a spreadsheet as text, never as a formula.
- `render_html(run)`: the same report as one standalone HTML file (its CSS inline, nothing
  fetched), for the data team to keep with the extract.
- `reconciles(counts)`: read = imported + updated + unchanged + rejected.
- `totals(run)` and `table_rows(run)`: the sums and per-table rows the report and the import
  page show.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.template.loader import render_to_string

from familyworkbook.importing import reader, spec
from familyworkbook.importing.models import ImportProblem, ImportRun

OUTCOMES = ("imported", "updated", "unchanged", "rejected")
COUNTS = ("read", *OUTCOMES)
CSV_COLUMNS = ("table", "key", "line", "field", "outcome", "reason", "family")


def safe_cell(value: Any) -> str:
    """The value as text for the CSV, through the reader's rule for formula-like values (one
    rule for the whole app): "'" in front of one starting = + - @, a tab or a carriage return."""
    return reader.safe_cell("" if value is None else str(value))


def counts_of(counts: Mapping[str, Any] | None) -> dict[str, int]:
    """The five counts, each a whole number (0 where the run recorded none)."""
    counts = counts or {}
    result = {}
    for name in COUNTS:
        try:
            result[name] = int(counts.get(name) or 0)
        except (TypeError, ValueError):
            result[name] = 0
    return result


def reconciles(counts: Mapping[str, Any] | None) -> bool:
    """Every row read is accounted for once: read = imported + updated + unchanged + rejected."""
    c = counts_of(counts)
    return c["read"] == sum(c[name] for name in OUTCOMES)


def _table_order(names: Iterable[str]) -> list[str]:
    """People first (every other row hangs off a person), then the rest by name."""
    return sorted(names, key=lambda name: (name != spec.PERSON, name))


@dataclass(frozen=True)
class TableRow:
    table: str
    read: int
    imported: int
    updated: int
    unchanged: int
    rejected: int

    @property
    def reconciles(self) -> bool:
        return self.read == self.imported + self.updated + self.unchanged + self.rejected

    @property
    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in COUNTS}


def table_rows(run: ImportRun) -> list[TableRow]:
    """One row per table the run read: ssd_person first, then by name."""
    tables = run.tables or {}
    return [TableRow(table=name, **counts_of(tables[name])) for name in _table_order(tables)]


def totals(run: ImportRun) -> TableRow:
    """The counts of every table added up."""
    sums = dict.fromkeys(COUNTS, 0)
    for row in table_rows(run):
        for name in COUNTS:
            sums[name] += getattr(row, name)
    return TableRow(table="", **sums)


def families(run: ImportRun) -> TableRow:
    return TableRow(table="", **counts_of(run.families))


def run_reconciles(run: ImportRun) -> bool:
    """Every table, and the families, add up."""
    return all(row.reconciles for row in table_rows(run)) and families(run).reconciles


def _problem_cells(problem: ImportProblem) -> list[str]:
    values = [
        problem.table,
        problem.key,
        "" if problem.line is None else problem.line,
        problem.field,
        problem.outcome,
        problem.reason,
        problem.family_key,
    ]
    return [safe_cell(value) for value in values]


def write_csv(run: ImportRun, stream: IO[str]) -> None:
    """Every problem of the run as CSV (a header line first), streamed from the database."""
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for problem in run.problems.order_by("pk").iterator(chunk_size=2000):
        writer.writerow(_problem_cells(problem))


def render_html(run: ImportRun) -> str:
    """The report as a standalone HTML page (inline CSS, no scripts, nothing fetched)."""
    rows = table_rows(run)
    return render_to_string(
        "importing/report.html",
        {
            "run": run,
            "rows": rows,
            "totals": totals(run),
            "families": families(run),
            "all_reconcile": run_reconciles(run),
            "problems": run.problems.order_by("pk"),
        },
    )
