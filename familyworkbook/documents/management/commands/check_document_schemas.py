"""Check document schemas: the shipped ones and the council's (FWB_DOCUMENT_SCHEMAS_DIR),
or a directory given on the command line before it is put in place."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from familyworkbook.documents import schemas


class Command(BaseCommand):
    help = "Validate document schemas (YAML): unknown fillers, duplicate sections, missing fields."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("directory", nargs="?", help="A directory of schemas to check")

    def handle(self, *args, directory=None, **options):  # type: ignore[no-untyped-def]
        dirs = [Path(directory)] if directory else schemas.schema_dirs()
        total = 0
        try:
            for d in dirs:
                for t in schemas.load_dir(d):
                    total += 1
                    written = len(t.written_sections)
                    self.stdout.write(
                        f"{t.origin}: version {t.version}, {len(t.sections)} sections "
                        f"({written} written by a professional)"
                    )
            if not directory:
                schemas.reload()
                schemas.all_types()
        except schemas.SchemaError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{total} schema(s) valid"))
