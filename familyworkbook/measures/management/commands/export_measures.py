"""`manage.py export_measures --out FILE.csv [--team ID] [--case ID] [--pseudonymise --salt S]`.

Writes the current questionnaires (corrections replace what they correct) as CSV, audited as
an export. Pseudonymised output has no names, dates of birth, family references or record
ids: people and cases are HMAC-SHA256 keys of their ids with the salt, and age is in whole
years on the date completed. Keep the salt secret, and reuse it when exports must link up.
The file appears only when complete (written beside it, then renamed).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from familyworkbook import audit
from familyworkbook.cases.models import Case
from familyworkbook.measures import export, selectors
from familyworkbook.teams.models import Team


class Command(BaseCommand):
    help = "Export recorded measures as CSV, identified or pseudonymised for evaluation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="The CSV file to write.")
        parser.add_argument("--team", type=int, help="Only this team's cases (team id).")
        parser.add_argument("--case", type=int, help="Only this case (case id).")
        parser.add_argument(
            "--pseudonymise",
            action="store_true",
            help="No names or dates of birth; people and cases as keyed hashes.",
        )
        parser.add_argument(
            "--salt",
            help=f"Secret key for the hashes (at least {export.MIN_SALT_LENGTH} characters).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pseudonymise: bool = options["pseudonymise"]
        salt: str | None = options["salt"]
        if salt and not pseudonymise:
            raise CommandError("--salt is only used with --pseudonymise")
        if pseudonymise:
            try:
                export.check_salt(salt)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        team = case = None
        if options["team"] is not None:
            team = Team.objects.filter(pk=options["team"]).first()
            if team is None:
                raise CommandError(f"No team with id {options['team']}")
        if options["case"] is not None:
            case = Case.objects.filter(pk=options["case"]).first()
            if case is None:
                raise CommandError(f"No case with id {options['case']}")
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"No such folder: {out.parent}")

        records = selectors.export_queryset(None, team=team, case=case)
        total = records.count()
        self.stdout.write(f"Exporting {total} questionnaires to {out}...")

        def progress(done: int) -> None:
            self.stdout.write(f"  {done} of {total}")

        handle, temp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
        try:
            with transaction.atomic():
                with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
                    count = export.write_csv(
                        stream, records, pseudonymise=pseudonymise, salt=salt, progress=progress
                    )
                audit.record(
                    actor=None,
                    verb=audit.Verb.EXPORTED,
                    target=case or team,
                    label="measures export",
                    data={
                        "what": "measures",
                        "via": "manage.py export_measures",
                        "team": team.pk if team else None,
                        "case": case.pk if case else None,
                        "pseudonymised": pseudonymise,
                        "rows": count,
                        "file": out.name,
                    },
                )
            os.replace(temp_name, out)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        kind = "pseudonymised" if pseudonymise else "identified"
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} rows ({kind}) to {out}"))
