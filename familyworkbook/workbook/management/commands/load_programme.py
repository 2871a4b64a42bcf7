"""manage.py load_programme FILE [FILE ...]: load a council's programme version(s)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyworkbook.workbook.loader import (
    ProgrammeFileError,
    load_programme_data,
    read_programme_file,
)


class Command(BaseCommand):
    help = "Load programme files (YAML or JSON): programme, modules, sessions, tools, prompts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="programme files to load")

    def handle(self, *args: Any, files: list[str], **options: Any) -> None:
        for path in files:
            self.stdout.write(f"Loading {path} …")
            try:
                result = load_programme_data(read_programme_file(path))
            except ProgrammeFileError as exc:
                raise CommandError(str(exc)) from exc
            programme = result.programme
            modules = programme.modules.count()
            if result.created:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Loaded {programme.title}, version {programme.version}: {modules} modules"
                    )
                )
            else:
                self.stdout.write(
                    f"{programme.title}, version {programme.version} is already loaded: nothing to do"
                )
