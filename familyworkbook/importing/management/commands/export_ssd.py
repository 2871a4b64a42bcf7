"""`manage.py export_ssd DIR`: the county's records as a Standard Safeguarding Dataset extract.

Writes one CSV file per SSD table into DIR (created if need be), in the shape `import_ssd`
reads, and prints the rows written per table. On a terminal a progress line is redrawn as
each group of tables is written. The export is audited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyworkbook.importing.export import export_ssd

WIDTH = 30


def progress_line(step: str, done: int, total: int, seconds: float) -> str:
    """`tables 5/16 [#########---------------------]  31% elapsed 0:04 (addresses)`."""
    share = done / total if total else 1.0
    filled = int(WIDTH * share)
    seconds = max(0, int(round(seconds)))
    return (
        f"tables {done}/{total} [{'#' * filled}{'-' * (WIDTH - filled)}] {100 * share:3.0f}% "
        f"elapsed {seconds // 60}:{seconds % 60:02d} ({step})"
    )


class Command(BaseCommand):
    help = "Write the county's records as SSD CSV files (one per table) into a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="The folder to write the files into.")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        if directory.exists() and not directory.is_dir():
            raise CommandError(
                f"{directory} is a file, not a folder: give a folder for the extract"
            )
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"Cannot create the folder {directory}: {exc.strerror}") from exc

        # self.stdout wraps the real stream: the line is redrawn only on a terminal.
        out = self.stdout._out
        tty = out.isatty()
        width = 0

        def progress(step: str, done: int, total: int, seconds: float) -> None:
            nonlocal width
            if not tty:
                return
            text = progress_line(step, done, total, seconds)
            out.write("\r" + text.ljust(width) + ("\n" if done >= total else ""))
            out.flush()
            width = len(text)

        self.stdout.write(f"Exporting the SSD extract to {directory}")
        counts = export_ssd(directory, progress=progress)
        name_width = max(len(table) for table in counts)
        for table, rows in counts.items():
            self.stdout.write(f"{table.ljust(name_width)}  {rows:>10,}")
        self.stdout.write(
            f"{'total'.ljust(name_width)}  {sum(counts.values()):>10,} rows in {len(counts)} files"
        )
