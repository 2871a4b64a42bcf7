"""R17: how long the retention review takes over a whole council, and one destruction.

Usage (from the repository root, after `make setup`):

    .venv/bin/python bench/retention.py --families 20000 --database sqlite
    .venv/bin/python bench/retention.py --families 20000 --database postgres

Opens (seeding if empty) the demo county `retention_<families>` through bench/harness.py,
then times, REPEAT times:
- the review: `engine.assess_all` over every family (what the review page and
  `manage.py retention_review` do), and the number of queries it makes;
- planning and executing one family's destruction (the family with the most rows among the
  first 200, its cases closed), inside a transaction that is rolled back, so every
  repetition destroys the same rows.
Prints medians and appends them to bench/results/retention.json. Asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from harness import open_county  # noqa: E402

REPEAT = 3
TODAY = dt.date(2026, 11, 22)


class _RollbackError(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--families", type=int, default=20000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    args = parser.parse_args()
    open_county(args.database, f"retention_{args.families}", families=args.families, seed=1)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from familyworkbook.cases.models import Case
    from familyworkbook.people.models import Family
    from familyworkbook.retention import destruction, engine

    review_times, statuses, queries = [], {}, 0
    for _ in range(args.repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            found = list(engine.assess_all(today=TODAY))
        review_times.append(time.perf_counter() - started)
        queries = len(ctx.captured_queries)
        statuses = {}
        for a in found:
            key = "expired_held" if a.status == "expired" and a.held else a.status
            statuses[key] = statuses.get(key, 0) + 1

    ids = list(Family.objects.order_by("pk").values_list("pk", flat=True)[:200])
    target = max(ids, key=lambda pk: sum(destruction.rows_of(pk).values()))
    plan_times, run_times, rows = [], [], 0
    for _ in range(args.repeat):
        with contextlib.suppress(_RollbackError), transaction.atomic():
            Case.objects.filter(family_id=target, closed_on__isnull=True).update(
                closed_on=TODAY, closure_reason="RC8"
            )
            started = time.perf_counter()
            plan = destruction.plan(target)
            planned = time.perf_counter()
            counts = destruction.execute(plan)
            done = time.perf_counter()
            plan_times.append(planned - started)
            run_times.append(done - planned)
            rows = sum(counts.values())
            raise _RollbackError

    result = {
        "database": args.database,
        "families": Family.objects.count(),
        "review_median_seconds": round(statistics.median(review_times), 2),
        "review_queries": queries,
        "statuses": statuses,
        "destruction_rows": rows,
        "destruction_plan_median_seconds": round(statistics.median(plan_times), 3),
        "destruction_execute_median_seconds": round(statistics.median(run_times), 3),
        "repeat": args.repeat,
    }
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results" / "retention.json"
    data = json.loads(out.read_text()) if out.exists() else {"benchmark": "retention", "runs": []}
    data["machine"] = f"{platform.system()} {platform.machine()}, {_cpus()} CPUs"
    data["python"] = platform.python_version()
    data["runs"].append({"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **result})
    out.write_text(json.dumps(data, indent=2) + "\n")


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    main()
