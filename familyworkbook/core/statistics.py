"""Planner statistics: analyse the database after `migrate` and after every bulk load.

PostgreSQL plans from the statistics ANALYZE gathers (`pg_class.reltuples`, `pg_statistic`).
After a bulk load autovacuum would gather them only some time later, and until then a table of
a million rows looks empty to the planner: "My caseload" took 1.4 s on a freshly seeded
20,000-family county, 127 ms after ANALYZE (issue 15). So every bulk loader (the demo seeder,
the SSD import) ends with `analyse()`, and `migrate` does too (`core.apps`, once per run).

SQLite gets `ANALYZE` too, bounded by `PRAGMA analysis_limit` so it reads a sample of each
index rather than all of it: its planner uses the resulting `sqlite_stat1` the same way, and
a bounded ANALYZE costs milliseconds on the demo county. docs/operations.md ("Planner
statistics and autovacuum") says what a council should keep running in production.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections

# Rows SQLite reads from each index when analysing (its documented "a few hundred to a few
# thousand" range: close enough for the planner, fast whatever the table's size).
SQLITE_ANALYSIS_LIMIT = 1000


def analyse(tables: Iterable[str] | None = None, *, using: str = DEFAULT_DB_ALIAS) -> float:
    """ANALYZE the whole database (or just `tables`); returns the seconds it took.

    Call it at the end of any bulk load, after its transaction has committed (rows of an
    open transaction are not sampled by other sessions' planners anyway).
    """
    connection = connections[using]
    started = time.perf_counter()
    names = [connection.ops.quote_name(t) for t in tables] if tables is not None else None
    if names == []:
        return 0.0
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
            for statement in [f"ANALYZE {n}" for n in names] if names else ["ANALYZE"]:
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join(names)}" if names else "ANALYZE")
    return time.perf_counter() - started


def analyse_after_migrate(sender, *, using: str = DEFAULT_DB_ALIAS, plan=None, **kwargs) -> None:
    """post_migrate receiver: ANALYZE once per `migrate` run, after the last app's signal.

    Django sends post_migrate once per app; this acts only on the last one, so the data the
    other apps' receivers add (permissions, content types, triggers) is counted. `flush`
    (a test database between tests) sends it with no plan: nothing to analyse then.
    """
    from django.apps import apps

    if plan is None:
        return
    last = [a for a in apps.get_app_configs() if a.models_module is not None][-1]
    if sender is not last:
        return
    analyse(using=using)
