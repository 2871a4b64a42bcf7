"""`manage.py demo_logins`: how to sign in as each role in the demo county."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from familyworkbook.demo.builders import DEMO_PASSWORD
from familyworkbook.teams.models import Role, Team, Worker


class Command(BaseCommand):
    help = "Print the demo users, one per role: role, username, password and team."

    def handle(self, *args: Any, **options: Any) -> None:
        workers = {
            w.user.username: w
            for w in Worker.objects.select_related("user").filter(user__username__in=Role.values)
        }
        if not workers:
            self.stdout.write("No demo users yet: run `manage.py seed_demo` first.")
            return
        teams: dict[int, list[str]] = {}
        for worker_id, name in (
            Team.objects.filter(
                posts__holder__in=workers.values(), posts__disestablished_on__isnull=True
            )
            .values_list("posts__holder_id", "name")
            .order_by("name")
            .distinct()
        ):
            teams.setdefault(worker_id, []).append(name)
        rows = [("Role", "Username", "Password", "Team")]
        for role, label in Role.choices:
            worker = workers.get(role)
            if worker is not None:
                rows.append(
                    (
                        str(label),
                        worker.user.username,
                        DEMO_PASSWORD,
                        ", ".join(teams.get(worker.pk, [])) or "-",
                    )
                )
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        for i, r in enumerate(rows):
            self.stdout.write(
                "  ".join(cell.ljust(widths[j]) if j < 3 else cell for j, cell in enumerate(r))
            )
            if i == 0:
                self.stdout.write("  ".join("-" * w for w in [*widths, len(r[3])]))
