"""Access and audit figures: the family page with and without auditing, sign-in timing for
real and made-up usernames (R11), and searching a protected value vs a missing one (R3).

Usage (from the repository root, after `make setup`):

    .venv/bin/python bench/access.py --families 20000 --database postgres
    .venv/bin/python bench/access.py --families 2000 --database sqlite

It uses bench/pages.py's databases (SQLite var/bench/pages_<N>.sqlite3, PostgreSQL
fwb_pages_<N>), migrating them and seeding `seed_demo --families N --seed 1` only if empty.
Requests go in-process through Django's test client (middleware, session, queries,
templates; no network or WSGI server).

- Family page: the `social_worker` demo user opens random families in their scope, REPEAT
  times with auditing as built (every read writes a hash-chained event under the chain-head
  lock), then REPEAT times with `audit.record` replaced by a no-op. Alternating blocks, so
  machine load falls on both alike.
- Sign-in (R11, ASVS 6.3.8): failed password attempts for existing usernames and for
  made-up ones, alternating, each from its own client address so django-axes' lockout does
  not cut the work short. Median and the difference of medians.
- Search (R3): the people search for a protected address's postcode vs a postcode that
  exists nowhere, as the same user.

A benchmark, not a test: it asserts nothing about time. Results go to bench/results/access.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _median_ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 1)


def _p95_ms(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=20000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--repeat", type=int, default=100, help="family page requests per mode")
    parser.add_argument("--logins", type=int, default=30, help="sign-in attempts per kind")
    parser.add_argument("--searches", type=int, default=40, help="searches per kind")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from harness import database_url  # same databases as bench/pages.py

    os.environ["DATABASE_URL"] = database_url(args.database, f"pages_{args.families}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("FWB_ALLOW_INSECURE_KEY", "true")
    os.environ.setdefault("FWB_SECURE_COOKIES", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from familyworkbook.audit import services as audit_services
    from familyworkbook.audit.models import AuditEvent
    from familyworkbook.cases.models import Case
    from familyworkbook.people.models import Address, Family
    from familyworkbook.teams.models import User

    print(f"database: {args.database} ({connection.vendor}); families wanted: {args.families:,}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s")
    if not Family.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", families=args.families, seed=args.seed)
        print(f"seeded in {time.perf_counter() - started:.1f} s")
    families = Family.objects.count()
    print(f"families: {families:,}; audit events so far: {AuditEvent.objects.count():,}")
    user = User.objects.get(username="social_worker")
    from conftest import sign_in

    client = sign_in(Client(), user)
    rng = random.Random(args.seed)
    visible = list(Case.objects.visible_to(user).open().values_list("family_id", flat=True)[:5000])
    results: dict[str, object] = {}

    # --- Family page, with and without auditing -------------------------------------------
    real_record = audit_services.record

    def no_audit(*a, **k):  # type: ignore[no-untyped-def]
        return None

    timings: dict[str, list[float]] = {"audited": [], "not audited": []}
    client.get(reverse("cases:family", args=[visible[0]]))
    block = 10
    for start in range(0, args.repeat, block):
        for mode in ("audited", "not audited"):
            audit_services.record = real_record if mode == "audited" else no_audit
            try:
                for _ in range(min(block, args.repeat - start)):
                    url = reverse("cases:family", args=[rng.choice(visible)])
                    began = time.perf_counter()
                    response = client.get(url)
                    timings[mode].append(time.perf_counter() - began)
                    if response.status_code != 200:
                        print(f"{url} answered {response.status_code}", file=sys.stderr)
                        return 1
            finally:
                audit_services.record = real_record
    family = {
        mode: {"requests": len(t), "median_ms": _median_ms(t), "p95_ms": _p95_ms(t)}
        for mode, t in timings.items()
    }
    family["audit_cost_median_ms"] = round(
        family["audited"]["median_ms"] - family["not audited"]["median_ms"], 1
    )
    results["family_page"] = family
    for mode in ("audited", "not audited"):
        print(
            f"family page, {mode:11}: median {family[mode]['median_ms']:7.1f} ms   "
            f"p95 {family[mode]['p95_ms']:7.1f} ms   ({family[mode]['requests']} requests)"
        )

    # --- Sign-in timing for real and made-up usernames (R11) ------------------------------
    existing = list(
        User.objects.filter(is_active=True)
        .order_by("?")
        .values_list("username", flat=True)[: args.logins]
    )
    login = reverse("login")
    tries: dict[str, list[float]] = {"existing username": [], "made-up username": []}
    for n in range(args.logins):
        pairs = [
            ("existing username", existing[n % len(existing)]),
            ("made-up username", f"nobody-{rng.randrange(10**9)}"),
        ]
        rng.shuffle(pairs)
        for kind, username in pairs:
            address = f"10.{n // 250}.{n % 250}.{1 if kind.startswith('existing') else 2}"
            anonymous = Client(REMOTE_ADDR=address)
            began = time.perf_counter()
            response = anonymous.post(
                login, {"username": username, "password": "not-the-password-1234"}
            )
            tries[kind].append(time.perf_counter() - began)
            if response.status_code not in (200, 429):
                print(f"sign-in answered {response.status_code}", file=sys.stderr)
    signin = {
        kind: {"attempts": len(t), "median_ms": _median_ms(t), "p95_ms": _p95_ms(t)}
        for kind, t in tries.items()
    }
    signin["difference_of_medians_ms"] = round(
        signin["existing username"]["median_ms"] - signin["made-up username"]["median_ms"], 1
    )
    results["sign_in"] = signin
    for kind in tries:
        print(f"failed sign-in, {kind:17}: median {signin[kind]['median_ms']:7.1f} ms")
    print(f"  difference of medians: {signin['difference_of_medians_ms']} ms (R3/R11 target < 20)")

    # --- Search: a protected value vs a missing one (R3) ----------------------------------
    protected = Address.objects.filter(protected=True).values_list("postcode", flat=True).first()
    search = reverse("people:search")
    if protected:
        found: dict[str, list[float]] = {"protected postcode": [], "missing postcode": []}
        for _ in range(args.searches):
            for kind, query in (("protected postcode", protected), ("missing postcode", "ZZ8 8ZZ")):
                began = time.perf_counter()
                client.get(search, {"q": query})
                found[kind].append(time.perf_counter() - began)
        searched = {k: {"median_ms": _median_ms(v)} for k, v in found.items()}
        searched["difference_of_medians_ms"] = round(
            searched["protected postcode"]["median_ms"] - searched["missing postcode"]["median_ms"],
            1,
        )
        results["search"] = searched
        print(
            f"people search: protected postcode {searched['protected postcode']['median_ms']} ms, "
            f"missing {searched['missing postcode']['median_ms']} ms "
            f"(difference {searched['difference_of_medians_ms']} ms)"
        )
    else:
        print("people search: no protected address in this database; not measured")

    out = ROOT / "bench" / "results" / "access.json"
    history = json.loads(out.read_text()) if out.exists() else []
    history.append(
        {
            "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "database": args.database,
            "families": families,
            "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
            "load_average": os.getloadavg()[0],
            "results": results,
        }
    )
    out.write_text(json.dumps(history, indent=2) + "\n")
    print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
