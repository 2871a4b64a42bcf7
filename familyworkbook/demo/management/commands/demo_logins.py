"""`manage.py demo_logins`: how to sign in as each role in the demo county.

Every account signs in with a password and a code from an authenticator app. For the demo,
each user gets an authenticator device whose secret is printed here (add it to any TOTP app,
or use the code printed, valid for about 30 seconds). It also makes sure the partners'
information-sharing agreements and the information-governance demo user exist.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from familyworkbook.demo import access_seed
from familyworkbook.demo.builders import DEMO_PASSWORD
from familyworkbook.teams.models import Role, Team, Worker


class Command(BaseCommand):
    help = (
        "Print the demo users, one per role: role, username, password, team and the secret "
        "for their authenticator app."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        workers = {
            w.user.username: w
            for w in Worker.objects.select_related("user").filter(user__username__in=Role.values)
        }
        if not workers:
            self.stdout.write("No demo users yet: run `manage.py seed_demo` first.")
            return
        access_seed.ensure_agreements()
        access_seed.ensure_information_governance()
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
        rows = [("Role", "Username", "Password", "Authenticator secret", "Code now", "Team")]
        for role, label in Role.choices:
            worker = workers.get(role)
            if worker is None:
                continue
            device = access_seed.ensure_device(worker.user)
            rows.append(
                (
                    str(label),
                    worker.user.username,
                    DEMO_PASSWORD,
                    access_seed.secret_of(device),
                    f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}",
                    ", ".join(teams.get(worker.pk, [])) or "-",
                )
            )
        last = len(rows[0]) - 1
        widths = [max(len(r[i]) for r in rows) for i in range(last)]
        for i, r in enumerate(rows):
            self.stdout.write(
                "  ".join(cell.ljust(widths[j]) if j < last else cell for j, cell in enumerate(r))
            )
            if i == 0:
                self.stdout.write("  ".join("-" * w for w in [*widths, len(r[last])]))
        self.stdout.write(
            "\nAdd the secret to an authenticator app (TOTP, 6 digits, 30 seconds), or type the "
            "code shown if you sign in within half a minute. Performance officer ('performance') "
            "is in the information governance group: audit search and subject access drafts."
        )
