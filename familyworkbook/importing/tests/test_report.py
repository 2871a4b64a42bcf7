"""The reconciliation report: counts that add up (or say they do not), and a CSV safe to open."""

from __future__ import annotations

import csv
import io

import pytest

from familyworkbook.importing import report
from familyworkbook.importing.models import ImportProblem

from .conftest import add_problem, make_run, text

INJECTION = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (INJECTION, "'" + INJECTION),
        ("+44 1223", "'+44 1223"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tlead", "'\tlead"),
        ("\rlead", "'\rlead"),
        ("ordinary = text", "ordinary = text"),
        (None, ""),
        (12, "12"),
    ],
)
def test_safe_cell_neutralises_values_a_spreadsheet_would_run(value, expected):
    assert report.safe_cell(value) == expected


def test_reconciles_only_when_every_row_read_is_accounted_for():
    assert report.reconciles(
        {"read": 4, "imported": 1, "updated": 1, "unchanged": 1, "rejected": 1}
    )
    assert not report.reconciles({"read": 5, "imported": 1, "updated": 1, "unchanged": 1})
    assert report.reconciles({})  # nothing read, nothing to account for
    assert not report.reconciles({"read": 1})


def test_totals_add_up_every_table(db):
    run = make_run()
    total = report.totals(run)
    assert total.counts == {
        "read": 16,
        "imported": 11,
        "updated": 1,
        "unchanged": 1,
        "rejected": 3,
    }
    assert total.reconciles
    # People first, then the rest by name.
    assert [row.table for row in report.table_rows(run)] == ["ssd_person", "ssd_cin_episodes"]


def test_the_csv_has_every_problem_and_escapes_a_formula(db):
    run = make_run()
    add_problem(run, key=INJECTION, reason="ssd_person row has no person id")
    add_problem(
        run,
        table="ssd_person",
        key="1234",
        line=None,
        field="",
        reason="Imported without an ethnicity: code ZZZ is not one the product knows",
        outcome=ImportProblem.Outcome.WARNING,
        family_key="",
    )
    other = make_run()
    add_problem(other, key="NOT-THIS-RUN")
    stream = io.StringIO()
    report.write_csv(run, stream)
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows[0] == ["table", "key", "line", "field", "outcome", "reason", "family"]
    assert rows[1] == [
        "ssd_cin_episodes",
        "'" + INJECTION,
        "12",
        "cine_referral_date",
        "rejected",
        "ssd_person row has no person id",
        "FAM-9",
    ]
    assert rows[2][:5] == ["ssd_person", "1234", "", "", "warning"]
    assert len(rows) == 3
    assert "NOT-THIS-RUN" not in stream.getvalue()


def test_the_html_report_says_whether_the_counts_reconcile(db):
    good = make_run()
    html = report.render_html(good)
    assert "Every count reconciles" in html and "Reconciles: no" not in text(html)
    assert "Reconciles: yes" in text(html)
    assert "<link" not in html and "<script" not in html  # standalone: nothing fetched
    bad = make_run(
        tables={
            "ssd_person": {"read": 10, "imported": 7, "updated": 0, "unchanged": 1, "rejected": 1}
        }
    )
    add_problem(bad, key="<b>9</b>", reason="person 1234 has no ssd_person row")
    html = report.render_html(bad)
    assert "The counts do not reconcile" in html
    assert "Reconciles: no" in text(html)
    assert "person 1234 has no ssd_person row" in html
    assert "&lt;b&gt;9&lt;/b&gt;" in html and "<b>9</b>" not in html


def test_the_html_report_flags_families_that_do_not_add_up(db):
    run = make_run(families={"read": 5, "imported": 3, "rejected": 1})
    assert not report.run_reconciles(run)
    assert "The counts do not reconcile" in report.render_html(run)
