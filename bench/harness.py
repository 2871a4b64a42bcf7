"""What the page benchmarks share: their databases and their percentiles."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def database_url(kind: str, name: str, *, fresh: bool = False) -> str:
    """A benchmark database called `name`: var/bench/<name>.sqlite3, or PostgreSQL
    fwb_<name> on BENCH_POSTGRES_URL's server (created if missing). `fresh` starts it empty."""
    if kind == "sqlite":
        path = ROOT / "var" / "bench" / f"{name}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    database = f"fwb_{name}"
    base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')
    return f"{base}/{database}"


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def open_county(kind: str, name: str, *, families: int, seed: int) -> None:
    """Point Django at benchmark database `name`, migrate it, and seed a demo county of
    `families` families if it holds none."""
    import time

    os.environ["DATABASE_URL"] = database_url(kind, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("FWB_ALLOW_INSECURE_KEY", "true")
    os.environ.setdefault("FWB_SECURE_COOKIES", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from familyworkbook.people.models import Family

    print(f"database: {kind} ({connection.vendor}); families wanted: {families:,}")
    call_command("migrate", verbosity=0)
    if not Family.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", families=families, seed=seed)
        print(f"seeded in {time.perf_counter() - started:.1f} s")
