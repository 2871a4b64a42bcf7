"""`manage.py export_csc_api --out DIR`: one DfE CSC API request body per child."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyworkbook.returns import services
from familyworkbook.returns.commands import acting_user, report_problems
from familyworkbook.returns.problems import ExportRefusedError


class Command(BaseCommand):
    help = "Export the DfE children's social care API payloads, one JSON file per child."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="the folder to write into")
        parser.add_argument("--by", default="", help="username of the person exporting")
        parser.add_argument(
            "--force", action="store_true", help="write what is valid even if some children are not"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        by = acting_user(options["by"])
        started = time.monotonic()
        self.stdout.write(
            "Building the DfE CSC API payloads and checking each against the schema..."
        )
        try:
            result = services.export_csc_api(by=by, out=options["out"], force=options["force"])
        except OSError as error:
            raise CommandError(
                f"Could not write {options['out']}: {error.strerror or error}"
            ) from None
        except ExportRefusedError as refused:
            report_problems(self.stderr, refused.problems)
            raise CommandError(
                f"Not written: {len(refused.problems)} problem(s)."
                " Fix them in the record (or use --force to leave those children out)."
            ) from None
        report_problems(self.stderr, result.problems)
        self.stdout.write(
            f"Wrote {result.documents} documents ({result.purged} purge flags) to {options['out']}"
            f" in {time.monotonic() - started:.1f} s"
        )
