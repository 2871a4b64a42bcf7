"""`manage.py seed_demo`: build the demo county (see familyworkbook/demo/seeding.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from familyworkbook.demo import summary
from familyworkbook.demo.digest import data_digest
from familyworkbook.demo.progress import Bar
from familyworkbook.demo.seeding import DEFAULT_ANCHOR, database_is_empty, seed_county


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today must be a date like 2026-11-01, not {text!r}") from None


class Command(BaseCommand):
    help = (
        "Build a deterministic synthetic county: the council, its teams, posts and workers, "
        "demo users for every role, and families with several years of statutory history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--families", type=int, default=300, help="How many families (default 300)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Same seed, same county (default 1)."
        )
        parser.add_argument(
            "--today",
            type=_date,
            default=DEFAULT_ANCHOR,
            help="The date the county is seen from, YYYY-MM-DD (default 2026-11-01), so the data "
            "does not change with the clock.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and say so) if the database already holds a county.",
        )
        parser.add_argument("--quiet", action="store_true", help="Print nothing but errors.")
        parser.add_argument(
            "--no-dashboards",
            action="store_true",
            help="Do not queue the dashboards' refresh (manage.py refresh_insights does it).",
        )
        parser.add_argument(
            "--digest",
            action="store_true",
            help="Finish with a fingerprint of the data: the same seed gives the same one.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        families: int = options["families"]
        if families < 1:
            raise CommandError("--families must be at least 1")
        anchor: dt.date = options["today"]
        if anchor > dt.date.today():  # noqa: DTZ011 - a calendar date, like the model validators use
            raise CommandError("--today cannot be in the future: records would fail validation")
        quiet = options["quiet"]
        if not database_is_empty():
            if options["if_empty"]:
                if not quiet:
                    self.stdout.write(
                        "The database already holds families or teams: seed_demo left it alone."
                    )
                return
            raise CommandError(
                "The database already holds families, teams or workers. seed_demo builds a whole "
                "county into an empty database; use --if-empty to skip quietly when one exists."
            )

        # self.stdout wraps the real stream; the bar redraws in place only on a terminal.
        bar = Bar(self.stdout._out)

        def progress(stage: str, done: int, total: int, seconds: float) -> None:
            if quiet:
                return
            if stage == "county":
                self.stdout.write(f"county: {done:,} workers … {seconds:.1f} s")
            elif stage == "analyse":
                if done < total:
                    self.stdout.write("analysing the database (planner statistics) …")
                else:
                    self.stdout.write(f"analysed … {seconds:.1f} s")
            else:
                bar.update(done, total, seconds)
            self.stdout.flush()

        if not quiet:
            self.stdout.write(
                f"Seeding {families:,} families (seed {options['seed']}, as seen on {anchor:%d %B %Y})"
            )
        result = seed_county(
            families=families, seed=options["seed"], anchor=anchor, progress=progress
        )
        # The dashboards' precomputed figures (insights.DashboardSummary), as a job: the
        # demo (FWB_TASKS_IMMEDIATE) calculates them now, a deployment's db_worker does.
        from familyworkbook.insights.tasks import refresh_dashboard_summaries

        if not options["no_dashboards"]:
            refresh_dashboard_summaries.enqueue()
        if not quiet:
            self.stdout.write(summary.render(summary.collect(anchor)))
            self.stdout.write(
                f"Done in {result.seconds:.1f} s. Sign-in details: manage.py demo_logins"
            )
        if options["digest"]:
            self.stdout.write(f"Data digest: {data_digest()}")
