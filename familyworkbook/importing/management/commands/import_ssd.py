"""`manage.py import_ssd DIR`: import a council's records from a Standard Safeguarding Dataset extract.

    manage.py import_ssd /data/ssd-2026-12-01            # one CSV per SSD table
    manage.py import_ssd --database postgresql://...      # an SSD held in a database
    manage.py import_ssd /data/ssd --dry-run              # check and count, change nothing
    manage.py import_ssd /data/ssd --report /data/report  # also write report.csv and report.html

docs/importing.md is the guide for a council's data team.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyworkbook.demo.progress import Bar
from familyworkbook.importing import report
from familyworkbook.importing.models import ImportRun
from familyworkbook.importing.services import OUTCOMES, run_import


class Command(BaseCommand):
    help = (
        "Import a Standard Safeguarding Dataset extract (a folder of CSV files, or --database URL)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "directory", nargs="?", help="the folder holding ssd_person.csv and the other tables"
        )
        parser.add_argument("--database", help="read the SSD tables from this database URL instead")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count only: change nothing"
        )
        parser.add_argument("--report", help="write report.csv and report.html into this folder")

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["database"] or options["directory"]
        if not source:
            raise CommandError("Give the folder of the extract, or --database URL")
        if options["database"] and options["directory"]:
            raise CommandError("Give the folder of the extract or --database URL, not both")
        bar = Bar(self.stdout._out)  # type: ignore[attr-defined]
        started = time.monotonic()
        stage_seen: set[str] = set()

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in stage_seen:
                stage_seen.add(stage)
                self.stdout.write(stage)
            if total and stage == "Importing families":
                bar.update(done, total, time.monotonic() - started)

        run = run_import(
            source,
            database=bool(options["database"]),
            dry_run=options["dry_run"],
            progress=progress,
        )
        self.print_run(run)
        if options["report"]:
            folder = Path(options["report"])
            folder.mkdir(parents=True, exist_ok=True)
            with (folder / "report.csv").open("w", encoding="utf-8", newline="") as stream:
                report.write_csv(run, stream)
            (folder / "report.html").write_text(report.render_html(run), encoding="utf-8")
            self.stdout.write(
                f"Report written to {folder / 'report.csv'} and {folder / 'report.html'}"
            )
        if run.status != ImportRun.Status.FINISHED:
            raise CommandError(run.message or "The import did not finish")

    def print_run(self, run: ImportRun) -> None:
        what = "Dry run" if run.dry_run else "Import"
        self.stdout.write(
            f"{what} {run.pk} of {run.source}: {run.get_status_display()} in {run.seconds or 0:.1f} s"
        )
        width = max([len(t) for t in run.tables] + [12])
        self.stdout.write(
            f"{'table':<{width}} " + " ".join(f"{o:>9}" for o in OUTCOMES) + "  reconciles"
        )
        for table, counts in run.tables.items():
            cells = " ".join(f"{counts.get(o, 0):>9,}" for o in OUTCOMES)
            ok = "yes" if report.reconciles(counts) else "NO"
            self.stdout.write(f"{table:<{width}} {cells}  {ok}")
        families = run.families or {}
        self.stdout.write(
            f"{'families':<{width}} " + " ".join(f"{families.get(o, 0):>9,}" for o in OUTCOMES)
        )
        problems = run.problems.count()
        if problems:
            self.stdout.write(
                f"{problems:,} rows have a problem: see the report (--report) or the import page"
            )
        if run.message:
            self.stdout.write(run.message)
