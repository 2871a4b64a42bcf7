"""Can the PostgreSQL server in a DATABASE_URL be reached? Used by `make test-postgres`.

Connects to the server's `postgres` database (the test database does not exist yet: pytest-django
creates it), and checks that the user may create databases. Exit 0 when it can; otherwise exit 1
and print the reason on stdout, so the Makefile can say why it skipped or failed.
"""

from __future__ import annotations

import sys


def check(url: str) -> str | None:
    """Return None when the server is usable for tests, else a one-line reason."""
    try:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict, make_conninfo
    except ImportError as exc:  # the venv is broken; say so rather than skip quietly
        return f"psycopg is not installed ({exc})"
    try:
        params = conninfo_to_dict(url.replace("postgres://", "postgresql://", 1))
    except psycopg.ProgrammingError as exc:
        return f"DATABASE_URL is not a valid PostgreSQL URL ({exc})"
    params["dbname"] = "postgres"
    params.setdefault("connect_timeout", 3)
    where = f"{params.get('host', 'local socket')}:{params.get('port', 5432)}"
    try:
        with psycopg.connect(make_conninfo(**params)) as conn:
            row = conn.execute(
                "SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
            version = conn.info.server_version
    except psycopg.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"cannot connect to PostgreSQL at {where} ({first_line})"
    if version < 150000:
        return f"PostgreSQL at {where} is version {version // 10000}; Family Workbook needs 15+"
    if not row or not row[0]:
        return f"the PostgreSQL user at {where} may not create databases (pytest needs CREATEDB)"
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: check_postgres.py postgres://user@host:port/dbname")
        return 2
    reason = check(argv[1])
    if reason:
        print(reason)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
