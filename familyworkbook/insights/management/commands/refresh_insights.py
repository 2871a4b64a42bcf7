"""Recalculate the precomputed KPI dashboards (every scope, default period).

    manage.py refresh_insights            # now, in this process, with progress
    manage.py refresh_insights --enqueue  # as a django-tasks job for `manage.py db_worker`

A council runs it on a schedule (cron or a systemd timer, e.g. at 07:00 every day).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Recalculate the precomputed KPI dashboards for every team, district, service and the council."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="enqueue the job for the task worker instead"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from familyworkbook.insights import summaries, tasks

        if options["enqueue"]:
            result = tasks.refresh_dashboard_summaries.enqueue()
            self.stdout.write(f"Enqueued refresh_dashboard_summaries (job {result.id}).")
            return
        started = time.perf_counter()

        def progress(done: int, total: int, scope: Any) -> None:
            self.stdout.write(
                f"[{done:>4}/{total}] {scope.label} ({time.perf_counter() - started:.1f} s)"
            )

        written = summaries.refresh(progress=progress if options["verbosity"] else None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Refreshed {written} dashboards in {time.perf_counter() - started:.1f} s."
            )
        )
