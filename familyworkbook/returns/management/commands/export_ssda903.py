"""`manage.py export_ssda903 --year 2026 --out DIR`: the SSDA903 return as the DfE's CSV tables."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyworkbook.returns import services
from familyworkbook.returns.commands import acting_user, report_problems
from familyworkbook.returns.problems import ExportRefusedError


class Command(BaseCommand):
    help = "Export the SSDA903 return (CSV tables) for the year ending 31 March YEAR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="e.g. 2026 for 2025/26")
        parser.add_argument("--out", type=Path, required=True, help="the folder to write into")
        parser.add_argument("--by", default="", help="username of the person exporting")
        parser.add_argument(
            "--force", action="store_true", help="write the files even if rules would fail"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        by = acting_user(options["by"])
        started = time.monotonic()
        self.stdout.write(
            f"Building the SSDA903 return for the year ending 31 March {options['year']}"
            f" for LA {settings.COUNCIL_ONS_CODE} (ONS code, from FWB_COUNCIL_ONS_CODE)..."
        )
        try:
            result, counts = services.export_ssda903(
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
        report_problems(self.stderr, result.problems)
        for name, rows in counts.items():
            self.stdout.write(f"  {name:<28} {rows:>7} rows")
        self.stdout.write(
            f"Wrote {len(counts)} files to {options['out']} for LA {settings.COUNCIL_ONS_CODE}:"
            f" {result.children} children in {time.monotonic() - started:.1f} s"
        )
