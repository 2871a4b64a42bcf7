"""Prepare the load test: 50 practitioners who can sign in, written to var/bench/locust_users.json.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fwb_pages_20000 \
        .venv/bin/python bench/locust/prepare.py --users 50

Picks social workers holding a post with open cases (the most cases first, so every simulated
practitioner has a caseload to open), gives each the demo password and an authenticator device
whose secret is derived from the username as the demo users' are (familyworkbook.demo.
access_seed.ensure_device), so the locustfile can compute the code. For a benchmark database
only: it changes passwords.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "locust_users.json"))
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("FWB_ALLOW_INSECURE_KEY", "true")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count, Q

    from familyworkbook.demo.access_seed import ensure_device
    from familyworkbook.demo.builders import DEMO_PASSWORD
    from familyworkbook.teams.models import Role, Team, User, Worker

    workers = (
        Worker.objects.filter(role=Role.SOCIAL_WORKER, posts__isnull=False, left_on__isnull=True)
        .annotate(
            n=Count(
                "allocations",
                filter=Q(
                    allocations__ended_on__isnull=True, allocations__case__closed_on__isnull=True
                ),
            )
        )
        .filter(n__gt=0)
        .order_by("-n", "pk")
        .select_related("user")[: args.users]
    )
    password = make_password(DEMO_PASSWORD)  # one hash, shared: 50 hashes would take a while
    users = []
    for w in workers:
        User.objects.filter(pk=w.user_id).update(password=password)
        ensure_device(w.user)
        team = Team.objects.of_user(w.user).order_by("name").first()
        users.append({"username": w.user.username, "team": team.pk if team else None})
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(users, indent=1) + "\n")
    print(f"{len(users)} practitioners written to {out}")
    return 0 if users else 1


if __name__ == "__main__":
    sys.exit(main())
