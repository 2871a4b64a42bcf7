"""`manage.py export_cin_census --year 2026 --out cin.xml`: the CIN census from the record."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyworkbook.returns import services
from familyworkbook.returns.commands import acting_user, report_problems
from familyworkbook.returns.problems import ExportRefusedError


class Command(BaseCommand):
    help = "Export the Children in Need census (DfE XML) for the year ending 31 March YEAR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="e.g. 2026 for 2025/26")
        parser.add_argument("--out", type=Path, required=True, help="the XML file to write")
        parser.add_argument("--by", default="", help="username of the person exporting")
        parser.add_argument(
            "--force", action="store_true", help="write the file even if rules would fail"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        by = acting_user(options["by"])
        started = time.monotonic()
        self.stdout.write(
            f"Building the CIN census for the year ending 31 March {options['year']}..."
        )
        try:
            census = services.export_cin_census(
                by=by, year=options["year"], out=options["out"], force=options["force"]
            )
        except OSError as error:
            raise CommandError(
                f"Could not write {options['out']}: {error.strerror or error}"
            ) from None
        except ExportRefusedError as refused:
            report_problems(self.stderr, refused.problems)
            raise CommandError(
                f"Not written: {len(refused.problems)} problem(s) would fail the DfE rules."
                " Fix them in the record (or use --force to write it anyway)."
            ) from None
        report_problems(self.stderr, census.problems)
        self.stdout.write(
            f"Wrote {options['out']}: {census.children} children, {census.episodes} episodes"
            f" in {time.monotonic() - started:.1f} s"
        )
