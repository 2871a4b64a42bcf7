"""`manage.py export_evaluation --out DIR [--from YYYY-MM-DD --to YYYY-MM-DD] [--salt-file F]`.

Writes the pseudonymised evaluation extract (children, cases, events, allocations and a data
dictionary; see `familyworkbook.insights.evaluation`) into DIR, showing progress, and records
it in the audit trail as a disclosure. The secret key comes from --salt-file (the file's
contents) or the FWB_EVALUATION_KEY environment variable; keep it with the council and reuse
it so that extracts link up. The files appear only when all are complete.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from familyworkbook import audit
from familyworkbook.core import clock
from familyworkbook.insights import evaluation

KEY_ENV = "FWB_EVALUATION_KEY"


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Enter dates as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Write the pseudonymised evaluation extract (CSV files and a data dictionary)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="Folder to write the files into.")
        parser.add_argument("--from", dest="date_from", help="First day (default 5 years ago).")
        parser.add_argument("--to", dest="date_to", help="Last day (default today).")
        parser.add_argument(
            "--salt-file",
            help=f"File holding the council's secret key (default: ${KEY_ENV}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = clock.today()
        date_to = _date(options["date_to"]) if options["date_to"] else today
        date_from = (
            _date(options["date_from"])
            if options["date_from"]
            else date_to.replace(year=date_to.year - 5)
        )
        if date_to < date_from:
            raise CommandError("--to must be on or after --from")
        if options["salt_file"]:
            try:
                key = Path(options["salt_file"]).read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise CommandError(f"Cannot read the key file: {exc}") from exc
        else:
            key = os.environ.get(KEY_ENV, "")
        try:
            files = evaluation.build(date_from, date_to, key)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Evaluation extract {date_from} to {date_to} into {out}")

        def progress(name: str, done: int, total: int) -> None:
            pct = f" ({100 * done // total}%)" if total else ""
            self.stdout.write(f"  {name}: {done} of {total}{pct}")
            self.stdout.flush()

        work = Path(tempfile.mkdtemp(dir=out, prefix=".extract-"))
        try:
            # One snapshot of the record, and the disclosure audited in the same transaction.
            with transaction.atomic():
                written = evaluation.write(work, files, progress)
                audit.record(
                    actor=None,
                    verb=audit.Verb.EXPORTED,
                    label="evaluation extract",
                    data={
                        "what": "evaluation extract (pseudonymised)",
                        "via": "manage.py export_evaluation",
                        "from": date_from,
                        "to": date_to,
                        "rows": written,
                        "key": evaluation.Pseudonyms(key).fingerprint(),
                        "folder": str(out),
                    },
                )
            for path in work.iterdir():
                os.replace(path, out / path.name)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        summary = ", ".join(f"{name} {n} rows" for name, n in written.items())
        self.stdout.write(self.style.SUCCESS(f"Wrote {summary} and data_dictionary.csv"))
