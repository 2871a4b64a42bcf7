"""Which family records' retention has ended: a report, a CSV, and a monitoring check (R17).

    manage.py retention_review [--date YYYY-MM-DD] [--csv FILE|-] [--check]

--check exits 1 when any record has expired with no legal hold: R17's target is none.
Progress goes to stderr every chunk, for councils with tens of thousands of families.
The output names records by internal id and family reference only, never by name.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyworkbook.core import clock
from familyworkbook.retention import engine

COLUMNS = [
    "family_id",
    "reference",
    "status",
    "held",
    "rule",
    "years",
    "kept_from",
    "retention_ends",
    "record_types",
    "missing",
]


class Command(BaseCommand):
    help = "List family records whose retention has ended (R17); --check exits 1 if any lack a hold"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Assess as on this date (YYYY-MM-DD); default today")
        parser.add_argument(
            "--csv", metavar="FILE", help="Write every family's assessment as CSV ('-' for stdout)"
        )
        parser.add_argument(
            "--check", action="store_true", help="Exit 1 if any record has expired without a hold"
        )
        parser.add_argument("--chunk", type=int, default=engine.CHUNK, help=argparse_help())

    def handle(self, *args: Any, **options: Any) -> None:
        today = _date(options["date"]) if options["date"] else clock.today()
        quiet = options["verbosity"] == 0

        def progress(done: int, total: int) -> None:
            if not quiet:
                self.stderr.write(f"Assessed {done:,} of {total:,} families")

        writer = None
        handle = None
        if options["csv"]:
            handle = (
                sys.stdout
                if options["csv"] == "-"
                else open(options["csv"], "w", newline="", encoding="utf-8")  # noqa: SIM115
            )
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
        counts = {"expired": 0, "held": 0, "due": 0, "unknown": 0, "open": 0, "kept": 0}
        expired: list[engine.Assessment] = []
        try:
            for a in engine.assess_all(today=today, chunk=options["chunk"], progress=progress):
                if a.status == engine.Status.EXPIRED:
                    counts["held" if a.held else "expired"] += 1
                    if not a.held:
                        expired.append(a)
                elif a.status == engine.Status.KEPT:
                    counts["kept"] += 1
                    if a.due_within(today, engine.DUE_SOON_DAYS):
                        counts["due"] += 1
                else:
                    counts[a.status] += 1
                if writer:
                    writer.writerow(_row(a))
        finally:
            if handle is not None and handle is not sys.stdout:
                handle.close()
        out = self.stderr if options["csv"] == "-" else self.stdout
        if options["csv"] != "-":
            for a in expired:
                out.write(
                    f"Family {a.family_id} ({a.reference}): {a.rule.record_type} rule, "  # type: ignore[union-attr]
                    f"kept from {a.trigger_on}, retention ended {a.expires_on}"
                )
        out.write(
            f"On {today}: {counts['expired']} expired without a hold, {counts['held']} expired "
            f"under a hold, {counts['due']} due in {engine.DUE_SOON_DAYS} days, "
            f"{counts['unknown']} cannot be worked out, {counts['open']} open"
        )
        if options["check"] and counts["expired"]:
            raise CommandError(
                f"{counts['expired']} record(s) have expired without a legal hold", returncode=1
            )


def argparse_help() -> str:
    return f"Families assessed per batch of queries (default {engine.CHUNK})"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {text!r}") from None


def _row(a: engine.Assessment) -> list[Any]:
    return [
        a.family_id,
        a.reference,
        a.status,
        "yes" if a.held else "no",
        a.rule.record_type if a.rule else "",
        a.rule.years if a.rule else "",
        a.trigger_on or "",
        a.expires_on or "",
        " ".join(a.record_types),
        a.missing,
    ]
