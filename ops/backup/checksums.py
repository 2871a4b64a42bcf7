"""Row counts and checksums of every table, to compare a restored database with its source.

    python ops/backup/checksums.py postgres://…/familyworkbook > source.json
    python ops/backup/checksums.py postgres://…/restored --compare source.json

For each table in the public schema: the number of rows and the MD5 of all its rows as
text, in a fixed order (each row's text form, sorted), so two databases holding the same
rows give the same checksum whatever their physical order. `--compare` prints every table
whose count or checksum differs and exits 1 if any does. Read-only. Needs psycopg only, so
it runs anywhere the database can be reached.
"""

from __future__ import annotations

import argparse
import json
import sys

import psycopg
from psycopg import sql


def table_sums(url: str, *, skip: frozenset[str] = frozenset()) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            for table in tables:
                if table in skip:
                    continue
                count, digest = conn.execute(
                    sql.SQL(
                        "SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') "
                        "FROM {} AS t"
                    ).format(sql.Identifier(table))
                ).fetchone()
                out[table] = {"rows": count, "md5": digest}
    return out


def differences(a: dict, b: dict) -> list[str]:
    found = []
    for table in sorted(set(a) | set(b)):
        if table not in a or table not in b:
            found.append(f"{table}: only in {'the restore' if table in b else 'the source'}")
        elif a[table] != b[table]:
            found.append(
                f"{table}: source {a[table]['rows']} rows {a[table]['md5'][:8]}, "
                f"restore {b[table]['rows']} rows {b[table]['md5'][:8]}"
            )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--compare", help="a JSON file this script wrote for the source")
    parser.add_argument("--skip", action="append", default=[], help="a table to leave out")
    args = parser.parse_args()
    sums = table_sums(args.url, skip=frozenset(args.skip))
    if not args.compare:
        json.dump(sums, sys.stdout, indent=1, sort_keys=True)
        print()
        return 0
    with open(args.compare) as f:
        source = json.load(f)
    diff = differences(source, sums)
    for line in diff:
        print(line)
    rows = sum(t["rows"] for t in sums.values())
    print(
        f"{len(sums)} tables, {rows:,} rows: {'all match' if not diff else f'{len(diff)} differ'}"
    )
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
